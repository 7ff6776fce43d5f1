"""Every write of the 求助 area: intake, checklist ticks, referrals, promises, principle, fee, close,
incidents, and the yearly archive / disposal of the 《住户求助登记表》."""

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import notify
from core.choices import HistoryAction, Role
from core.errors import Conflict, DomainError
from core.history import record, snapshot
from core.models import Department, Property
from core.numbering import next_number
from core.permissions import require, roles_of
from core.registry import Registry
from core.rule_settings import setting
from servicedesk import services as sd
from servicedesk.choices import Channel, EventKind, Priority, RequestKind
from servicedesk.engine import PANELS, WORKFLOWS

from . import checklists
from .choices import (
    BatchStatus,
    HelpCategory,
    HelpStatus,
    IncidentStatus,
    IncidentType,
    ReferralKind,
)
from .flow import PROMISED_ANSWER_CLOCK, QUICK_RESPONSE_CLOCK, mark_first_response
from .models import HelpReferral, HelpRegisterBatch, HelpRequest, HelpStep, Incident

# R-HELP-03: answered "immediately" — 5 minutes by default (规则参数 assistance.quick_response).
QUICK_RESPONSE = timedelta(minutes=5)  # R-HELP-03
RETENTION_YEARS = 2  # R-HELP-17: 保存期两年
URGENT_CATEGORIES = {HelpCategory.FIRST_AID, HelpCategory.CRIME, HelpCategory.DISASTER}
LEADS_ROLES = {Role.CS_SUPERVISOR, Role.MANAGER}

# Flows a help request is referred to (R-HELP-14). A kind's app may register the function that creates
# its full record (detail model included): REFERRAL_CREATORS.register("repair", "报修", func) with
# func(*, actor, help) → ServiceRequest. Without one, a plain request of that kind is created through the
# engine when its workflow is registered; without a workflow, the referral alone is recorded.
REFERRAL_CREATORS = Registry("help-referrals")
FLOW_DEPARTMENT = {RequestKind.REPAIR: "eng", RequestKind.COMPLAINT: "cs"}


def _event(req, actor, text, kind=EventKind.NOTE, data=None):
    return sd.add_event(req, actor=actor, kind=kind, text=text, data=data)


# --- intake -----------------------------------------------------------------------------------------


@transaction.atomic
def help_create(
    *,
    actor,
    prop: Property,
    category: str,
    channel: str,
    reporter_name: str,
    description: str,
    contact_phone: str = "",
    title: str = "",
    reporter=None,
    unit=None,
    location=None,
    location_detail: str = "",
    confidential: bool = False,
    is_paid: bool = False,
    floor_address: str = "",
    patient_phone: str = "",
    received_at: datetime | None = None,
) -> HelpRequest:
    """Register a help request on the 《住户求助登记表》 (R-HELP-01/02) and start the quick-response clock
    (R-HELP-03). A first-aid call may record the patient's floor/address and phone at once (R-HELP-06)."""
    require(actor, "assistance.create", prop.pk)
    if category not in HelpCategory.values:
        raise DomainError(_("请选择求助类别。(Choose the help category.)"), field="category")
    urgent = category in URGENT_CATEGORIES
    req = sd.request_create(
        actor=actor,
        prop=prop,
        kind=RequestKind.HELP,
        channel=channel,
        title=(title or "").strip() or f"{HelpCategory(category).label}:{(description or '').strip()[:40]}",
        description=description,
        reporter_name=reporter_name,
        contact_phone=contact_phone,
        reporter=reporter,
        unit=unit,
        location=location,
        location_detail=location_detail,
        category=category,
        priority=Priority.URGENT if urgent else Priority.NORMAL,
        is_emergency=urgent,
        received_at=received_at,
        action="assistance.create",
    )
    help = HelpRequest.objects.create(
        request=req, category=category, confidential=bool(confidential), is_paid=bool(is_paid)
    )
    record(help, actor=actor, action=HistoryAction.CREATE)
    sd.clock_start(
        req,
        kind=QUICK_RESPONSE_CLOCK,
        label=_("求助快速响应"),
        duration=setting(prop, "assistance.quick_response"),
        responsible=actor,
        start=received_at,
    )
    if category == HelpCategory.FIRST_AID and (floor_address or patient_phone):
        help_step_tick(
            actor=actor,
            help=help,
            key=checklists.A,
            values={"floor_address": floor_address, "phone": patient_phone},
        )
    return help


