"""Every write of the duty log, special incident reports and shift handover (R-DUTY).

Optional `now=` arguments exist for the demo loader's backfill of past weeks; the UI and API never pass it.
"""

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.attachments import attachment_add, attachments_for
from core.choices import HistoryAction, Role
from core.errors import Conflict, DomainError, NotAllowed
from core.history import record, record_transition, snapshot
from core.models import Building, Department, Location, Membership, Property, Unit, User
from core.notify import notify_roles
from core.permissions import can, require

from .choices import DutyCategory, HandoverStatus, LeaveReason, ReportStatus, Shift
from .handover import DEFAULT_PUBLIC_PROPERTY, counts_now
from .models import (
    DutyDay,
    DutyEntry,
    Handover,
    HandoverItem,
    Post,
    PostShift,
    SpecialIncidentReport,
    attendance_window,
    shift_window,
)

# An entry may be logged a little ahead of the server clock (clock skew), never for a later event.
FUTURE_TOLERANCE = timedelta(minutes=5)
# R-DUTY-08: the incoming shift arrives 5 minutes early to do the handover.
HANDOVER_LEAD = timedelta(minutes=5)
# Who acknowledges a 《特别事件报告》: the 客服主管 or the 管理处经理.
REPORT_ACKNOWLEDGERS = {Role.CS_SUPERVISOR, Role.MANAGER}

ENTRY_EDITABLE_FIELDS = (
    "occurred_at",
    "category",
    "course",
    "handling",
    "result",
    "unit",
    "location",
    "is_major",
)


# --- duty log -------------------------------------------------------------------------------------------


def _locked_day(prop: Property, day: date) -> DutyDay:
    """The day's page, created if new and row-locked so a concurrent sign-off and entry serialise."""
    page, _created = DutyDay.objects.get_or_create(property=prop, date=day)
    page = DutyDay.objects.select_for_update().get(pk=page.pk)
    if page.is_signed:
        # R-DUTY-05: a signed page is final.
        raise DomainError(
            _("%(d)s 的值班记录已由客服主管签字,不能再修改。(This day is signed off and locked.)")
            % {"d": day.isoformat()},
            code="locked",
        )
    return page


def _clean_entry_fields(prop: Property, fields: dict, now: datetime) -> dict:
    category = fields.get("category")
    if category not in DutyCategory.values:
        raise DomainError(_("请选择记录类别。(Choose a category.)"), field="category")
    course = (fields.get("course") or "").strip()
    if not course:
        raise DomainError(_("请填写事情过程。(Describe what happened.)"), field="course")
    occurred_at = fields.get("occurred_at")
    if not isinstance(occurred_at, datetime):
        raise DomainError(_("请填写时间。(Enter the time.)"), field="occurred_at")
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    if occurred_at > now + FUTURE_TOLERANCE:
        raise DomainError(_("时间不能晚于现在。(The time cannot be in the future.)"), field="occurred_at")
    unit, location = fields.get("unit"), fields.get("location")
    if unit is not None and (not isinstance(unit, Unit) or unit.property_id != prop.pk):
        raise DomainError(_("房间不属于本项目。(Unit not in this property.)"), field="unit")
    if location is not None and (not isinstance(location, Location) or location.property_id != prop.pk):
        raise DomainError(_("位置不属于本项目。(Location not in this property.)"), field="location")
    return {
        "occurred_at": occurred_at,
        "category": category,
        "course": course,
        "handling": (fields.get("handling") or "").strip(),
        "result": (fields.get("result") or "").strip(),
        "unit": unit,
        "location": location,
        "is_major": bool(fields.get("is_major")),
    }


@transaction.atomic
def duty_entry_create(
    *,
    actor,
    prop: Property,
    occurred_at: datetime,
    category: str,
    course: str,
    handling: str = "",
    result: str = "",
    unit: Unit | None = None,
    location: Location | None = None,
    is_major: bool = False,
    now: datetime | None = None,
) -> DutyEntry:
    """R-DUTY-01/03/04: one line of the 《客服工作台帐》 on the page of its date."""
    require(actor, "duty.write", prop.pk)
    now = now or timezone.now()
    data = _clean_entry_fields(
        prop,
        {
            "occurred_at": occurred_at,
            "category": category,
            "course": course,
            "handling": handling,
            "result": result,
            "unit": unit,
            "location": location,
            "is_major": is_major,
        },
        now,
    )
    page = _locked_day(prop, timezone.localtime(data["occurred_at"]).date())
    entry = DutyEntry.objects.create(property=prop, day=page, recorded_by=actor, **data)
    record(entry, actor=actor, action=HistoryAction.CREATE)
    return entry


