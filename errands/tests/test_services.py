from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from core.choices import Role
from core.errors import Conflict, DomainError, NotAllowed
from core.models import Deadline, Notification
from core.permissions import role_allows
from errands import rules, services
from errands.choices import CashUseStatus, LaundryStatus, TicketStatus
from errands.models import LaundryOrder, PettyCashUse

from .conftest import MONDAY, at, png

pytestmark = pytest.mark.django_db


def deadline(obj, kind):
    ct = ContentType.objects.get_for_model(type(obj))
    return Deadline.objects.filter(content_type=ct, object_id=obj.pk, kind=kind).order_by("-id").first()


# --- tickets ---------------------------------------------------------------------------------------------


@pytest.fixture
def ticket(ew):
    def make(**kw):
        data = dict(
            actor=ew.frontdesk,
            prop=ew.p1,
            unit=ew.u1,
            resident=ew.owner,
            kind="air",
            passenger_name="林业主",
            passenger_id_number="110101198001011234",
            id_checked=True,
            carrier="中国国际航空",
            flight_no="ca1501",
            departure_at=at(MONDAY.replace(day=10), 9),
            cabin_class="经济舱",
            destination="上海",
            agency="蓝天票务",
            now=at(MONDAY, 10),
        )
        data.update(kw)
        return services.ticket_create(**data)

    return make


# R-TIX-01 / R-TIX-05: the 《票务预定登记表》 records airline, date, flight, cabin class and destination
def test_ticket_register_requires_flight_details(ticket):
    for field in ("carrier", "flight_no", "cabin_class", "destination"):
        with pytest.raises(DomainError) as e:
            ticket(**{field: ""})
        assert e.value.field == field
    t = ticket()
    assert t.number.startswith("PW") and t.flight_no == "CA1501"


# R-TIX-02
def test_ticket_owner_id_checked(ticket):
    with pytest.raises(DomainError) as e:
        ticket(id_checked=False)
    assert e.value.field == "id_checked"
    assert ticket().masked_id() == "1101**********1234"


# R-TIX-06: a reconfirmation clock due at departure − 24 h
def test_reconfirm_clock(ticket):
    t = ticket()
    dl = deadline(t, services.CLOCK_TIX)
    assert dl.due_at == t.departure_at - timedelta(hours=24) and dl.state == "running"
    assert deadline(ticket(kind="train", flight_no="G101"), services.CLOCK_TIX) is None


# R-TIX-03 / R-TIX-09 / R-TIX-10 / R-TIX-04 / R-TIX-07
def test_ticket_flow_prepayment_and_reconfirmation(ew, ticket):
    t = ticket()
    with pytest.raises(DomainError) as e:
        services.ticket_book(
            actor=ew.frontdesk, ticket=t, quoted_price="1200", owner_agreed=False, booking_ref="HX7K2"
        )
    assert e.value.field == "owner_agreed"  # R-TIX-03
    t = services.ticket_book(
        actor=ew.frontdesk, ticket=t, quoted_price="1200", owner_agreed=True, booking_ref="HX7K2"
    )
    assert t.status == TicketStatus.RESERVED
    with pytest.raises(DomainError) as e:
        services.ticket_issue(actor=ew.frontdesk, ticket=t)  # R-TIX-10: seat only without prepayment
    assert e.value.code == "not_prepaid"
    services.ticket_prepay(actor=ew.frontdesk, ticket=t, amount="1200")  # R-TIX-09
    t = services.ticket_issue(actor=ew.frontdesk, ticket=t)
    t = services.ticket_deliver(actor=ew.frontdesk, ticket=t)  # R-TIX-04
    assert t.status == TicketStatus.DELIVERED and t.delivered_at
    with pytest.raises(DomainError):
        services.ticket_reconfirm(actor=ew.frontdesk, ticket=t, confirmation_no="")
    t = services.ticket_reconfirm(actor=ew.frontdesk, ticket=t, confirmation_no="CF998")  # R-TIX-07
    assert t.confirmation_no == "CF998" and deadline(t, services.CLOCK_TIX).state == "met"


