"""Rows of the role × action table for 求助 (see core.permissions.declare)."""

from core.choices import Role
from core.permissions import CS_DESK, LEADS, declare

R = Role
SECURITY = {R.SEC_SUPERVISOR, R.GUARD}  # 保安部 takes part in first aid and incidents (R-HELP-07/08)

declare(
    {
        "assistance.view": {R.MANAGER} | CS_DESK | SECURITY,
        "assistance.create": {R.MANAGER} | CS_DESK | SECURITY,
        "assistance.handle": {R.MANAGER} | CS_DESK | SECURITY,  # tick steps, refer, promise, fee, close
        "assistance.register": {R.MANAGER} | CS_DESK,  # the 《住户求助登记表》 page and print
        "assistance.export": LEADS | {R.CS_ADMIN, R.CLERK},
        "assistance.archive": LEADS | {R.CS_ADMIN, R.CLERK},  # R-HELP-17: archive the year (文员 files)
        "assistance.dispose": {R.CS_SUPERVISOR},  # R-HELP-17: disposal after two years, by the supervisor
        "assistance.incident": {R.MANAGER} | CS_DESK | SECURITY,  # open and handle a 突发事件
        "assistance.incident.close": LEADS | {R.SEC_SUPERVISOR},
    }
)


# 规则参数 (core.rule_settings): the values the seed leaves open; defaults are the constants in services.py.
def _declare_settings():
    from django.utils.translation import gettext_lazy as _

    from core import rule_settings as rs

    from . import services as s

    rs.declare(
        "assistance.quick_response",
        label=_("求助快速响应时限"),
        unit=rs.MINUTES,
        default=s.QUICK_RESPONSE,
        rule="R-HELP-03",
        min=1,
        max=120,
    )


_declare_settings()