@transaction.atomic
def duty_entry_update(*, actor, entry: DutyEntry, now: datetime | None = None, **fields) -> DutyEntry:
    """Correct an entry while its day is unsigned (R-DUTY-05: after sign-off the page is final)."""
    require(actor, "duty.write", entry.property_id)
    unknown = set(fields) - set(ENTRY_EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("不能修改这些字段。(These fields cannot be changed.)") + f" {sorted(unknown)}")
    entry = DutyEntry.objects.select_for_update().select_related("property", "day").get(pk=entry.pk)
    if entry.is_void:
        raise DomainError(_("已作废的记录不能修改。(A voided entry cannot be changed.)"), code="void")
    merged = {name: getattr(entry, name) for name in ENTRY_EDITABLE_FIELDS}
    merged.update(fields)
    data = _clean_entry_fields(entry.property, merged, now or timezone.now())
    _locked_day(entry.property, entry.day.date)
    new_date = timezone.localtime(data["occurred_at"]).date()
    page = entry.day if new_date == entry.day.date else _locked_day(entry.property, new_date)
    before = snapshot(entry)
    for name, value in data.items():
        setattr(entry, name, value)
    entry.day = page
    entry.save()
    record(entry, actor=actor, action=HistoryAction.UPDATE, before=before)
    return entry


@transaction.atomic
def duty_entry_void(*, actor, entry: DutyEntry, reason: str, now: datetime | None = None) -> DutyEntry:
    """An entry is never deleted: it is voided with a reason and stays on its page."""
    require(actor, "duty.write", entry.property_id)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写作废原因。(Give a reason for voiding.)"), field="reason")
    entry = DutyEntry.objects.select_for_update().select_related("property", "day").get(pk=entry.pk)
    if entry.is_void:
        raise Conflict(_("该记录已作废。(Already voided.)"))
    _locked_day(entry.property, entry.day.date)
    before = snapshot(entry)
    entry.voided_at = now or timezone.now()
    entry.voided_by = actor
    entry.void_reason = reason
    entry.save(update_fields=["voided_at", "voided_by", "void_reason", "updated_at"])
    record(entry, actor=actor, action=HistoryAction.VOID, before=before, reason=reason)
    return entry


@transaction.atomic
def duty_day_sign(
    *, actor, prop: Property, day: date, comment: str = "", now: datetime | None = None
) -> DutyDay:
    """R-DUTY-05/14: the 客服主管 checks the day's 台帐 and signs it; the page is locked from then on."""
    require(actor, "duty.signoff", prop.pk)
    now = now or timezone.now()
    if day > timezone.localtime(now).date():
        raise DomainError(_("不能签批未来的日期。(Cannot sign a future day.)"), field="date")
    page, _created = DutyDay.objects.get_or_create(property=prop, date=day)
    page = DutyDay.objects.select_for_update().get(pk=page.pk)
    if page.is_signed:
        raise Conflict(_("该日值班记录已签字。(This day is already signed.)"))
    before = snapshot(page)
    page.signed_by = actor
    page.signed_at = now
    page.comment = (comment or "").strip()
    page.save(update_fields=["signed_by", "signed_at", "comment", "updated_at"])
    record(page, actor=actor, action=HistoryAction.UPDATE, before=before, reason=page.comment)
    return page


# --- special incident reports (R-DUTY-02) ---------------------------------------------------------------


