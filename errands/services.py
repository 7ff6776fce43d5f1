"""Every write of the errands area: tickets (R-TIX), errands (R-ERR), laundry (R-LAUN), petty cash (R-CASH)
and the phone log (R-TEL). Optional `now=` arguments exist for tests and the demo; pages and API never pass them.
"""

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from core.attachments import attachment_add
from core.choices import DepartmentKind, HistoryAction, Role
from core.deadlines import clock_start, clock_stop, next_call_time
from core.errors import Conflict, DomainError
from core.history import record, record_transition
from core.models import Property, Unit
from core.notify import notify_roles, notify_users
from core.numbering import next_number
from core.permissions import require
from core.rule_settings import setting
from residents.models import Occupancy, Resident

from . import rules
from .choices import (
    CallOutcome,
    CashUseStatus,
    ErrandKind,
    ErrandStatus,
    GarmentFinish,
    LaundryKind,
    LaundryStatus,
    ReplenishStatus,
    TicketKind,
    TicketStatus,
)
from .models import (
    ConciergeErrand,
    LaundryItem,
    LaundryOrder,
    LaundryRound,
    PettyCashReplenishment,
    PettyCashUse,
    PhoneCall,
    TicketBooking,
)

CLOCK_TIX = "tix_reconfirm"
CLOCK_LAUNDRY = "laundry_return"
CLOCK_CALLBACK = "tel_callback"


def _later(func):
    transaction.on_commit(func)


def _text(value, field: str, message: str, max_len: int = 200) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    return value[:max_len]


def _money(value, field: str, *, required: bool = True, allow_zero: bool = False) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise DomainError("请填写金额。(Enter the amount.)", field=field)
        return None
    try:
        d = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise DomainError("金额无效。(Invalid amount.)", field=field) from None
    if d < 0 or (d == 0 and not allow_zero) or d > Decimal("9999999"):
        raise DomainError("金额须大于 0。(The amount must be positive.)", field=field)
    return d


def _aware(value, field: str, message: str) -> datetime:
    if not isinstance(value, datetime):
        raise DomainError(message, field=field)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _occupant(prop: Property, unit: Unit, resident: Resident) -> None:
    if unit is None or unit.property_id != prop.pk:
        raise DomainError("房间不属于本项目。(The unit is not in this property.)", field="unit")
    if resident is None or resident.property_id != prop.pk:
        raise DomainError("业主不属于本项目。(The resident is not in this property.)", field="resident")
    if not Occupancy.objects.filter(unit=unit, resident=resident, end__isnull=True).exists():
        raise DomainError(
            f"{resident.name} 不是 {unit.label} 的现住业户。(Not a current occupant of the unit.)",
            field="resident",
        )


def _lock(model, obj):
    return model.objects.select_for_update().select_related("property").get(pk=obj.pk)


def _expect(obj, *states):
    if obj.status not in states:
        raise Conflict(
            f"当前状态为“{obj.get_status_display()}”,不能执行此操作。(Not possible in state {obj.status}.)"
        )


def _transition(obj, actor, to, reason=""):
    before = obj.status
    obj.status = to
    obj.save()
    record_transition(obj, actor=actor, from_state=before, reason=reason)


# --- ticketing (R-TIX) -----------------------------------------------------------------------------------


def _start_reconfirm_clock(t: TicketBooking, actor, now: datetime) -> None:
    """R-TIX-06: an air ticket is reconfirmed 24 h before departure — a clock due at departure − 24 h."""
    if t.kind != TicketKind.AIR:
        return
    due = t.departure_at - rules.TICKET_RECONFIRM_BEFORE
    clock_start(
        t,
        prop=t.property,
        kind=CLOCK_TIX,
        label=f"机票再确认 {t.flight_no} {t.passenger_name}",
        duration=max(due - now, timedelta(0)),
        responsible=actor,
        link=t.get_absolute_url(),
        start=now,
    )


@transaction.atomic
def ticket_create(
    *,
    actor,
    prop: Property,
    unit: Unit,
    resident: Resident,
    kind: str,
    passenger_name: str,
    passenger_id_number: str,
    id_checked: bool,
    carrier: str,
    flight_no: str,
    departure_at: datetime,
    cabin_class: str,
    destination: str,
    agency: str,
    origin: str = "",
    notes: str = "",
    now: datetime | None = None,
) -> TicketBooking:
    """R-TIX-01/02/05: a line of the 《票务预定登记表》 with the owner's requested flight details."""
    require(actor, "errands.write", prop.pk)
    now = now or timezone.now()
    if kind not in TicketKind.values:
        raise DomainError("请选择机票或火车票。(Choose air or train.)", field="kind")
    _occupant(prop, unit, resident)
    what = "航空公司" if kind == TicketKind.AIR else "铁路"
    data = {
        "passenger_name": _text(
            passenger_name, "passenger_name", "请填写乘客姓名。(Enter the passenger.)", 50
        ),
        "passenger_id_number": _text(
            passenger_id_number, "passenger_id_number", "请填写证件号码(R-TIX-02)。(Enter the ID number.)", 40
        ).upper(),
        "carrier": _text(carrier, "carrier", f"请填写{what}(R-TIX-01)。(Enter the carrier.)", 50),
        "flight_no": _text(
            flight_no, "flight_no", "请填写航班/车次(R-TIX-01)。(Enter the flight.)", 20
        ).upper(),
        "cabin_class": _text(cabin_class, "cabin_class", "请填写座舱级别(R-TIX-01)。(Enter the class.)", 20),
        "destination": _text(
            destination, "destination", "请填写目的地(R-TIX-01)。(Enter the destination.)", 50
        ),
        "agency": _text(agency, "agency", "请填写票务公司(R-TIX-03)。(Enter the ticket agency.)", 50),
    }
    departure_at = _aware(
        departure_at, "departure_at", "请填写出发日期和时间(R-TIX-01)。(Enter the departure.)"
    )
    if departure_at <= now:
        raise DomainError("出发时间必须晚于现在。(Departure must be in the future.)", field="departure_at")
    if not id_checked:
        raise DomainError(
            "请核对业主姓名与证件号码,必要时复印有效证件(R-TIX-02)。(Check the owner's ID.)",
            field="id_checked",
        )
    t = TicketBooking.objects.create(
        property=prop,
        number=next_number(prop, "PW"),
        kind=kind,
        unit=unit,
        resident=resident,
        id_checked=True,
        departure_at=departure_at,
        origin=(origin or "").strip()[:50],
        notes=(notes or "").strip(),
        created_by=actor,
        **data,
    )
    record(t, actor=actor, action=HistoryAction.CREATE)
    _start_reconfirm_clock(t, actor, now)
    return t


