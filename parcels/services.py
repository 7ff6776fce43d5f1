"""Every write of the front desk's mail: letters (R-LET), express items and parcels (R-EXP) and the mail
notification slips (R-SLIP).

Optional `now=` arguments exist for the demo loader's backfill and for tests of the clock rules; the UI and
API never pass it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.choices import HistoryAction, Role
from core.errors import Conflict, DomainError
from core.history import record, record_transition, snapshot
from core.models import Property, Unit
from core.notify import notify_roles, queue_resident_message
from core.numbering import next_value
from core.permissions import require
from residents.models import Occupancy, Resident
from residents.selectors import parse_room

from . import cadence
from .choices import (
    HELD_STATUSES,
    AddresseeMatch,
    AttemptChannel,
    AttemptOutcome,
    CollectionMode,
    FaultStatus,
    InstructionKind,
    LetterKind,
    LetterStatus,
    MailKind,
    OwnerChoice,
    ParcelStatus,
    ReceiptMark,
    SlipStatus,
    VerifyMethod,
)
from .models import (
    Letter,
    MailboxFault,
    MailInstruction,
    NotificationSlip,
    NotifyAttempt,
    Parcel,
    ParcelBatch,
    ParcelChase,
    SlipCount,
)

SLIP_SEQUENCE = "parcels.slip"  # R-SLIP-03: one red serial series per property
SLIP_FOLLOWUP_AFTER = timedelta(hours=72)  # R-SLIP-10
RETURN_TO_POSTMAN_AFTER = timedelta(days=1)  # R-LET-06: handed back to the postman the next day
# R-EXP-05: items of the government postal service; parcel slips, money orders and registered letters
# always come through the post.
POSTAL_COURIERS = ("EMS", "中国邮政", "邮政")
POSTAL_KINDS = {MailKind.PARCEL_SLIP, MailKind.MONEY_ORDER, MailKind.REGISTERED}
BULK_MAX_ROWS = 300


class BulkRowsError(DomainError):
    """All-or-nothing bulk arrival: nothing was written; `rows` maps row index → message."""

    def __init__(self, rows: dict[int, str]):
        super().__init__(
            f"有 {len(rows)} 行有误,未保存任何记录。({len(rows)} rows have errors; nothing was saved.)",
            code="rows",
        )
        self.rows = rows


def _now(now):
    return now or timezone.now()


def _clean(s) -> str:
    return (s or "").strip()


def _after_commit_notify_roles(prop, roles, **kw):
    transaction.on_commit(lambda: notify_roles(prop, roles, **kw))


# --- residents and units ------------------------------------------------------------------------------


def current_occupants(unit: Unit) -> list[Resident]:
    return [
        o.resident
        for o in Occupancy.objects.filter(unit=unit, end__isnull=True)
        .select_related("resident")
        .order_by("start", "id")
    ]


def _primary(occupancies) -> Resident | None:
    order = {"owner": 0, "company": 1, "tenant": 2, "member": 3}
    occs = sorted(occupancies, key=lambda o: (order.get(o.role, 9), o.start, o.pk))
    return occs[0].resident if occs else None


def _pick_recipient(unit: Unit, occupancies, resident=None, name: str = "", field: str = "unit") -> Resident:
    """R-EXP-04: an item is accepted only for an owner currently living in the unit."""
    if not occupancies:
        raise DomainError(
            f"{unit.label} 没有在住业主,请快递员带回。(No current resident in {unit.label}: the courier takes "
            "it back.)",
            field=field,
        )
    if resident is not None:
        for o in occupancies:
            if o.resident_id == resident.pk:
                return o.resident
        raise DomainError(
            f"{resident.name} 不是 {unit.label} 的在住人员,不能代收。(Not a current resident of {unit.label}.)",
            field=field,
        )
    if name:
        for o in occupancies:
            if o.resident.name == name:
                return o.resident
        raise DomainError(
            f"“{name}”不是 {unit.label} 的在住人员,请快递员带回。(“{name}” does not live in {unit.label}.)",
            field=field,
        )
    return _primary(occupancies)


def _unit_of(prop: Property, unit) -> Unit:
    if not isinstance(unit, Unit) or unit.property_id != prop.pk:
        raise DomainError("房间不属于本项目。(Unit not in this property.)", field="unit")
    return unit


def active_instructions(resident_ids, kinds=None) -> dict[int, set[str]]:
    qs = MailInstruction.objects.filter(resident_id__in=list(resident_ids), ended_at__isnull=True)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    out: dict[int, set[str]] = {}
    for rid, kind in qs.values_list("resident_id", "kind"):
        out.setdefault(rid, set()).add(kind)
    return out


# --- special mail instructions (R-LET-03, R-LET-10, R-EXP-07) ----------------------------------------


@transaction.atomic
def mail_instruction_set(
    *, actor, resident: Resident, kind: str, contact_name: str = "", contact_phone: str = "", note: str = ""
) -> MailInstruction:
    """A resident's standing mail instruction; one active instruction of each kind."""
    require(actor, "parcels.handle", resident.property_id)
    if kind not in InstructionKind.values:
        raise DomainError("请选择指示类别。(Choose the kind of instruction.)", field="kind")
    contact_phone = "".join(ch for ch in _clean(contact_phone) if ch.isdigit() or ch == "-")
    if kind == InstructionKind.CALL_TO_COLLECT and not contact_phone:
        # R-LET-10: normally the owner leaves a phone number for later mail.
        raise DomainError(
            "请留下联系电话,来信时电话通知领取。(Leave a phone number to be called when mail arrives.)",
            field="contact_phone",
        )
    for old in MailInstruction.objects.select_for_update().filter(
        resident=resident, kind=kind, ended_at__isnull=True
    ):
        old.ended_at = timezone.now()
        old.save(update_fields=["ended_at", "updated_at"])
        record(old, actor=actor, action=HistoryAction.VOID, reason="由新指示取代")
    ins = MailInstruction.objects.create(
        property_id=resident.property_id,
        resident=resident,
        kind=kind,
        contact_name=_clean(contact_name),
        contact_phone=contact_phone,
        note=_clean(note),
        created_by=actor,
    )
    record(ins, actor=actor, action=HistoryAction.CREATE)
    return ins


@transaction.atomic
def mail_instruction_end(*, actor, instruction: MailInstruction, reason: str = "") -> MailInstruction:
    require(actor, "parcels.handle", instruction.property_id)
    ins = MailInstruction.objects.select_for_update().get(pk=instruction.pk)
    if ins.ended_at:
        raise Conflict("该指示已取消。(Already ended.)")
    ins.ended_at = timezone.now()
    ins.save(update_fields=["ended_at", "updated_at"])
    record(ins, actor=actor, action=HistoryAction.VOID, reason=_clean(reason))
    return ins


# --- letters (R-LET) ----------------------------------------------------------------------------------


