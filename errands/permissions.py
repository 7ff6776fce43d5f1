"""Rows of the role × action table for 代办服务 (see core.permissions.declare)."""

from core.choices import Role as R
from core.permissions import CS_DESK, LEADS, declare

declare(
    {
        "errands.view": {R.MANAGER} | CS_DESK,
        # Tickets, errands, laundry intake and pick-up, phone log: the desk (R-ERR-02, R-LAUN-01, R-TEL-09).
        "errands.write": LEADS | CS_DESK,
        # R-LAUN-06/09: the 客服主管 signs the laundry rounds with the 洗衣房 staff.
        "errands.laundry_round": {R.CS_SUPERVISOR},
        # R-CASH-07: petty cash is used (registered) by the 管理员 ...
        "errands.cash_use": {R.CS_ADMIN},
        # ... approved and managed by the 客服主管 (R-CASH-03/06/07).
        "errands.cash_approve": {R.CS_SUPERVISOR},
        "errands.cash_view": {R.MANAGER, R.CS_SUPERVISOR, R.CS_ADMIN, R.FINANCE},
        # R-CASH-06: the 管理处 tops the fund up.
        "errands.cash_topup": {R.MANAGER, R.FINANCE},
    }
)


# 规则参数 (core.rule_settings): the values the seed leaves open; defaults are the constants in rules.py.
def _declare_settings():
    from django.utils.translation import gettext_lazy as _

    from core import rule_settings as rs

    from . import rules

    rs.declare(
        "errands.phone_callback_within",
        label=_("来电覆电时限"),
        unit=rs.MINUTES,
        default=rules.PHONE_CALLBACK_WITHIN,
        rule="R-TEL-04",
        min=5,
        max=2880,
        help=_("免打扰时段内到期的顺延到免打扰结束"),
    )


_declare_settings()