@transaction.atomic
def ticket_book(
    *,
    actor,
    ticket: TicketBooking,
    quoted_price,
    owner_agreed: bool,
    booking_ref: str,
    now: datetime | None = None,
) -> TicketBooking:
    """R-TIX-03: price confirmed with the agency; only after the owner agrees is the seat booked (订座)."""
    require(actor, "errands.write", ticket.property_id)
    t = _lock(TicketBooking, ticket)
    _expect(t, TicketStatus.REQUESTED)
    price = _money(quoted_price, "quoted_price")
    if not owner_agreed:
        raise DomainError(
            "须经业主同意票价后才能以业主名义订票(R-TIX-03)。(The owner must agree to the price first.)",
            field="owner_agreed",
        )
    t.quoted_price, t.price_agreed_at = price, now or timezone.now()
    t.booking_ref = _text(
        booking_ref, "booking_ref", "请填写定座记录编号。(Enter the booking reference.)", 30
    )
    _transition(t, actor, TicketStatus.RESERVED, reason=f"票价 {price},业主已同意")
    return t


@transaction.atomic
def ticket_prepay(*, actor, ticket: TicketBooking, amount, now: datetime | None = None) -> TicketBooking:
    """R-TIX-09: the owner pays in advance, in cash."""
    require(actor, "errands.write", ticket.property_id)
    t = _lock(TicketBooking, ticket)
    _expect(t, TicketStatus.RESERVED)
    amount = _money(amount, "amount")
    t.prepaid_amount += amount
    t.prepaid_at = now or timezone.now()
    t.save()
    record(
        t,
        actor=actor,
        action=HistoryAction.UPDATE,
        changes={"prepaid_amount": [str(t.prepaid_amount - amount), str(t.prepaid_amount)]},
        reason="现金预付",
    )
    return t


@transaction.atomic
def ticket_issue(*, actor, ticket: TicketBooking) -> TicketBooking:
    """R-TIX-10: without the owner's prepayment the seat is only reserved, never issued."""
    require(actor, "errands.write", ticket.property_id)
    t = _lock(TicketBooking, ticket)
    _expect(t, TicketStatus.RESERVED)
    if t.quoted_price is None or t.prepaid_amount < t.quoted_price:
        raise DomainError(
            f"业主未全额预付票款(已付 {t.prepaid_amount},票价 {t.quoted_price}),只能订座不能出票(R-TIX-09/10)。"
            "(Not prepaid: the seat can only be reserved.)",
            code="not_prepaid",
        )
    _transition(t, actor, TicketStatus.ISSUED)
    return t


@transaction.atomic
def ticket_deliver(*, actor, ticket: TicketBooking, now: datetime | None = None) -> TicketBooking:
    """R-TIX-04: the agency delivers the ticket to the 管理处."""
    require(actor, "errands.write", ticket.property_id)
    t = _lock(TicketBooking, ticket)
    _expect(t, TicketStatus.ISSUED)
    t.delivered_at = now or timezone.now()
    _transition(t, actor, TicketStatus.DELIVERED)
    return t


@transaction.atomic
def ticket_reconfirm(
    *, actor, ticket: TicketBooking, confirmation_no: str, now: datetime | None = None
) -> TicketBooking:
    """R-TIX-06/07: the airline is given name, flight, date/time and booking reference; the confirmation
    number is recorded and the reconfirmation clock stops."""
    require(actor, "errands.write", ticket.property_id)
    t = _lock(TicketBooking, ticket)
    if t.kind != TicketKind.AIR:
        raise DomainError("只有机票需要再确认。(Only air tickets are reconfirmed.)")
    _expect(t, TicketStatus.RESERVED, TicketStatus.ISSUED, TicketStatus.DELIVERED)
    if not t.booking_ref:
        raise DomainError("缺少定座记录编号,无法再确认(R-TIX-07)。(No booking reference.)")
    t.confirmation_no = _text(
        confirmation_no,
        "confirmation_no",
        "请填写航空公司的确认编号(R-TIX-07)。(Enter the confirmation number.)",
        30,
    )
    t.reconfirmed_at, t.reconfirmed_by = now or timezone.now(), actor
    t.save()
    record(
        t,
        actor=actor,
        action=HistoryAction.UPDATE,
        changes={"confirmation_no": ["", t.confirmation_no]},
        reason="已向航空公司再确认",
    )
    clock_stop(t, kind=CLOCK_TIX, now=t.reconfirmed_at)
    return t


CHANGE_VIA = {"agency": "票务公司", "office": "原出票处"}