def _match_addressee(unit: Unit | None, name: str):
    """R-LET-03/05: compare the envelope with the archive of the unit (current, then former occupants)."""
    if unit is None:
        return AddresseeMatch.UNKNOWN, None
    occs = list(Occupancy.objects.filter(unit=unit).select_related("resident").order_by("-start", "-id"))
    for o in occs:
        if o.end is None and o.resident.name == name:
            return AddresseeMatch.CURRENT, o.resident
    for o in occs:
        if o.end is not None and o.resident.name == name:
            still_here = Occupancy.objects.filter(resident=o.resident, end__isnull=True).exists()
            if not still_here:
                return AddresseeMatch.FORMER, o.resident
    return AddresseeMatch.UNKNOWN, None


@transaction.atomic
def letter_register(
    *,
    actor,
    prop: Property,
    addressee_name: str,
    unit: Unit | None = None,
    unit_text: str = "",
    kind: str = LetterKind.LETTER,
    sender: str = "",
    now: datetime | None = None,
) -> Letter:
    """R-LET-01/03: the front desk registers every letter in the 《邮件投送记录表》 before delivery,
    checking the name and unit against the archive and the owner's special mail instructions."""
    require(actor, "parcels.receive", prop.pk)
    now = _now(now)
    name = _clean(addressee_name)
    if not name:
        raise DomainError("请填写收件人姓名。(Enter the addressee's name.)", field="addressee_name")
    if kind not in LetterKind.values:
        raise DomainError("请选择类别。(Choose the kind.)", field="kind")
    unit_text = _clean(unit_text)
    if unit is None and unit_text:
        labels = parse_room(unit_text) or [unit_text]
        unit = Unit.objects.filter(property=prop, label__in=labels).first()
    if unit is not None:
        unit = _unit_of(prop, unit)
        unit_text = unit_text or unit.label
    match, resident = _match_addressee(unit, name)
    hold = False
    if resident is not None and match == AddresseeMatch.CURRENT:
        hold = InstructionKind.HOLD_AT_DESK in active_instructions([resident.pk]).get(resident.pk, set())
    letter = Letter.objects.create(
        property=prop,
        kind=kind,
        sender=_clean(sender),
        addressee_name=name,
        unit_text=unit_text,
        unit=unit,
        resident=resident,
        match=match,
        hold_instruction=hold,
        received_on=timezone.localtime(now).date(),
        registered_by=actor,
    )
    record(letter, actor=actor, action=HistoryAction.CREATE)
    return letter


def _letter_locked(letter: Letter, *statuses) -> Letter:
    obj = Letter.objects.select_for_update().get(pk=letter.pk)
    if statuses and obj.status not in statuses:
        raise Conflict(
            f"该邮件当前状态为“{obj.get_status_display()}”,不能执行此操作。(The letter is {obj.status}.)"
        )
    return obj


def _set_letter_status(letter: Letter, actor, status: str, reason: str = "", **fields) -> Letter:
    before = letter.status
    letter.status = status
    for k, v in fields.items():
        setattr(letter, k, v)
    letter.save()
    record_transition(letter, actor=actor, from_state=before, reason=reason)
    return letter


@transaction.atomic
def letter_verify(
    *, actor, letter: Letter, method: str, resident: Resident | None = None, not_ours: bool = False
) -> Letter:
    """R-LET-05: an unclear addressee is checked in the archive, by phone, or with other departments."""
    require(actor, "parcels.handle", letter.property_id)
    if method not in VerifyMethod.values:
        raise DomainError("请选择核实方式。(Choose how it was confirmed.)", field="method")
    letter = _letter_locked(letter, LetterStatus.REGISTERED, LetterStatus.HELD)
    before = snapshot(letter)
    if not_ours:
        letter.match, letter.resident = AddresseeMatch.NOT_OURS, None
    else:
        if resident is None or resident.property_id != letter.property_id:
            raise DomainError("请选择核实后的住户。(Choose the confirmed resident.)", field="resident")
        occ = Occupancy.objects.filter(resident=resident, end__isnull=True).select_related("unit")
        if letter.unit_id:
            occ = occ.filter(unit_id=letter.unit_id)
        occ = occ.first()
        if occ is None:
            raise DomainError(
                f"{resident.name} 目前不在该房间居住。(Not a current resident of that unit.)",
                field="resident",
            )
        letter.match, letter.resident, letter.unit = AddresseeMatch.CURRENT, resident, occ.unit
        letter.hold_instruction = InstructionKind.HOLD_AT_DESK in active_instructions([resident.pk]).get(
            resident.pk, set()
        )
    letter.verify_method = method
    letter.save()
    record(
        letter,
        actor=actor,
        action=HistoryAction.UPDATE,
        before=before,
        reason=f"核实:{letter.get_verify_method_display()}",
    )
    return letter


@transaction.atomic
def letter_deliver(*, actor, letter: Letter, now: datetime | None = None) -> Letter:
    """R-LET-03/04: after registration, check once more that the name matches the owner living in the unit
    now, then put the letter in that owner's mailbox."""
    require(actor, "parcels.handle", letter.property_id)
    letter = _letter_locked(letter, LetterStatus.REGISTERED)
    if letter.match != AddresseeMatch.CURRENT or not letter.resident_id or not letter.unit_id:
        raise DomainError(
            "收件人与房间在住业主不符,请先核实(R-LET-05)或退信。"
            "(The addressee does not match the unit's current resident: verify or return it.)"
        )
    if not Occupancy.objects.filter(
        unit_id=letter.unit_id, resident_id=letter.resident_id, end__isnull=True
    ).exists():
        raise DomainError("收件人已不在该房间居住,不能投入信箱。(The addressee no longer lives in the unit.)")
    if letter.hold_instruction:
        raise DomainError(
            "业主要求邮件留前台保管,请改为前台保管。(The owner asked for mail to be held at the desk.)"
        )
    return _set_letter_status(letter, actor, LetterStatus.MAILBOX, delivered_at=_now(now), delivered_by=actor)


@transaction.atomic
def letter_hold(*, actor, letter: Letter, reason: str, now: datetime | None = None) -> Letter:
    """Keep a letter at the desk: the owner's instruction (R-LET-03), a mailbox that is full (R-LET-09),
    or a former resident who left a phone number (R-LET-07/10)."""
    require(actor, "parcels.handle", letter.property_id)
    reason = _clean(reason)
    if not reason:
        raise DomainError("请填写留存原因。(Give the reason for holding it.)", field="reason")
    letter = _letter_locked(letter, LetterStatus.REGISTERED)
    if letter.match == AddresseeMatch.CURRENT:
        # R-LET-09: only an owner who has not moved out has mail kept at the desk.
        if not Occupancy.objects.filter(resident_id=letter.resident_id, end__isnull=True).exists():
            raise DomainError("业主已迁离,请按迁离指示处理或退信。(The owner has moved out.)")
    elif letter.match == AddresseeMatch.FORMER:
        kinds = active_instructions([letter.resident_id]).get(letter.resident_id, set())
        if InstructionKind.CALL_TO_COLLECT not in kinds:
            # R-LET-07: without contact details the letter is returned.
            raise DomainError(
                "该住户已迁离且未留联系方式,应退信。(Former resident left no contact: return the letter.)"
            )
    else:
        raise DomainError("收件人未核实,请先核实。(Verify the addressee first.)")
    return _set_letter_status(letter, actor, LetterStatus.HELD, reason=reason, held_reason=reason)


