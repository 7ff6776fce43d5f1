"""The help-request workflow (求助): received → handling (⇄ escalated) → helped | unsatisfiable; reopen.

- received: the quick-response clock runs (R-HELP-03); the first response (any step ticked, "响应处理",
  an escalation or a close) stops it.
- escalated: staff could not solve it, or it is a matter of principle, and asked the supervisor
  (R-HELP-03, R-HELP-10, R-HELP-13); the supervisor's reply ("主管答复") brings it back to handling.
- helped: the resident was helped; the category's required checklist steps are done, a matter of principle
  has the supervisor's reply, a paid help has its fee, an incident is handled. Announces completion
  (callbacks by CS, R-CB-15/16).
- unsatisfiable: could not be met — only with a recorded referral (R-HELP-05).
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import notify
from core.choices import Role
from core.errors import DomainError
from servicedesk import services as sd
from servicedesk.choices import RequestKind
from servicedesk.engine import Transition, Workflow, announce_completed, register

from . import checklists
from .choices import HelpCategory, HelpStatus, IncidentStatus

S = HelpStatus
QUICK_RESPONSE_CLOCK = "first_response"
PROMISED_ANSWER_CLOCK = "answer"


def _help(req):
    from .models import HelpRequest

    return HelpRequest.objects.select_for_update().get(pk=req.pk)


def mark_first_response(req, actor, data=None):
    """R-HELP-03: the first response stops the quick-response clock (once)."""
    from .models import HelpRequest

    n = HelpRequest.objects.filter(pk=req.pk, first_response_at__isnull=True).update(
        first_response_at=timezone.now(), first_response_by=actor
    )
    if n:
        sd.clock_stop(req, kind=QUICK_RESPONSE_CLOCK)


def _notify_supervisor(req, actor, data):
    notify.notify_roles(
        req.property,
        {Role.CS_SUPERVISOR},
        title=f"求助请示:{req.number} {req.title}",
        link=req.get_absolute_url(),
        level="warning",
    )


def _checklist_complete(req, actor, data):
    h = _help(req)
    done = {s.key: s for s in h.steps.all()}
    missing = checklists.missing_required(h.category, done)
    if missing:
        raise DomainError(
            _("请先完成处理步骤:%(steps)s。(Complete the checklist first.)")
            % {"steps": "、".join(str(s.label) for s in missing)}
        )


def _principle_cleared(req, actor, data):
    """R-HELP-13: no definite answer on a matter of principle before the supervisor's coordination."""
    h = _help(req)
    if h.is_principle and not h.supervisor_reply:
        raise DomainError(
            _(
                "原则性问题须先请示主管,协调后再答复。(A matter of principle needs the supervisor's reply first.)"
            )
        )


def _fee_recorded(req, actor, data):
    """R-HELP-16: a paid help is closed with its fee recorded."""
    h = _help(req)
    if h.is_paid and h.fee is None:
        raise DomainError(_("有偿服务须先登记收费。(Record the fee of the paid service first.)"), field="fee")


def _incident_handled(req, actor, data):
    h = _help(req)
    if h.incidents.filter(status=IncidentStatus.OPEN).exists():
        raise DomainError(_("突发事件尚未处置完毕。(The incident has not been handled yet.)"))


def _referral_recorded(req, actor, data):
    """R-HELP-05: never close as not satisfiable without having helped the resident reach someone."""
    h = _help(req)
    if not h.referrals.exists():
        raise DomainError(
            _(
                "严禁推诿:须先登记已协助联系的部门或单位。(Record a referral before closing as not satisfiable.)"
            ),
            field="referral",
        )


def _stop_answer_clock(req, actor, data):
    sd.clock_stop(req, kind=PROMISED_ANSWER_CLOCK)


def _stop_quick_clock(req, actor, data):
    sd.clock_stop(req, kind=QUICK_RESPONSE_CLOCK)


def _announce(req, actor, data):
    announce_completed(req, actor)  # R-CB-15/16: 求助服务 is called back by 客服


HELP_FLOW = register(
    Workflow(
        kind=RequestKind.HELP,
        states=HelpStatus,
        initial=S.RECEIVED,
        closed={S.HELPED, S.UNSATISFIABLE},
        categories=HelpCategory,
        transitions=[
            Transition(
                "respond",
                {S.RECEIVED},
                S.HANDLING,
                action="assistance.handle",
                label=gettext_lazy("响应处理"),
                after=[mark_first_response],
            ),
            Transition(
                "escalate",
                {S.RECEIVED, S.HANDLING},
                S.ESCALATED,
                action="assistance.handle",
                label=gettext_lazy("请示主管"),
                reason_required=True,
                after=[mark_first_response, _notify_supervisor],
            ),
            Transition(
                "instruct",
                {S.ESCALATED},
                S.HANDLING,
                action="request.supervise",
                label=gettext_lazy("主管答复"),
                reason_required=True,
                generic=False,
            ),
            Transition(
                "resolve",
                {S.HANDLING},
                S.HELPED,
                action="assistance.handle",
                label=gettext_lazy("办结(已帮助住户)"),
                reason_required=True,
                guards=[_checklist_complete, _principle_cleared, _fee_recorded, _incident_handled],
                after=[_stop_quick_clock, _stop_answer_clock, _announce],
                generic=False,
            ),
            Transition(
                "close_unsatisfiable",
                {S.RECEIVED, S.HANDLING, S.ESCALATED},
                S.UNSATISFIABLE,
                action="assistance.handle",
                label=gettext_lazy("无法满足,已协助联系"),
                reason_required=True,
                guards=[_referral_recorded],
                after=[mark_first_response, _stop_answer_clock],
                generic=False,
            ),
            Transition(
                "reopen",
                {S.HELPED, S.UNSATISFIABLE},
                S.HANDLING,
                action="request.supervise",
                label=gettext_lazy("重新打开"),
                reason_required=True,
                reopens=True,
            ),
        ],
    )
)