# R-TIX-08
def test_refund_only_through_agency_with_fees(ew, ticket):
    t = ticket()
    services.ticket_book(
        actor=ew.frontdesk, ticket=t, quoted_price="800", owner_agreed=True, booking_ref="R1"
    )
    services.ticket_prepay(actor=ew.frontdesk, ticket=t, amount="800")
    services.ticket_issue(actor=ew.frontdesk, ticket=t)
    t = services.ticket_change(
        actor=ew.frontdesk,
        ticket=t,
        action="change",
        via="office",
        fee="50",
        new_flight_no="CA1503",
        new_departure_at=at(MONDAY.replace(day=11), 9),
        now=at(MONDAY, 11),
    )
    assert t.flight_no == "CA1503" and t.change_fees == Decimal("50.00")
    assert deadline(t, services.CLOCK_TIX).due_at == at(MONDAY.replace(day=10), 9)
    with pytest.raises(DomainError) as e:
        services.ticket_change(actor=ew.frontdesk, ticket=t, action="refund", via="office", fee="80")
    assert e.value.field == "via"
    t = services.ticket_change(actor=ew.frontdesk, ticket=t, action="refund", via="agency", fee="80")
    assert t.status == TicketStatus.REFUNDED and t.change_fees == Decimal("130.00")


# R-TIX-10: a reserved seat is cancelled free of charge; an issued ticket cannot be "cancelled"
def test_cancel_reserved_only(ew, ticket):
    t = ticket()
    services.ticket_book(actor=ew.frontdesk, ticket=t, quoted_price="500", owner_agreed=True, booking_ref="Z")
    assert services.ticket_cancel(actor=ew.frontdesk, ticket=t).status == TicketStatus.CANCELLED


# --- errands ---------------------------------------------------------------------------------------------


def errand(ew, kind, **kw):
    return services.errand_create(
        actor=ew.frontdesk, prop=ew.p1, unit=ew.u1, resident=ew.owner, kind=kind, **kw
    )


# R-ERR-07 / R-ERR-08: food, medicine and anything taken by mouth are refused
def test_shopping_refuses_food_and_medicine(ew):
    for name in ("感冒药", "进口牛奶", "水果篮", "保健品"):
        with pytest.raises(DomainError) as e:
            errand(
                ew,
                "shopping",
                item_name=name,
                item_spec="盒",
                item_quantity=1,
                item_price="30",
                assigned_to=ew.admin1,
            )
        assert e.value.code == "ingestible" and "R-ERR-07" in str(e.value.message)
    with pytest.raises(DomainError):
        errand(ew, "other", service="鲜花/绿植", description="顺便买点零食")
    assert not PettyCashUse.objects.exists()


# R-ERR-06: item, specification, quantity, price, a designated buyer
def test_shopping_records_item_and_assigns_buyer(ew, django_capture_on_commit_callbacks):
    with pytest.raises(DomainError) as e:
        errand(ew, "shopping", item_name="打印纸", item_spec="A4 70g", item_quantity=2, item_price="25")
    assert e.value.field == "assigned_to"
    with django_capture_on_commit_callbacks(execute=True):
        e1 = errand(
            ew,
            "shopping",
            item_name="打印纸",
            item_spec="A4 70g",
            item_quantity=2,
            item_price="25",
            assigned_to=ew.admin1,
        )
    assert e1.assigned_to == ew.admin1
    assert Notification.objects.filter(recipient=ew.admin1, title__contains="打印纸").exists()
    with pytest.raises(DomainError):
        services.errand_complete(actor=ew.frontdesk, errand=e1)  # the purchase cost is recorded
    assert services.errand_complete(actor=ew.frontdesk, errand=e1, cost="50").status == "done"