# --- the checklist ----------------------------------------------------------------------------------


def _lock(help: HelpRequest) -> HelpRequest:
    return HelpRequest.objects.select_for_update().select_related("request__property").get(pk=help.pk)


def _require_open(help: HelpRequest):
    if help.request.closed_at is not None:
        raise Conflict(_("求助已关闭,请先重新打开。(The help request is closed.)"))
    if help.voided_at is not None:
        raise Conflict(_("该记录已作废。(This record is void.)"))


def _clean_values(s: checklists.Step, values: dict) -> dict:
    out = {}
    for f in s.fields:
        v = str((values or {}).get(f.name) or "").strip()
        if f.required and not v:
            raise DomainError(
                _("请填写「%(f)s」。(%(name)s is required.)") % {"f": f.label, "name": f.name}, field=f.name
            )
        if f.kind == "choice" and v and v not in {c for c, _l in f.choices}:
            raise DomainError(_("「%(f)s」选项无效。(Invalid choice.)") % {"f": f.label}, field=f.name)
        out[f.name] = v[:2000]
    return out


@transaction.atomic
def help_step_tick(
    *, actor, help: HelpRequest, key: str, values: dict | None = None, note: str = ""
) -> HelpStep:
    """Tick one step of the category's checklist; records who and when; runs the step's effect."""
    require(actor, "assistance.handle", help.request.property_id)
    h = _lock(help)
    _require_open(h)
    s = checklists.step(h.category, key)
    if s is None:
        raise DomainError(_("该类别没有此处理步骤。(No such step for this category.)"), field="key")
    done = {x.key: x for x in h.steps.all()}
    if key in done:
        raise Conflict(_("该步骤已由 %(who)s 完成。(Already done.)") % {"who": done[key].done_by})
    missing = [r for r in s.requires if r not in done]
    if missing:
        labels = "、".join(str(checklists.step(h.category, r).label) for r in missing)
        raise DomainError(
            _("请先完成:%(steps)s。(Earlier steps come first.)") % {"steps": labels}, field="key"
        )
    if not checklists.applies(s, done):
        raise DomainError(_("根据住户的选择,此步骤不适用。(This step does not apply.)"), field="key")
    clean = _clean_values(s, values or {})
    req = h.request
    extra = _run_effect(s.effect, actor=actor, help=h, values=clean) if s.effect else {}
    now = timezone.now()
    hs = HelpStep.objects.create(
        help=h,
        key=s.key,
        label=str(s.label),
        value={**clean, **extra},
        note=(note or "").strip()[:500],
        done_by=actor,
        done_at=now,
    )
    shown = "; ".join(
        f"{f.label}:{checklists.display(f, clean.get(f.name, ''))}" for f in s.fields if clean.get(f.name)
    )
    _event(
        req,
        actor,
        f"✓ {s.label}" + (f"({shown})" if shown else "") + (f" {hs.note}" if hs.note else ""),
        data={"step": s.key, "rule": s.rule},
    )
    record(h, actor=actor, action=HistoryAction.UPDATE, changes={f"step:{s.key}": [None, str(s.label)]})
    mark_first_response(req, actor)
    if req.status == HelpStatus.RECEIVED:
        sd.request_transition(actor=actor, request=req, name="respond", reason=str(s.label))
    return hs