@transaction.atomic
def special_report_create(
    *, actor, entry: DutyEntry, title: str, details: str, losses: str = "", reported_to: str = ""
) -> SpecialIncidentReport:
    require(actor, "duty.write", entry.property_id)
    if not entry.is_major or entry.is_void:
        raise DomainError(
            _(
                "只有有效的重大事件记录才需要填写特别事件报告。(Only a major, non-voided entry gets a report.)"
            ),
            field="entry",
        )
    if SpecialIncidentReport.objects.filter(entry=entry).exists():
        raise Conflict(_("该事件已有特别事件报告。(This event already has a report.)"))
    title, details = (title or "").strip(), (details or "").strip()
    if not title:
        raise DomainError(_("请填写事件名称。(Enter a title.)"), field="title")
    if not details:
        raise DomainError(_("请填写事件经过。(Describe the event.)"), field="details")
    report = SpecialIncidentReport.objects.create(
        property_id=entry.property_id,
        entry=entry,
        title=title,
        details=details,
        losses=(losses or "").strip(),
        reported_to=(reported_to or "").strip(),
        created_by=actor,
    )
    record(report, actor=actor, action=HistoryAction.CREATE)
    return report


def _draft_report(report: SpecialIncidentReport) -> SpecialIncidentReport:
    report = SpecialIncidentReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.DRAFT:
        raise Conflict(_("报告已提交,不能再修改。(The report was submitted and is final.)"))
    return report


@transaction.atomic
def special_report_update(*, actor, report: SpecialIncidentReport, **fields) -> SpecialIncidentReport:
    require(actor, "duty.write", report.property_id)
    allowed = {"title", "details", "losses", "reported_to"}
    if set(fields) - allowed:
        raise DomainError(_("不能修改这些字段。(These fields cannot be changed.)"))
    report = _draft_report(report)
    before = snapshot(report)
    for name, value in fields.items():
        setattr(report, name, (value or "").strip())
    if not report.title:
        raise DomainError(_("请填写事件名称。(Enter a title.)"), field="title")
    if not report.details:
        raise DomainError(_("请填写事件经过。(Describe the event.)"), field="details")
    report.save()
    record(report, actor=actor, action=HistoryAction.UPDATE, before=before)
    return report


@transaction.atomic
def special_report_add_photo(*, actor, report: SpecialIncidentReport, upload):
    """R-DUTY-02: on-site photos (images only — a PDF is not a photo)."""
    require(actor, "duty.write", report.property_id)
    report = _draft_report(report)
    att = attachment_add(actor=actor, target=report, upload=upload)
    if not att.mime.startswith("image/"):
        raise DomainError(_("现场照片只能是图片。(Photos must be images.)"), field="photo")
    record(report, actor=actor, action=HistoryAction.UPDATE, changes={"photo": [None, att.name]})
    return att


@transaction.atomic
def special_report_submit(
    *, actor, report: SpecialIncidentReport, now: datetime | None = None
) -> SpecialIncidentReport:
    require(actor, "duty.write", report.property_id)
    report = _draft_report(report)
    # R-DUTY-02: the report goes with on-site photos.
    if not attachments_for(report).filter(mime__startswith="image/").exists():
        raise DomainError(
            _("请至少上传一张现场照片后再提交。(Attach at least one on-site photo before submitting.)"),
            field="photo",
        )
    old = report.status
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = now or timezone.now()
    report.save(update_fields=["status", "submitted_at", "updated_at"])
    record_transition(report, actor=actor, from_state=old)
    prop = report.property
    link = reverse("duty:report", args=[report.pk])
    transaction.on_commit(
        lambda: notify_roles(
            prop,
            REPORT_ACKNOWLEDGERS,
            title=f"特别事件报告待阅:{report.title}",
            link=link,
            level="warning",
            dedupe_key=f"duty.report.submitted.{report.pk}",
        )
    )
    return report


@transaction.atomic
def special_report_acknowledge(
    *, actor, report: SpecialIncidentReport, comment: str = "", now: datetime | None = None
) -> SpecialIncidentReport:
    if not can(actor, "duty.report.acknowledge", report.property_id):
        raise NotAllowed(
            _(
                "只有客服主管或管理处经理可以阅示特别事件报告。(Only the CS supervisor or the manager acknowledges.)"
            )
        )
    report = SpecialIncidentReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise Conflict(_("只能阅示已提交的报告。(Only a submitted report can be acknowledged.)"))
    old = report.status
    report.status = ReportStatus.ACKNOWLEDGED
    report.acknowledged_by = actor
    report.acknowledged_at = now or timezone.now()
    report.acknowledge_comment = (comment or "").strip()
    report.save(
        update_fields=["status", "acknowledged_by", "acknowledged_at", "acknowledge_comment", "updated_at"]
    )
    record_transition(report, actor=actor, from_state=old, reason=report.acknowledge_comment)
    return report


