"""Demo data of the front desk's mail: today's parcels (some notified, some collected), one item chased past
72 hours with its slip, letters in every state, special instructions, a mailbox fault, a spoiled slip.

Everything goes through parcels.services with real actors; `now=` backfills the past days. With `scale=N`
(benchmarks only) N historic, collected parcels are bulk-created instead — a documented exception to "all
writes through services": no history rows, no attempts, no slips.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from core.errors import DomainError
from core.permissions import can
from residents.models import Occupancy

from . import services
from .choices import (
    AttemptChannel,
    AttemptOutcome,
    InstructionKind,
    LetterKind,
    OwnerChoice,
    ParcelStatus,
    VerifyMethod,
)
from .models import NotificationSlip, Parcel

COURIERS = ["顺丰", "中通", "圆通", "京东物流", "韵达", "申通"]
SENDERS = ["中国移动", "招商银行信用卡中心", "南方都市报", "社保局", "税务局", "街道办"]


def _actor(staff, action, prop):
    for name in (
        "frontdesk",
        "frontdesk2",
        "frontdesk3",
        "clerk",
        "admin1",
        "admin21",
        "supervisor",
        "supervisor2",
    ):
        u = staff.get(name)
        if u is not None and can(u, action, prop.pk):
            return u
    return None


def _base_time():
    """Today 09:00 once the morning is under way, else yesterday 09:00 (calls stay outside quiet hours)."""
    now = timezone.localtime()
    day = now.date() if now.time() >= time(11, 0) else now.date() - timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def load(*, prop, staff, rng, units=None, scale=None):
    if scale:
        return load_scale(prop=prop, n=int(scale), rng=rng)
    desk = _actor(staff, "parcels.receive", prop)
    if desk is None:
        return {"parcels": 0}
    reviewer = next((u for u in staff.values() if can(u, "parcels.review", prop.pk)), None)
    occs = list(
        Occupancy.objects.filter(
            unit__property=prop, end__isnull=True, role__in=["owner", "company", "tenant"]
        )
        .select_related("unit", "resident")
        .order_by("unit__label")[:400]
    )
    if len(occs) < 35:
        return {"parcels": 0}
    rng.shuffle(occs)
    base = _base_time()
    # Standing consents (R-EXP-07) and a hold-at-desk instruction (R-LET-03).
    for o in occs[:6]:
        services.mail_instruction_set(actor=desk, resident=o.resident, kind=InstructionKind.SIGN_CONSENT)
    services.mail_instruction_set(actor=desk, resident=occs[6].resident, kind=InstructionKind.HOLD_AT_DESK)

    # One item four days old: not reached, slip under the door, chased daily, past its 72 hours.
    old_at = base - timedelta(days=4)
    old = services.parcel_receive(
        actor=desk,
        prop=prop,
        unit=occs[7].unit,
        resident=occs[7].resident,
        courier="EMS",
        receipt_mark="stamp",
        shelf="C1",
        oversize=True,
        now=old_at,
    )
    services.parcel_notify(
        actor=desk,
        parcel=old,
        channel=AttemptChannel.PHONE,
        outcome=AttemptOutcome.NO_ANSWER,
        now=old_at + timedelta(minutes=3),
    )
    services.parcel_notify(
        actor=desk,
        parcel=old,
        channel=AttemptChannel.PHONE,
        outcome=AttemptOutcome.NO_ANSWER,
        now=old_at + timedelta(hours=1, minutes=3),
    )
    services.slip_issue(actor=desk, parcel=old, now=old_at + timedelta(hours=1, minutes=10))
    services.parcel_note_reason(
        actor=desk, parcel=old, reason="电话无人接听,已塞通知单", now=old_at + timedelta(hours=9)
    )
    for d in range(1, 4):
        services.parcels_chase(now=old_at + timedelta(days=d), prop=prop)

    # Today's delivery from one courier, logged in one go.
    rows = [
        {
            "recipient": f"{o.unit.label} {o.resident.name}",
            "tracking_no": f"SF{rng.randint(10**11, 10**12 - 1)}",
            "shelf": f"A{i % 6 + 1}",
            "consent": True,
        }
        for i, o in enumerate(occs[8:22])
    ]
    batch = services.parcels_bulk_receive(
        actor=desk, prop=prop, courier=rng.choice(COURIERS), rows=rows, now=base
    )
    parcels = list(batch.parcels.order_by("pk"))
    t = base + timedelta(minutes=10)
    for i, p in enumerate(parcels):
        if i < 5:
            choice = OwnerChoice.DELIVER if i == 0 else OwnerChoice.COLLECT
            services.parcel_notify(
                actor=desk,
                parcel=p,
                channel=AttemptChannel.PHONE,
                outcome=AttemptOutcome.REACHED,
                owner_choice=choice,
                now=t,
            )
        elif i < 9:
            services.parcel_notify(
                actor=desk, parcel=p, channel=AttemptChannel.PHONE, outcome=AttemptOutcome.NO_ANSWER, now=t
            )
            if i == 5:
                services.parcel_notify(actor=desk, parcel=p, channel=AttemptChannel.SMS, now=t)
            if i == 6:
                services.slip_issue(actor=desk, parcel=p, now=t + timedelta(minutes=5))
        t += timedelta(minutes=2)
    for p in parcels[1:4]:
        services.parcel_release(
            actor=desk,
            parcel=p,
            collector_name=p.resident.name,
            id_checked=True,
            now=base + timedelta(hours=1),
        )
    # A single postal money order.
    services.parcel_receive(
        actor=desk,
        prop=prop,
        unit=occs[22].unit,
        resident=occs[22].resident,
        courier="中国邮政",
        kind="money_order",
        receipt_mark="signed",
        shelf="保险柜",
        now=base + timedelta(minutes=40),
    )
    services.slip_void_next(
        actor=desk, prop=prop, reason="填写错误,空白单作废", now=base + timedelta(minutes=50)
    )

    # Letters: delivered, held at the owner's request, verified, returned.
    for o in occs[23:29]:
        letter = services.letter_register(
            actor=desk,
            prop=prop,
            addressee_name=o.resident.name,
            unit=o.unit,
            sender=rng.choice(SENDERS),
            now=base,
        )
        services.letter_deliver(actor=desk, letter=letter)
    held = services.letter_register(
        actor=desk,
        prop=prop,
        addressee_name=occs[6].resident.name,
        unit=occs[6].unit,
        sender="招商银行信用卡中心",
        now=base,
    )
    services.letter_hold(actor=desk, letter=held, reason="业主要求邮件留前台")
    paper = services.letter_register(
        actor=desk,
        prop=prop,
        addressee_name=occs[29].resident.name,
        unit=occs[29].unit,
        kind=LetterKind.NEWSPAPER,
        sender="南方都市报",
        now=base,
    )
    services.letter_deliver(actor=desk, letter=paper)
    stranger = services.letter_register(
        actor=desk, prop=prop, addressee_name="刘德明", unit_text=occs[30].unit.label, now=base
    )
    services.letter_verify(actor=desk, letter=stranger, method=VerifyMethod.ARCHIVE, not_ours=True)
    services.letter_return(actor=desk, letter=stranger, reason="查无此人", now=base - timedelta(days=1))
    services.letter_register(actor=desk, prop=prop, addressee_name="王先生", unit=occs[31].unit, now=base)
    services.mailbox_fault_report(
        actor=desk,
        unit=occs[32].unit,
        description="信箱锁芯损坏,无法上锁",
        owner_informed=True,
        owner_agreed=True,
    )
    if reviewer is not None:
        for s in NotificationSlip.objects.filter(property=prop, status="closed")[:5]:
            try:
                services.slip_review(actor=reviewer, slip=s)
            except DomainError:
                continue
    return {"parcels": Parcel.objects.filter(property=prop).count()}


def load_scale(*, prop, n: int, rng):
    """N historic parcels, collected, spread over the last two years (bulk_create; benchmark data)."""
    occs = list(
        Occupancy.objects.filter(unit__property=prop, end__isnull=True).values_list("unit_id", "resident_id")[
            :20000
        ]
    )
    if not occs:
        return {"parcels": 0}
    from core.models import User

    actor_id = (
        User.objects.filter(memberships__property=prop, memberships__role="front_desk")
        .values_list("pk", flat=True)
        .first()
    )
    if actor_id is None:
        actor_id = User.objects.filter(memberships__property=prop).values_list("pk", flat=True).first()
    now = timezone.now()
    made = 0
    batch = []
    for i in range(n):
        unit_id, resident_id = occs[rng.randrange(len(occs))]
        at = now - timedelta(days=2 + rng.random() * 730)
        batch.append(
            Parcel(
                property=prop,
                kind="express",
                courier=COURIERS[i % len(COURIERS)],
                tracking_no=f"H{i:09d}",
                unit_id=unit_id,
                resident_id=resident_id,
                consent_by="业主长期授权代签",
                received_at=at,
                received_by_id=actor_id,
                status=ParcelStatus.COLLECTED,
                notified_at=at + timedelta(minutes=5),
                reached_at=at + timedelta(minutes=5),
                released_at=at + timedelta(hours=3),
                released_by_id=actor_id,
                collector_name="本人",
                id_checked=True,
                attempts=1,
            )
        )
        if len(batch) >= 5000:
            Parcel.objects.bulk_create(batch, batch_size=5000)
            made += len(batch)
            batch = []
    if batch:
        Parcel.objects.bulk_create(batch, batch_size=5000)
        made += len(batch)
    return {"parcels": made}
