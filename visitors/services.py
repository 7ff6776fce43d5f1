"""Every write of the visitors area (R-VIS). Pages, the API and the demo loader call these functions.

A visit: registered (待业主确认) → the desk reaches the owner by phone or intercom (R-VIS-04):
  同意 → 在访 (admitted; the visitor is told the floor and unit) → 已离开 (left)
  拒绝 → 业主拒绝 (refused)
  无人应答 → stays waiting; the visitor keeps trying (archive lookup, R-VIS-06/07; or a number the visitor
            gives) or leaves a message (已留言离开), or gives up (访客放弃).
Overstay (R-VIS-03/05): past expected_leave_at the visit is flagged on the desk and the desk is notified;
the owner's notice of a longer stay is registered as an extension.
"""

import re
from datetime import date, datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import notify
from core.attachments import attachment_add
from core.choices import HistoryAction, OutboxChannel, Role
from core.errors import Conflict, DomainError
from core.history import record, record_transition, snapshot
from core.models import Property, Unit
from core.numbering import next_number
from core.permissions import require
from core.rule_settings import setting
from residents.models import EmergencyContact, Occupancy, Resident

from .choices import (
    ConfirmMethod,
    ConfirmResult,
    ContactSource,
    IdType,
    KeyStatus,
    PreauthSource,
    SpareKeyStatus,
    VisitStatus,
)
from .models import (
    KeyForVisitor,
    SpareKeyEntry,
    VisitorContactAttempt,
    VisitorContactLookup,
    VisitorEntry,
    VisitorPreauthorization,
)

ENTRY_PREFIX = "FK"  # 《访客登记表》 numbers: FK20261127-0001
KEY_PREFIX = "FKYS"  # keys left for visitors (their line of the 《业主物品临时存放记录表》)
DEFAULT_VISIT = timedelta(hours=2)  # R-VIS-02: the 访问时间 offered when the visitor names none
MAX_VISIT = timedelta(hours=24)  # R-VIS-02 INTERPRETATION: a registration covers one day at most
MAX_PREAUTH = timedelta(days=90)  # R-VIS-08/09: a standing instruction lasts a season at most
# The three above are the defaults of 规则参数 visitors.* (visitors/permissions.py): the seed gives no times.
OVERSTAY_KIND = "visitors.overstay"  # R-VIS-03: the dedupe key family of the overstay notice
PHONE_RE = re.compile(r"^[0-9+\-\s()]{5,30}$")
ID_RE = re.compile(r"^[0-9A-Za-z\-()]{4,40}$")


# --- helpers ---------------------------------------------------------------------------------------


def _max_visit_hours(prop) -> int:
    return int(setting(prop, "visitors.max_visit") / timedelta(hours=1))  # R-VIS-02


def _text(value, field, label, *, max_len, required=True) -> str:
    v = (value or "").strip()
    if required and not v:
        raise DomainError(f"请填写{label}。({field} is required.)", field=field)
    if len(v) > max_len:
        raise DomainError(f"{label}过长(最多 {max_len} 字)。({field} is too long.)", field=field)
    return v


def _phone(value, field="visitor_phone") -> str:
    v = (value or "").strip()
    if v and (not PHONE_RE.match(v) or sum(c.isdigit() for c in v) < 5):
        raise DomainError("电话号码格式不正确。(Invalid phone number.)", field=field)
    return v


def _id(id_type, id_number, *, required=True, field="visitor_id_number") -> tuple[str, str]:
    if id_type not in IdType.values:
        raise DomainError("未知证件类型。(Unknown ID type.)", field=field.replace("number", "type"))
    v = (id_number or "").strip().upper()
    if not v:
        if required:
            raise DomainError("请填写证件号码。(ID number is required.)", field=field)
        return id_type, ""
    if not ID_RE.match(v):
        raise DomainError("证件号码格式不正确。(Invalid ID number.)", field=field)
    if id_type == IdType.ID_CARD and not re.match(r"^\d{17}[\dX]$", v):
        raise DomainError("身份证号码应为 18 位。(A resident ID card number has 18 characters.)", field=field)
    return id_type, v


def _party(n) -> int:
    try:
        n = int(n)
    except (TypeError, ValueError):
        n = 0
    if not 1 <= n <= 50:
        raise DomainError("人数应在 1–50 之间。(Party size must be 1–50.)", field="party_size")
    return n