@transaction.atomic
def letter_call(
    *, actor, letter: Letter, outcome: str, note: str = "", now: datetime | None = None
) -> NotifyAttempt:
    """R-LET-07/09/10: phone the owner (or the former resident's contact) to collect held mail."""
    require(actor, "parcels.handle", letter.property_id)
    now = _now(now)
    if outcome not in (AttemptOutcome.REACHED, AttemptOutcome.NO_ANSWER, AttemptOutcome.BUSY):
        raise DomainError("请选择通话结果。(Choose the outcome of the call.)", field="outcome")
    letter = _letter_locked(letter, LetterStatus.HELD, LetterStatus.REGISTERED)
    prop = Property.objects.get(pk=letter.property_id)
    if not cadence.calls_allowed(prop, now):
        raise DomainError("免打扰时段不致电业主。(No calls to residents during quiet hours.)")
    attempt = NotifyAttempt.objects.create(
        property_id=letter.property_id,
        letter=letter,
        at=now,
        by=actor,
        channel=AttemptChannel.PHONE,
        outcome=outcome,
        note=_clean(note),
    )
    record(
        letter,
        actor=actor,
        action=HistoryAction.UPDATE,
        changes={"致电": ["", attempt.get_outcome_display()]},
    )
    return attempt


@transaction.atomic
def letter_collect(*, actor, letter: Letter, collector_name: str, now: datetime | None = None) -> Letter:
    """Held mail collected at the desk: the owner or their delegate signs (R-LET-10, R-EXP-12)."""
    require(actor, "parcels.handle", letter.property_id)
    collector_name = _clean(collector_name)
    if not collector_name:
        raise DomainError("请填写签收人。(Enter who signed for it.)", field="collector_name")
    letter = _letter_locked(letter, LetterStatus.HELD)
    return _set_letter_status(
        letter, actor, LetterStatus.COLLECTED, collected_at=_now(now), collector_name=collector_name
    )


@transaction.atomic
def letter_return(*, actor, letter: Letter, reason: str, now: datetime | None = None) -> Letter:
    """R-LET-06/07: a letter not for an owner of the area (or for a former resident who left no contact)
    gets a 退信条 marked "退" with the mail stamp and goes back to the postman the next day."""
    require(actor, "parcels.handle", letter.property_id)
    reason = _clean(reason)
    if not reason:
        raise DomainError("请填写退信原因。(Give the reason for returning it.)", field="reason")
    now = _now(now)
    letter = _letter_locked(letter, LetterStatus.REGISTERED, LetterStatus.HELD)
    if letter.match == AddresseeMatch.CURRENT:
        raise DomainError(
            "收件人是现住业主,不能退信。(The addressee lives here: the letter is not returned.)"
        )
    if letter.match == AddresseeMatch.UNKNOWN:
        raise DomainError(
            "请先查业主档案或电话核实收件人(R-LET-05)。(Verify the addressee before returning the letter.)"
        )
    if letter.match == AddresseeMatch.FORMER:
        kinds = active_instructions([letter.resident_id]).get(letter.resident_id, set())
        called = NotifyAttempt.objects.filter(letter=letter).exists()
        if InstructionKind.CALL_TO_COLLECT in kinds and not called:
            # R-LET-07: a former resident who left contact details is phoned first.
            raise DomainError(
                "该住户留有联系方式,请先电话通知其领取。(Phone the former resident before returning.)"
            )
    return _set_letter_status(
        letter,
        actor,
        LetterStatus.RETURNED,
        reason=reason,
        return_reason=reason,
        returned_at=now,
        return_due_on=(timezone.localtime(now) + RETURN_TO_POSTMAN_AFTER).date(),
    )


@transaction.atomic
def letters_hand_back(*, actor, prop: Property, letters, now: datetime | None = None) -> int:
    """R-LET-06: returned letters handed back to the postman (from the day after their return)."""
    require(actor, "parcels.handle", prop.pk)
    now = _now(now)
    today = timezone.localtime(now).date()
    done = 0
    for letter in letters:
        obj = _letter_locked(letter, LetterStatus.RETURNED)
        if obj.property_id != prop.pk:
            raise DomainError("邮件不属于本项目。(Not this property's letter.)")
        if obj.handed_back_at:
            continue
        if obj.return_due_on and obj.return_due_on > today:
            raise DomainError(
                f"退信应于 {obj.return_due_on:%Y-%m-%d} 交回邮递员。(Returned letters go back the next day.)"
            )
        obj.handed_back_at = now
        obj.save(update_fields=["handed_back_at", "updated_at"])
        record(obj, actor=actor, action=HistoryAction.UPDATE, changes={"交回邮递员": ["", now.isoformat()]})
        done += 1
    return done


@transaction.atomic
def mailbox_fault_report(
    *,
    actor,
    unit: Unit,
    description: str,
    owner_informed: bool,
    owner_agreed: bool = False,
    now: datetime | None = None,
) -> MailboxFault:
    """R-LET-08: a damaged mailbox or lock — the owner is told, and with the owner's agreement the 工程部 is
    asked to repair it."""
    require(actor, "parcels.handle", unit.property_id)
    description = _clean(description)
    if not description:
        raise DomainError("请描述损坏情况。(Describe the damage.)", field="description")
    if owner_agreed and not owner_informed:
        raise DomainError("须先告知业主。(Tell the owner first.)", field="owner_informed")
    status = FaultStatus.OPEN
    if owner_informed:
        status = FaultStatus.REPORTED if owner_agreed else FaultStatus.DECLINED
    fault = MailboxFault.objects.create(
        property_id=unit.property_id,
        unit=unit,
        description=description,
        owner_informed=owner_informed,
        owner_agreed=owner_agreed,
        status=status,
        found_by=actor,
        reported_at=_now(now) if status == FaultStatus.REPORTED else None,
    )
    record(fault, actor=actor, action=HistoryAction.CREATE)
    if status == FaultStatus.REPORTED:
        _after_commit_notify_roles(
            unit.property,
            [Role.ENG_SUPERVISOR, Role.ENGINEER],
            title=f"信箱报修:{unit.label}",
            body=f"{description}(业主已同意维修)",
            link="/parcels/faults/",
            level="warning",
        )
    return fault


@transaction.atomic
def mailbox_fault_update(
    *, actor, fault: MailboxFault, owner_agreed: bool | None = None, closed: bool = False
):
    """The owner's later answer, or the repair done."""
    require(actor, "parcels.handle", fault.property_id)
    fault = MailboxFault.objects.select_for_update().select_related("unit__property").get(pk=fault.pk)
    before = snapshot(fault)
    if closed:
        if fault.status == FaultStatus.CLOSED:
            raise Conflict("已关闭。(Already closed.)")
        fault.status, fault.closed_at = FaultStatus.CLOSED, timezone.now()
    elif owner_agreed is not None:
        if fault.status != FaultStatus.OPEN and fault.status != FaultStatus.DECLINED:
            raise Conflict("已报工程部。(Already reported.)")
        fault.owner_informed = True
        fault.owner_agreed = owner_agreed
        fault.status = FaultStatus.REPORTED if owner_agreed else FaultStatus.DECLINED
        if owner_agreed:
            fault.reported_at = timezone.now()
            _after_commit_notify_roles(
                fault.unit.property,
                [Role.ENG_SUPERVISOR, Role.ENGINEER],
                title=f"信箱报修:{fault.unit.label}",
                body=f"{fault.description}(业主已同意维修)",
                link="/parcels/faults/",
                level="warning",
            )
    fault.save()
    record(fault, actor=actor, action=HistoryAction.UPDATE, before=before)
    return fault


