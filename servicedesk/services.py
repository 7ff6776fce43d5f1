"""The request engine's writes, shared by every kind: create, transition, assign, note, photo, feedback,
clocks. Kind services (complaints/repairs/assistance) validate their own fields and call these."""

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import deadlines, notify
from core.attachments import attachment_add
from core.choices import HistoryAction
from core.errors import Conflict, DomainError, NotAllowed
from core.history import record, record_transition, snapshot
from core.models import Department, Location, Property, Unit, User
from core.numbering import next_number
from core.permissions import can, require

from .choices import NUMBER_PREFIX, Channel, EventKind, Priority, Satisfaction
from .engine import workflow_for
from .models import ServiceRequest, TimelineEvent


def add_event(
    request: ServiceRequest,
    *,
    actor,
    kind: str,
    text: str = "",
    from_status: str = "",
    to_status: str = "",
    data: dict | None = None,
    at: datetime | None = None,
) -> TimelineEvent:
    return TimelineEvent.objects.create(
        request=request,
        at=at or timezone.now(),
        actor=actor if actor and actor.is_authenticated else None,
        kind=kind,
        text=text,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
    )


def _check_place(prop: Property, unit: Unit | None, location: Location | None):
    if unit and unit.property_id != prop.pk:
        raise DomainError(_("房间不属于本项目。(The unit is not in this property.)"), field="unit")
    if location and location.property_id != prop.pk:
        raise DomainError(_("位置不属于本项目。(The location is not in this property.)"), field="location")


@transaction.atomic
def request_create(
    *,
    actor,
    prop: Property,
    kind: str,
    channel: str,
    title: str,
    description: str,
    reporter_name: str,
    contact_phone: str = "",
    reporter=None,
    unit: Unit | None = None,
    location: Location | None = None,
    location_detail: str = "",
    category: str = "",
    priority: str = Priority.NORMAL,
    is_emergency: bool = False,
    received_at: datetime | None = None,
    action: str = "request.create",
) -> ServiceRequest:
    """Register a request (受理). The kind's service passes its own permission `action`."""
    require(actor, action, prop.pk)
    flow = workflow_for(kind)
    if channel not in Channel.values:
        raise DomainError(_("请选择受理方式。(Choose the channel.)"), field="channel")
    if not (title or "").strip():
        raise DomainError(_("请填写事由。(The subject is required.)"), field="title")
    if not (description or "").strip():
        raise DomainError(_("请填写内容。(The description is required.)"), field="description")
    if not (reporter_name or "").strip():
        raise DomainError(_("请填写联系人。(The contact name is required.)"), field="reporter_name")
    _check_place(prop, unit, location)
    if reporter is not None and reporter.property_id != prop.pk:
        raise DomainError(_("业户不属于本项目。(The resident is not in this property.)"), field="reporter")
    now = timezone.now()
    req = ServiceRequest.objects.create(
        property=prop,
        kind=kind,
        number=next_number(prop, NUMBER_PREFIX[kind]),
        channel=channel,
        status=str(flow.initial),
        unit=unit,
        location=location,
        location_detail=location_detail,
        reporter=reporter,
        reporter_name=reporter_name.strip(),
        contact_phone=(contact_phone or "").strip(),
        title=title.strip(),
        description=description.strip(),
        category=category,
        priority=priority,
        is_emergency=is_emergency,
        created_by=actor,
        received_at=received_at or now,
    )
    add_event(req, actor=actor, kind=EventKind.CREATED, text=req.title, to_status=req.status, at=received_at)
    record(req, actor=actor, action=HistoryAction.CREATE)
    return req


def lock(request: ServiceRequest) -> ServiceRequest:
    """Re-read the row under a lock: two clerks acting on one request are serialised."""
    return ServiceRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def request_transition(
    *,
    actor,
    request: ServiceRequest,
    name: str,
    reason: str = "",
    data: dict | None = None,
    expected_status: str | None = None,
) -> ServiceRequest:
    """Move a request along its kind's workflow (see servicedesk.engine)."""
    data = data or {}
    flow = workflow_for(request.kind)
    t = flow.by_name.get(name)
    if t is None:
        raise DomainError(_("未知操作。(Unknown action.)"))
    req = lock(request)
    if expected_status is not None and req.status != expected_status:
        raise Conflict()
    if req.status not in t.sources:
        raise Conflict(
            _("当前状态为「%(state)s」,不能「%(action)s」。(Not allowed in the current state.)")
            % {"state": flow.label(req.status), "action": t.label}
        )
    if not can(actor, t.action, req.property_id):
        raise NotAllowed()
    if t.reason_required and not (reason or "").strip():
        raise DomainError(_("请填写原因。(A reason is required.)"), field="reason")
    data = {**data, "reason": reason}  # guards and hooks see the reason the clerk gave
    for guard in t.guards:
        guard(req, actor, data)
    old = req.status
    req.status = t.target
    fields = ["status", "updated_at"]
    if t.target in flow.closed:
        req.closed_at = timezone.now()
        fields.append("closed_at")
    elif req.closed_at and t.reopens:
        req.closed_at = None
        fields.append("closed_at")
    if t.reopens:
        req.reopen_count += 1
        fields.append("reopen_count")
    req.save(update_fields=fields)
    add_event(
        req,
        actor=actor,
        kind=EventKind.STATUS,
        text=reason or t.record_label,
        from_status=old,
        to_status=req.status,
        data={"transition": name, **{k: v for k, v in data.items() if k != "reason" and _jsonable(v)}},
    )
    record_transition(req, actor=actor, from_state=old, reason=reason or t.record_label)
    for hook in t.after:
        hook(req, actor, data)
    # keep the caller's object current
    request.status, request.closed_at, request.reopen_count = req.status, req.closed_at, req.reopen_count
    return req