# R-ERR-03: postage by weight and destination, collected from the owner, posted on time
def test_postage_errand(ew):
    with pytest.raises(DomainError) as e:
        errand(ew, "postage", destination="北京")
    assert e.value.field == "weight_g"
    e1 = errand(ew, "postage", weight_g=40, destination="北京市海淀区", cost="3.60")
    with pytest.raises(DomainError) as e:
        services.errand_complete(actor=ew.frontdesk, errand=e1)
    assert e.value.field == "collected_from_owner"
    e1 = services.errand_complete(actor=ew.frontdesk, errand=e1, collected_from_owner="3.60")
    assert e1.posted_at and e1.cost == Decimal("3.60")


# R-ERR-04 / R-ERR-05: number of people/tickets, time, contact; the other side's contact name recorded
def test_restaurant_and_theatre_bookings(ew):
    with pytest.raises(DomainError) as e:
        errand(ew, "restaurant", venue="粤菜馆", party_size=4, event_at=at(MONDAY, 19))
    assert e.value.field == "contact_person"
    r = errand(
        ew,
        "restaurant",
        venue="粤菜馆",
        party_size=4,
        event_at=at(MONDAY, 19),
        contact_person="林业主",
        special_requests="靠窗",
    )
    with pytest.raises(DomainError) as e:
        services.errand_complete(actor=ew.frontdesk, errand=r)
    assert e.value.field == "venue_contact"
    assert services.errand_complete(actor=ew.frontdesk, errand=r, venue_contact="餐厅王经理").venue_contact
    with pytest.raises(DomainError) as e:
        errand(ew, "theatre", party_size=2, event_at=at(MONDAY, 19))
    assert e.value.field == "programme"
    t = errand(ew, "theatre", programme="话剧《茶馆》", party_size=2, event_at=at(MONDAY, 19))
    assert t.unit == ew.u1  # owner's name and apartment number recorded with the booking


# R-ERR-01 / R-ERR-02: value-added services from the list, handled by CS
def test_other_services_from_the_list(ew):
    assert len(rules.VALUE_ADDED_SERVICES) == 21 and "外文翻译" in rules.VALUE_ADDED_SERVICES
    with pytest.raises(DomainError) as e:
        errand(ew, "other", service="代遛狗", description="x")
    assert e.value.field == "service"
    assert errand(ew, "other", service="预约出租车/车辆租赁", description="明早 7 点去机场").service
    with pytest.raises(NotAllowed):
        services.errand_create(
            actor=ew.engineer,
            prop=ew.p1,
            unit=ew.u1,
            resident=ew.owner,
            kind="other",
            service="洗衣",
            description="x",
        )


# --- laundry ---------------------------------------------------------------------------------------------


def laundry(ew, kind="dry", count="3D", unit=None, resident=None, items=None, now=None):
    return services.laundry_receive(
        actor=ew.frontdesk,
        prop=ew.p1,
        unit=unit or ew.u1,
        resident=resident or ew.owner,
        kind=kind,
        items=items
        or [
            {"garment": "西装", "quantity": 2, "finish": "hung"},
            {"garment": "毛衣", "quantity": 1, "finish": "folded"},
        ],
        count_text=count,
        now=now or at(MONDAY, 8),
    )


# R-LAUN-03: 3D / 2L notation parsed and checked against the slip
def test_count_notation(ew):
    assert rules.parse_count("3D") == (3, "dry") and rules.parse_count(" 2l ") == (2, "wet")
    for bad in ("3", "D3", "0D", "3X"):
        with pytest.raises(ValueError):
            rules.parse_count(bad)
    assert rules.count_label("wet", 2) == "2L"
    with pytest.raises(DomainError) as e:
        laundry(ew, count="3L")  # a dry slip is counted with D
    assert e.value.field == "count_text" and "3D" in str(e.value.message)
    with pytest.raises(DomainError):
        laundry(ew, count="4D")
    assert not LaundryOrder.objects.exists()


