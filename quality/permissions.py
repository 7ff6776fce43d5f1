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


# 规则参数 (core.rule_settings): the correction time the seed leaves open (R-ROLE-13 names no deadline); the
# default is services.CORRECT_WITHIN.
def _declare_settings():
    from django.utils.translation import gettext_lazy as _

    from core import rule_settings as rs

    from .services import CORRECT_WITHIN

    rs.declare(
        "quality.correct_within",
        label=_("不符合项默认整改期限"),
        unit=rs.DAYS,
        default=CORRECT_WITHIN,
        rule="R-ROLE-13",
        min=1,
        max=30,
        help=_("登记时建议的整改期限(到期日的 17:30);登记人可改。"),
    )


_declare_settings()