# --- handover (交接班, R-DUTY-08..13) ---------------------------------------------------------------------


def next_handover(prop: Property, now: datetime) -> tuple[date, str, datetime]:
    """The handover due next (or just due, up to an hour ago): (shift_date, shift being handed over, at)."""
    local = timezone.localtime(now)
    today = local.date()
    candidates = [
        (today - timedelta(days=1), Shift.NIGHT),
        (today, Shift.DAY),
        (today, Shift.NIGHT),
    ]
    for shift_date, shift in candidates:
        at = shift_window(prop, shift_date, shift)[1]
        if at >= now - timedelta(hours=1):
            return shift_date, shift, at
    return today, Shift.NIGHT, shift_window(prop, today, Shift.NIGHT)[1]


def _clean_checks(checks) -> list[dict]:
    if not isinstance(checks, list):
        raise DomainError(_("公物清点格式不正确。(Invalid property count list.)"), field="checks")
    out = []
    for row in checks:
        if not isinstance(row, dict):
            raise DomainError(_("公物清点格式不正确。(Invalid property count list.)"), field="checks")
        item = str(row.get("item") or "").strip()
        if not item:
            raise DomainError(_("公物名称不能为空。(Item name required.)"), field="checks")
        try:
            expected = int(row.get("expected"))
            actual = row.get("actual")
            actual = None if actual in (None, "") else int(actual)
        except (TypeError, ValueError):
            raise DomainError(
                _("%(i)s:数量必须是整数。(Counts must be whole numbers.)") % {"i": item}, field="checks"
            ) from None
        if expected < 0 or (actual is not None and actual < 0):
            raise DomainError(
                _("%(i)s:数量不能为负。(Counts cannot be negative.)") % {"i": item}, field="checks"
            )
        out.append(
            {"item": item, "expected": expected, "actual": actual, "note": str(row.get("note") or "").strip()}
        )
    return out


def _initial_checks(prop: Property) -> list[dict]:
    last = (
        Handover.objects.filter(
            property=prop, status__in=[HandoverStatus.HANDED_OVER, HandoverStatus.CONFIRMED]
        )
        .order_by("-handed_over_at", "-id")
        .values_list("checks", flat=True)
        .first()
    )
    if last:
        return [
            {
                "item": r["item"],
                "expected": r["actual"] if r.get("actual") is not None else r["expected"],
                "actual": None,
                "note": "",
            }
            for r in last
        ]
    return [{"item": name, "expected": n, "actual": None, "note": ""} for name, n in DEFAULT_PUBLIC_PROPERTY]


@transaction.atomic
def handover_start(
    *,
    actor,
    prop: Property,
    incoming,
    shift_date: date | None = None,
    shift: str | None = None,
    now: datetime | None = None,
) -> Handover:
    """The outgoing staff member opens the handover and names who takes over."""
    require(actor, "handover.do", prop.pk)
    now = now or timezone.now()
    if incoming is None:
        raise DomainError(_("请选择接班人。(Choose the incoming staff member.)"), field="incoming")
    if incoming.pk == actor.pk:
        raise DomainError(
            _("接班人不能是交班人本人。(The incoming cannot be the outgoing.)"), field="incoming"
        )
    if not can(incoming, "handover.do", prop.pk):
        raise DomainError(
            _("接班人必须是本项目的客服值班人员。(The incoming must be CS duty staff of this property.)"),
            field="incoming",
        )
    if shift_date is None or shift is None:
        shift_date, shift, _at = next_handover(prop, now)
    if shift not in Shift.values:
        raise DomainError(_("班次不正确。(Unknown shift.)"), field="shift")
    if Handover.objects.filter(property=prop, shift_date=shift_date, shift=shift, outgoing=actor).exists():
        raise Conflict(_("您本班次的交接班已开始。(Your handover for this shift already exists.)"))
    handover = Handover.objects.create(
        property=prop,
        shift_date=shift_date,
        shift=shift,
        outgoing=actor,
        incoming=incoming,
        started_at=now,
        checks=_initial_checks(prop),
    )
    record(handover, actor=actor, action=HistoryAction.CREATE)
    return handover