def _same_name(a: str, b: str) -> bool:
    return (a or "").replace(" ", "").lower() == (b or "").replace(" ", "").lower()


def _current_occupant(resident: Resident, unit: Unit) -> bool:
    return Occupancy.objects.filter(resident=resident, unit=unit, end__isnull=True).exists()


def _check_unit(prop: Property, unit: Unit, resident: Resident | None, *, field="unit"):
    if unit is None or unit.property_id != prop.pk:
        raise DomainError("请选择本项目的房间。(Choose a unit of this property.)", field=field)
    if resident is not None:
        if resident.property_id != prop.pk or not _current_occupant(resident, unit):
            raise DomainError(
                "该住户不是此房间的在住住户。(This resident does not currently live in the unit.)",
                field="resident",
            )


def _lock(model, obj):
    return model.objects.select_for_update().get(pk=obj.pk)


def _on_commit_notify_roles(prop, roles, **kw):
    transaction.on_commit(lambda: notify.notify_roles(prop, roles, **kw))


# --- standing instructions (R-VIS-08/09) -----------------------------------------------------------


@transaction.atomic
def preauth_create(
    *,
    actor,
    prop: Property,
    unit: Unit,
    resident: Resident,
    visitor_name: str,
    visitor_id_type: str = IdType.ID_CARD,
    visitor_id_number: str = "",
    visitor_phone: str = "",
    party_size: int = 1,
    valid_from: datetime,
    valid_to: datetime,
    nobody_home: bool = False,
    contact_method: str = "",
    instructions: str = "",
    source: str = PreauthSource.PHONE,
) -> VisitorPreauthorization:
    """The owner tells the desk in advance how to receive a visitor (by phone or at the desk)."""
    require(actor, "visitor.preauth", prop.pk)
    if resident is None:
        raise DomainError("请选择交代的业主。(Choose the resident.)", field="resident")
    _check_unit(prop, unit, resident)
    name = _text(visitor_name, "visitor_name", "访客姓名", max_len=50)
    id_type, id_number = _id(visitor_id_type, visitor_id_number, required=False)
    if source not in PreauthSource.values:
        raise DomainError("未知来源。(Unknown source.)", field="source")
    if not valid_from or not valid_to or valid_to <= valid_from:
        raise DomainError("有效期结束须晚于开始。(The validity must end after it starts.)", field="valid_to")
    max_preauth = setting(prop, "visitors.max_preauth")
    if valid_to - valid_from > max_preauth:
        raise DomainError(
            f"有效期最长 {max_preauth.days} 天。(At most {max_preauth.days} days.)", field="valid_to"
        )
    if valid_to <= timezone.now():
        raise DomainError("有效期已过。(The validity is already over.)", field="valid_to")
    contact_method = _text(contact_method, "contact_method", "联系方式", max_len=200, required=False)
    if nobody_home:
        # R-VIS-09: nobody home → the owner's identity details of the visitor and how to reach the owner.
        if not id_number:
            raise DomainError(
                "家中无人时须由业主预先填写访客证件号码。(With nobody home the owner must give the visitor's ID number.)",
                field="visitor_id_number",
            )
        if not contact_method:
            raise DomainError(
                "家中无人时须留下访客联系业主的方式。(Leave how the visitor is to contact the owner.)",
                field="contact_method",
            )
    p = VisitorPreauthorization.objects.create(
        property=prop,
        unit=unit,
        resident=resident,
        visitor_name=name,
        visitor_id_type=id_type,
        visitor_id_number=id_number,
        visitor_phone=_phone(visitor_phone),
        party_size=_party(party_size),
        valid_from=valid_from,
        valid_to=valid_to,
        nobody_home=bool(nobody_home),
        contact_method=contact_method,
        instructions=_text(instructions, "instructions", "接待交代", max_len=1000, required=False),
        source=source,
        recorded_by=actor,
    )
    record(p, actor=actor, action=HistoryAction.CREATE)
    return p


@transaction.atomic
def preauth_revoke(*, actor, preauth: VisitorPreauthorization, reason: str = "") -> VisitorPreauthorization:
    require(actor, "visitor.preauth", preauth.property_id)
    p = _lock(VisitorPreauthorization, preauth)
    if p.revoked_at:
        raise Conflict("该交代已撤销。(Already revoked.)")
    reason = _text(reason, "reason", "撤销原因", max_len=200)
    before = snapshot(p)
    p.revoked_at, p.revoked_by, p.revoke_reason = timezone.now(), actor, reason
    p.save(update_fields=["revoked_at", "revoked_by", "revoke_reason", "updated_at"])
    record(p, actor=actor, action=HistoryAction.VOID, before=before, reason=reason)
    return p