# --- parcels: arrival (R-EXP-02/04/05/07) ---------------------------------------------------------------


def is_postal_item(courier: str, kind: str) -> bool:
    c = (courier or "").upper()
    return kind in POSTAL_KINDS or any(p.upper() in c for p in POSTAL_COURIERS)


@dataclass
class ParcelRow:
    """One item of an arrival, already resolved to a unit (and maybe a resident)."""

    unit: Unit
    resident: Resident | None = None
    addressee_name: str = ""
    tracking_no: str = ""
    kind: str = MailKind.EXPRESS
    shelf: str = ""
    oversize: bool = False
    consent_by: str = ""


def _check_item(*, courier, is_postal, kind, receipt_mark, consent_by, standing_consent) -> tuple[str, str]:
    if kind not in MailKind.values:
        raise DomainError("请选择类别。(Choose the kind of item.)", field="kind")
    if is_postal:
        # R-EXP-05: stamped with the 邮件收发章, or signed by the receiving staff member.
        if receipt_mark not in ReceiptMark.values:
            raise DomainError(
                "邮政快件须盖邮件收发章或由经办人签收。(Postal items are stamped or signed for.)",
                field="receipt_mark",
            )
        return receipt_mark, ""
    # R-EXP-07: the desk signs for a courier's item only with the owner's explicit agreement.
    if standing_consent:
        return "", consent_by or "业主长期授权代签"
    if not consent_by:
        raise DomainError(
            "非邮政快件须先征得业主明确同意才能由前台代签,否则请快递员直接送交业主。"
            "(The desk signs for a courier's item only with the owner's explicit consent.)",
            field="consent_by",
        )
    return "", consent_by


def _create_parcel(*, actor, prop, row: ParcelRow, courier, is_postal, receipt_mark, consent_by, batch, now):
    parcel = Parcel.objects.create(
        property=prop,
        batch=batch,
        kind=row.kind,
        courier=courier,
        is_postal=is_postal,
        tracking_no=row.tracking_no,
        unit=row.unit,
        resident=row.resident,
        oversize=row.oversize,
        shelf=row.shelf,
        receipt_mark=receipt_mark,
        consent_by=consent_by,
        received_at=now,
        received_by=actor,
        next_call_at=cadence.first_call_at(prop, now),  # R-EXP-08: phone at once
    )
    record(parcel, actor=actor, action=HistoryAction.CREATE)
    return parcel


@transaction.atomic
def parcel_receive(
    *,
    actor,
    prop: Property,
    unit: Unit,
    courier: str,
    resident: Resident | None = None,
    addressee_name: str = "",
    kind: str = MailKind.EXPRESS,
    tracking_no: str = "",
    is_postal: bool | None = None,
    receipt_mark: str = "",
    consent_by: str = "",
    oversize: bool = False,
    shelf: str = "",
    now: datetime | None = None,
) -> Parcel:
    """R-EXP-02/04: the front desk accepts an item only for an owner currently living in the area."""
    require(actor, "parcels.receive", prop.pk)
    now = _now(now)
    courier = _clean(courier)
    if not courier:
        raise DomainError("请填写快递公司。(Enter the courier.)", field="courier")
    unit = _unit_of(prop, unit)
    occs = list(Occupancy.objects.filter(unit=unit, end__isnull=True).select_related("resident"))
    resident = _pick_recipient(unit, occs, resident=resident, name=_clean(addressee_name))
    postal = is_postal_item(courier, kind) if is_postal is None else bool(is_postal) or kind in POSTAL_KINDS
    standing = InstructionKind.SIGN_CONSENT in active_instructions([resident.pk]).get(resident.pk, set())
    mark, consent = _check_item(
        courier=courier,
        is_postal=postal,
        kind=kind,
        receipt_mark=receipt_mark,
        consent_by=_clean(consent_by),
        standing_consent=standing,
    )
    tracking_no = _clean(tracking_no)
    if (
        tracking_no
        and Parcel.objects.filter(property=prop, tracking_no=tracking_no, status__in=HELD_STATUSES).exists()
    ):
        raise DomainError(
            f"运单号 {tracking_no} 已登记在库。(Tracking number already logged.)", field="tracking_no"
        )
    row = ParcelRow(
        unit=unit,
        resident=resident,
        tracking_no=tracking_no,
        kind=kind,
        shelf=_clean(shelf),
        oversize=oversize,
    )
    return _create_parcel(
        actor=actor,
        prop=prop,
        row=row,
        courier=courier,
        is_postal=postal,
        receipt_mark=mark,
        consent_by=consent,
        batch=None,
        now=now,
    )


def parse_recipient(text: str) -> tuple[list[str], str]:
    """ "3-1201 张三" → (["3-1201"], "张三"); what the clerk types (or picks from the datalist)."""
    text = _clean(text).replace("\u3000", " ")
    if not text:
        return [], ""
    head, _sep, rest = text.partition(" ")
    labels = parse_room(head) or [head]
    return labels, _clean(rest)


