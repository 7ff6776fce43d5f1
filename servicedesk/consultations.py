"""Consultations (咨询, R-HELP-09..13): the simplest kind of the engine, kept in the engine's own app.

received → (escalated to the supervisor) → answered → closed; a promised later answer is a clock.
"""

from datetime import datetime

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.choices import Role
from core.errors import DomainError
from core.permissions import roles_of

from . import services
from .choices import Channel, ConsultationCategory, RequestKind
from .engine import Transition, Workflow, register


class ConsultationStatus(models.TextChoices):
    RECEIVED = "received", gettext_lazy("已受理")
    ESCALATED = "escalated", gettext_lazy("已请示主管")
    ANSWERED = "answered", gettext_lazy("已答复")
    CLOSED = "closed", gettext_lazy("已关闭")


def _written_needs_lead(req, actor, data):
    """R-HELP-09: a written enquiry is answered in writing by the supervisor (or the manager)."""
    if req.channel == Channel.WRITTEN and not roles_of(actor, req.property_id) & {
        Role.CS_SUPERVISOR,
        Role.MANAGER,
    }:
        raise DomainError(
            _("书面咨询须由客服主管或经理书面答复。(A written enquiry is answered by the supervisor.)")
        )


def _stop_answer_clock(req, actor, data):
    services.clock_stop(req, kind="answer")


S = ConsultationStatus
CONSULTATION_FLOW = register(
    Workflow(
        kind=RequestKind.CONSULTATION,
        states=ConsultationStatus,
        initial=S.RECEIVED,
        closed={S.CLOSED},
        categories=ConsultationCategory,
        transitions=[
            # R-HELP-10/13: what staff cannot answer (or a matter of principle) goes to the supervisor first.
            Transition(
                "escalate",
                {S.RECEIVED},
                S.ESCALATED,
                action="request.note",
                label=gettext_lazy("请示主管"),
                reason_required=True,
            ),
            Transition(
                "answer",
                {S.RECEIVED, S.ESCALATED},
                S.ANSWERED,
                action="request.note",
                label=gettext_lazy("答复"),
                reason_required=True,
                guards=[_written_needs_lead],
                after=[_stop_answer_clock],
            ),
            Transition("close", {S.ANSWERED}, S.CLOSED, action="request.note", label=gettext_lazy("关闭")),
            Transition(
                "reopen",
                {S.ANSWERED, S.CLOSED},
                S.RECEIVED,
                action="request.supervise",
                label=gettext_lazy("重新打开"),
                reason_required=True,
                reopens=True,
            ),
        ],
    )
)


@transaction.atomic
def consultation_create(
    *,
    actor,
    prop,
    channel,
    question: str,
    reporter_name: str,
    contact_phone: str = "",
    reporter=None,
    unit=None,
    confidential: bool = False,
    received_at: datetime | None = None,
):
    """R-HELP-11: an enquiry touching company secrets is marked confidential."""
    return services.request_create(
        actor=actor,
        prop=prop,
        kind=RequestKind.CONSULTATION,
        channel=channel,
        title=question[:60],
        description=question,
        reporter_name=reporter_name,
        contact_phone=contact_phone,
        reporter=reporter,
        unit=unit,
        category=ConsultationCategory.CONFIDENTIAL if confidential else "",
        received_at=received_at,
    )


@transaction.atomic
def consultation_promise_answer(*, actor, request, answer_by: datetime, note: str = ""):
    """R-HELP-12: a promised later answer is a follow-up with a due time, kept as promised."""
    if answer_by <= timezone.now():
        raise DomainError(
            _("答复时间须晚于现在。(The promised time must be in the future.)"), field="answer_by"
        )
    services.request_note(actor=actor, request=request, text=note or _("已致歉,承诺稍后答复"), kind="reply")
    return services.clock_start(
        request, kind="answer", label=_("承诺答复"), duration=answer_by - timezone.now(), responsible=actor
    )
