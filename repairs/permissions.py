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


# 规则参数 (core.rule_settings): the values the seed leaves open; defaults are the constants in services.py.
def _declare_settings():
    from django.utils.translation import gettext_lazy as _

    from core import rule_settings as rs

    from . import services as s

    office = _("按办公时间计(午休、节假日不计)")
    rs.declare(
        "repairs.complete_within",
        label=_("维修完成时限"),
        unit=rs.HOURS,
        default=s.COMPLETE_WITHIN_BUSINESS,
        rule="R-REP-10",
        min=1,
        max=240,
        help=office,
    )
    rs.declare(
        "repairs.confirm_within",
        label=_("完工后客服与业户确认时限"),
        unit=rs.HOURS,
        default=s.CONFIRM_WITHIN_BUSINESS,
        rule="R-REP-11",
        min=1,
        max=72,
        help=office,
    )
    rs.declare(
        "repairs.parts_follow_up",
        label=_("暂停(缺料)报修跟进间隔"),
        unit=rs.HOURS,
        default=s.PARTS_FOLLOW_UP_BUSINESS,
        rule="R-REP-12",
        min=1,
        max=72,
        help=office,
    )
    rs.declare(
        "repairs.remind_lead",
        label=_("约定时间前提醒工程部"),
        unit=rs.MINUTES,
        default=s.REMIND_LEAD,
        rule="R-REP-13",
        min=5,
        max=1440,
    )
    rs.declare(
        "repairs.accident_report_within",
        label=_("《事故报告》提交时限"),
        unit=rs.HOURS,
        default=s.ACCIDENT_REPORT_WITHIN_BUSINESS,
        rule="R-REP-28",
        min=1,
        max=72,
        help=office,
    )


_declare_settings()