def matching_preauth(*, prop, unit, visitor_name, visitor_id_number, at) -> VisitorPreauthorization | None:
    """R-VIS-08/09: the owner's live instruction for this visitor — same unit, same name, and the same ID
    number whenever the owner gave one."""
    candidates = VisitorPreauthorization.objects.filter(
        property=prop, unit=unit, revoked_at__isnull=True, valid_from__lte=at, valid_to__gte=at
    ).order_by("-valid_from", "-id")
    for p in candidates:
        if not _same_name(p.visitor_name, visitor_name):
            continue
        if p.visitor_id_number and p.visitor_id_number != (visitor_id_number or "").strip().upper():
            continue
        return p
    return None


# --- the 《访客登记表》 ---------------------------------------------------------------------------------


@transaction.atomic
def visitor_register(
    *,
    actor,
    prop: Property,
    visitor_name: str,
    visitor_id_type: str = IdType.ID_CARD,
    visitor_id_number: str,
    visitor_phone: str = "",
    party_size: int = 1,
    unit: Unit,
    resident: Resident | None = None,
    purpose: str,
    arrived_at: datetime | None = None,
    expected_leave_at: datetime | None = None,
    preauthorization: VisitorPreauthorization | None = None,
    notes: str = "",
) -> VisitorEntry:
    """R-VIS-02: every visitor registers with the 来访时间 and the 访问时间 (→ expected_leave_at)."""
    require(actor, "visitor.register", prop.pk)
    _check_unit(prop, unit, resident)
    name = _text(visitor_name, "visitor_name", "访客姓名", max_len=50)
    id_type, id_number = _id(visitor_id_type, visitor_id_number)
    now = timezone.now()
    arrived_at = arrived_at or now
    if arrived_at > now + timedelta(minutes=5):
        raise DomainError("来访时间不能晚于现在。(Arrival cannot be in the future.)", field="arrived_at")
    expected_leave_at = expected_leave_at or arrived_at + setting(prop, "visitors.default_visit")
    if expected_leave_at <= arrived_at:
        raise DomainError(
            "预计离开时间须晚于来访时间。(Expected departure must be after arrival.)",
            field="expected_leave_at",
        )
    max_hours = _max_visit_hours(prop)
    if expected_leave_at - arrived_at > timedelta(hours=max_hours):
        raise DomainError(
            f"访问时间最长 {max_hours} 小时。(A visit is registered for {max_hours} hours at most.)",
            field="expected_leave_at",
        )
    if preauthorization is not None:
        p = preauthorization
        # R-VIS-09: the desk checks the visitor against the details the owner left.
        if (
            p.property_id != prop.pk
            or p.unit_id != unit.pk
            or not p.is_active(arrived_at)
            or not _same_name(p.visitor_name, name)
            or (p.visitor_id_number and p.visitor_id_number != id_number)
        ):
            raise DomainError(
                "访客信息与业主预先交代不符或交代已失效。(The visitor does not match the owner's live instruction.)",
                field="preauthorization",
            )
    else:
        preauthorization = matching_preauth(
            prop=prop, unit=unit, visitor_name=name, visitor_id_number=id_number, at=arrived_at
        )
    if resident is None and preauthorization is not None:
        resident = preauthorization.resident
    e = VisitorEntry.objects.create(
        property=prop,
        number=next_number(prop, ENTRY_PREFIX),
        visitor_name=name,
        visitor_id_type=id_type,
        visitor_id_number=id_number,
        visitor_phone=_phone(visitor_phone),
        party_size=_party(party_size),
        unit=unit,
        resident=resident,
        purpose=_text(purpose, "purpose", "来访事由", max_len=200),
        arrived_at=arrived_at,
        expected_leave_at=expected_leave_at,
        preauthorization=preauthorization,
        registered_by=actor,
        notes=_text(notes, "notes", "备注", max_len=200, required=False),
    )
    record(e, actor=actor, action=HistoryAction.CREATE)
    return e


def _open_entry(entry: VisitorEntry, *statuses) -> VisitorEntry:
    e = _lock(VisitorEntry, entry)
    if e.status not in statuses:
        raise Conflict(
            f"该访客当前状态为「{e.get_status_display()}」,不能执行此操作。(Not possible in this state.)"
        )
    return e