def _jsonable(v) -> bool:
    return isinstance(v, str | int | float | bool | type(None) | list | dict)


@transaction.atomic
def request_assign(
    *,
    actor,
    request: ServiceRequest,
    department: Department | None,
    assignee: User | None = None,
    note: str = "",
    action: str = "request.assign",
) -> ServiceRequest:
    """Hand the request to the responsible department and person (派单)."""
    require(actor, action, request.property_id)
    req = lock(request)
    if department and department.property_id != req.property_id:
        raise DomainError(
            _("部门不属于本项目。(The department is not in this property.)"), field="department"
        )
    if assignee and not assignee.memberships.filter(property_id=req.property_id, active=True).exists():
        raise DomainError(
            _("责任人不在本项目任职。(The assignee does not work for this property.)"), field="assignee"
        )
    before = snapshot(req)
    req.department, req.assignee = department, assignee
    req.save(update_fields=["department", "assignee", "updated_at"])
    who = " / ".join(str(x) for x in (department, assignee) if x)
    add_event(
        req,
        actor=actor,
        kind=EventKind.ASSIGNED,
        text=f"{who} {note}".strip(),
        data={
            "department": department.pk if department else None,
            "assignee": assignee.pk if assignee else None,
        },
    )
    record(req, actor=actor, action=HistoryAction.UPDATE, before=before, reason=note)
    if assignee and assignee != actor:
        # The notification row is written in the same transaction: rolled back with the assignment.
        notify.notify_users(
            [assignee.pk],
            prop=req.property,
            title=f"新派单:{req.number} {req.title}",
            link=req.get_absolute_url(),
            level="info",
        )
    request.department, request.assignee = req.department, req.assignee
    return req


@transaction.atomic
def request_note(
    *,
    actor,
    request: ServiceRequest,
    text: str,
    kind: str = EventKind.NOTE,
    data: dict | None = None,
    action: str = "request.note",
) -> TimelineEvent:
    """Something said or done: a note, a call, a reply to the resident, an escalation."""
    require(actor, action, request.property_id)
    if not (text or "").strip():
        raise DomainError(_("请填写内容。(Text is required.)"), field="text")
    if kind not in EventKind.values or kind in {EventKind.CREATED, EventKind.STATUS}:
        raise DomainError(_("记录类型无效。(Invalid entry type.)"), field="kind")
    return add_event(request, actor=actor, kind=kind, text=text.strip(), data=data)


@transaction.atomic
def request_add_photo(*, actor, request: ServiceRequest, upload, caption: str = "") -> None:
    require(actor, "request.note", request.property_id)
    att = attachment_add(actor=actor, target=request, upload=upload)
    add_event(
        request, actor=actor, kind=EventKind.ATTACHMENT, text=caption or att.name, data={"attachment": att.pk}
    )


@transaction.atomic
def request_feedback(
    *, actor, request: ServiceRequest, satisfaction: str, comment: str = "", action: str = "request.note"
) -> ServiceRequest:
    """The resident's evaluation (R-CB-09): 满意 / 一般 / 不满意 and comments."""
    require(actor, action, request.property_id)
    if satisfaction not in Satisfaction.values:
        raise DomainError(_("请选择满意度。(Choose the satisfaction.)"), field="satisfaction")
    req = lock(request)
    before = snapshot(req)
    req.satisfaction, req.feedback = satisfaction, comment
    req.save(update_fields=["satisfaction", "feedback", "updated_at"])
    add_event(
        req,
        actor=actor,
        kind=EventKind.FEEDBACK,
        text=f"{Satisfaction(satisfaction).label} {comment}".strip(),
        data={"satisfaction": satisfaction},
    )
    record(req, actor=actor, action=HistoryAction.UPDATE, before=before)
    request.satisfaction, request.feedback = req.satisfaction, req.feedback
    return req


# --- clocks ------------------------------------------------------------------------------------------


def clock_start(
    request: ServiceRequest,
    *,
    kind: str,
    label: str,
    duration: timedelta,
    business_hours: bool = False,
    responsible=None,
    start: datetime | None = None,
):
    """A due_at on the request, stored now; warnings at the property's share, breach to the supervisor."""
    dl = deadlines.clock_start(
        request,
        prop=request.property,
        kind=kind,
        label=f"{request.number} {label}",
        duration=duration,
        business_hours=business_hours,
        responsible=responsible or request.assignee,
        link=reverse("servicedesk:detail", args=[request.pk]),
        start=start,
    )
    add_event(
        request,
        actor=None,
        kind=EventKind.CLOCK,
        text=f"{label}:{timezone.localtime(dl.due_at):%m-%d %H:%M} 前",
        data={"clock": kind},
    )
    return dl


def clock_stop(request: ServiceRequest, *, kind: str):
    return deadlines.clock_stop(request, kind=kind)


def clock_pause(request: ServiceRequest, *, kind: str, reason: str):
    """Waiting on the resident or on parts: the paused time is not counted."""
    dl = deadlines.clock_pause(request, kind=kind)
    if dl:
        add_event(request, actor=None, kind=EventKind.CLOCK, text=f"暂停计时:{reason}", data={"clock": kind})
    return dl


def clock_resume(request: ServiceRequest, *, kind: str):
    dl = deadlines.clock_resume(request, kind=kind)
    if dl:
        add_event(
            request,
            actor=None,
            kind=EventKind.CLOCK,
            text=f"恢复计时,新到期 {timezone.localtime(dl.due_at):%m-%d %H:%M}",
            data={"clock": kind},
        )
    return dl