@transaction.atomic
def parcels_bulk_receive(
    *,
    actor,
    prop: Property,
    courier: str,
    rows: list[dict],
    is_postal: bool | None = None,
    receipt_mark: str = "",
    kind: str = MailKind.EXPRESS,
    now: datetime | None = None,
) -> ParcelBatch:
    """Bulk arrival from one courier: all rows are accepted, or none (BulkRowsError with per-row messages).

    Each row: {"recipient": "3-1201 张三"} or {"unit": Unit, "resident": Resident}, plus optional
    "tracking_no", "shelf", "oversize", "consent" (the owner agreed by phone, R-EXP-07), "kind".
    Unit lookups and occupancies are fetched in two queries for the whole batch.
    """
    require(actor, "parcels.receive", prop.pk)
    now = _now(now)
    courier = _clean(courier)
    if not courier:
        raise DomainError("请填写快递公司。(Enter the courier.)", field="courier")
    rows = [
        r
        for r in rows
        if any(_clean(str(v)) for k, v in r.items() if k in ("recipient", "tracking_no", "unit"))
    ]
    if not rows:
        raise DomainError("请至少登记一件。(Enter at least one item.)", field="rows")
    if len(rows) > BULK_MAX_ROWS:
        raise DomainError(
            f"一次最多 {BULK_MAX_ROWS} 件。(At most {BULK_MAX_ROWS} items at once.)", field="rows"
        )
    parsed = []
    wanted_labels: set[str] = set()
    for r in rows:
        if r.get("unit") is not None:
            parsed.append(([], ""))
        else:
            labels, name = parse_recipient(r.get("recipient", ""))
            parsed.append((labels, name))
            wanted_labels.update(labels)
    units_by_label = {u.label: u for u in Unit.objects.filter(property=prop, label__in=wanted_labels)}
    row_units: list[Unit | None] = []
    for r, (labels, _name) in zip(rows, parsed, strict=True):
        if r.get("unit") is not None:
            row_units.append(r["unit"])
        else:
            row_units.append(next((units_by_label[lb] for lb in labels if lb in units_by_label), None))
    unit_ids = {u.pk for u in row_units if u is not None}
    occs_by_unit: dict[int, list] = {}
    for o in Occupancy.objects.filter(unit_id__in=unit_ids, end__isnull=True).select_related("resident"):
        occs_by_unit.setdefault(o.unit_id, []).append(o)
    resident_ids = {o.resident_id for occs in occs_by_unit.values() for o in occs}
    consents = {
        rid
        for rid, kinds in active_instructions(resident_ids, [InstructionKind.SIGN_CONSENT]).items()
        if kinds
    }
    existing = set(
        Parcel.objects.filter(
            property=prop,
            status__in=HELD_STATUSES,
            tracking_no__in=[_clean(r.get("tracking_no")) for r in rows if _clean(r.get("tracking_no"))],
        ).values_list("tracking_no", flat=True)
    )
    errors: dict[int, str] = {}
    ready = []
    seen: set[str] = set()
    for i, (r, (labels, name), unit) in enumerate(zip(rows, parsed, row_units, strict=True)):
        try:
            if unit is None or unit.property_id != prop.pk:
                shown = labels[0] if labels else _clean(r.get("recipient"))
                raise DomainError(f"找不到房间“{shown}”。(Unknown unit.)", field="recipient")
            resident = _pick_recipient(
                unit, occs_by_unit.get(unit.pk, []), resident=r.get("resident"), name=name, field="recipient"
            )
            row_kind = r.get("kind") or kind
            postal = (
                is_postal_item(courier, row_kind)
                if is_postal is None
                else bool(is_postal) or row_kind in POSTAL_KINDS
            )
            consent = "电话征得业主同意" if r.get("consent") else _clean(r.get("consent_by"))
            mark, consent = _check_item(
                courier=courier,
                is_postal=postal,
                kind=row_kind,
                receipt_mark=receipt_mark,
                consent_by=consent,
                standing_consent=resident.pk in consents,
            )
            tn = _clean(r.get("tracking_no"))
            if tn and (tn in existing or tn in seen):
                raise DomainError(f"运单号 {tn} 重复。(Duplicate tracking number.)", field="tracking_no")
            if tn:
                seen.add(tn)
            ready.append(
                (
                    ParcelRow(
                        unit=unit,
                        resident=resident,
                        tracking_no=tn,
                        kind=row_kind,
                        shelf=_clean(r.get("shelf")),
                        oversize=bool(r.get("oversize")),
                    ),
                    postal,
                    mark,
                    consent,
                )
            )
        except DomainError as exc:
            errors[i] = str(exc.message)
    if errors:
        raise BulkRowsError(errors)
    batch = ParcelBatch.objects.create(
        property=prop,
        courier=courier,
        is_postal=bool(ready and all(p for _r, p, _m, _c in ready)),
        received_by=actor,
        received_at=now,
        count=len(ready),
    )
    for row, postal, mark, consent in ready:
        _create_parcel(
            actor=actor,
            prop=prop,
            row=row,
            courier=courier,
            is_postal=postal,
            receipt_mark=mark,
            consent_by=consent,
            batch=batch,
            now=now,
        )
    record(batch, actor=actor, action=HistoryAction.CREATE)
    return batch


# --- parcels: notifying the owner (R-EXP-08/09/10/11) ----------------------------------------------------


def _parcel_locked(parcel: Parcel) -> Parcel:
    obj = Parcel.objects.select_for_update().get(pk=parcel.pk)
    if obj.status not in HELD_STATUSES:
        raise Conflict(f"该快件已{obj.get_status_display()},不能再操作。(The item is already {obj.status}.)")
    return obj


def _mark_notified(parcel: Parcel, actor, now, reason: str):
    if parcel.status == ParcelStatus.RECEIVED:
        parcel.status = ParcelStatus.NOTIFIED
        parcel.notified_at = parcel.notified_at or now
        parcel.save()
        record_transition(parcel, actor=actor, from_state=ParcelStatus.RECEIVED, reason=reason)
    else:
        parcel.save()


@transaction.atomic
def parcel_notify(
    *,
    actor,
    parcel: Parcel,
    channel: str,
    outcome: str = "",
    owner_choice: str = "",
    note: str = "",
    body: str = "",
    now: datetime | None = None,
) -> NotifyAttempt:
    """One attempt to tell the owner.

    - phone: reached (the owner chooses collect or deliver, R-EXP-09) stops the calls; no answer puts the
      next call on the cadence of R-EXP-10/11; no calls in the quiet hours.
    - sms / wechat: a message through the outbox (core.notify); calls go on until the owner is reached.
    - notice: a handwritten 快件通知单 put in the mailbox (R-EXP-10).
    """
    require(actor, "parcels.handle", parcel.property_id)
    now = _now(now)
    if channel not in AttemptChannel.values:
        raise DomainError("请选择通知方式。(Choose how the owner was told.)", field="channel")
    parcel = _parcel_locked(parcel)
    prop = Property.objects.get(pk=parcel.property_id)
    resident = Resident.objects.get(pk=parcel.resident_id)
    message = None
    if channel == AttemptChannel.PHONE:
        if outcome not in (AttemptOutcome.REACHED, AttemptOutcome.NO_ANSWER, AttemptOutcome.BUSY):
            raise DomainError("请选择通话结果。(Choose the outcome of the call.)", field="outcome")
        if not cadence.calls_allowed(prop, now):
            raise DomainError(
                "21:30 后至次日免打扰时段结束前不致电业主。(No calls to residents during quiet hours.)",
                field="channel",
            )
        if outcome == AttemptOutcome.REACHED and owner_choice not in OwnerChoice.values:
            raise DomainError(
                "请记录业主选择:到前台领取或送货上门。(Record the owner's choice: collect or deliver.)",
                field="owner_choice",
            )
    elif channel in (AttemptChannel.SMS, AttemptChannel.WECHAT):
        if not resident.phone:
            raise DomainError("该住户没有登记手机号。(No mobile number on file.)", field="channel")
        outcome = AttemptOutcome.MESSAGE_SENT
        text = _clean(body) or (
            f"{resident.name}您好:您的{parcel.get_kind_display()}({parcel.courier}"
            f"{' ' + parcel.tracking_no[-4:] if parcel.tracking_no else ''})已到{prop.name}客服中心前台,"
            f"请尽快领取,或致电{prop.phone or '客服中心'}预约送货上门。"
        )
        message = queue_resident_message(
            prop=prop, channel=channel, to=resident.phone, body=text, resident=resident, actor=actor
        )
    else:
        outcome = AttemptOutcome.MESSAGE_SENT
    attempt = NotifyAttempt.objects.create(
        property=prop,
        parcel=parcel,
        at=now,
        by=actor,
        channel=channel,
        outcome=outcome,
        owner_choice=owner_choice if outcome == AttemptOutcome.REACHED else "",
        note=_clean(note),
        message=message,
    )
    parcel.attempts += 1
    parcel.last_attempt_at = now
    if outcome == AttemptOutcome.REACHED:
        parcel.reached_at = now
        parcel.owner_choice = owner_choice
        parcel.next_call_at = None
    elif channel == AttemptChannel.PHONE:
        parcel.next_call_at = cadence.next_call_after(prop, now)
    if outcome in (AttemptOutcome.REACHED, AttemptOutcome.MESSAGE_SENT):
        _mark_notified(
            parcel, actor, now, reason=f"{attempt.get_channel_display()}:{attempt.get_outcome_display()}"
        )
    else:
        parcel.save()
        record(
            parcel,
            actor=actor,
            action=HistoryAction.UPDATE,
            changes={"致电": ["", attempt.get_outcome_display()]},
        )
    return attempt