def _close(e: VisitorEntry, actor, status: str, *, reason: str = "", at=None) -> VisitorEntry:
    old = e.status
    e.status, e.left_at, e.closed_by = status, at or timezone.now(), actor
    e.save(update_fields=["status", "left_at", "closed_by", "updated_at"])
    record_transition(e, actor=actor, from_state=old, reason=reason)
    return e


@transaction.atomic
def visitor_contact(
    *,
    actor,
    entry: VisitorEntry,
    method: str,
    result: str,
    contacted_with: str = "",
    source: str = ContactSource.REGISTER,
    identity_checked: bool = False,
    note: str = "",
) -> VisitorEntry:
    """R-VIS-04: the desk reaches the owner by phone or intercom; only an agreement lets the visitor up.
    Every try is kept (R-VIS-06: contact tried). With the owner's nobody-home instruction the visit
    proceeds once the owner tells the desk, after the desk checked the visitor's ID (R-VIS-09)."""
    require(actor, "visitor.register", entry.property_id)
    e = _open_entry(entry, VisitStatus.PENDING)
    if method not in ConfirmMethod.values:
        raise DomainError("请选择确认方式(电话/对讲)。(Choose phone or intercom.)", field="method")
    if result not in ConfirmResult.values:
        raise DomainError("请选择确认结果。(Choose the result.)", field="result")
    if source not in ContactSource.values:
        raise DomainError("未知号码来源。(Unknown source.)", field="source")
    who = _text(
        contacted_with, "contacted_with", "确认人", max_len=50, required=result != ConfirmResult.NO_ANSWER
    )
    p = e.preauthorization
    if result == ConfirmResult.AGREED and p is not None and p.nobody_home and not identity_checked:
        raise DomainError(
            "请先核对访客证件与业主预留信息。(Check the visitor's ID against the owner's details first.)",
            field="identity_checked",
        )
    now = timezone.now()
    VisitorContactAttempt.objects.create(
        entry=e,
        method=method,
        source=source,
        contacted_with=who,
        result=result,
        note=_text(note, "note", "说明", max_len=200, required=False),
        by=actor,
        at=now,
    )
    e.contact_attempts += 1
    fields = ["contact_attempts", "updated_at"]
    if result == ConfirmResult.NO_ANSWER:
        e.save(update_fields=fields)
        record(e, actor=actor, action=HistoryAction.UPDATE, changes={"contact": ["", "无人应答"]})
        return e
    old = e.status
    e.confirm_method, e.confirm_result, e.confirmed_with = method, result, who
    e.confirmed_by, e.confirmed_at = actor, now
    fields += ["confirm_method", "confirm_result", "confirmed_with", "confirmed_by", "confirmed_at", "status"]
    if result == ConfirmResult.AGREED:
        e.status = VisitStatus.ADMITTED
    else:
        e.status, e.left_at, e.closed_by = VisitStatus.REFUSED, now, actor
        fields += ["left_at", "closed_by"]
    e.save(update_fields=fields)
    record_transition(e, actor=actor, from_state=old, reason=f"{e.get_confirm_method_display()}确认:{who}")
    return e


def _unanswered(e: VisitorEntry) -> bool:
    return e.attempts.filter(result=ConfirmResult.NO_ANSWER).exists()


@transaction.atomic
def visitor_contact_lookup(*, actor, entry: VisitorEntry, reason: str = "") -> dict:
    """R-VIS-06/07: the owner could not be reached and the visitor wants to keep trying — the desk reads
    the owner's contact fields (only those) from the archive; the read is logged (查询人/事由/时间)."""
    require(actor, "visitor.contact_lookup", entry.property_id)
    e = _open_entry(entry, VisitStatus.PENDING)
    if e.resident_id is None:
        raise DomainError("未指定被访住户,无法查询档案。(No visited resident recorded.)")
    if not _unanswered(e):
        raise DomainError(
            "只有电话/对讲联系不上业主时才可查询档案联系方式。(Only after the owner could not be reached.)"
        )
    reason = (reason or "").strip() or f"访客 {e.visitor_name} 来访,联系不上业主"
    VisitorContactLookup.objects.create(
        property_id=e.property_id,
        entry=e,
        resident_id=e.resident_id,
        reader=actor,
        reason=reason[:200],
        at=timezone.now(),
    )
    r = Resident.objects.get(pk=e.resident_id)
    contacts = [
        {"label": "手机", "number": r.phone},
        {"label": "其他电话", "number": r.phone2},
    ]
    for c in EmergencyContact.objects.filter(resident=r, active=True).order_by("id"):
        contacts.append({"label": f"紧急联络人 {c.name}({c.relation})", "number": c.phone})
    return {"resident": r.name, "contacts": [c for c in contacts if c["number"]]}


