"""Rows of the role × action table for 投诉 (see core.permissions.declare)."""

from core.choices import Role
from core.permissions import CS_DESK, CS_OFFICE, LEADS, declare

R = Role

declare(
    {
        # The complaint list and record; other departments follow theirs on the shared request page.
        "complaints.view": CS_DESK | {R.MANAGER, R.ENG_SUPERVISOR, R.SEC_SUPERVISOR},
        # R-CMP-02: the front desk accepts every complaint, justified or not.
        "complaints.create": CS_DESK | {R.MANAGER},
        # R-CMP-12/14: staff judge 成立/不成立 and name the 责任部门 (severity: LEADS, R-CMP-11).
        "complaints.judge": CS_OFFICE | {R.MANAGER},
        # R-CMP-15/23: the departments concerned propose and handle; CS follows and urges.
        "complaints.handle": CS_DESK | {R.MANAGER, R.ENG_SUPERVISOR, R.SEC_SUPERVISOR},
        # R-CMP-15/20/11: 批示, approval of a written reply, 投诉级别.
        "complaints.instruct": LEADS,
        # R-CMP-24/13: replies to the complainant.
        "complaints.reply": CS_DESK | {R.MANAGER},
        # R-CMP-32/38: filing.
        "complaints.archive": CS_OFFICE | {R.MANAGER},
        # R-CMP-34/35/37, R-RPT-03: the supervisor and the clerk compile the statistics.
        "complaints.report": LEADS | {R.CS_ADMIN, R.CLERK},
    }
)


# 规则参数 (core.rule_settings): the values the seed leaves open; defaults are the constants in services.py
# and selectors.py.
def _declare_settings():
    from datetime import timedelta

    from django.utils.translation import gettext_lazy as _

    from core import rule_settings as rs

    from . import selectors, services

    rs.declare(
        "complaints.instruction_within",
        label=_("主管批示时限"),
        unit=rs.HOURS,
        default=timedelta(hours=services.INSTRUCTION_WITHIN_HOURS),
        rule="R-CMP-15",
        min=1,
        max=72,
        help=_("按办公时间计(午休、节假日不计)"),
    )
    rs.declare(
        "complaints.repeat_window",
        label=_("突出投诉:同一房间重复投诉的统计天数"),
        unit=rs.DAYS,
        default=timedelta(days=selectors.REPEAT_WINDOW_DAYS),
        rule="R-CMP-34",
        min=1,
        max=365,
    )


_declare_settings()
