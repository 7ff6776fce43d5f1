"""Rows of the role × action table for 寄存·暂存·失物 (see core.permissions.declare)."""

from core.choices import Role
from core.permissions import CS_DESK, declare

R = Role

declare(
    {
        # 寄存 (R-STOR) and 暂存 (R-HOLD): the front desk does the work (R-STOR-02); security reads the
        # register when it investigates a lost or misused ticket (R-STOR-19/20).
        "storage.view": {R.MANAGER, R.SEC_SUPERVISOR, R.GUARD} | CS_DESK,
        "storage.deposit": CS_DESK,
        "storage.release": CS_DESK,
        "storage.file": {R.CS_SUPERVISOR},  # R-STOR-17: the 客服主管 files the stapled ticket set
        "holding.write": CS_DESK,
        # 捡拾物品 (R-INC-15..21).
        "lostfound.view": {R.MANAGER, R.SEC_SUPERVISOR, R.GUARD} | CS_DESK,
        "lostfound.register": CS_DESK,  # R-INC-15: handed to the front desk or the 客服主管
        "lostfound.claim": {R.CS_SUPERVISOR},  # R-INC-20
        "lostfound.dispose": {R.CS_SUPERVISOR},  # R-INC-21
    }
)
