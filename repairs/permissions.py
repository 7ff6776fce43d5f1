"""Rows of the role × action table for 报修 (see core.permissions.declare)."""

from core.choices import Role
from core.permissions import CS_DESK, EVERYONE, LEADS, declare

R = Role
ENGINEERING = {R.ENG_SUPERVISOR, R.ENGINEER}
SECURITY = {R.SEC_SUPERVISOR, R.GUARD}

declare(
    {
        "repairs.view": EVERYONE,  # ledger, price list, unfinished record: every department follows repairs
        # R-REP-03/17/20: reports reach the 管理员, who records them and fills the work order.
        "repairs.create": CS_DESK | {R.MANAGER},
        # R-REP-05/11/12/13: the 管理员 notifies engineering, talks to the resident, confirms the result.
        "repairs.dispatch": CS_DESK | {R.MANAGER},
        # R-REP-07..10/19/21: engineering's steps (keyed by engineering or, from the signed paper, by CS).
        "repairs.work": ENGINEERING | CS_DESK | {R.MANAGER},
        # R-REP-14: the spare-key entry is recorded by CS or security (who hold the key box).
        "repairs.spare_key": CS_DESK | SECURITY | {R.MANAGER},
        # R-REP-15/16: prices told and confirmed on site; finance records the payment method too.
        "repairs.charge": ENGINEERING | CS_DESK | {R.MANAGER, R.FINANCE},
        # R-PAID-06: the fee schedule's prices are set by the office's leads.
        "repairs.price_list": LEADS,
        # R-REP-23/24: the daily return of the first copies.
        "repairs.return": CS_DESK | ENGINEERING | {R.MANAGER},
        # R-REP-28: the 《事故报告》 is read and acknowledged by the 客服主管.
        "repairs.accident_ack": LEADS,
    }
)