@transaction.atomic
def visitor_leave_message(*, actor, entry: VisitorEntry, message: str, send_sms: bool = True) -> VisitorEntry:
    """R-VIS-06: the owner cannot be reached and the visitor will not keep trying — the desk takes a
    message for the owner (sent by SMS to the owner's phone when there is one) and the visitor leaves."""
    require(actor, "visitor.register", entry.property_id)
    e = _open_entry(entry, VisitStatus.PENDING)
    if not _unanswered(e):
        raise DomainError(
            "请先尝试联系业主;联系不上时才代为留言。(Try to reach the owner first.)", field="message"
        )
    text = _text(message, "message", "留言内容", max_len=500)
    e.message = text
    e.save(update_fields=["message", "updated_at"])
    if send_sms and e.resident_id:
        r = Resident.objects.get(pk=e.resident_id)
        if r.phone:
            notify.queue_resident_message(
                prop=e.property,
                channel=OutboxChannel.SMS,
                to=r.phone,
                body=f"【{e.property.name}客服中心】访客{e.visitor_name}于{timezone.localtime(e.arrived_at):%m-%d %H:%M}来访,留言:{text}",
                resident=r,
                actor=actor,
            )
    return _close(e, actor, VisitStatus.MESSAGE_LEFT, reason="联系不上业主,已代为留言")


@transaction.atomic
def visitor_extend(
    *, actor, entry: VisitorEntry, expected_leave_at: datetime, notified_by: str, reason: str = ""
) -> VisitorEntry:
    """R-VIS-05: the visited owner notifies the desk that the visitor stays longer; the desk registers it."""
    require(actor, "visitor.register", entry.property_id)
    e = _open_entry(entry, VisitStatus.ADMITTED)
    who = _text(notified_by, "notified_by", "通知延时的业主", max_len=50)
    if not expected_leave_at or expected_leave_at <= e.expected_leave_at:
        raise DomainError(
            "新的预计离开时间须晚于原时间。(The new time must be later than the registered one.)",
            field="expected_leave_at",
        )
    max_hours = _max_visit_hours(e.property)
    if expected_leave_at - e.arrived_at > timedelta(hours=max_hours):
        raise DomainError(
            f"访问时间最长 {max_hours} 小时,请重新登记。(At most {max_hours} hours; register again.)",
            field="expected_leave_at",
        )
    before = snapshot(e)
    e.expected_leave_at = expected_leave_at
    e.extension_count += 1
    e.save(update_fields=["expected_leave_at", "extension_count", "updated_at"])
    record(
        e,
        actor=actor,
        action=HistoryAction.UPDATE,
        before=before,
        reason=f"业主 {who} 通知延时 {reason}".strip(),
    )
    return e


@transaction.atomic
def visitor_leave(*, actor, entry: VisitorEntry, left_at: datetime | None = None) -> VisitorEntry:
    require(actor, "visitor.register", entry.property_id)
    e = _open_entry(entry, VisitStatus.ADMITTED)
    # R-VIS-13: a visitor let in with the spare key leaves through the desk, which locks the door.
    if SpareKeyEntry.objects.filter(
        entry=e, status__in=[SpareKeyStatus.KEY_OUT, SpareKeyStatus.VISITOR_INSIDE]
    ).exists():
        raise DomainError(
            "该访客用备用钥匙进入,请在备用钥匙记录中登记借钥匙锁门。(Lock the door via the spare-key record.)"
        )
    now = timezone.now()
    left_at = left_at or now
    if left_at < e.arrived_at or left_at > now + timedelta(minutes=5):
        raise DomainError("离开时间不正确。(Invalid departure time.)", field="left_at")
    return _close(e, actor, VisitStatus.LEFT, at=left_at)