@transaction.atomic
def ticket_change(
    *,
    actor,
    ticket: TicketBooking,
    action: str,
    via: str,
    fee,
    note: str = "",
    new_flight_no: str = "",
    new_departure_at: datetime | None = None,
    now: datetime | None = None,
) -> TicketBooking:
    """R-TIX-08: a change at the issuing office or through the agency; a refund only through the agency;
    both carry the applicable fees."""
    require(actor, "errands.write", ticket.property_id)
    t = _lock(TicketBooking, ticket)
    now = now or timezone.now()
    _expect(t, TicketStatus.ISSUED, TicketStatus.DELIVERED)
    if via not in CHANGE_VIA:
        raise DomainError("请选择办理渠道。(Choose where it is handled.)", field="via")
    fee = _money(fee, "fee", allow_zero=True)
    if action == "refund":
        if via != "agency":
            raise DomainError(
                "退票只能通过票务公司办理(R-TIX-08)。(Refunds only through the agency.)", field="via"
            )
        line = f"{now:%Y-%m-%d} 经{CHANGE_VIA[via]}退票,手续费 {fee}。{note}".strip()
        t.change_note = "\n".join(p for p in [t.change_note, line] if p)
        t.change_fees += fee
        _transition(t, actor, TicketStatus.REFUNDED, reason=line)
        clock_stop(t, kind=CLOCK_TIX, now=now)
        return t
    if action != "change":
        raise DomainError("请选择改签或退票。(Choose change or refund.)", field="action")
    new_flight_no = _text(
        new_flight_no, "new_flight_no", "请填写新航班/车次。(Enter the new flight.)", 20
    ).upper()
    new_departure_at = _aware(
        new_departure_at, "new_departure_at", "请填写新的出发时间。(Enter the new departure.)"
    )
    if new_departure_at <= now:
        raise DomainError(
            "出发时间必须晚于现在。(Departure must be in the future.)", field="new_departure_at"
        )
    line = (
        f"{now:%Y-%m-%d} 经{CHANGE_VIA[via]}改签 {t.flight_no}→{new_flight_no},手续费 {fee}。{note}".strip()
    )
    t.change_note = "\n".join(p for p in [t.change_note, line] if p)
    t.change_fees += fee
    t.flight_no, t.departure_at = new_flight_no, new_departure_at
    t.confirmation_no, t.reconfirmed_at, t.reconfirmed_by = "", None, None
    t.save()
    record(
        t,
        actor=actor,
        action=HistoryAction.UPDATE,
        changes={"flight_no": [ticket.flight_no, new_flight_no]},
        reason=line,
    )
    _start_reconfirm_clock(t, actor, now)  # a new flight is reconfirmed again (R-TIX-06)
    return t


@transaction.atomic
def ticket_cancel(
    *, actor, ticket: TicketBooking, reason: str = "", now: datetime | None = None
) -> TicketBooking:
    """R-TIX-10: a reserved (not issued) seat is cancelled without a refund fee."""
    require(actor, "errands.write", ticket.property_id)
    t = _lock(TicketBooking, ticket)
    _expect(t, TicketStatus.REQUESTED, TicketStatus.RESERVED)
    _transition(t, actor, TicketStatus.CANCELLED, reason=reason or "业主取消")
    clock_stop(t, kind=CLOCK_TIX, now=now)
    return t


# --- concierge errands (R-ERR) ---------------------------------------------------------------------------


@transaction.atomic
def errand_create(
    *,
    actor,
    prop: Property,
    unit: Unit,
    resident: Resident,
    kind: str,
    description: str = "",
    service: str = "",
    weight_g: int | None = None,
    destination: str = "",
    venue: str = "",
    programme: str = "",
    party_size: int | None = None,
    event_at: datetime | None = None,
    contact_person: str = "",
    special_requests: str = "",
    item_name: str = "",
    item_spec: str = "",
    item_quantity: int | None = None,
    item_price=None,
    assigned_to=None,
    cost=None,
) -> ConciergeErrand:
    """R-ERR-02..07: record what the owner asks for, with the details each kind of errand needs."""
    require(actor, "errands.write", prop.pk)
    if kind not in ErrandKind.values:
        raise DomainError("请选择代办类别。(Choose the kind.)", field="kind")
    _occupant(prop, unit, resident)
    e = ConciergeErrand(
        property=prop,
        kind=kind,
        unit=unit,
        resident=resident,
        created_by=actor,
        description=(description or "").strip(),
        special_requests=(special_requests or "").strip()[:200],
    )
    if kind == ErrandKind.POSTAGE:  # R-ERR-03
        if not weight_g or int(weight_g) <= 0:
            raise DomainError("请称重并填写重量(克)(R-ERR-03)。(Enter the weight.)", field="weight_g")
        e.weight_g = int(weight_g)
        e.destination = _text(
            destination, "destination", "请填写寄往地(R-ERR-03)。(Enter the destination.)", 100
        )
        e.cost = _money(cost, "cost", required=False)
    elif kind in (ErrandKind.RESTAURANT, ErrandKind.THEATRE):  # R-ERR-04 / R-ERR-05
        if not party_size or int(party_size) <= 0:
            what = "人数" if kind == ErrandKind.RESTAURANT else "票数"
            raise DomainError(f"请填写{what}。(Enter the number.)", field="party_size")
        e.party_size = int(party_size)
        e.event_at = _aware(event_at, "event_at", "请填写时间。(Enter the time.)")
        if kind == ErrandKind.RESTAURANT:
            e.venue = _text(venue, "venue", "请填写餐厅(R-ERR-04)。(Enter the restaurant.)", 100)
            e.contact_person = _text(
                contact_person, "contact_person", "请填写联系人(R-ERR-04)。(Enter the contact person.)", 50
            )
        else:
            e.programme = _text(
                programme, "programme", "请填写节目名称与内容(R-ERR-05)。(Enter the programme.)"
            )
            e.venue = (venue or "").strip()[:100]
    elif kind == ErrandKind.SHOPPING:  # R-ERR-06 / R-ERR-07
        e.item_name = _text(item_name, "item_name", "请填写物品名称(R-ERR-06)。(Enter the item.)", 100)
        if rules.is_ingestible(item_name, item_spec, description):
            raise DomainError(rules.INGESTIBLE_MESSAGE, field="item_name", code="ingestible")
        e.item_spec = _text(item_spec, "item_spec", "请填写规格(R-ERR-06)。(Enter the specification.)", 100)
        if not item_quantity or int(item_quantity) <= 0:
            raise DomainError("请填写数量(R-ERR-06)。(Enter the quantity.)", field="item_quantity")
        e.item_quantity = int(item_quantity)
        e.item_price = _money(item_price, "item_price")
        if assigned_to is None or not assigned_to.memberships.filter(property=prop, active=True).exists():
            raise DomainError("请指定购买人(R-ERR-06)。(Assign the person who buys it.)", field="assigned_to")
        e.assigned_to = assigned_to
    else:  # R-ERR-01
        if service not in rules.VALUE_ADDED_SERVICES:
            raise DomainError("请选择增值服务项目(R-ERR-01)。(Choose the service.)", field="service")
        e.service = service
        if rules.is_ingestible(description):
            raise DomainError(rules.INGESTIBLE_MESSAGE, field="description", code="ingestible")
        if not e.description:
            raise DomainError("请填写要求。(Describe the request.)", field="description")
    e.number = next_number(prop, "DB")
    e.save()
    record(e, actor=actor, action=HistoryAction.CREATE)
    if e.assigned_to_id and e.assigned_to_id != actor.pk:
        link, title = e.get_absolute_url(), f"代购任务:{e.item_name} ×{e.item_quantity}({unit.label})"
        _later(lambda: notify_users([e.assigned_to_id], prop=prop, title=title, link=link))
    return e


