"""The complaint workflow (R-CMP-32), registered with the request engine.

    受理 received ─judge_valid→ 调查 investigating ─submit_proposals→ 方案待批示 awaiting_instruction
        ─instruct (批示)→ 已批示 instructed ─start_handling→ 处理中 handling ─complete→ 已处理 handled
        ─reply_result→ 已回复结果 replied ─callback_done→ 已回访 called_back ─archive→ 已归档 archived
    受理 received ─judge_invalid→ 不成立待答复 not_upheld ─answer_invalid→ 已婉转答复 answered
        ─close_invalid (谅解已记录)→ 已关闭 closed
    reopen (业户不满意): handled / replied / called_back → investigating (a new 批示 is needed);
    rejudge: answered → received (the complainant does not accept the 不成立 answer).

Steps that carry their own form data are generic=False: they are offered by the complaint panel and
the /api/v1/complaints/ endpoints, whose services validate the fields then call the engine.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import deadlines
from core.errors import DomainError
from servicedesk.choices import Channel, RequestKind, Satisfaction
from servicedesk.engine import Transition, Workflow, announce_completed, register

from .choices import BasicType, Step
from .choices import ComplaintStatus as S

CLOCK_SAME_DAY = "reply_same_day"  # R-CMP-24
CLOCK_INVESTIGATE = "investigate"  # R-CMP-14
CLOCK_MONTH = "resolve_month"  # R-CMP-10 (3)
CLOCK_NEXT_REPLY = "next_reply"  # R-CMP-28
CLOCK_INSTRUCTION = "instruction"  # R-CMP-15


def _complaint(req):
    from .models import Complaint

    return Complaint.objects.select_related("instructed_proposal").get(pk=req.pk)


# --- guards ----------------------------------------------------------------------------------------


def needs_proposal(req, actor, data):
    """R-CMP-15: the departments propose one or more solutions before the 主管领导 reviews them."""
    if not _complaint(req).proposals.exists():
        raise DomainError(_("请先拟定至少一个解决方案。(Draft at least one handling proposal first.)"))


def needs_instruction(req, actor, data):
    """R-CMP-15: handling may not start until a supervisor-level 批示 is recorded.
    R-CMP-22: a paid engineering repair needs the owner's consent and the charge standard first."""
    c = _complaint(req)
    p = c.instructed_proposal
    if p is None or not p.instructed_at or not p.instruction:
        raise DomainError(_("尚无主管批示,不能开始处理。(No supervisor instruction yet.)"))
    if c.is_engineering and c.is_paid and not (c.pay_consent and c.charge_standard):
        raise DomainError(
            _("有偿维修须先告知收费标准并取得业户同意付费。(Paid repair: state the charge and get consent.)")
        )


def callback_acceptable(req, actor, data):
    """A callback that found the resident 不满意 reopens the complaint instead (R-CB-20)."""
    if req.satisfaction == Satisfaction.UNSATISFIED:
        raise DomainError(
            _("回访结果为不满意,请重新打开投诉。(The callback was unsatisfied: reopen the complaint.)")
        )


def archive_ready(req, actor, data):
    """R-CMP-26: an apology letter for the office's own fault; R-CMP-27: 五清楚一报告 complete."""
    c = _complaint(req)
    if c.internal_fault and not c.apology_issued_at:
        raise DomainError(
            _("责任在我方:归档前须以管理中心名义发出道歉信。(Issue the apology letter before archiving.)")
        )
    missing = missing_steps(c)
    if missing:
        raise DomainError(
            _("五清楚一报告未完成:%(steps)s。(The five-clear checklist is incomplete.)")
            % {"steps": "、".join(str(Step(s).label) for s in missing)}
        )


def missing_steps(c) -> list[str]:
    """Steps of R-CMP-27 still open. They bind phone and in-person complaints; 报告 only serious/major."""
    if c.request.channel not in (Channel.PHONE, Channel.VISIT):
        return []
    needed = [Step.HEAR, Step.ASK, Step.RECORD, Step.FOLLOW, Step.REPLY]
    if c.is_serious or c.severity == "major":
        needed.append(Step.REPORT)
    return [s.value for s in needed if s.value not in c.checklist]


# --- after-hooks -------------------------------------------------------------------------------------


def on_completed(req, actor, data):
    """已处理: the investigation and one-month clocks are met; 跟清楚; callbacks are scheduled."""
    from .services import tick

    now = timezone.now()
    for kind in (CLOCK_INVESTIGATE, CLOCK_MONTH):
        deadlines.clock_stop(req, kind=kind, now=now)
    c = _complaint(req)
    c.handled_at = now
    c.save(update_fields=["handled_at"])
    tick(c, Step.FOLLOW, actor)
    announce_completed(req, actor)