# R-LAUN-01 / R-LAUN-02 / R-LAUN-04: slip with name, room, date, garments; slip number in the register
def test_slip_recorded_with_handler_and_number(ew):
    o = laundry(ew)
    assert o.count_label == "3D" and o.handler == ew.frontdesk and o.slip_no.startswith("GX-")
    w = laundry(ew, kind="wet", count="1L", items=[{"garment": "衬衫", "quantity": 1}])
    assert w.slip_no.startswith("SX-") and w.count_label == "1L"
    with pytest.raises(DomainError) as e:
        laundry(ew, items=[{"garment": "", "quantity": 1}])
    assert e.value.field == "items"


# R-LAUN-06 / R-LAUN-07 / R-LAUN-08: rounds at 9:30 and 17:30; return at 17:30 same day / next day
def test_collection_rounds_and_due_back(ew):
    assert rules.LAUNDRY_ROUNDS == (rules.time(9, 30), rules.time(17, 30))
    o1, o2 = laundry(ew), laundry(ew, unit=ew.u3, resident=ew.owner3, count="3D")
    with pytest.raises(DomainError) as e:
        services.laundry_collect(
            actor=ew.supervisor, prop=ew.p1, slot="11:00", orders=[o1], laundry_staff="洗衣房小李"
        )
    assert e.value.field == "slot"
    with pytest.raises(NotAllowed):
        services.laundry_collect(
            actor=ew.frontdesk, prop=ew.p1, slot="09:30", orders=[o1], laundry_staff="小李"
        )
    with pytest.raises(DomainError):
        services.laundry_collect(
            actor=ew.supervisor, prop=ew.p1, slot="09:30", orders=[o1], laundry_staff=" "
        )
    rnd = services.laundry_collect(
        actor=ew.supervisor,
        prop=ew.p1,
        slot="9:30",
        orders=[o1, o2],
        laundry_staff="洗衣房小李",
        now=at(MONDAY, 9, 30),
    )
    assert rnd.due_back_at == at(MONDAY, 17, 30)
    assert deadline(rnd, services.CLOCK_LAUNDRY).due_at == at(MONDAY, 17, 30)
    o3 = laundry(ew, now=at(MONDAY, 12))
    evening = services.laundry_collect(
        actor=ew.supervisor,
        prop=ew.p1,
        slot="17:30",
        orders=[o3],
        laundry_staff="小李",
        now=at(MONDAY, 17, 30),
    )
    assert evening.due_back_at == at(MONDAY.replace(day=4), 17, 30)
    with pytest.raises(Conflict):
        services.laundry_collect(
            actor=ew.supervisor, prop=ew.p1, slot="17:30", orders=[o1], laundry_staff="小李"
        )


# R-LAUN-09 / R-LAUN-10: returned slip numbers and quantities must agree before both sign; shelf order
def test_return_check(ew):
    from errands.selectors import laundry_shelf

    o1, o3 = laundry(ew), laundry(ew, unit=ew.u3, resident=ew.owner3)
    rnd = services.laundry_collect(
        actor=ew.supervisor,
        prop=ew.p1,
        slot="09:30",
        orders=[o1, o3],
        laundry_staff="小李",
        now=at(MONDAY, 9, 30),
    )
    with pytest.raises(DomainError) as e:
        services.laundry_return(
            actor=ew.supervisor,
            round=rnd,
            returned_slip_nos=[o1.slip_no],
            returned_counts={},
            laundry_staff="小李",
        )
    assert e.value.code == "slips_differ" and o3.slip_no in str(e.value.message)
    with pytest.raises(DomainError) as e:
        services.laundry_return(
            actor=ew.supervisor,
            round=rnd,
            returned_slip_nos=[o1.slip_no, o3.slip_no],
            returned_counts={o1.slip_no: 2},
            laundry_staff="小李",
        )
    assert e.value.code == "counts_differ"
    o1.refresh_from_db()
    assert o1.status == LaundryStatus.COLLECTED
    rnd = services.laundry_return(
        actor=ew.supervisor,
        round=rnd,
        returned_slip_nos=[o1.slip_no.lower(), o3.slip_no],
        returned_counts={o1.slip_no: 3, o3.slip_no: 3},
        laundry_staff="小李",
        now=at(MONDAY, 17, 30),
    )
    assert rnd.returned_at and deadline(rnd, services.CLOCK_LAUNDRY).state == "met"
    orders = list(rnd.orders.select_related("unit__building").prefetch_related("items"))
    shelf = laundry_shelf(orders)
    assert [o.unit.label for o, _ in shelf["folded"]] == ["3-0501", "3-1201"]  # ascending room numbers
    assert all(i.finish == "hung" for _, i in shelf["hung"])