@transaction.atomic
def errand_complete(
    *,
    actor,
    errand: ConciergeErrand,
    venue_contact: str = "",
    cost=None,
    collected_from_owner=None,
    result_note: str = "",
    now: datetime | None = None,
) -> ConciergeErrand:
    """Done: restaurant/box-office contact recorded (R-ERR-04/05), postage collected and posted (R-ERR-03),
    purchase cost recorded (R-ERR-06)."""
    require(actor, "errands.write", errand.property_id)
    e = _lock(ConciergeErrand, errand)
    _expect(e, ErrandStatus.OPEN)
    now = now or timezone.now()
    if e.kind in (ErrandKind.RESTAURANT, ErrandKind.THEATRE):
        who = "餐厅" if e.kind == ErrandKind.RESTAURANT else "票房"
        e.venue_contact = _text(
            venue_contact,
            "venue_contact",
            f"请记录{who}联系人姓名(R-ERR-04/05)。(Record the contact's name.)",
            50,
        )
    if e.kind == ErrandKind.POSTAGE:
        e.cost = _money(cost if cost not in (None, "") else e.cost, "cost")
        e.collected_from_owner = _money(collected_from_owner, "collected_from_owner", allow_zero=True)
        e.posted_at = now
    elif e.kind == ErrandKind.SHOPPING:
        e.cost = _money(cost, "cost")
        e.collected_from_owner = _money(
            collected_from_owner, "collected_from_owner", required=False, allow_zero=True
        )
    else:
        e.cost = _money(cost, "cost", required=False, allow_zero=True)
        e.collected_from_owner = _money(
            collected_from_owner, "collected_from_owner", required=False, allow_zero=True
        )
    e.result_note = (result_note or "").strip()[:200]
    e.done_at = now
    _transition(e, actor, ErrandStatus.DONE, reason=e.result_note)
    return e


@transaction.atomic
def errand_cancel(*, actor, errand: ConciergeErrand, reason: str) -> ConciergeErrand:
    require(actor, "errands.write", errand.property_id)
    e = _lock(ConciergeErrand, errand)
    _expect(e, ErrandStatus.OPEN)
    reason = _text(reason, "reason", "请填写取消原因。(Enter the reason.)")
    _transition(e, actor, ErrandStatus.CANCELLED, reason=reason)
    return e


@transaction.atomic
def errand_attach_receipt(*, actor, errand: ConciergeErrand, upload):
    require(actor, "errands.write", errand.property_id)
    return attachment_add(actor=actor, target=errand, upload=upload)


# --- laundry (R-LAUN) ------------------------------------------------------------------------------------


@transaction.atomic
def laundry_receive(
    *,
    actor,
    prop: Property,
    unit: Unit,
    resident: Resident,
    kind: str,
    items,
    count_text: str,
    special: str = "",
    now: datetime | None = None,
) -> LaundryOrder:
    """R-LAUN-01..05: the owner's 干洗单/湿洗单; the desk writes handler, date and the count ("3D"/"2L")
    on the header; the slip number goes into the 《衣物送洗登记表》."""
    require(actor, "errands.write", prop.pk)
    if kind not in LaundryKind.values:
        raise DomainError("请选择干洗或湿洗。(Choose dry or wet.)", field="kind")
    _occupant(prop, unit, resident)
    lines = []
    for raw in items or []:
        garment = str(raw.get("garment") or "").strip()
        if not garment:
            continue
        try:
            qty = int(raw.get("quantity") or 0)
        except (TypeError, ValueError):
            qty = 0
        if qty < 1 or qty > 99:
            raise DomainError(f"“{garment}”的件数须为 1–99。(Pieces 1–99.)", field="items")
        finish = raw.get("finish") or GarmentFinish.HUNG
        if finish not in GarmentFinish.values:
            raise DomainError("请选择折叠或挂装。(Folded or hung.)", field="items")
        lines.append({"garment": garment[:50], "quantity": qty, "finish": finish})
    if not lines:
        raise DomainError("请填写衣服类型与件数(R-LAUN-02)。(Enter garments and pieces.)", field="items")
    pieces = sum(line["quantity"] for line in lines)
    expected = rules.count_label(kind, pieces)
    try:
        n, k = rules.parse_count(count_text)
    except ValueError:
        raise DomainError(
            f"件数标记格式为“件数+D(干洗)/L(湿洗)”,如 {expected}(R-LAUN-03)。(Write the count like {expected}.)",
            field="count_text",
        ) from None
    if k != kind or n != pieces:
        raise DomainError(
            f"件数标记应为 {expected}(共 {pieces} 件,{LaundryKind(kind).label}),与所写 {count_text.strip().upper()} 不符"
            "(R-LAUN-03)。(The count does not match the slip.)",
            field="count_text",
        )
    prefix = "GX" if kind == LaundryKind.DRY else "SX"
    order = LaundryOrder.objects.create(
        property=prop,
        slip_no=next_number(prop, prefix, daily=False),
        kind=kind,
        unit=unit,
        resident=resident,
        received_at=now or timezone.now(),
        handler=actor,
        pieces=pieces,
        count_label=expected,
        special=(special or "").strip()[:200],
    )
    LaundryItem.objects.bulk_create([LaundryItem(order=order, **line) for line in lines])
    record(order, actor=actor, action=HistoryAction.CREATE)
    return order