def _participant(actor, handover: Handover):
    require(actor, "handover.do", handover.property_id)
    if actor.pk not in (handover.outgoing_id, handover.incoming_id):
        raise NotAllowed(
            _("只有交班人和接班人可以填写交接内容。(Only the two staff in the handover may edit it.)")
        )


def _draft_handover(handover: Handover) -> Handover:
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    if handover.status != HandoverStatus.DRAFT:
        raise Conflict(_("交接班已交班,不能再修改。(Already handed over; cannot be edited.)"))
    return handover


@transaction.atomic
def handover_update(
    *,
    actor,
    handover: Handover,
    checks: list | None = None,
    anomalies: str | None = None,
    anomaly_explanation: str | None = None,
    follow_ups: str | None = None,
) -> Handover:
    """R-DUTY-09/10/11: the count of public property, anomalies with the outgoing's explanation, follow-ups."""
    _participant(actor, handover)
    handover = _draft_handover(handover)
    before = snapshot(handover)
    if checks is not None:
        handover.checks = _clean_checks(checks)
    for name, value in (
        ("anomalies", anomalies),
        ("anomaly_explanation", anomaly_explanation),
        ("follow_ups", follow_ups),
    ):
        if value is not None:
            setattr(handover, name, value.strip())
    handover.save()
    record(handover, actor=actor, action=HistoryAction.UPDATE, before=before)
    return handover


@transaction.atomic
def handover_add_item(
    *, actor, handover: Handover, description: str, important: bool = False
) -> HandoverItem:
    """R-DUTY-13: unfinished work is told to the incoming truthfully."""
    _participant(actor, handover)
    handover = _draft_handover(handover)
    description = (description or "").strip()
    if not description:
        raise DomainError(_("请填写未完成的工作。(Describe the unfinished work.)"), field="description")
    item = HandoverItem.objects.create(handover=handover, description=description[:300], important=important)
    record(item, actor=actor, action=HistoryAction.CREATE)
    return item


@transaction.atomic
def handover_item_set_done(*, actor, item: HandoverItem, done: bool) -> HandoverItem:
    _participant(actor, item.handover)
    _draft_handover(item.handover)
    item = HandoverItem.objects.select_for_update().get(pk=item.pk)
    if item.done == done:
        return item
    before = snapshot(item)
    item.done = done
    item.save(update_fields=["done", "updated_at"])
    record(item, actor=actor, action=HistoryAction.UPDATE, before=before)
    return item


@transaction.atomic
def handover_hand_over(
    *, actor, handover: Handover, unfinished_reason: str = "", now: datetime | None = None
) -> Handover:
    """The outgoing signs. Counts of other areas are snapshotted for the incoming to check."""
    require(actor, "handover.do", handover.property_id)
    if actor.pk != handover.outgoing_id:
        raise NotAllowed(_("只有交班人可以交班。(Only the outgoing staff member hands over.)"))
    handover = _draft_handover(handover)
    checks = _clean_checks(handover.checks)
    # R-DUTY-09: everything counted; damage or loss explained by the outgoing.
    uncounted = [r["item"] for r in checks if r["actual"] is None]
    if uncounted:
        raise DomainError(
            _("请先清点全部公物:%(i)s。(Count all public property first.)") % {"i": "、".join(uncounted)},
            field="checks",
        )
    unexplained = [r["item"] for r in checks if r["actual"] != r["expected"] and not r["note"]]
    if unexplained:
        raise DomainError(
            _("公物数量不符,请交班人说明去向:%(i)s。(Explain each damaged or missing item.)")
            % {"i": "、".join(unexplained)},
            field="checks",
        )
    # R-DUTY-11: an anomaly is explained by the outgoing.
    if handover.anomalies and not handover.anomaly_explanation:
        raise DomainError(
            _("发现异常情况时,交班人必须做出解释。(The outgoing must explain the anomalies.)"),
            field="anomaly_explanation",
        )
    # R-DUTY-13: important unfinished work needs an explicit reason, and the supervisor hears of it.
    open_important = list(
        handover.items.filter(important=True, done=False).values_list("description", flat=True)
    )
    unfinished_reason = (unfinished_reason or "").strip()
    if open_important and not unfinished_reason:
        raise DomainError(
            _(
                "有重要工作未完成,交班须说明原因。(Important work is unfinished: give the reason to hand over.)"
            ),
            field="unfinished_reason",
        )
    now = now or timezone.now()
    old = handover.status
    handover.status = HandoverStatus.HANDED_OVER
    handover.handed_over_at = now
    handover.outgoing_signed_at = now
    handover.unfinished_reason = unfinished_reason if open_important else ""
    handover.counts_snapshot = {
        c["key"]: {"label": c["label"], "value": c["value"]} for c in counts_now(handover.property)
    }
    handover.reject_reason = ""
    handover.save()
    record_transition(handover, actor=actor, from_state=old, reason=handover.unfinished_reason)
    if open_important:
        prop, link = handover.property, reverse("duty:handover", args=[handover.pk])
        body = "未完成的重要工作:" + ";".join(open_important) + f"\n原因:{unfinished_reason}"
        transaction.on_commit(
            lambda: notify_roles(
                prop,
                [Role.CS_SUPERVISOR],
                title=f"交接班有重要工作未完成:{handover.outgoing} → {handover.incoming}",
                body=body,
                link=link,
                level="warning",
                dedupe_key=f"duty.handover.unfinished.{handover.pk}.{now.isoformat()}",
            )
        )
    return handover