@transaction.atomic
def visitor_cancel(*, actor, entry: VisitorEntry, reason: str) -> VisitorEntry:
    """The visitor gives up while waiting for the owner's agreement."""
    require(actor, "visitor.register", entry.property_id)
    e = _open_entry(entry, VisitStatus.PENDING)
    return _close(e, actor, VisitStatus.CANCELLED, reason=_text(reason, "reason", "原因", max_len=200))


def overstay_check(*, now=None) -> int:
    """R-VIS-03: every visitor past the registered time is flagged to the front desk once per registered
    time (an extension re-arms it). Idempotent: the periodic task runs it every few minutes."""
    now = now or timezone.now()
    made = 0
    rows = (
        VisitorEntry.objects.filter(status=VisitStatus.ADMITTED, expected_leave_at__lt=now)
        .select_related("property", "unit")
        .order_by("property_id", "expected_leave_at")
    )
    for e in rows.iterator(chunk_size=500):
        made += notify.notify_roles(
            e.property,
            [Role.FRONT_DESK, Role.CS_SUPERVISOR],
            title=f"访客超时:{e.visitor_name} → {e.unit.label}",
            body=f"预计离开 {timezone.localtime(e.expected_leave_at):%H:%M},请联系业主确认是否延时(R-VIS-05)。",
            link=reverse("visitors:entry", args=[e.pk]),
            level="warning",
            dedupe_key=f"{OVERSTAY_KIND}:{e.pk}:{int(e.expected_leave_at.timestamp())}",
        )
    return made


# --- a key left at the desk for a visitor (R-VIS-10, R-HOLD) --------------------------------------------


@transaction.atomic
def key_for_visitor_deposit(
    *,
    actor,
    prop: Property,
    unit: Unit,
    resident: Resident,
    collector_name: str,
    collector_id_number: str = "",
    description: str = "房门钥匙",
    expected_collect_at: datetime | None = None,
    envelope_sealed: bool = False,
    note: str = "",
) -> KeyForVisitor:
    """The owner leaves the unit key for a visitor: registered with every column filled (R-HOLD-04/06) and
    sealed in an envelope marked with unit, date and collector (R-HOLD-05)."""
    require(actor, "visitor.key", prop.pk)
    if resident is None:
        raise DomainError("请选择留存钥匙的业主。(Choose the resident.)", field="resident")
    _check_unit(prop, unit, resident)
    if not envelope_sealed:
        raise DomainError(
            "钥匙须封入信封,并注明单元号、留存日期和领取人姓名。(Seal the key in a marked envelope.)",
            field="envelope_sealed",
        )
    _t, cid = _id(IdType.OTHER, collector_id_number, required=False, field="collector_id_number")
    k = KeyForVisitor.objects.create(
        property=prop,
        number=next_number(prop, KEY_PREFIX),
        unit=unit,
        resident=resident,
        description=_text(description, "description", "物品", max_len=100),
        collector_name=_text(collector_name, "collector_name", "领取人姓名", max_len=50),
        collector_id_number=cid,
        expected_collect_at=expected_collect_at,
        envelope_sealed=True,
        deposited_at=timezone.now(),
        received_by=actor,
        note=_text(note, "note", "备注", max_len=200, required=False),
    )
    record(k, actor=actor, action=HistoryAction.CREATE)
    return k