@transaction.atomic
def laundry_collect(
    *, actor, prop: Property, slot, orders, laundry_staff: str, now: datetime | None = None
) -> LaundryRound:
    """R-LAUN-06: the 洗衣房 collects at 9:30 and 17:30; both sides check and sign; the 客服主管 enters the
    collected slip numbers and the send date."""
    require(actor, "errands.laundry_round", prop.pk)
    now = now or timezone.now()
    try:
        slot_t = rules.round_slot(slot)
    except (ValueError, TypeError):
        raise DomainError(
            "收衣班次只有 09:30 和 17:30(R-LAUN-06)。(Rounds are 09:30 and 17:30.)", field="slot"
        ) from None
    laundry_staff = _text(
        laundry_staff, "laundry_staff", "请洗衣房收衣人签字。(The laundry staff must sign.)", 50
    )
    ids = [o.pk if hasattr(o, "pk") else int(o) for o in orders or []]
    if not ids:
        raise DomainError("请选择要送洗的洗衣单。(Choose the slips.)", field="orders")
    locked = list(LaundryOrder.objects.select_for_update().filter(property=prop, pk__in=ids).order_by("id"))
    if len(locked) != len(set(ids)):
        raise DomainError("洗衣单不属于本项目。(Slip not in this property.)", field="orders")
    bad = [o.slip_no for o in locked if o.status != LaundryStatus.RECEIVED]
    if bad:
        raise Conflict(f"这些洗衣单已送洗:{'、'.join(bad)}。(Already collected.)")
    day = timezone.localtime(now).date()
    if LaundryRound.objects.filter(property=prop, date=day, slot=rules.slot_label(slot_t)).exists():
        raise Conflict(f"{day:%Y-%m-%d} {rules.slot_label(slot_t)} 班次已登记。(This round is recorded.)")
    rnd = LaundryRound.objects.create(
        property=prop,
        date=day,
        slot=rules.slot_label(slot_t),
        collected_at=now,
        laundry_staff=laundry_staff,
        supervisor=actor,
        due_back_at=rules.laundry_due_back(day, slot_t),
    )
    record(
        rnd,
        actor=actor,
        action=HistoryAction.CREATE,
        reason="送洗单号:" + "、".join(o.slip_no for o in locked),
    )
    for o in locked:
        o.round = rnd
        _transition(o, actor, LaundryStatus.COLLECTED, reason=f"{rnd} 班次送洗")
    clock_start(
        rnd,
        prop=prop,
        kind=CLOCK_LAUNDRY,
        label=f"洗衣送回 {rnd}({len(locked)} 单)",
        duration=max(rnd.due_back_at - now, timedelta(0)),
        responsible=actor,
        link=rnd.get_absolute_url(),
        start=now,
    )
    return rnd


@transaction.atomic
def laundry_return(
    *,
    actor,
    round: LaundryRound,
    returned_slip_nos,
    returned_counts: dict,
    laundry_staff: str,
    now: datetime | None = None,
) -> LaundryRound:
    """R-LAUN-07/09/10: the 客服主管 and the 洗衣房 compare returned slip numbers with collected ones and
    the returned quantities with the register; both sign only when everything agrees."""
    require(actor, "errands.laundry_round", round.property_id)
    rnd = LaundryRound.objects.select_for_update().get(pk=round.pk)
    if rnd.returned_at:
        raise Conflict("此班次已送回签收。(This round is already returned.)")
    now = now or timezone.now()
    laundry_staff = _text(
        laundry_staff, "laundry_staff", "请洗衣房送回人签字。(The laundry staff must sign.)", 50
    )
    orders = {o.slip_no: o for o in LaundryOrder.objects.select_for_update().filter(round=rnd)}
    returned = {str(s).strip().upper() for s in returned_slip_nos or [] if str(s).strip()}
    missing, extra = sorted(set(orders) - returned), sorted(returned - set(orders))
    if missing or extra:
        parts = []
        if missing:
            parts.append("未送回:" + "、".join(missing))
        if extra:
            parts.append("非本班次:" + "、".join(extra))
        raise DomainError(
            "送回单号与收衣单号不一致(R-LAUN-09):" + ";".join(parts) + "。(Slip numbers do not agree.)",
            field="returned_slip_nos",
            code="slips_differ",
        )
    counts = {str(k).strip().upper(): v for k, v in (returned_counts or {}).items()}
    wrong = []
    for no, o in orders.items():
        try:
            got = int(counts.get(no, o.pieces))
        except (TypeError, ValueError):
            got = -1
        if got != o.pieces:
            wrong.append(f"{no} 登记 {o.count_label},送回 {got}")
        o.returned_pieces = got
    if wrong:
        raise DomainError(
            "送回件数与《衣物送洗登记表》不符(R-LAUN-10):" + ";".join(wrong) + "。(Quantities differ.)",
            field="returned_counts",
            code="counts_differ",
        )
    rnd.returned_at, rnd.return_staff, rnd.return_checked_by = now, laundry_staff, actor
    rnd.save()
    record(
        rnd,
        actor=actor,
        action=HistoryAction.UPDATE,
        changes={"returned": [False, True]},
        reason=f"送回 {len(orders)} 单,双方签字",
    )
    for o in orders.values():
        _transition(o, actor, LaundryStatus.RETURNED)
    clock_stop(rnd, kind=CLOCK_LAUNDRY, now=now)
    return rnd