@transaction.atomic
def parcel_note_reason(*, actor, parcel: Parcel, reason: str, now: datetime | None = None) -> Parcel:
    """R-EXP-13: an item not delivered the same day carries the reason."""
    require(actor, "parcels.handle", parcel.property_id)
    reason = _clean(reason)
    if not reason:
        raise DomainError("请填写未领原因。(Give the reason it was not delivered.)", field="reason")
    parcel = _parcel_locked(parcel)
    before = snapshot(parcel)
    parcel.not_collected_reason = reason
    parcel.save(update_fields=["not_collected_reason", "updated_at"])
    today = timezone.localtime(_now(now)).date()
    ParcelChase.objects.filter(parcel=parcel, day=today).update(reason=reason)
    record(parcel, actor=actor, action=HistoryAction.UPDATE, before=before, reason=reason)
    return parcel


def parcels_chase(*, now: datetime | None = None, prop: Property | None = None) -> int:
    """R-EXP-13: from the day after arrival, every item not yet delivered is chased each day until it is:
    a chase record for the day (with the reason noted) and the owner back on the call list.
    Idempotent — one chase per item per day, however often it runs (the huey task runs it hourly)."""
    now = _now(now)
    today = timezone.localtime(now).date()
    tz = timezone.get_current_timezone()
    start_today = datetime.combine(today, datetime.min.time(), tzinfo=tz)
    qs = Parcel.objects.filter(status__in=HELD_STATUSES, received_at__lt=start_today).filter(
        Q(chased_on__isnull=True) | Q(chased_on__lt=today)
    )
    if prop is not None:
        qs = qs.filter(property=prop)
    made = 0
    props: dict[int, Property] = {}
    for p in qs.only("pk", "property_id", "not_collected_reason", "next_call_at").iterator():
        with transaction.atomic():
            claimed = (
                Parcel.objects.filter(pk=p.pk, status__in=HELD_STATUSES)
                .filter(Q(chased_on__isnull=True) | Q(chased_on__lt=today))
                .update(chased_on=today)
            )
            if not claimed:
                continue
            pr = props.get(p.property_id) or props.setdefault(
                p.property_id, Property.objects.get(pk=p.property_id)
            )
            _chase, created = ParcelChase.objects.get_or_create(
                parcel_id=p.pk,
                day=today,
                defaults={"property_id": p.property_id, "reason": p.not_collected_reason},
            )
            # Back on the call list today (from the end of the night's quiet hours).
            target = max(cadence.day_start(pr, today), now)
            if p.next_call_at is None or p.next_call_at > target:
                Parcel.objects.filter(pk=p.pk).update(next_call_at=target)
            made += int(created)
    return made


# --- parcels: release (R-EXP-12, R-SLIP-06/07/08) -----------------------------------------------------


@transaction.atomic
def parcel_release(
    *,
    actor,
    parcel: Parcel,
    collector_name: str,
    mode: str = OwnerChoice.COLLECT,
    with_slip: bool = False,
    id_checked: bool = False,
    owner_signed: bool = False,
    collector_relation: str = "",
    now: datetime | None = None,
) -> Parcel:
    """The owner (or delegate) collects at the desk, or staff deliver to the unit. Safe when two clerks
    release the same item at once: a conditional UPDATE … WHERE status IN (held) claims it, and the second
    clerk gets Conflict (409)."""
    require(actor, "parcels.handle", parcel.property_id)
    now = _now(now)
    collector_name = _clean(collector_name)
    if mode not in OwnerChoice.values:
        raise DomainError("请选择领取方式。(Choose collect or deliver.)", field="mode")
    if not collector_name:
        # R-EXP-12: the owner signs for it on collection.
        raise DomainError("请填写签收人。(Enter who signs for it.)", field="collector_name")
    slip = NotificationSlip.objects.filter(parcel_id=parcel.pk, status=SlipStatus.ISSUED).first()
    if mode == OwnerChoice.COLLECT:
        if not id_checked:
            # R-SLIP-06: staff verify the collector's identity.
            raise DomainError("请核对领取人身份。(Verify the collector's identity.)", field="id_checked")
        slip_mode = CollectionMode.WITH_SLIP if with_slip else CollectionMode.WITHOUT_SLIP
        new_status = ParcelStatus.COLLECTED
    else:
        if slip is not None and not owner_signed:
            # R-SLIP-07: staff bring back the 首联 signed by the owner.
            raise DomainError(
                "送至单元须带回业主签署的首联。(Bring back the first part signed by the owner.)",
                field="owner_signed",
            )
        slip_mode = CollectionMode.DELIVERED
        new_status = ParcelStatus.DELIVERED
    claimed = Parcel.objects.filter(pk=parcel.pk, status__in=HELD_STATUSES).update(
        status=new_status,
        released_at=now,
        released_by=actor,
        collector_name=collector_name,
        collector_relation=_clean(collector_relation),
        id_checked=bool(id_checked),
        next_call_at=None,
        updated_at=now,
    )
    if claimed != 1:
        raise Conflict("该快件已被其他同事发放。(Another clerk already released this item.)")
    parcel = Parcel.objects.get(pk=parcel.pk)
    from_state = ParcelStatus.NOTIFIED if parcel.notified_at else ParcelStatus.RECEIVED
    record_transition(parcel, actor=actor, from_state=from_state, reason=f"签收人:{collector_name}")
    if slip is not None:
        # R-SLIP-06/08: the slip is taken back (or the 第二联 kept) and the use register completed.
        closed = NotificationSlip.objects.filter(pk=slip.pk, status=SlipStatus.ISSUED).update(
            status=SlipStatus.CLOSED,
            closed_at=now,
            closed_by=actor,
            collection_mode=slip_mode,
            owner_signature=collector_name,
            updated_at=now,
        )
        if closed:
            slip.refresh_from_db()
            record_transition(
                slip, actor=actor, from_state=SlipStatus.ISSUED, reason=slip.get_collection_mode_display()
            )
    return parcel