def _run_effect(effect: str, *, actor, help: HelpRequest, values: dict) -> dict:
    req = help.request
    if effect == "notify_security":
        # R-HELP-07/08: the 保安部 (its on-duty shift leader and the guards) is told at once.
        n = notify.notify_roles(
            req.property,
            {Role.SEC_SUPERVISOR, Role.GUARD},
            title=f"急救求助:{req.number} {req.place() or req.reporter_name}",
            body=req.description[:500],
            link=req.get_absolute_url(),
            level="danger",
        )
        return {"notified": n}
    if effect in {"refer_repair", "refer_complaint"}:
        kind = RequestKind.REPAIR if effect == "refer_repair" else RequestKind.COMPLAINT
        ref = _refer_to_flow(actor=actor, help=help, kind=kind)
        return {"referral": ref.pk, "linked_request": ref.linked_request_id}
    if effect == "ask_supervisor":
        if req.status in {HelpStatus.RECEIVED, HelpStatus.HANDLING}:
            sd.request_transition(
                actor=actor, request=req, name="escalate", reason=values.get("question") or "请示主管"
            )
        return {}
    if effect == "answer":
        # R-HELP-09: a written enquiry is answered in writing by the supervisor (or the manager).
        if req.channel == Channel.WRITTEN and not roles_of(actor, req.property_id) & LEADS_ROLES:
            raise DomainError(
                _("书面咨询须由客服主管或经理书面答复。(A written enquiry is answered by the supervisor.)")
            )
        if help.is_principle and not help.supervisor_reply:
            raise DomainError(
                _(
                    "原则性问题须先请示主管,协调后再答复。(A matter of principle needs the supervisor's reply first.)"
                )
            )
        sd.add_event(req, actor=actor, kind=EventKind.REPLY, text=values.get("answer", ""))
        sd.clock_stop(req, kind=PROMISED_ANSWER_CLOCK)  # R-HELP-12: the promise kept
        return {}
    if effect == "open_incident":
        inc = incident_open(
            actor=actor,
            help=help,
            type=values.get("incident_type") or checklists.DEFAULT_INCIDENT_TYPE[help.category],
            place=values.get("place") or req.place(),
        )
        return {"incident": inc.pk, "incident_number": inc.number}
    raise DomainError(f"unknown step effect {effect!r}")


# --- referrals (R-HELP-05, R-HELP-14) ---------------------------------------------------------------


def _refer_to_flow(*, actor, help: HelpRequest, kind: str) -> HelpReferral:
    req = help.request
    linked, why = None, ""
    try:
        with transaction.atomic():  # a refusal of the other flow leaves a recorded referral, not an error
            if kind in REFERRAL_CREATORS:
                linked = REFERRAL_CREATORS.get(kind).func(actor=actor, help=help)
            elif str(kind) in WORKFLOWS and str(kind) not in PANELS:
                # a kind without its own detail record: a plain request of the engine is complete
                linked = sd.request_create(
                    actor=actor,
                    prop=req.property,
                    kind=kind,
                    channel=req.channel,
                    title=req.title,
                    description=f"{req.description}\n(由求助 {req.number} 转入)",
                    reporter_name=req.reporter_name,
                    contact_phone=req.contact_phone,
                    reporter=req.reporter,
                    unit=req.unit,
                    location=req.location,
                    location_detail=req.location_detail,
                )
    except DomainError as exc:
        linked, why = None, str(exc.message)
    if linked is not None:
        _event(linked, actor, f"由求助 {req.number} 转入", data={"help": req.pk})
    dept = Department.objects.filter(property_id=req.property_id, kind=FLOW_DEPARTMENT[kind]).first()
    label = RequestKind(kind).label
    ref = HelpReferral.objects.create(
        help=help,
        kind=ReferralKind.FLOW,
        target=f"{label}流程" + (f" {linked.number}" if linked else f"({dept or ''})"),
        department=dept,
        linked_request=linked,
        note=""
        if linked
        else (why and _("未能自动开单:%(m)s,已登记转介") % {"m": why})
        or _("%(k)s流程尚未启用,已登记转介") % {"k": label},
        created_by=actor,
        created_at=timezone.now(),
    )
    _event(
        req, actor, f"转介:{ref.target}", data={"referral": ref.pk, "linked": linked.pk if linked else None}
    )
    return ref


