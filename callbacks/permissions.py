"""Rows of the role × action table for 回访 (see core.permissions.declare)."""

from core.choices import Role
from core.permissions import CS_DESK, CS_OFFICE, LEADS, declare

R = Role
DEPARTMENT_HEADS = {R.ENG_SUPERVISOR, R.SEC_SUPERVISOR}  # R-CB-16: general complaints, with 客服

declare(
    {
        "callback.view": {R.MANAGER} | CS_DESK | DEPARTMENT_HEADS,
        "callback.plan": LEADS | {R.CS_ADMIN},  # R-CB-10: schedule, assign callers, contracts, activities
        "callback.issue": CS_DESK,  # R-CB-17: 客服 hands out the 《回访记录表》
        "callback.record": {R.MANAGER} | CS_DESK | DEPARTMENT_HEADS,  # the caller fills in the result
        "callback.review": CS_OFFICE,  # R-CB-20: 客服 reviews and comments
        "callback.decide": LEADS,  # R-CB-20: the handling of a 不合格 callback, reopening the request
        "callback.analysis": LEADS | {R.CS_ADMIN, R.CLERK},  # R-CB-21, R-RPT-03
        "callback.report.review": {R.CS_SUPERVISOR},  # R-CB-21: reviewed in writing by the 客服主管
        "callback.export": LEADS | {R.CS_ADMIN, R.CLERK},
        "visit.view": {R.MANAGER} | CS_OFFICE | {R.CLERK},
        "visit.plan": {R.CS_ADMIN, R.CS_SUPERVISOR},  # R-CB-24
        "visit.record": {R.MANAGER} | CS_OFFICE,  # R-CB-24..28
        "visit.review": {R.CS_SUPERVISOR},  # R-CB-29
        "survey.view": {R.MANAGER} | CS_DESK,
        "survey.manage": LEADS | {R.CS_ADMIN, R.CLERK},  # R-CB-30
    }
)