@transaction.atomic
def handover_confirm(*, actor, handover: Handover, now: datetime | None = None) -> Handover:
    """The incoming signs: takes over, and signs the previous shift's 台帐 (R-DUTY-11)."""
    require(actor, "handover.do", handover.property_id)
    if actor.pk != handover.incoming_id:
        raise NotAllowed(_("只有指定的接班人可以确认接班。(Only the named incoming staff member confirms.)"))
    handover = Handover.objects.select_for_update().select_related("property").get(pk=handover.pk)
    if handover.status != HandoverStatus.HANDED_OVER:
        raise Conflict(_("交班人尚未交班,或已确认。(Not handed over yet, or already confirmed.)"))
    now = now or timezone.now()
    start, end = handover.shift_window()
    handover.ledger_entry_ids = list(
        DutyEntry.objects.filter(
            property_id=handover.property_id, occurred_at__gte=start, occurred_at__lt=max(end, now)
        )
        .order_by("occurred_at", "id")
        .values_list("pk", flat=True)
    )
    old = handover.status
    handover.status = HandoverStatus.CONFIRMED
    handover.confirmed_at = now
    handover.incoming_signed_at = now
    handover.save()
    record_transition(handover, actor=actor, from_state=old)
    return handover


@transaction.atomic
def handover_reject(*, actor, handover: Handover, reason: str) -> Handover:
    """The incoming does not accept (a count or an explanation is wrong): back to the outgoing."""
    require(actor, "handover.do", handover.property_id)
    if actor.pk != handover.incoming_id:
        raise NotAllowed(_("只有指定的接班人可以退回。(Only the named incoming staff member can reject.)"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写退回原因。(Give a reason.)"), field="reason")
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    if handover.status != HandoverStatus.HANDED_OVER:
        raise Conflict(_("只能退回已交班的记录。(Only a handed-over record can be rejected.)"))
    old = handover.status
    handover.status = HandoverStatus.DRAFT
    handover.handed_over_at = None
    handover.outgoing_signed_at = None
    handover.counts_snapshot = {}
    handover.reject_reason = reason
    handover.save()
    record_transition(handover, actor=actor, from_state=old, reason=reason)
    return handover


# --- post attendance (岗位签到签退, R-DUTY-15/16) ---------------------------------------------------------

# R-DUTY-15: leaving for any reason but 下班 at the shift's end needs the 客服主管's approval. Signing off
# duty from 5 minutes before the shift's end is not early (R-DUTY-08: the relief arrives 5 minutes early).
OFF_DUTY_GRACE = HANDOVER_LEAD
LEAVE_NEEDS_APPROVAL = {LeaveReason.MEAL, LeaveReason.TEMPORARY, LeaveReason.OTHER}
POST_EDITABLE_FIELDS = ("name", "building", "department", "never_empty", "active")


def _clean_post_fields(prop: Property, fields: dict, *, exclude_pk=None) -> dict:
    name = (fields.get("name") or "").strip()
    if not name:
        raise DomainError(_("请填写岗位名称。(Enter the post's name.)"), field="name")
    if len(name) > 50:
        raise DomainError(_("岗位名称不能超过50个字。(At most 50 characters.)"), field="name")
    if Post.objects.filter(property=prop, name=name).exclude(pk=exclude_pk).exists():
        raise DomainError(_("本项目已有同名岗位。(A post with this name exists.)"), field="name")
    building, department = fields.get("building"), fields.get("department")
    if building is not None and (not isinstance(building, Building) or building.property_id != prop.pk):
        raise DomainError(_("楼座不属于本项目。(Building not in this property.)"), field="building")
    if department is not None and (
        not isinstance(department, Department) or department.property_id != prop.pk
    ):
        raise DomainError(_("部门不属于本项目。(Department not in this property.)"), field="department")
    return {
        "name": name,
        "building": building,
        "department": department,
        "never_empty": bool(fields.get("never_empty")),
        "active": bool(fields.get("active", True)),
    }


@transaction.atomic
def post_create(
    *,
    actor,
    prop: Property,
    name: str,
    building: Building | None = None,
    department: Department | None = None,
    never_empty: bool = True,
) -> Post:
    """The 客服主管 or 管理处经理 sets up a post of the 《岗位签到表》."""
    require(actor, "post.manage", prop.pk)
    data = _clean_post_fields(
        prop, {"name": name, "building": building, "department": department, "never_empty": never_empty}
    )
    post = Post.objects.create(property=prop, **data)
    record(post, actor=actor, action=HistoryAction.CREATE)
    return post


@transaction.atomic
def post_update(*, actor, post: Post, **fields) -> Post:
    """Rename, re-attach, mark never-empty, or deactivate a post (posts are never deleted)."""
    require(actor, "post.manage", post.property_id)
    unknown = set(fields) - set(POST_EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("不能修改这些字段。(These fields cannot be changed.)") + f" {sorted(unknown)}")
    post = Post.objects.select_for_update().select_related("property").get(pk=post.pk)
    merged = {name: getattr(post, name) for name in POST_EDITABLE_FIELDS}
    merged.update(fields)
    data = _clean_post_fields(post.property, merged, exclude_pk=post.pk)
    if (
        post.active
        and not data["active"]
        and PostShift.objects.filter(post=post, signed_out_at__isnull=True).exists()
    ):
        raise Conflict(
            _("岗位上仍有人员在岗,请先签退再停用。(Staff are still signed in: sign them out first.)"),
            field="active",
        )
    before = snapshot(post)
    for name, value in data.items():
        setattr(post, name, value)
    post.save()
    record(post, actor=actor, action=HistoryAction.UPDATE, before=before)
    return post


def _at(at: datetime | None, now: datetime, field: str) -> datetime:
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + FUTURE_TOLERANCE:
        raise DomainError(_("时间不能晚于现在。(The time cannot be in the future.)"), field=field)
    return at


@transaction.atomic
def post_sign_in(
    *, actor, post: Post, staff: User | None, at: datetime | None = None, note: str = ""
) -> PostShift:
    """R-DUTY-16: the front desk signs a staff member in on a post."""
    require(actor, "post.attend", post.property_id)
    at = _at(at, timezone.now(), "at")
    if staff is None:
        raise DomainError(_("请选择签到人员。(Choose the staff member.)"), field="staff")
    post = Post.objects.select_for_update().get(pk=post.pk)
    if not post.active:
        raise DomainError(_("该岗位已停用。(This post is no longer in use.)"), field="post")
    if not (
        staff.is_active
        and Membership.objects.filter(user=staff, property_id=post.property_id, active=True).exists()
    ):
        raise DomainError(
            _("签到人员不是本项目的员工。(The staff member does not work for this property.)"), field="staff"
        )
    current = PostShift.objects.filter(staff=staff, signed_out_at__isnull=True).select_related("post").first()
    if current is not None:
        raise Conflict(
            _("%(who)s 已在 %(post)s 签到,请先签退。(Already signed in on a post: sign out first.)")
            % {
                "who": staff,
                "post": current.post if current.property_id == post.property_id else _("其他项目"),
            },
            field="staff",
        )
    try:
        with transaction.atomic():
            shift = PostShift.objects.create(
                property_id=post.property_id,
                post=post,
                staff=staff,
                signed_in_at=at,
                signed_in_by=actor,
                note=(note or "").strip()[:200],
            )
    except IntegrityError:  # another clerk signed the same person in a moment ago
        raise Conflict(
            _("%(who)s 已在其他岗位签到。(Already signed in on a post.)") % {"who": staff}, field="staff"
        ) from None
    record(shift, actor=actor, action=HistoryAction.CREATE, at=at)
    return shift


def needs_leave_approval(shift: PostShift, reason: str, at: datetime) -> bool:
    """R-DUTY-15: a meal, a temporary or other leave, or going off duty before the shift's end."""
    if reason in LEAVE_NEEDS_APPROVAL:
        return True
    end = attendance_window(shift.property, shift.signed_in_at)[1]
    return at < end - OFF_DUTY_GRACE


@transaction.atomic
def post_sign_out(
    *,
    actor,
    shift: PostShift,
    reason: str,
    approved_by: User | None = None,
    relieved_by: PostShift | None = None,
    note: str = "",
    at: datetime | None = None,
) -> PostShift:
    """R-DUTY-16: the front desk signs a staff member out. R-DUTY-15: never leave a post empty — the supervisor
    approves an early, meal or temporary leave, and the last person on a never-empty post waits for relief."""
    require(actor, "post.attend", shift.property_id)
    at = _at(at, timezone.now(), "at")
    if reason not in LeaveReason.values:
        raise DomainError(_("请选择离岗原因。(Choose why the staff member leaves.)"), field="reason")
    note = (note or "").strip()[:200]
    if reason == LeaveReason.OTHER and not note:
        raise DomainError(_("离岗原因为其他时请填写备注。(Explain the reason in the note.)"), field="note")
    # The post row first: two clerks signing out the last two people of a post serialise here.
    post = Post.objects.select_for_update().select_related("property").get(pk=shift.post_id)
    shift = PostShift.objects.select_for_update().get(pk=shift.pk)
    shift.post = post
    if not shift.is_open:
        raise Conflict(_("该人员已签退。(Already signed out.)"))
    if at < shift.signed_in_at:
        raise DomainError(_("签退时间不能早于签到时间。(Sign-out cannot be before sign-in.)"), field="at")
    # R-DUTY-15: the supervisor (or the manager) approves; nobody approves their own leave.
    if needs_leave_approval(shift, reason, at):
        if approved_by is None:
            raise DomainError(
                _(
                    "用餐、临时离岗或提前下班须经客服主管批准,请选择批准人。"
                    "(A meal, temporary or early leave needs the CS supervisor's approval.)"
                ),
                field="approved_by",
            )
    if approved_by is not None and (
        approved_by.pk == shift.staff_id
        or not approved_by.is_active
        or not can(approved_by, "post.approve_leave", post.property_id)
    ):
        raise DomainError(
            _(
                "批准人须为本项目的客服主管或管理处经理,且不能是离岗者本人。"
                "(The approver must be this property's CS supervisor or manager, not the leaver.)"
            ),
            field="approved_by",
        )
    others = PostShift.objects.filter(post=post, signed_out_at__isnull=True).exclude(pk=shift.pk)
    if relieved_by is not None:
        if relieved_by.pk == shift.pk or not others.filter(pk=relieved_by.pk).exists():
            raise DomainError(
                _(
                    "接替人须是已在本岗位签到的其他人员。(The relief must be someone else signed in on this post.)"
                ),
                field="relieved_by",
            )
    elif post.never_empty and not others.exists():
        raise DomainError(
            _(
                "%(post)s 严禁空岗:须有接替人员先签到,才能签退最后一人。"
                "(This post must never be empty: sign the relief in first.)"
            )
            % {"post": post.name},
            field="relieved_by",
        )
    before = snapshot(shift)
    shift.signed_out_at = at
    shift.signed_out_by = actor
    shift.leave_reason = reason
    shift.approved_by = approved_by
    shift.relieved_by = relieved_by
    if note:
        shift.note = note
    shift.save()
    record(
        shift,
        actor=actor,
        action=HistoryAction.UPDATE,
        before=before,
        reason=" ".join(x for x in (str(LeaveReason(reason).label), note) if x),
        at=at,
    )
    return shift