@transaction.atomic
def help_refer(
    *, actor, help: HelpRequest, kind: str, target: str, department: Department | None = None, note: str = ""
) -> HelpReferral:
    """R-HELP-05: the resident was helped to contact the relevant department or outside body."""
    require(actor, "assistance.handle", help.request.property_id)
    h = _lock(help)
    if h.voided_at:
        raise Conflict(_("该记录已作废。(This record is void.)"))
    if kind not in ReferralKind.values:
        raise DomainError(_("请选择转介方式。(Choose how it was referred.)"), field="kind")
    if department is not None and department.property_id != h.request.property_id:
        raise DomainError(
            _("部门不属于本项目。(The department is not in this property.)"), field="department"
        )
    target = (target or "").strip() or (str(department) if department else "")
    if not target:
        raise DomainError(_("请填写转介对象。(Whom was it referred to?)"), field="target")
    ref = HelpReferral.objects.create(
        help=h,
        kind=kind,
        target=target[:200],
        department=department,
        note=(note or "").strip()[:500],
        created_by=actor,
        created_at=timezone.now(),
    )
    _event(
        h.request,
        actor,
        f"转介:{ReferralKind(kind).label} {target} {ref.note}".strip(),
        data={"referral": ref.pk},
    )
    record(h, actor=actor, action=HistoryAction.UPDATE, changes={"referral": [None, target]})
    return ref


# --- answers, principle, supervisor (R-HELP-03, R-HELP-12, R-HELP-13) -------------------------------


@transaction.atomic
def help_promise_answer(*, actor, help: HelpRequest, answer_by: datetime, note: str = ""):
    """R-HELP-12: apologise, promise a later answer — a clock that must be kept."""
    require(actor, "assistance.handle", help.request.property_id)
    h = _lock(help)
    _require_open(h)
    now = timezone.now()
    if answer_by is None or answer_by <= now:
        raise DomainError(
            _("答复时间须晚于现在。(The promised time must be in the future.)"), field="answer_by"
        )
    _event(h.request, actor, (note or "").strip() or _("已致歉,承诺稍后答复"), kind=EventKind.REPLY)
    mark_first_response(h.request, actor)
    return sd.clock_start(
        h.request,
        kind=PROMISED_ANSWER_CLOCK,
        label=_("承诺答复"),
        duration=answer_by - now,
        responsible=actor,
    )


@transaction.atomic
def help_mark_principle(*, actor, help: HelpRequest, note: str) -> HelpRequest:
    """R-HELP-13: a matter of principle — no definite answer; it goes to the supervisor."""
    require(actor, "assistance.handle", help.request.property_id)
    if not (note or "").strip():
        raise DomainError(_("请说明原则性问题的内容。(Describe the matter.)"), field="note")
    h = _lock(help)
    _require_open(h)
    before = snapshot(h)
    h.is_principle = True
    h.save(update_fields=["is_principle"])
    record(h, actor=actor, action=HistoryAction.UPDATE, before=before, reason=note)
    if h.request.status != HelpStatus.ESCALATED:
        sd.request_transition(
            actor=actor, request=h.request, name="escalate", reason=f"原则性问题:{note.strip()}"
        )
    help.is_principle = True
    return h


@transaction.atomic
def help_supervisor_reply(*, actor, help: HelpRequest, reply: str) -> HelpRequest:
    """R-HELP-03/13: the supervisor's answer or coordination brings the request back to handling."""
    require(actor, "request.supervise", help.request.property_id)
    if not (reply or "").strip():
        raise DomainError(_("请填写主管意见。(The reply is required.)"), field="reply")
    h = _lock(help)
    _require_open(h)
    before = snapshot(h)
    h.supervisor_reply, h.supervisor_reply_by, h.supervisor_reply_at = reply.strip(), actor, timezone.now()
    h.save(update_fields=["supervisor_reply", "supervisor_reply_by", "supervisor_reply_at"])
    record(h, actor=actor, action=HistoryAction.UPDATE, before=before)
    sd.request_transition(actor=actor, request=h.request, name="instruct", reason=reply.strip())
    help.supervisor_reply = h.supervisor_reply
    return h