# R-LAUN-11: the owner signs the green copy; collection and payment recorded
def test_pickup_and_payment(ew):
    o = laundry(ew)
    rnd = services.laundry_collect(
        actor=ew.supervisor, prop=ew.p1, slot="09:30", orders=[o], laundry_staff="小李", now=at(MONDAY, 9, 30)
    )
    with pytest.raises(Conflict):
        services.laundry_pickup(actor=ew.frontdesk, order=o, owner_signed_green=True)
    services.laundry_return(
        actor=ew.supervisor,
        round=rnd,
        returned_slip_nos=[o.slip_no],
        returned_counts={},
        laundry_staff="小李",
    )
    with pytest.raises(DomainError) as e:
        services.laundry_pickup(actor=ew.frontdesk, order=o, owner_signed_green=False)
    assert e.value.field == "owner_signed_green"
    o = services.laundry_pickup(actor=ew.frontdesk, order=o, owner_signed_green=True)
    assert o.status == LaundryStatus.PICKED_UP and o.pickup_handler == ew.frontdesk and not o.paid
    o = services.laundry_pay(actor=ew.frontdesk, order=o, price="45")
    assert o.paid and o.price == Decimal("45.00")


# --- petty cash ------------------------------------------------------------------------------------------


def fund(ew, amount="300"):
    req = services.cash_replenish_request(actor=ew.supervisor, prop=ew.p1, amount=amount)
    return services.cash_replenish_receive(actor=ew.finance, request=req, amount=amount)


def use(ew, amount="20", **kw):
    return services.cash_use_register(
        actor=ew.admin1,
        prop=ew.p1,
        unit=ew.u1,
        resident=ew.owner,
        purpose=kw.pop("purpose", "代寄挂号信邮资"),
        amount=amount,
        **kw,
    )


# R-CASH-03 / R-CASH-07: 管理员 registers → owner signs → 客服主管 approves; nothing counts before
def test_three_signatures_in_order(ew):
    fund(ew)
    with pytest.raises(NotAllowed):
        use(ew) if False else services.cash_use_register(
            actor=ew.frontdesk, prop=ew.p1, unit=ew.u1, resident=ew.owner, purpose="邮资", amount="10"
        )
    u = use(ew)
    with pytest.raises(DomainError) as e:
        services.cash_use_approve(actor=ew.supervisor, use=u)
    assert e.value.code == "unsigned"
    assert services.cash_balance(ew.p1) == Decimal("300.00")
    u = services.cash_use_owner_sign(actor=ew.admin1, use=u, signature_name="林业主")
    with pytest.raises(NotAllowed):
        services.cash_use_approve(actor=ew.admin1, use=u)
    u = services.cash_use_approve(actor=ew.supervisor, use=u)
    assert u.status == CashUseStatus.APPROVED and services.cash_balance(ew.p1) == Decimal("280.00")


# R-CASH-04: above RMB 50 a prepayment or a reason
def test_over_fifty_needs_prepayment_or_reason(ew):
    assert rules.PETTY_CASH_MAX_PER_USE == Decimal("50.00")
    assert use(ew, amount="50").pk
    with pytest.raises(DomainError) as e:
        use(ew, amount="80")
    assert e.value.code == "over_limit"
    u = use(ew, amount="80", prepaid_amount="30")
    assert u.fund_amount() == Decimal("50.00")
    assert use(ew, amount="60", over_limit_reason="业主出差,经主管同意").pk


