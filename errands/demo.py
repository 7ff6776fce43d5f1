"""Demo data: tickets, errands, laundry slips and a returned round, a petty-cash ledger, the phone log.
Everything goes through errands.services with real actors; times are fixed relative to today."""

from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.choices import Role
from core.models import Membership
from residents.models import Occupancy

from . import services
from .models import PhoneCall

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _first(roles, *wanted):
    for r in wanted:
        if roles.get(r):
            return roles[r][0]
    return None


def load(*, prop, staff, rng, units) -> dict:
    if PhoneCall.objects.filter(property=prop).exists():
        return {"skipped": True}
    roles = {}
    for m in Membership.objects.filter(property=prop, active=True).select_related("user").order_by("id"):
        roles.setdefault(m.role, []).append(m.user)
    desk = _first(roles, Role.FRONT_DESK, Role.CS_ADMIN)
    admin = _first(roles, Role.CS_ADMIN)
    sup = _first(roles, Role.CS_SUPERVISOR)
    top = _first(roles, Role.FINANCE, Role.MANAGER)
    occs = list(
        Occupancy.objects.filter(unit__property=prop, end__isnull=True).select_related("unit", "resident")[
            :30
        ]
    )
    if not (desk and admin and sup and top) or len(occs) < 6:
        return {"skipped": True}
    rng.shuffle(occs)
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    now = timezone.now()
    at = lambda d, h, m=0: datetime.combine(d, time(h, m), tzinfo=tz)  # noqa: E731
    yesterday = today - timedelta(days=1)

    # tickets: one issued and reconfirmation due, one reserved (not prepaid)
    o = occs[0]
    t = services.ticket_create(
        actor=desk,
        prop=prop,
        unit=o.unit,
        resident=o.resident,
        kind="air",
        passenger_name=o.resident.name,
        passenger_id_number="110101198001011234",
        id_checked=True,
        carrier="中国国际航空",
        flight_no="CA1501",
        departure_at=now + timedelta(hours=30),
        cabin_class="经济舱",
        origin="北京",
        destination="上海",
        agency="蓝天票务",
        now=now - timedelta(days=2),
    )
    services.ticket_book(actor=desk, ticket=t, quoted_price="1260", owner_agreed=True, booking_ref="HX7K2M")
    services.ticket_prepay(actor=desk, ticket=t, amount="1260")
    services.ticket_issue(actor=desk, ticket=t)
    services.ticket_deliver(actor=desk, ticket=t)
    o = occs[1]
    t = services.ticket_create(
        actor=desk,
        prop=prop,
        unit=o.unit,
        resident=o.resident,
        kind="train",
        passenger_name=o.resident.name,
        passenger_id_number="320102199002031111",
        id_checked=True,
        carrier="中国铁路",
        flight_no="G101",
        departure_at=now + timedelta(days=5),
        cabin_class="二等座",
        origin="北京南",
        destination="上海虹桥",
        agency="蓝天票务",
    )
    services.ticket_book(actor=desk, ticket=t, quoted_price="553", owner_agreed=True, booking_ref="E123456")

    # errands
    o = occs[2]
    post = services.errand_create(
        actor=desk,
        prop=prop,
        unit=o.unit,
        resident=o.resident,
        kind="postage",
        weight_g=45,
        destination="广州市天河区",
        cost="3.60",
    )
    services.errand_complete(actor=desk, errand=post, collected_from_owner="3.60")
    services.errand_create(
        actor=desk,
        prop=prop,
        unit=o.unit,
        resident=o.resident,
        kind="restaurant",
        venue="粤海酒家",
        party_size=6,
        event_at=at(today + timedelta(days=1), 18, 30),
        contact_person=o.resident.name,
        special_requests="包间,有老人",
    )
    services.errand_create(
        actor=desk,
        prop=prop,
        unit=occs[3].unit,
        resident=occs[3].resident,
        kind="shopping",
        item_name="打印纸",
        item_spec="A4 70g 5包装",
        item_quantity=2,
        item_price="120",
        assigned_to=admin,
    )
    services.errand_create(
        actor=desk,
        prop=prop,
        unit=occs[3].unit,
        resident=occs[3].resident,
        kind="theatre",
        programme="话剧《茶馆》",
        party_size=2,
        event_at=at(today + timedelta(days=3), 19, 30),
    )

    # laundry: yesterday's 9:30 round returned; today's slips waiting
    morning = []
    for i, o in enumerate(occs[:3]):
        kind = "dry" if i % 2 == 0 else "wet"
        items = [
            {"garment": "西装", "quantity": 1 + i, "finish": "hung"},
            {"garment": "毛衣", "quantity": 1, "finish": "folded"},
        ]
        n = sum(x["quantity"] for x in items)
        morning.append(
            services.laundry_receive(
                actor=desk,
                prop=prop,
                unit=o.unit,
                resident=o.resident,
                kind=kind,
                items=items,
                count_text=f"{n}{'D' if kind == 'dry' else 'L'}",
                now=at(yesterday, 8, 40 + i),
            )
        )
    rnd = services.laundry_collect(
        actor=sup,
        prop=prop,
        slot="09:30",
        orders=morning,
        laundry_staff="洗衣房小李",
        now=at(yesterday, 9, 30),
    )
    services.laundry_return(
        actor=sup,
        round=rnd,
        returned_slip_nos=[o.slip_no for o in morning],
        returned_counts={},
        laundry_staff="洗衣房小李",
        now=at(yesterday, 17, 30),
    )
    services.laundry_pickup(actor=desk, order=morning[0], owner_signed_green=True, price="60", paid=True)
    for o in occs[3:5]:
        services.laundry_receive(
            actor=desk,
            prop=prop,
            unit=o.unit,
            resident=o.resident,
            kind="wet",
            items=[{"garment": "衬衫", "quantity": 2, "finish": "hung"}],
            count_text="2L",
        )

    # petty cash: a 300 fund, uses in every state
    req = services.cash_replenish_request(actor=sup, prop=prop, amount="300", note="备用金开户")
    services.cash_replenish_receive(actor=top, request=req, amount="300")
    for i, (purpose, amount, prepaid) in enumerate(
        [
            ("代寄挂号信邮资", "18.50", "0"),
            ("代购打印纸垫付", "80.00", "30.00"),
            ("代付快递到付费", "25.00", "0"),
        ]
    ):
        o = occs[i]
        use = services.cash_use_register(
            actor=admin,
            prop=prop,
            unit=o.unit,
            resident=o.resident,
            purpose=purpose,
            amount=amount,
            prepaid_amount=prepaid,
        )
        if i < 2:
            services.cash_use_owner_sign(actor=admin, use=use, signature_name=o.resident.name)
            services.cash_use_approve(actor=sup, use=use)
        if i == 0:
            services.cash_use_invoice(
                actor=admin,
                use=use,
                invoice_no="No.04417829",
                upload=SimpleUploadedFile("fp.png", PNG, content_type="image/png"),
                handed_to_owner=True,
            )

    # phone log
    subjects = [
        ("询问停车月卡办理", "done", ""),
        ("卫生间漏水报修", "transferred", "eng"),
        ("查询上月物业费明细", "callback", ""),
        ("投诉楼上噪音", "done", ""),
        ("访客车辆登记", "transferred", "sec"),
    ]
    for i, (subject, outcome, dept) in enumerate(subjects):
        o = occs[i]
        services.phone_call_log(
            actor=desk,
            prop=prop,
            caller_name=o.resident.name,
            phone=o.resident.phone or "13800000000",
            subject=subject,
            outcome=outcome,
            transferred_to=dept,
            resident=o.resident,
            unit=o.unit,
            at=now - timedelta(hours=5 - i),
            answered_within_three_rings=i != 3,
        )
    return {"calls": len(subjects)}
