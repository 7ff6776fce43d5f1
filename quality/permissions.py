"""Rows of the role × action table for 不符合项 (see core.permissions.declare)."""

from core.choices import Role as R
from core.permissions import CS_DESK, declare

# R-ROLE-13: the 管理员 tracks, verifies and resolves non-conformities; R-ROLE-09: the 客服主管 finds them
# in the daily check; the 管理处经理 oversees. The front desk (whose work is checked) and the engineering
# and security supervisors (whose departments may be responsible) read them and record their corrections.
OFFICE = {R.MANAGER, R.CS_SUPERVISOR, R.CS_ADMIN}

declare(
    {
        "quality.view": {R.MANAGER, R.ENG_SUPERVISOR, R.SEC_SUPERVISOR} | CS_DESK,
        "quality.raise": OFFICE,  # also voids a wrong entry
        # Anyone here records a correction; the responsible person records their own (checked by the service).
        "quality.correct": OFFICE,
        "quality.verify": OFFICE,  # never the person who recorded the correction (services)
    }
)