@transaction.atomic
def help_set_fee(*, actor, help: HelpRequest, is_paid: bool, fee=None, note: str = "") -> HelpRequest:
    """R-HELP-16: a paid help follows the paid-service procedure; the fee is recorded (prices are the
    administrator's fee schedule, R-PAID-04: entered here, not computed)."""
    require(actor, "assistance.handle", help.request.property_id)
    h = _lock(help)
    if h.voided_at:
        raise Conflict(_("该记录已作废。(This record is void.)"))
    amount = None
    if fee not in (None, ""):
        try:
            amount = Decimal(str(fee)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise DomainError(_("收费金额无效。(Invalid amount.)"), field="fee") from None
        if amount <= 0 or amount >= Decimal("100000000"):
            raise DomainError(_("收费金额须大于 0。(The fee must be positive.)"), field="fee")
    if not is_paid and amount is not None:
        raise DomainError(_("非有偿服务不应登记收费。(Only a paid service has a fee.)"), field="fee")
    before = snapshot(h)
    h.is_paid, h.fee, h.fee_note = bool(is_paid), amount, (note or "").strip()[:200]
    h.save(update_fields=["is_paid", "fee", "fee_note"])
    record(h, actor=actor, action=HistoryAction.UPDATE, before=before)
    text = (
        f"有偿服务,收费 {amount} 元 {h.fee_note}"
        if is_paid and amount
        else ("有偿服务(待定价)" if is_paid else "非有偿服务")
    )
    _event(h.request, actor, text.strip(), data={"fee": str(amount) if amount is not None else None})
    help.is_paid, help.fee, help.fee_note = h.is_paid, h.fee, h.fee_note
    return h


# --- closing ---------------------------------------------------------------------------------------


@transaction.atomic
def help_resolve(*, actor, help: HelpRequest, result: str, expected_status: str | None = None) -> HelpRequest:
    """The resident was helped (R-HELP-04): guarded by the checklist, the principle reply, the fee and the
    incident; announces completion so CS calls back (R-CB-15/16)."""
    require(actor, "assistance.handle", help.request.property_id)
    if not (result or "").strip():
        raise DomainError(_("请填写处理结果。(The result is required.)"), field="result")
    h = _lock(help)
    if h.voided_at:
        raise Conflict(_("该记录已作废。(This record is void.)"))
    h.result = result.strip()
    h.save(update_fields=["result"])
    sd.request_transition(
        actor=actor, request=h.request, name="resolve", reason=h.result, expected_status=expected_status
    )
    help.result = h.result
    help.request.refresh_from_db()
    return h


@transaction.atomic
def help_close_unsatisfiable(*, actor, help: HelpRequest, reason: str, expected_status: str | None = None):
    """R-HELP-04/05: a request that cannot be met is closed only with the reason and a recorded referral."""
    require(actor, "assistance.handle", help.request.property_id)
    h = _lock(help)
    if h.voided_at:
        raise Conflict(_("该记录已作废。(This record is void.)"))
    sd.request_transition(
        actor=actor,
        request=h.request,
        name="close_unsatisfiable",
        reason=reason,
        expected_status=expected_status,
    )
    h.result = reason.strip()
    h.save(update_fields=["result"])
    help.result = h.result
    help.request.refresh_from_db()
    return h


# --- incidents (突发事件, R-HELP-14; seed of the INC area) ----------------------------------------------


@transaction.atomic
def incident_open(
    *,
    actor,
    help: HelpRequest,
    type: str,
    place: str,
    description: str = "",
    occurred_at: datetime | None = None,
) -> Incident:
    """Open the 突发事件 of a crime/accident or disaster help request; the 秩序维护部, the 客服主管 and the
    管理处经理 are notified at once (R-INC-10, R-INC-22/25, R-INC-26 notification set)."""
    req = help.request
    require(actor, "assistance.incident", req.property_id)
    allowed = checklists.INCIDENT_CATEGORIES.get(help.category)
    if not allowed:
        raise DomainError(_("该求助类别不开启突发事件。(This category does not open an incident.)"))
    if type not in {str(t) for t in allowed}:
        raise DomainError(_("事件类型与求助类别不符。(Incident type does not match.)"), field="incident_type")
    if not (place or "").strip():
        raise DomainError(_("请填写地点。(The place is required.)"), field="place")
    prop = req.property
    now = timezone.now()
    inc = Incident.objects.create(
        property=prop,
        number=next_number(prop, "SJ"),
        type=type,
        occurred_at=occurred_at or req.received_at,
        place=place.strip()[:200],
        description=(description or req.description).strip(),
        help=help,
        opened_by=actor,
    )
    title = f"突发事件:{inc.number} {IncidentType(type).label} {inc.place}"
    link = inc.get_absolute_url()
    sent = {}
    for fld, roles in (
        ("notified_security_at", {Role.SEC_SUPERVISOR, Role.GUARD}),
        ("notified_supervisor_at", {Role.CS_SUPERVISOR}),
        ("notified_manager_at", {Role.MANAGER}),
    ):
        notify.notify_roles(prop, roles, title=title, body=inc.description[:500], link=link, level="danger")
        sent[fld] = now
    Incident.objects.filter(pk=inc.pk).update(**sent)
    for k, v in sent.items():
        setattr(inc, k, v)
    record(inc, actor=actor, action=HistoryAction.CREATE)
    _event(
        req,
        actor,
        f"开启突发事件 {inc.number}:{IncidentType(type).label} · {inc.place}",
        kind=EventKind.ESCALATION,
        data={"incident": inc.pk},
    )
    return inc


@transaction.atomic
def incident_handle(*, actor, incident: Incident, handling: str) -> Incident:
    require(actor, "assistance.incident", incident.property_id)
    if not (handling or "").strip():
        raise DomainError(_("请填写处置经过。(Describe the handling.)"), field="handling")
    inc = Incident.objects.select_for_update().get(pk=incident.pk)
    if inc.status != IncidentStatus.OPEN:
        raise Conflict(_("事件已处置。(Already handled.)"))
    old = inc.status
    inc.status, inc.handling, inc.handled_at, inc.handled_by = (
        IncidentStatus.HANDLED,
        handling.strip(),
        timezone.now(),
        actor,
    )
    inc.save(update_fields=["status", "handling", "handled_at", "handled_by", "updated_at"])
    record(
        inc,
        actor=actor,
        action=HistoryAction.TRANSITION,
        from_state=old,
        to_state=inc.status,
        changes={"status": [old, inc.status]},
        reason=inc.handling,
    )
    if inc.help_id:
        _event(
            inc.help.request, actor, f"突发事件 {inc.number} 已处置:{inc.handling}", data={"incident": inc.pk}
        )
    incident.status = inc.status
    return inc


@transaction.atomic
def incident_close(*, actor, incident: Incident, note: str = "") -> Incident:
    require(actor, "assistance.incident.close", incident.property_id)
    inc = Incident.objects.select_for_update().get(pk=incident.pk)
    if inc.status != IncidentStatus.HANDLED:
        raise Conflict(_("事件须先处置再结案。(Handle the incident before closing it.)"))
    old = inc.status
    inc.status, inc.closed_at, inc.closed_by = IncidentStatus.CLOSED, timezone.now(), actor
    inc.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    record(
        inc,
        actor=actor,
        action=HistoryAction.TRANSITION,
        from_state=old,
        to_state=inc.status,
        changes={"status": [old, inc.status]},
        reason=note,
    )
    incident.status = inc.status
    return inc


# --- retention of the 《住户求助登记表》 (R-HELP-17) -----------------------------------------------------


def disposal_date(archived: date) -> date:
    """R-HELP-17: disposal date = archiving date + 2 years (29 February → 28 February)."""
    try:
        return archived.replace(year=archived.year + RETENTION_YEARS)
    except ValueError:
        return archived.replace(year=archived.year + RETENTION_YEARS, day=28)


def _archive(*, actor, prop: Property, year: int, now: datetime) -> tuple[HelpRegisterBatch, int]:
    if year >= timezone.localtime(now).year:
        raise DomainError(
            _(
                "只能在次年归档已结束年度的登记表。(Only a finished year is archived, at the start of the next.)"
            ),
            field="year",
        )
    batch = HelpRegisterBatch.objects.select_for_update().filter(property=prop, year=year).first()
    if batch and batch.status == BatchStatus.DISPOSED:
        return batch, 0
    if batch is None:
        batch = HelpRegisterBatch.objects.create(
            property=prop,
            year=year,
            archived_at=now,
            archived_by=actor if actor and actor.is_authenticated else None,
            dispose_after=disposal_date(timezone.localtime(now).date()),
        )
        record(batch, actor=actor, action=HistoryAction.ARCHIVE)
    added = HelpRequest.objects.filter(
        request__property=prop, request__received_at__year=year, batch__isnull=True
    ).update(batch=batch)
    if added:
        batch.request_count = HelpRequest.objects.filter(batch=batch).count()
        batch.save(update_fields=["request_count", "updated_at"])
    return batch, added


@transaction.atomic
def help_register_archive(
    *, actor, prop: Property, year: int, now: datetime | None = None
) -> HelpRegisterBatch:
    """Archive the year's 《住户求助登记表》 together (R-HELP-17). Idempotent: archiving again only adds
    rows of that year not yet archived."""
    require(actor, "assistance.archive", prop.pk)
    batch, _added = _archive(actor=actor, prop=prop, year=int(year), now=now or timezone.now())
    return batch


def help_register_archive_due(*, now: datetime | None = None) -> dict:
    """System job (huey, every day in January): archive last year's register of every property. Idempotent."""
    now = now or timezone.now()
    year = timezone.localtime(now).year - 1
    out = {}
    for prop in Property.objects.order_by("id"):
        with transaction.atomic():
            batch, added = _archive(actor=None, prop=prop, year=year, now=now)
        out[prop.code] = added
    return out


@transaction.atomic
def help_batch_dispose(*, actor, batch: HelpRegisterBatch, reason: str, now: datetime | None = None):
    """R-HELP-17: after the two years, the supervisor disposes of a batch — it is voided, never deleted."""
    require(actor, "assistance.dispose", batch.property_id)
    if not (reason or "").strip():
        raise DomainError(_("请填写销毁说明。(A note is required.)"), field="reason")
    now = now or timezone.now()
    b = HelpRegisterBatch.objects.select_for_update().get(pk=batch.pk)
    if b.status == BatchStatus.DISPOSED:
        raise Conflict(_("该批次已销毁。(Already disposed.)"))
    if timezone.localtime(now).date() < b.dispose_after:
        raise DomainError(
            _("保存期未满,%(d)s 之后方可销毁。(Kept until %(d)s.)") % {"d": b.dispose_after.isoformat()}
        )
    old = b.status
    b.status, b.disposed_at, b.disposed_by, b.disposal_note = (
        BatchStatus.DISPOSED,
        now,
        actor,
        reason.strip()[:300],
    )
    b.save(update_fields=["status", "disposed_at", "disposed_by", "disposal_note", "updated_at"])
    HelpRequest.objects.filter(batch=b, voided_at__isnull=True).update(voided_at=now)
    record(
        b,
        actor=actor,
        action=HistoryAction.VOID,
        from_state=old,
        to_state=b.status,
        changes={"status": [old, b.status]},
        reason=b.disposal_note,
    )
    batch.status = b.status
    return b
