"""The repair workflow (《工程维修单》), registered with the request engine.

    已报修 ─notify→ 已通知工程部(待接单) ─collect→ 已接单 ─arrive→ 已到场 ─complete→ 已完工(待确认) ─confirm→ 已确认完成
                       │ (emergency: arrive directly, R-REP-25)      ↕ hold / resume (暂停: 缺料/业户不在, clock paused)
    reopen (a callback found the resident 不满意): 已完工/已确认完成 → 已通知工程部, the counter goes up.
    cancel: 已报修/待接单 → 已撤销 (e.g. R-REP-22: routine clubhouse work is not a repair).

Steps that need the order's own data (signatures, times, reasons) are `generic=False`: repairs.services
collects the data and moves the request; reopen and cancel are plain buttons on the request page.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from servicedesk.choices import RequestKind
from servicedesk.engine import Transition, Workflow, register

from .choices import RepairScope
from .choices import RepairStatus as S


def _collect_first_unless_emergency(req, actor, data):
    """R-REP-08: the collector signs for the order before going; an emergency skips the paper (R-REP-25)."""
    if req.status == S.DISPATCHED and not req.is_emergency:
        raise DomainError(_("工程部须先到客服部接单签字。(Engineering must sign for the order first.)"))


def _after_cancel(req, actor, data):
    from . import services

    services.stop_all_clocks(req)


def _after_reopen(req, actor, data):
    from . import services

    services.after_reopen(req, actor)


REPAIR_FLOW = register(
    Workflow(
        kind=RequestKind.REPAIR,
        states=S,
        initial=S.REPORTED,
        closed={S.CONFIRMED, S.CANCELLED},
        categories=RepairScope,
        transitions=[
            Transition(
                "notify",
                {S.REPORTED},
                S.DISPATCHED,
                action="repairs.dispatch",
                label=gettext_lazy("通知工程部取单"),
                generic=False,
            ),
            Transition(
                "collect",
                {S.DISPATCHED},
                S.COLLECTED,
                action="repairs.work",
                label=gettext_lazy("工程部接单签字"),
                generic=False,
            ),
            Transition(
                "arrive",
                {S.DISPATCHED, S.COLLECTED, S.ON_HOLD},
                S.ARRIVED,
                action="repairs.work",
                label=gettext_lazy("到场"),
                guards=[_collect_first_unless_emergency],
                generic=False,
            ),
            Transition(
                "hold",
                {S.COLLECTED, S.ARRIVED},
                S.ON_HOLD,
                action="repairs.dispatch",
                label=gettext_lazy("暂停(缺料/业户不在)"),
                generic=False,
            ),
            Transition(
                "resume",
                {S.ON_HOLD},
                S.COLLECTED,
                action="repairs.work",
                label=gettext_lazy("恢复维修"),
                generic=False,
            ),
            Transition(
                "complete",
                {S.ARRIVED},
                S.COMPLETED,
                action="repairs.work",
                label=gettext_lazy("完工签字"),
                generic=False,
            ),
            Transition(
                "confirm",
                {S.COMPLETED},
                S.CONFIRMED,
                action="repairs.dispatch",
                label=gettext_lazy("客服确认完成"),
                generic=False,
            ),
            Transition(
                "cancel",
                {S.REPORTED, S.DISPATCHED},
                S.CANCELLED,
                action="repairs.dispatch",
                label=gettext_lazy("撤销"),
                reason_required=True,
                after=[_after_cancel],
            ),
            Transition(
                "reopen",
                {S.COMPLETED, S.CONFIRMED},
                S.DISPATCHED,
                action="request.supervise",
                label=gettext_lazy("重新打开"),
                reason_required=True,
                reopens=True,
                after=[_after_reopen],
            ),
        ],
    )
)