@transaction.atomic
def parcel_return(*, actor, parcel: Parcel, reason: str, now: datetime | None = None) -> Parcel:
    """An item handed back to the courier or post office (refused, resident gone)."""
    require(actor, "parcels.handle", parcel.property_id)
    reason = _clean(reason)
    if not reason:
        raise DomainError("请填写退回原因。(Give the reason.)", field="reason")
    now = _now(now)
    parcel = _parcel_locked(parcel)
    before = parcel.status
    parcel.status, parcel.return_reason, parcel.released_at, parcel.released_by = (
        ParcelStatus.RETURNED,
        reason,
        now,
        actor,
    )
    parcel.next_call_at = None
    parcel.save()
    record_transition(parcel, actor=actor, from_state=before, reason=reason)
    for slip in NotificationSlip.objects.filter(parcel=parcel, status=SlipStatus.ISSUED):
        _void(slip, actor, f"邮件退回:{reason}", now)
    return parcel


# --- mail notification slips (R-SLIP) -------------------------------------------------------------------


def _void(slip, actor, reason, now):
    slip.status, slip.void_reason, slip.voided_at, slip.voided_by = SlipStatus.VOID, reason, now, actor
    slip.save()
    record_transition(slip, actor=actor, from_state=SlipStatus.ISSUED, reason=reason)


def _allocate_serial(prop: Property, expected: int | None) -> int:
    serial = next_value(prop, SLIP_SEQUENCE)
    if expected is not None and int(expected) != serial:
        # R-SLIP-03: slips are used in the order of the red serial number; the rollback gives it back.
        raise DomainError(
            f"通知单须按红色序号顺序使用:下一张应为 No.{serial:06d}。"
            f"(Slips are used in serial order: the next one is No.{serial:06d}.)",
            field="serial",
        )
    return serial


@transaction.atomic
def slip_issue(
    *,
    actor,
    parcel: Parcel | None = None,
    letter: Letter | None = None,
    serial: int | None = None,
    door_delivered: bool = True,
    now: datetime | None = None,
) -> NotificationSlip:
    """R-SLIP-01/03/04/05: the owner could not be reached by phone — fill the next 《邮件接收通知单》, register
    it in the use register, push the 首联 under the door and tape the 第二联 to the item kept at CS."""
    if (parcel is None) == (letter is None):
        raise DomainError("通知单对应一件邮件。(A slip is for one item.)")
    target = parcel or letter
    require(actor, "parcels.handle", target.property_id)
    now = _now(now)
    prop = Property.objects.get(pk=target.property_id)
    if parcel is not None:
        parcel = _parcel_locked(parcel)
        if parcel.reached_at:
            raise DomainError("已电话联系上业主,无需通知单。(The owner was reached by phone.)")
        if not NotifyAttempt.objects.filter(parcel=parcel, channel=AttemptChannel.PHONE).exists():
            # R-SLIP-01: the slip is for an owner who cannot be reached by phone.
            raise DomainError("请先致电业主,联系不上再填通知单。(Phone the owner first.)")
        if NotificationSlip.objects.filter(parcel=parcel, status=SlipStatus.ISSUED).exists():
            raise Conflict("该邮件已有未领取的通知单。(An open slip exists for this item.)")
        if not parcel.shelf:
            # R-SLIP-05: the item is kept in a safe place at CS.
            raise DomainError("请先填写存放位置。(Enter where the item is kept.)", field="shelf")
        unit, resident = parcel.unit_id, parcel.resident_id
        desc = f"{parcel.get_kind_display()} {parcel.courier} {parcel.tracking_no}".strip()
    else:
        letter = _letter_locked(letter, LetterStatus.HELD)
        if NotificationSlip.objects.filter(letter=letter, status=SlipStatus.ISSUED).exists():
            raise Conflict("该邮件已有未领取的通知单。(An open slip exists for this item.)")
        unit, resident = letter.unit_id, letter.resident_id
        desc = f"{letter.get_kind_display()} {letter.sender}".strip()
    slip = NotificationSlip.objects.create(
        property=prop,
        serial=_allocate_serial(prop, serial),
        parcel=parcel,
        letter=letter,
        unit_id=unit,
        resident_id=resident,
        mail_description=desc[:200],
        issued_at=now,
        issued_by=actor,
        door_delivered_at=now if door_delivered else None,
        label_attached=True,
    )
    record(slip, actor=actor, action=HistoryAction.CREATE)
    if parcel is not None:
        _mark_notified(parcel, actor, now, reason=f"邮件接收通知单 {slip.number}")
    return slip


@transaction.atomic
def slips_issue_bulk(*, actor, parcels, now: datetime | None = None) -> list[NotificationSlip]:
    """Slips for several unreached owners at once (bulk arrival), numbered in order."""
    return [slip_issue(actor=actor, parcel=p, now=now) for p in sorted(parcels, key=lambda p: p.pk)]


@transaction.atomic
def slip_door_delivered(*, actor, slip: NotificationSlip, now: datetime | None = None) -> NotificationSlip:
    """R-SLIP-04: the 首联 pushed under the unit's door by the staff member."""
    require(actor, "parcels.handle", slip.property_id)
    slip = NotificationSlip.objects.select_for_update().get(pk=slip.pk)
    if slip.status != SlipStatus.ISSUED or slip.door_delivered_at:
        raise Conflict("首联已送达或通知单已结束。(Already delivered or closed.)")
    before = snapshot(slip)
    slip.door_delivered_at = _now(now)
    slip.save()
    record(slip, actor=actor, action=HistoryAction.UPDATE, before=before)
    return slip


@transaction.atomic
def slip_void(*, actor, slip: NotificationSlip, reason: str, now: datetime | None = None) -> NotificationSlip:
    """R-SLIP-03: a spoiled or wrongly filled slip keeps its number and is recorded as void."""
    require(actor, "parcels.handle", slip.property_id)
    reason = _clean(reason)
    if not reason:
        raise DomainError("请填写作废原因。(Give a reason for voiding.)", field="reason")
    slip = NotificationSlip.objects.select_for_update().get(pk=slip.pk)
    if slip.status != SlipStatus.ISSUED:
        raise Conflict("只有未领取的通知单可以作废。(Only an open slip can be voided.)")
    _void(slip, actor, reason, _now(now))
    return slip


@transaction.atomic
def slip_void_next(
    *, actor, prop: Property, reason: str, serial: int | None = None, now: datetime | None = None
):
    """R-SLIP-03: the next paper slip was spoiled before use — its number is consumed and recorded void, so
    the register never skips a number."""
    require(actor, "parcels.handle", prop.pk)
    reason = _clean(reason)
    if not reason:
        raise DomainError("请填写作废原因。(Give a reason for voiding.)", field="reason")
    now = _now(now)
    slip = NotificationSlip.objects.create(
        property=prop,
        serial=_allocate_serial(prop, serial),
        issued_at=now,
        issued_by=actor,
        status=SlipStatus.VOID,
        void_reason=reason,
        voided_at=now,
        voided_by=actor,
        mail_description="(空白单作废)",
    )
    record(slip, actor=actor, action=HistoryAction.VOID, reason=reason)
    return slip


