"""Rows of the role × action table for 访客登记 (see core.permissions.declare)."""

from core.choices import Role
from core.permissions import CS_DESK, LEADS, declare

declare(
    {
        # The register is read at the desk, by the office leads and by the gate (秩序维护部 checks visitors).
        "visitor.view": {Role.MANAGER} | CS_DESK | {Role.SEC_SUPERVISOR, Role.GUARD},
        # R-VIS-02/04/05/06: the front desk registers, confirms with the owner, extends, signs out.
        "visitor.register": CS_DESK,
        # R-VIS-08/09: owners' standing instructions are taken by the desk.
        "visitor.preauth": CS_DESK,
        # R-VIS-07: the desk may read an owner's contact fields (only) to reach them, every read logged.
        "visitor.contact_lookup": CS_DESK,
        "visitor.lookup_audit": LEADS,
        # R-VIS-10: keys left at the desk for a visitor.
        "visitor.key": CS_DESK,
        # R-VIS-11/13: spare-key entry against the signed 《确认函》.
        "visitor.sparekey": CS_DESK,
        # R-VIS-12: the 客服主管 explains to the visitor when the owner will not sign.
        "visitor.sparekey.decline": {Role.CS_SUPERVISOR},
    }
)


# 规则参数 (core.rule_settings): the values the seed leaves open; defaults are the constants in services.py.
def _declare_settings():
    from django.utils.translation import gettext_lazy as _

    from core import rule_settings as rs

    from . import services as s

    rs.declare(
        "visitors.default_visit",
        label=_("默认访问时间"),
        unit=rs.MINUTES,
        default=s.DEFAULT_VISIT,
        rule="R-VIS-02",
        min=10,
        max=1440,
        help=_("访客未说明访问时间时登记的时长"),
    )
    rs.declare(
        "visitors.max_visit",
        label=_("单次登记访问时间上限"),
        unit=rs.HOURS,
        default=s.MAX_VISIT,
        rule="R-VIS-02",
        min=1,
        max=72,
    )
    rs.declare(
        "visitors.max_preauth",
        label=_("业主预先交代最长有效期"),
        unit=rs.DAYS,
        default=s.MAX_PREAUTH,
        rule="R-VIS-08",
        min=1,
        max=366,
    )


_declare_settings()