@transaction.atomic
def laundry_pickup(
    *,
    actor,
    order: LaundryOrder,
    owner_signed_green: bool,
    price=None,
    paid: bool = False,
    now: datetime | None = None,
) -> LaundryOrder:
    """R-LAUN-11: the owner signs the green copy; handler and date noted; collected and paid recorded."""
    require(actor, "errands.write", order.property_id)
    o = _lock(LaundryOrder, order)
    _expect(o, LaundryStatus.RETURNED)
    if not owner_signed_green:
        raise DomainError(
            "请业主在绿联上签字后再交衣(R-LAUN-11)。(The owner signs the green copy.)",
            field="owner_signed_green",
        )
    now = now or timezone.now()
    o.owner_signed_green, o.picked_up_at, o.pickup_handler = True, now, actor
    o.price = _money(price, "price", required=paid, allow_zero=True)
    if paid:
        o.paid, o.paid_at = True, now
    _transition(o, actor, LaundryStatus.PICKED_UP, reason="已付款" if paid else "未付款")
    return o


@transaction.atomic
def laundry_pay(*, actor, order: LaundryOrder, price, now: datetime | None = None) -> LaundryOrder:
    """R-LAUN-11: payment recorded after collection."""
    require(actor, "errands.write", order.property_id)
    o = _lock(LaundryOrder, order)
    if o.paid:
        raise Conflict("已付款。(Already paid.)")
    o.price = _money(price, "price", allow_zero=True)
    o.paid, o.paid_at = True, now or timezone.now()
    o.save()
    record(o, actor=actor, action=HistoryAction.UPDATE, changes={"paid": [False, True]})
    return o


# --- petty cash (R-CASH) ---------------------------------------------------------------------------------


def cash_balance(prop: Property) -> Decimal:
    """Received top-ups − what the fund advanced on approved uses + what owners paid back."""
    topups = PettyCashReplenishment.objects.filter(property=prop, status=ReplenishStatus.RECEIVED).aggregate(
        s=Sum("received_amount")
    )["s"] or Decimal("0")
    used = PettyCashUse.objects.filter(
        property=prop, status__in=[CashUseStatus.APPROVED, CashUseStatus.INVOICED]
    ).aggregate(a=Sum("amount"), p=Sum("prepaid_amount"), r=Sum("repaid_amount"))
    advanced = (used["a"] or Decimal("0")) - (used["p"] or Decimal("0"))
    return (topups - advanced + (used["r"] or Decimal("0"))).quantize(Decimal("0.01"))


def _cash_locked(prop: Property) -> None:
    # Serialise balance-changing writes of one property (two approvals must not both spend the last 50).
    Property.objects.select_for_update().filter(pk=prop.pk).first()


@transaction.atomic
def cash_use_register(
    *,
    actor,
    prop: Property,
    unit: Unit,
    resident: Resident,
    purpose: str,
    amount,
    prepaid_amount=0,
    over_limit_reason: str = "",
    errand: ConciergeErrand | None = None,
) -> PettyCashUse:
    """R-CASH-01/02/03/04/07: the 管理员 registers a use on the 《备用金使用登记表》, on an owner's behalf."""
    require(actor, "errands.cash_use", prop.pk)
    _occupant(prop, unit, resident)
    purpose = _text(purpose, "purpose", "请填写用途(专款专用,R-CASH-02)。(Enter the purpose.)")
    amount = _money(amount, "amount")
    prepaid = _money(prepaid_amount, "prepaid_amount", required=False, allow_zero=True) or Decimal("0")
    if prepaid > amount:
        raise DomainError("预付款不能大于金额。(Prepayment exceeds the amount.)", field="prepaid_amount")
    reason = (over_limit_reason or "").strip()
    if amount > rules.PETTY_CASH_MAX_PER_USE and prepaid == 0 and not reason:
        # R-CASH-04: above RMB 50 the owner is asked to prepay part; otherwise a reason is recorded.
        raise DomainError(
            f"每次使用原则上不超过 {rules.PETTY_CASH_MAX_PER_USE} 元;超出请询问业主预付部分款项,"
            "或填写超额原因(R-CASH-04)。(Above RMB 50: record a prepayment or a reason.)",
            field="prepaid_amount",
            code="over_limit",
        )
    if errand is not None and errand.property_id != prop.pk:
        raise DomainError("代办事项不属于本项目。(Errand not in this property.)", field="errand")
    use = PettyCashUse.objects.create(
        property=prop,
        number=next_number(prop, "BYJ"),
        unit=unit,
        resident=resident,
        purpose=purpose,
        amount=amount,
        prepaid_amount=prepaid,
        over_limit_reason=reason[:200],
        errand=errand,
        registered_by=actor,
    )
    record(use, actor=actor, action=HistoryAction.CREATE)
    return use