# R-CASH-01 / R-CASH-02: on an owner's behalf, with a purpose (专款专用)
def test_earmarked_for_owner(ew):
    with pytest.raises(DomainError) as e:
        use(ew, purpose="")
    assert e.value.field == "purpose"
    with pytest.raises(DomainError):
        services.cash_use_register(
            actor=ew.admin1, prop=ew.p1, unit=ew.u2, resident=ew.owner, purpose="x", amount="5"
        )


# R-CASH-05: a formal invoice every time, handed to the owner
def test_invoice_each_use(ew):
    fund(ew)
    u = services.cash_use_owner_sign(actor=ew.admin1, use=use(ew), signature_name="林业主")
    u = services.cash_use_approve(actor=ew.supervisor, use=u)
    with pytest.raises(DomainError) as e:
        services.cash_use_invoice(actor=ew.admin1, use=u, invoice_no="", upload=png(), handed_to_owner=True)
    assert e.value.field == "invoice_no"
    with pytest.raises(DomainError) as e:
        services.cash_use_invoice(
            actor=ew.admin1, use=u, invoice_no="No.123", upload=None, handed_to_owner=True
        )
    assert e.value.field == "file"
    with pytest.raises(DomainError):
        services.cash_use_invoice(
            actor=ew.admin1, use=u, invoice_no="No.123", upload=png(), handed_to_owner=False
        )
    u = services.cash_use_invoice(
        actor=ew.admin1, use=u, invoice_no="No.123", upload=png(), handed_to_owner=True
    )
    assert u.status == CashUseStatus.INVOICED and u.invoice_handed_at


# R-CASH-06: below RMB 100 a top-up of at least RMB 200 is proposed to and applied by the 客服主管
def test_replenishment_rules(ew, django_capture_on_commit_callbacks):
    assert (rules.PETTY_CASH_LOW_BALANCE, rules.PETTY_CASH_MIN_TOPUP) == (
        Decimal("100.00"),
        Decimal("200.00"),
    )
    with pytest.raises(DomainError):
        services.cash_replenish_request(actor=ew.supervisor, prop=ew.p1, amount="150")
    fund(ew, "200")
    with pytest.raises(DomainError):  # balance 200 is not low
        services.cash_replenish_request(actor=ew.supervisor, prop=ew.p1, amount="200")
    for _ in range(3):
        u = services.cash_use_owner_sign(actor=ew.admin1, use=use(ew, amount="40"), signature_name="林业主")
        with django_capture_on_commit_callbacks(execute=True):
            services.cash_use_approve(actor=ew.supervisor, use=u)
    assert services.cash_balance(ew.p1) == Decimal("80.00")
    assert Notification.objects.filter(recipient=ew.supervisor, title__contains="不少于 200").count() == 1
    from errands.selectors import cash_summary

    assert cash_summary(user=ew.supervisor, prop=ew.p1)["propose_topup"]
    # never beyond the balance
    u = services.cash_use_owner_sign(
        actor=ew.admin1,
        use=use(ew, amount="90", prepaid_amount="0", over_limit_reason="急用"),
        signature_name="林业主",
    )
    with pytest.raises(DomainError) as e:
        services.cash_use_approve(actor=ew.supervisor, use=u)
    assert e.value.code == "balance"
    with pytest.raises(NotAllowed):
        services.cash_replenish_request(actor=ew.admin1, prop=ew.p1, amount="300")
    req = services.cash_replenish_request(actor=ew.supervisor, prop=ew.p1, amount="300")
    with pytest.raises(Conflict):
        services.cash_replenish_request(actor=ew.supervisor, prop=ew.p1, amount="300")
    with pytest.raises(NotAllowed):
        services.cash_replenish_receive(actor=ew.supervisor, request=req, amount="300")
    services.cash_replenish_receive(actor=ew.finance, request=req, amount="300")
    assert services.cash_balance(ew.p1) == Decimal("380.00")