def on_reopened(req, actor, data):
    """业户不满意: a new handling needs a new 批示; 跟清楚/复清楚 start over; the month clock runs again."""
    from .services import restart_month_clock

    c = _complaint(req)
    c.instructed_proposal = None
    c.handled_at = None
    c.checklist = {k: v for k, v in c.checklist.items() if k not in (Step.FOLLOW, Step.REPLY)}
    c.save(update_fields=["instructed_proposal", "handled_at", "checklist"])
    c.proposals.update(chosen=False)
    restart_month_clock(c, reopened=True)


def on_finished(req, actor, data):
    """Archived / closed: no clock keeps running."""
    for kind in (CLOCK_NEXT_REPLY, CLOCK_INVESTIGATE, CLOCK_MONTH, CLOCK_INSTRUCTION):
        deadlines.clock_stop(req, kind=kind)


def on_submitted(req, actor, data):
    from .services import start_instruction_clock

    start_instruction_clock(req)


COMPLAINT_FLOW = register(
    Workflow(
        kind=RequestKind.COMPLAINT,
        states=S,
        initial=S.RECEIVED,
        closed={S.ARCHIVED, S.CLOSED},
        categories=BasicType,
        transitions=[
            Transition(
                "judge_valid",
                {S.RECEIVED},
                S.INVESTIGATING,
                action="complaints.judge",
                label=gettext_lazy("判定成立"),
                reason_required=True,
                generic=False,
            ),
            Transition(
                "judge_invalid",
                {S.RECEIVED},
                S.NOT_UPHELD,
                action="complaints.judge",
                label=gettext_lazy("判定不成立"),
                reason_required=True,
                generic=False,
            ),
            Transition(
                "submit_proposals",
                {S.INVESTIGATING},
                S.AWAITING_INSTRUCTION,
                action="complaints.handle",
                label=gettext_lazy("提交方案待批示"),
                guards=[needs_proposal],
                after=[on_submitted],
            ),
            Transition(
                "return_proposals",
                {S.AWAITING_INSTRUCTION},
                S.INVESTIGATING,
                action="complaints.instruct",
                label=gettext_lazy("退回重拟方案"),
                reason_required=True,
            ),
            Transition(
                "instruct",
                {S.AWAITING_INSTRUCTION},
                S.INSTRUCTED,
                action="complaints.instruct",
                label=gettext_lazy("批示"),
                generic=False,
            ),
            Transition(
                "start_handling",
                {S.INSTRUCTED},
                S.HANDLING,
                action="complaints.handle",
                label=gettext_lazy("开始处理"),
                guards=[needs_instruction],
            ),
            Transition(
                "complete",
                {S.HANDLING},
                S.HANDLED,
                action="complaints.handle",
                label=gettext_lazy("处理完成"),
                generic=False,
                after=[on_completed],
            ),
            Transition(
                "reply_result",
                {S.HANDLED},
                S.REPLIED,
                action="complaints.reply",
                label=gettext_lazy("回复处理结果"),
                generic=False,
            ),
            Transition(
                "callback_done",
                {S.REPLIED},
                S.CALLED_BACK,
                action="complaints.reply",
                label=gettext_lazy("回访完成"),
                reason_required=True,
                guards=[callback_acceptable],
            ),
            Transition(
                "archive",
                {S.CALLED_BACK},
                S.ARCHIVED,
                action="complaints.archive",
                label=gettext_lazy("归档"),
                guards=[archive_ready],
                after=[on_finished],
            ),
            Transition(
                "answer_invalid",
                {S.NOT_UPHELD},
                S.ANSWERED,
                action="complaints.reply",
                label=gettext_lazy("婉转答复"),
                generic=False,
            ),
            Transition(
                "close_invalid",
                {S.ANSWERED},
                S.CLOSED,
                action="complaints.reply",
                label=gettext_lazy("记录谅解并关闭"),
                generic=False,
                after=[on_finished],
            ),
            Transition(
                "rejudge",
                {S.ANSWERED},
                S.RECEIVED,
                action="request.supervise",
                label=gettext_lazy("业户不接受,重新判断"),
                reason_required=True,
                reopens=True,
            ),
            Transition(
                "reopen",
                {S.HANDLED, S.REPLIED, S.CALLED_BACK},
                S.INVESTIGATING,
                action="request.supervise",
                label=gettext_lazy("重新打开"),
                reason_required=True,
                reopens=True,
                after=[on_reopened],
            ),
        ],
    )
)