@transaction.atomic
def cash_use_owner_sign(*, actor, use: PettyCashUse, signature_name: str, now=None) -> PettyCashUse:
    """R-CASH-03 step 2: the owner signs to confirm."""
    require(actor, "errands.cash_use", use.property_id)
    u = _lock(PettyCashUse, use)
    _expect(u, CashUseStatus.REGISTERED)
    u.owner_signature_name = _text(
        signature_name, "signature_name", "请业主签字确认(R-CASH-03)。(The owner signs.)", 50
    )
    u.owner_signed_at = now or timezone.now()
    _transition(u, actor, CashUseStatus.OWNER_SIGNED)
    return u


@transaction.atomic
def cash_use_approve(*, actor, use: PettyCashUse, now: datetime | None = None) -> PettyCashUse:
    """R-CASH-03/07: the 客服主管 signs to allow the use — only after the owner's signature; never beyond
    the balance. Below RMB 100 left, the supervisor is asked to apply for a top-up (R-CASH-06)."""
    require(actor, "errands.cash_approve", use.property_id)
    _cash_locked(use.property)
    u = _lock(PettyCashUse, use)
    if u.status == CashUseStatus.REGISTERED:
        raise DomainError(
            "业主尚未签字确认,主管不能批准(R-CASH-03)。(The owner has not signed.)", code="unsigned"
        )
    _expect(u, CashUseStatus.OWNER_SIGNED)
    balance = cash_balance(u.property)
    if u.fund_amount() > balance:
        raise DomainError(
            f"备用金余额 {balance} 元不足以支付 {u.fund_amount()} 元,请先申请补充(R-CASH-06)。(Not enough balance.)",
            code="balance",
        )
    u.approved_by, u.approved_at = actor, now or timezone.now()
    _transition(u, actor, CashUseStatus.APPROVED)
    _propose_replenishment(u.property, cash_balance(u.property))
    return u


def _propose_replenishment(prop: Property, balance: Decimal) -> None:
    if balance >= rules.PETTY_CASH_LOW_BALANCE:
        return
    if PettyCashReplenishment.objects.filter(property=prop, status=ReplenishStatus.REQUESTED).exists():
        return
    key = f"pettycash-low-{prop.pk}-{PettyCashReplenishment.objects.filter(property=prop).count()}"
    title = f"备用金余额 {balance} 元,低于 {rules.PETTY_CASH_LOW_BALANCE} 元:请向管理处申请补充(不少于 {rules.PETTY_CASH_MIN_TOPUP} 元)"
    _later(
        lambda: notify_roles(
            prop, [Role.CS_SUPERVISOR], title=title, link="/errands/cash/", level="warning", dedupe_key=key
        )
    )


@transaction.atomic
def cash_use_reject(*, actor, use: PettyCashUse, reason: str) -> PettyCashUse:
    require(actor, "errands.cash_approve", use.property_id)
    u = _lock(PettyCashUse, use)
    _expect(u, CashUseStatus.REGISTERED, CashUseStatus.OWNER_SIGNED)
    u.reject_reason = _text(reason, "reason", "请填写驳回原因。(Enter the reason.)")
    _transition(u, actor, CashUseStatus.REJECTED, reason=u.reject_reason)
    return u


@transaction.atomic
def cash_use_invoice(
    *, actor, use: PettyCashUse, invoice_no: str, upload, handed_to_owner: bool, now: datetime | None = None
) -> PettyCashUse:
    """R-CASH-05: every use obtains a formal invoice, handed to the owner (a scan is kept)."""
    require(actor, "errands.cash_use", use.property_id)
    u = _lock(PettyCashUse, use)
    _expect(u, CashUseStatus.APPROVED)
    u.invoice_no = _text(
        invoice_no, "invoice_no", "请填写正式发票号码(R-CASH-05)。(Enter the invoice number.)", 50
    )
    if upload is None:
        raise DomainError("请上传发票扫描件(R-CASH-05)。(Attach the invoice.)", field="file")
    if not handed_to_owner:
        raise DomainError(
            "发票须交给业主(R-CASH-05)。(Hand the invoice to the owner.)", field="handed_to_owner"
        )
    attachment_add(actor=actor, target=u, upload=upload)
    u.invoice_handed_at = now or timezone.now()
    _transition(u, actor, CashUseStatus.INVOICED, reason=f"发票 {u.invoice_no}")
    return u


@transaction.atomic
def cash_use_repay(*, actor, use: PettyCashUse, amount, now: datetime | None = None) -> PettyCashUse:
    """The owner pays back what the fund advanced for them."""
    require(actor, "errands.cash_use", use.property_id)
    _cash_locked(use.property)
    u = _lock(PettyCashUse, use)
    _expect(u, CashUseStatus.APPROVED, CashUseStatus.INVOICED)
    amount = _money(amount, "amount")
    if u.repaid_amount + amount > u.fund_amount():
        raise DomainError("归还金额超过垫付金额。(More than was advanced.)", field="amount")
    before = u.repaid_amount
    u.repaid_amount += amount
    u.repaid_at = now or timezone.now()
    u.save()
    record(
        u,
        actor=actor,
        action=HistoryAction.UPDATE,
        changes={"repaid_amount": [str(before), str(u.repaid_amount)]},
    )
    return u


