"""Rows of the role × action table for 信件与快件 (see core.permissions.declare)."""

from core.choices import Role
from core.permissions import CS_DESK, LEADS, declare

declare(
    {
        # R-LET-01 / R-EXP-02: the front-desk reception receives, sorts and distributes mail; the 客服主管
        # supervises (R-EXP-14) and the 管理处经理 reads the registers.
        "parcels.view": CS_DESK | {Role.MANAGER},
        "parcels.receive": CS_DESK,
        # Notify, release, return, slips, letters' delivery, counts at handover.
        "parcels.handle": CS_DESK,
        # R-SLIP-11: the 值班经理 reviews completed slips and the 客服主管 binds them.
        "parcels.review": LEADS,
    }
)
