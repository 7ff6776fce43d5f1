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


# 规则参数 (core.rule_settings): the values the seed leaves open; defaults are the constants in selectors.py.
def _declare_settings():
    from datetime import timedelta

    from django.utils.translation import gettext_lazy as _

    from core import rule_settings as rs

    from . import selectors

    rs.declare(
        "parcels.long_held",
        label=_("信件久未领取(电话催领)"),
        unit=rs.DAYS,
        default=timedelta(days=selectors.LONG_HELD_DAYS),
        rule="R-LET-09",
        min=1,
        max=90,
    )


_declare_settings()