@transaction.atomic
def slip_followup_record(
    *, actor, slip: NotificationSlip, reached: bool, note: str = "", now: datetime | None = None
) -> NotificationSlip:
    """R-SLIP-10: 72 hours after the slip was delivered and the mail still uncollected, staff phone the owner;
    reached or not, the date, time and 经办人 are written on the 第二联."""
    require(actor, "parcels.handle", slip.property_id)
    now = _now(now)
    slip = NotificationSlip.objects.select_for_update().get(pk=slip.pk)
    if slip.status != SlipStatus.ISSUED:
        raise Conflict("邮件已领取或通知单已作废。(The mail was collected or the slip voided.)")
    if slip.followup_at:
        raise Conflict("已记录72小时回访。(The 72-hour call is already recorded.)")
    since = slip.door_delivered_at or slip.issued_at
    if now < since + SLIP_FOLLOWUP_AFTER:
        raise DomainError(
            f"通知单送达未满72小时(应于 {timezone.localtime(since + SLIP_FOLLOWUP_AFTER):%m-%d %H:%M} 后回访)。"
            "(Not yet 72 hours since the slip was delivered.)"
        )
    prop = Property.objects.get(pk=slip.property_id)
    if not cadence.calls_allowed(prop, now):
        raise DomainError("免打扰时段不致电业主。(No calls to residents during quiet hours.)")
    before = snapshot(slip)
    slip.followup_at, slip.followup_by, slip.followup_reached = now, actor, bool(reached)
    slip.followup_note = _clean(note)
    slip.save()
    record(slip, actor=actor, action=HistoryAction.UPDATE, before=before, reason="72小时回访")
    if slip.parcel_id:
        NotifyAttempt.objects.create(
            property=prop,
            parcel_id=slip.parcel_id,
            at=now,
            by=actor,
            channel=AttemptChannel.PHONE,
            outcome=AttemptOutcome.REACHED if reached else AttemptOutcome.NO_ANSWER,
            note=f"72小时回访 {slip.number} {slip.followup_note}".strip(),
        )
    return slip


def slips_followup_remind(*, now: datetime | None = None) -> int:
    """R-SLIP-10: tell the front desk once about each slip 72 hours old whose mail is still uncollected
    (idempotent: the notification's dedupe key is the slip)."""
    from core.notify import notify_users, users_with_roles

    now = _now(now)
    due = (
        NotificationSlip.objects.filter(
            status=SlipStatus.ISSUED,
            followup_at__isnull=True,
            door_delivered_at__lte=now - SLIP_FOLLOWUP_AFTER,
        )
        .select_related("property", "unit")
        .order_by("serial")
    )
    made = 0
    for slip in due:
        made += notify_users(
            users_with_roles(slip.property_id, [Role.FRONT_DESK, Role.CS_SUPERVISOR]),
            prop=slip.property,
            title=f"通知单 {slip.number} 已超72小时未领取:{slip.unit.label if slip.unit else ''}",
            body="请致电业主提醒领取,并在第二联空白处记录日期、时间和经办人(R-SLIP-10)。",
            link=slip.get_absolute_url(),
            level="warning",
            dedupe_key=f"parcels-slip-72h-{slip.pk}",
        )
    return made


@transaction.atomic
def slip_review(*, actor, slip: NotificationSlip, now: datetime | None = None) -> NotificationSlip:
    """R-SLIP-11: a completed slip is reviewed by the 值班经理 before it goes to the 客服主管."""
    require(actor, "parcels.review", slip.property_id)
    slip = NotificationSlip.objects.select_for_update().get(pk=slip.pk)
    if slip.status == SlipStatus.ISSUED:
        raise DomainError("通知单尚未完成,不能审核。(The slip is still open.)")
    if slip.reviewed_at:
        raise Conflict("已审核。(Already reviewed.)")
    before = snapshot(slip)
    slip.reviewed_at, slip.reviewed_by = _now(now), actor
    slip.save()
    record(slip, actor=actor, action=HistoryAction.UPDATE, before=before, reason="值班经理审核")
    return slip


@transaction.atomic
def slips_bind(*, actor, prop: Property, now: datetime | None = None) -> list[NotificationSlip]:
    """R-SLIP-11: the 客服主管 binds the reviewed slips in reverse serial order and keeps them."""
    require(actor, "parcels.review", prop.pk)
    now = _now(now)
    slips = list(
        NotificationSlip.objects.select_for_update()
        .filter(property=prop, reviewed_at__isnull=False, bound_at__isnull=True)
        .order_by("-serial")
    )
    if not slips:
        raise DomainError("没有待装订的已审核通知单。(No reviewed slips to bind.)")
    for slip in slips:
        before = snapshot(slip)
        slip.bound_at, slip.bound_by = now, actor
        slip.save()
        record(slip, actor=actor, action=HistoryAction.ARCHIVE, before=before, reason="倒序装订存档")
    return slips


# --- handover count (R-SLIP-09) ----------------------------------------------------------------------------


@transaction.atomic
def handover_mail_count(
    *,
    actor,
    prop: Property,
    present_slip_ids,
    present_parcel_ids=(),
    outgoing=None,
    note: str = "",
    now: datetime | None = None,
) -> SlipCount:
    """R-SLIP-09: at every handover the undelivered mail of the 《邮件接收通知单使用记录》 (and the parcels
    held) is counted; anything missing is reported to the 客服主管 at once, naming the outgoing staff member
    who is responsible."""
    require(actor, "parcels.handle", prop.pk)
    now = _now(now)
    present_slips = {int(i) for i in present_slip_ids}
    present_parcels = {int(i) for i in present_parcel_ids}
    open_slips = list(
        NotificationSlip.objects.filter(property=prop, status=SlipStatus.ISSUED)
        .select_related("unit")
        .order_by("serial")
    )
    slip_parcels = {s.parcel_id for s in open_slips if s.parcel_id}
    held = list(
        Parcel.objects.filter(property=prop, status__in=HELD_STATUSES)
        .exclude(pk__in=slip_parcels)
        .select_related("unit")
        .order_by("received_at", "pk")
    )
    missing = [
        {"slip": s.number, "unit": s.unit.label if s.unit else "", "mail": s.mail_description}
        for s in open_slips
        if s.pk not in present_slips
    ] + [
        {"parcel": p.pk, "unit": p.unit.label, "mail": f"{p.courier} {p.tracking_no}".strip()}
        for p in held
        if p.pk not in present_parcels
    ]
    expected = len(open_slips) + len(held)
    count = SlipCount.objects.create(
        property=prop,
        counted_by=actor,
        outgoing=outgoing,
        counted_at=now,
        expected=expected,
        found=expected - len(missing),
        missing=missing,
        note=_clean(note),
    )
    record(count, actor=actor, action=HistoryAction.CREATE)
    if missing:
        who = f"交班人:{outgoing}" if outgoing else "交班人未填"
        items = ";".join(
            f"{m.get('slip') or '快件#' + str(m.get('parcel'))} {m['unit']} {m['mail']}" for m in missing[:20]
        )
        _after_commit_notify_roles(
            prop,
            [Role.CS_SUPERVISOR],
            title=f"交接班清点:{len(missing)} 件邮件缺失",
            body=f"{who}(由交班人负责)。清点人:{actor}。缺失:{items}",
            link="/parcels/counts/",
            level="danger",
        )
    return count
