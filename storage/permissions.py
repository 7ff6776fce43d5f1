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


# 规则参数 (core.rule_settings): the values the seed leaves open; defaults are the constants in services.py.
def _declare_settings():
    from django.utils.translation import gettext_lazy as _

    from core import rule_settings as rs

    from . import services as s

    rs.declare(
        "storage.hold_chase_after",
        label=_("暂存物品超过领取时间多久提醒联系"),
        unit=rs.DAYS,
        default=s.HOLD_CHASE_AFTER,
        rule="R-HOLD-13",
        min=0,
        max=90,
    )
    rs.declare(
        "storage.hold_chase_interval",
        label=_("暂存物品重复提醒间隔"),
        unit=rs.DAYS,
        default=s.HOLD_CHASE_INTERVAL,
        rule="R-HOLD-13",
        min=1,
        max=30,
    )
    rs.declare(
        "storage.found_report_grace",
        label=_("拾获物品上交时限"),
        unit=rs.HOURS,
        default=s.FOUND_REPORT_GRACE,
        rule="R-INC-15",
        min=1,
        max=72,
        help=_("超过此时长才上交的,提醒客服主管"),
    )
    rs.declare(
        "storage.found_high_value_above",
        label=_("贵重拾获物品价值标准(高于)"),
        unit=rs.DECIMAL,
        default=s.FOUND_HIGH_VALUE_ABOVE,
        rule="R-INC-18",
        min=0,
        max=1000000,
        suffix=_("元"),
        help=_("高于此价值存入保险箱并立即上报;保管期限仍按 100 元划分(R-INC-21)"),
    )


_declare_settings()