@transaction.atomic
def key_for_visitor_handover(
    *,
    actor,
    key: KeyForVisitor,
    entry: VisitorEntry,
    checked_id_type: str,
    checked_id_number: str,
    identity_checked: bool,
    signature_name: str,
    signed: bool,
) -> KeyForVisitor:
    """R-VIS-10: the visitor is first received by the normal steps (registered, owner agreed), then the desk
    verifies identity strictly and the visitor signs the 《业主物品临时存放记录表》 before getting the key."""
    require(actor, "visitor.key", key.property_id)
    k = _lock(KeyForVisitor, key)
    if k.status != KeyStatus.HELD:
        raise Conflict("该钥匙已不在前台。(The key is no longer held.)")
    if entry is None or entry.property_id != k.property_id or entry.unit_id != k.unit_id:
        raise DomainError("请选择来访此房间的访客登记。(Choose the visit to this unit.)", field="entry")
    if entry.status != VisitStatus.ADMITTED or entry.confirm_result != ConfirmResult.AGREED:
        raise DomainError(
            "访客须先登记并经业主同意,方可领取钥匙。(The visit must be registered and agreed by the owner first.)",
            field="entry",
        )
    if not _same_name(entry.visitor_name, k.collector_name):
        raise DomainError(
            "访客不是业主指定的领取人。(The visitor is not the collector the owner named.)", field="entry"
        )
    id_type, id_number = _id(checked_id_type, checked_id_number, field="checked_id_number")
    expected = k.collector_id_number or entry.visitor_id_number
    if not identity_checked or id_number != expected:
        # R-HOLD-09: identity not confirmed → no handover; the desk contacts the depositor.
        raise DomainError(
            "证件核验不符,不能交付钥匙;请联系业主确认。(ID check failed: contact the owner.)",
            field="checked_id_number",
        )
    sig = _text(signature_name, "signature_name", "领取人签署", max_len=50)
    if not signed or not _same_name(sig, entry.visitor_name):
        raise DomainError(
            "请访客本人在《业主物品临时存放记录表》上签名后再交付。(The visitor must sign before receiving the key.)",
            field="signed",
        )
    old = k.status
    now = timezone.now()
    k.entry = entry
    k.checked_id_type, k.checked_id_number = id_type, id_number
    k.signature_name, k.signed_at, k.handed_over_by = sig, now, actor
    k.status = KeyStatus.HANDED_OVER
    k.save()
    record_transition(k, actor=actor, from_state=old, reason=f"领取人 {sig} 签署")
    return k


@transaction.atomic
def key_for_visitor_return(*, actor, key: KeyForVisitor, reason: str = "") -> KeyForVisitor:
    """The visitor never came: the owner takes the key back."""
    require(actor, "visitor.key", key.property_id)
    k = _lock(KeyForVisitor, key)
    if k.status != KeyStatus.HELD:
        raise Conflict("该钥匙已不在前台。(The key is no longer held.)")
    old = k.status
    k.status, k.returned_at = KeyStatus.RETURNED, timezone.now()
    k.save(update_fields=["status", "returned_at", "updated_at"])
    record_transition(k, actor=actor, from_state=old, reason=_text(reason, "reason", "说明", max_len=200))
    return k


# --- spare-key entry (R-VIS-11/12/13, R-KEY-12) ---------------------------------------------------------


def _spare(spare: SpareKeyEntry, *statuses) -> SpareKeyEntry:
    s = _lock(SpareKeyEntry, spare)
    if s.status not in statuses:
        raise Conflict(
            f"当前状态为「{s.get_status_display()}」,不能执行此操作。(Not possible in this state.)"
        )
    return s


def _spare_move(s: SpareKeyEntry, actor, status: str, reason: str = "") -> SpareKeyEntry:
    old = s.status
    s.status = status
    s.save()
    record_transition(s, actor=actor, from_state=old, reason=reason)
    return s


@transaction.atomic
def spare_key_request(*, actor, entry: VisitorEntry) -> SpareKeyEntry:
    """R-VIS-11: the owner, reached while out, asks for the spare key and will sign a 《确认函》: a blank
    letter is faxed now; the visitor waits in the lobby until it comes back signed."""
    require(actor, "visitor.sparekey", entry.property_id)
    e = _open_entry(entry, VisitStatus.ADMITTED)
    if e.confirm_result != ConfirmResult.AGREED or e.resident_id is None:
        raise DomainError("须先联系上业主并经其同意。(The owner must have agreed to the visit.)")
    if (
        SpareKeyEntry.objects.filter(entry=e)
        .exclude(status__in=[SpareKeyStatus.DECLINED, SpareKeyStatus.LOCKED])
        .exists()
    ):
        raise Conflict("该访客已有进行中的备用钥匙记录。(A spare-key entry is already open.)")
    s = SpareKeyEntry.objects.create(
        property_id=e.property_id,
        entry=e,
        unit_id=e.unit_id,
        resident_id=e.resident_id,
        requested_by=actor,
        letter_faxed_at=timezone.now(),
    )
    record(s, actor=actor, action=HistoryAction.CREATE, reason="已传真空白《确认函》")
    return s