def test_owner_repays_advance(ew):
    fund(ew)
    u = services.cash_use_approve(
        actor=ew.supervisor,
        use=services.cash_use_owner_sign(actor=ew.admin1, use=use(ew, amount="30"), signature_name="林业主"),
    )
    with pytest.raises(DomainError):
        services.cash_use_repay(actor=ew.admin1, use=u, amount="31")
    services.cash_use_repay(actor=ew.admin1, use=u, amount="30")
    assert services.cash_balance(ew.p1) == Decimal("300.00")


# --- phone log -------------------------------------------------------------------------------------------


def call(ew, **kw):
    data = dict(
        actor=ew.frontdesk,
        prop=ew.p1,
        caller_name="林业主",
        phone="13800001111",
        subject="询问停车月卡办理",
        outcome="done",
        now=at(MONDAY, 10),
    )
    data.update(kw)
    return services.phone_call_log(**data)


# R-TEL-09: every call is logged; the number is masked
def test_every_call_logged(ew):
    c = call(ew)
    assert c.masked_phone() == "138****1111" and c.handled_by == ew.frontdesk
    with pytest.raises(DomainError) as e:
        call(ew, subject="")
    assert e.value.field == "subject"


# R-TEL-04: not finished in 20 s → call-back task with the caller's number, a clock and a notification
def test_callback_task(ew, django_capture_on_commit_callbacks):
    assert rules.PHONE_FINISH_SECONDS == 20
    with pytest.raises(DomainError) as e:
        call(ew, outcome="callback", phone="")
    assert e.value.field == "phone"
    with django_capture_on_commit_callbacks(execute=True):
        c = call(ew, outcome="callback")
    assert c.callback_due_at == at(MONDAY, 10) + rules.PHONE_CALLBACK_WITHIN
    assert deadline(c, services.CLOCK_CALLBACK).state == "running"
    assert Notification.objects.filter(recipient=ew.frontdesk, title__startswith="待覆电").exists()
    # a call late in the evening is called back after the quiet hours
    late = call(ew, outcome="callback", now=at(MONDAY, 21))
    assert late.callback_due_at == at(MONDAY.replace(day=4), 8)
    c = services.phone_callback_done(actor=ew.frontdesk, call=c, note="已告知办理流程")
    assert c.callback_done_at and deadline(c, services.CLOCK_CALLBACK).state == "met"
    with pytest.raises(Conflict):
        services.phone_callback_done(actor=ew.frontdesk, call=c, note="x")


# R-TEL-06: a transfer names the department
def test_transfer_names_department(ew):
    with pytest.raises(DomainError) as e:
        call(ew, outcome="transferred")
    assert e.value.field == "transferred_to"
    assert call(ew, outcome="transferred", transferred_to="eng").get_transferred_to_display() == "工程部"


# R-TEL-01: answered within three rings is recorded per call
def test_three_rings_recorded(ew):
    assert not call(ew, answered_within_three_rings=False).answered_within_three_rings


# R-TEL-02 (R-LANG-09): the greeting by time of day
def test_greeting(ew):
    zh, en = rules.phone_greeting(ew.p1, at(MONDAY, 9))
    assert zh == "您好,翠湖花园物业服务中心。" and en.startswith("Good morning")
    assert rules.phone_greeting(ew.p1, at(MONDAY, 15))[1].startswith("Good afternoon")
    assert rules.phone_greeting(ew.p1, at(MONDAY, 20))[1].startswith("Good evening")


def test_permission_matrix():
    expected = {
        "errands.laundry_round": {Role.CS_SUPERVISOR},
        "errands.cash_use": {Role.CS_ADMIN},
        "errands.cash_approve": {Role.CS_SUPERVISOR},
        "errands.cash_topup": {Role.MANAGER, Role.FINANCE},
        "errands.write": {Role.MANAGER, Role.CS_SUPERVISOR, Role.CS_ADMIN, Role.FRONT_DESK, Role.CLERK},
    }
    for action, roles in expected.items():
        for role in Role:
            assert role_allows(role, action) == (role in roles), (action, role)