@transaction.atomic
def cash_replenish_request(*, actor, prop: Property, amount, note: str = "") -> PettyCashReplenishment:
    """R-CASH-06: when the balance is below RMB 100 the 客服主管 applies to the 管理处, for at least RMB 200."""
    require(actor, "errands.cash_approve", prop.pk)
    _cash_locked(prop)
    amount = _money(amount, "amount")
    if amount < rules.PETTY_CASH_MIN_TOPUP:
        raise DomainError(
            f"每次补充申请不少于 {rules.PETTY_CASH_MIN_TOPUP} 元(R-CASH-06)。(At least RMB 200.)",
            field="amount",
        )
    balance = cash_balance(prop)
    if balance >= rules.PETTY_CASH_LOW_BALANCE:
        raise DomainError(
            f"余额 {balance} 元,未低于 {rules.PETTY_CASH_LOW_BALANCE} 元,暂不需补充(R-CASH-06)。(Balance not low.)",
            field="amount",
        )
    if PettyCashReplenishment.objects.filter(property=prop, status=ReplenishStatus.REQUESTED).exists():
        raise Conflict("已有一笔补充申请待管理处办理。(A request is already open.)")
    req = PettyCashReplenishment.objects.create(
        property=prop,
        amount=amount,
        balance_at_request=balance,
        requested_by=actor,
        note=(note or "").strip()[:200],
    )
    record(req, actor=actor, action=HistoryAction.CREATE)
    _later(
        lambda: notify_roles(
            prop, [Role.MANAGER, Role.FINANCE], title=f"备用金补充申请 {amount} 元", link="/errands/cash/"
        )
    )
    return req


@transaction.atomic
def cash_replenish_receive(
    *, actor, request: PettyCashReplenishment, amount, now: datetime | None = None
) -> PettyCashReplenishment:
    """The 管理处 tops the fund up."""
    require(actor, "errands.cash_topup", request.property_id)
    _cash_locked(request.property)
    r = _lock(PettyCashReplenishment, request)
    _expect(r, ReplenishStatus.REQUESTED)
    r.received_amount = _money(amount, "amount")
    r.received_by, r.received_at = actor, now or timezone.now()
    _transition(r, actor, ReplenishStatus.RECEIVED)
    return r


# --- phone log (R-TEL) -----------------------------------------------------------------------------------


@transaction.atomic
def phone_call_log(
    *,
    actor,
    prop: Property,
    caller_name: str,
    phone: str,
    subject: str,
    outcome: str,
    transferred_to: str = "",
    answered_within_three_rings: bool = True,
    resident: Resident | None = None,
    unit: Unit | None = None,
    at: datetime | None = None,
    now: datetime | None = None,
) -> PhoneCall:
    """R-TEL-09: every call is logged. R-TEL-06: a transfer names the department. R-TEL-04: a call not
    finished within 20 s becomes a call-back task with the caller's number (a clock and a notification)."""
    require(actor, "errands.write", prop.pk)
    now = now or timezone.now()
    at = _aware(at, "at", "请填写来电时间。(Enter the time.)") if at else now
    if outcome not in CallOutcome.values:
        raise DomainError("请选择处理方式。(Choose the outcome.)", field="outcome")
    caller_name = _text(caller_name, "caller_name", "请填写来电人。(Enter the caller.)", 50)
    subject = _text(subject, "subject", "请填写来电事由。(Enter the subject.)", 300)
    phone = (phone or "").strip()
    if outcome == CallOutcome.CALLBACK and len("".join(c for c in phone if c.isdigit())) < 7:
        raise DomainError("需覆电时必须记下来电号码(R-TEL-04)。(Record the caller's number.)", field="phone")
    if outcome == CallOutcome.TRANSFERRED:
        if transferred_to not in DepartmentKind.values or transferred_to == DepartmentKind.CUSTOMER_SERVICE:
            raise DomainError("请选择转接的部门(R-TEL-06)。(Choose the department.)", field="transferred_to")
    else:
        transferred_to = ""
    for obj, field in ((resident, "resident"), (unit, "unit")):
        if obj is not None and obj.property_id != prop.pk:
            raise DomainError("不属于本项目。(Not in this property.)", field=field)
    call = PhoneCall(
        property=prop,
        at=at,
        caller_name=caller_name,
        phone=phone[:30],
        subject=subject,
        outcome=outcome,
        transferred_to=transferred_to,
        answered_within_three_rings=bool(answered_within_three_rings),
        resident=resident,
        unit=unit,
        handled_by=actor,
    )
    if outcome == CallOutcome.CALLBACK:
        # Never call a resident back in their quiet hours (R-CB-03).
        call.callback_due_at = next_call_time(prop, now + setting(prop, "errands.phone_callback_within"))
    call.save()
    record(call, actor=actor, action=HistoryAction.CREATE)
    if outcome == CallOutcome.CALLBACK:
        clock_start(
            call,
            prop=prop,
            kind=CLOCK_CALLBACK,
            label=f"覆电 {caller_name}:{subject[:40]}",
            duration=call.callback_due_at - now,
            responsible=actor,
            link=call.get_absolute_url(),
            start=now,
        )
        link, due = call.get_absolute_url(), timezone.localtime(call.callback_due_at)
        title = f"待覆电:{caller_name}({call.masked_phone()})"
        _later(
            lambda: notify_users(
                [actor.pk],
                prop=prop,
                title=title,
                body=f"请于 {due:%m-%d %H:%M} 前覆电:{subject}",
                link=link,
                dedupe_key=f"tel-callback-{call.pk}",
            )
        )
    return call


@transaction.atomic
def phone_callback_done(*, actor, call: PhoneCall, note: str, now: datetime | None = None) -> PhoneCall:
    require(actor, "errands.write", call.property_id)
    c = PhoneCall.objects.select_for_update().get(pk=call.pk)
    if c.outcome != CallOutcome.CALLBACK:
        raise DomainError("此来电不需要覆电。(No call-back needed.)")
    if c.callback_done_at:
        raise Conflict("已覆电。(Already called back.)")
    c.callback_note = _text(note, "note", "请填写覆电结果。(Enter the result.)", 300)
    c.callback_done_at, c.callback_by = now or timezone.now(), actor
    c.save()
    record(
        c,
        actor=actor,
        action=HistoryAction.UPDATE,
        changes={"callback_done": [False, True]},
        reason=c.callback_note,
    )
    clock_stop(c, kind=CLOCK_CALLBACK, now=c.callback_done_at)
    return c