@transaction.atomic
def spare_key_letter_received(*, actor, spare: SpareKeyEntry, signed_on: date, scan=None) -> SpareKeyEntry:
    """R-VIS-11: the owner's signed 《确认函》 is back (scan optional)."""
    require(actor, "visitor.sparekey", spare.property_id)
    s = _spare(spare, SpareKeyStatus.AWAITING_LETTER)
    if not signed_on:
        raise DomainError(
            "请填写《确认函》签署日期。(Enter the date the letter was signed.)", field="signed_on"
        )
    if signed_on > timezone.localdate() or signed_on < timezone.localtime(s.letter_faxed_at).date():
        raise DomainError(
            "签署日期应在发出确认函之后、不晚于今天。(The signing date must fall between faxing and today.)",
            field="signed_on",
        )
    s.letter_signed_on, s.letter_received_at = signed_on, timezone.now()
    if scan is not None:
        attachment_add(actor=actor, target=s, upload=scan)
    return _spare_move(s, actor, SpareKeyStatus.LETTER_RECEIVED, "已收到业主签署的《确认函》")


@transaction.atomic
def spare_key_decline(*, actor, spare: SpareKeyEntry, note: str) -> SpareKeyEntry:
    """R-VIS-12: the owner will not sign — the 客服主管 explains, and the visitor is not let into the unit."""
    require(actor, "visitor.sparekey.decline", spare.property_id)
    s = _spare(spare, SpareKeyStatus.AWAITING_LETTER)
    s.decline_note = _text(note, "note", "解释说明", max_len=200)
    s.declined_by, s.declined_at = actor, timezone.now()
    return _spare_move(s, actor, SpareKeyStatus.DECLINED, s.decline_note)


@transaction.atomic
def spare_key_borrow(
    *, actor, spare: SpareKeyEntry, lent_by: str, key_use_ref: str, people_present: str
) -> SpareKeyEntry:
    """R-VIS-11/13, R-KEY-12: only with the signed 《确认函》 on file the desk borrows the spare key from the
    秩序维护部 against its key-use application; the clerk who borrows it keeps it throughout."""
    require(actor, "visitor.sparekey", spare.property_id)
    s = _lock(SpareKeyEntry, spare)
    if s.status == SpareKeyStatus.AWAITING_LETTER:
        raise DomainError(
            "未收到业主签署的《确认函》,不能借用备用钥匙。(No signed confirmation letter yet.)",
            code="no_letter",
        )
    s = _spare(spare, SpareKeyStatus.LETTER_RECEIVED)
    s.lent_by = _text(lent_by, "lent_by", "秩序维护部借出人", max_len=50)
    s.key_use_ref = _text(key_use_ref, "key_use_ref", "钥匙使用申请单号", max_len=50)
    s.people_present = _text(people_present, "people_present", "在场人员", max_len=200)
    s.key_holder, s.key_borrowed_at = actor, timezone.now()
    return _spare_move(s, actor, SpareKeyStatus.KEY_OUT, f"向 {s.lent_by} 借出备用钥匙")


def _holder_only(s: SpareKeyEntry, actor):
    if s.key_holder_id != actor.pk:
        raise DomainError(
            f"备用钥匙须由借出人 {s.key_holder} 全程保管并亲自操作。(The clerk who borrowed the key keeps it throughout.)",
            code="not_holder",
        )


@transaction.atomic
def spare_key_admit(*, actor, spare: SpareKeyEntry) -> SpareKeyEntry:
    """R-VIS-13: the door is opened, the visitor goes in, the key goes back to the 秩序维护部 at once."""
    require(actor, "visitor.sparekey", spare.property_id)
    s = _spare(spare, SpareKeyStatus.KEY_OUT)
    _holder_only(s, actor)
    now = timezone.now()
    s.entered_at = s.key_returned_at = now
    return _spare_move(s, actor, SpareKeyStatus.VISITOR_INSIDE, "访客已入户,钥匙已归还秩序维护部")


@transaction.atomic
def spare_key_lock(*, actor, spare: SpareKeyEntry, lent_by: str = "") -> SpareKeyEntry:
    """R-VIS-13: the visitor tells the desk they are leaving; the desk borrows the key again, locks the
    door, returns the key — and the visit is signed out."""
    require(actor, "visitor.sparekey", spare.property_id)
    s = _spare(spare, SpareKeyStatus.VISITOR_INSIDE)
    now = timezone.now()
    s.exited_at = s.locked_at = now
    s.locked_by = actor
    s = _spare_move(s, actor, SpareKeyStatus.LOCKED, f"借钥匙锁门并归还 {lent_by}".strip())
    e = VisitorEntry.objects.select_for_update().get(pk=s.entry_id)
    if e.status == VisitStatus.ADMITTED:
        _close(e, actor, VisitStatus.LEFT, reason="备用钥匙锁门后离开", at=now)
    return s
