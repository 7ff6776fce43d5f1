"""Demo data: today's 《访客登记表》 at the front desk — visitors in the building (one overstaying), some
left, one waiting with an unanswered call, one refused, one message left — plus owners' standing
instructions, a key left for a visitor and a spare-key entry waiting for its 《确认函》.

Everything goes through visitors.services with real actors. With `scale=N` the loader instead bulk-creates
N historic (closed) visitor entries with bulk_create — no services, no history: benchmark data only
(the desk page must stay fast with 1,000,000 rows).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.permissions import can
from residents.models import Occupancy

from . import services
from .choices import ConfirmMethod, ConfirmResult, ContactSource, IdType, PreauthSource, VisitStatus
from .models import VisitorEntry

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文斌宇浩凯鹏辉健俊帆"
PURPOSES = ["探亲", "访友", "送餐", "家政保洁", "维修家电", "商务拜访", "送货上门", "同学聚会", "看望老人"]
OFFICE_PURPOSES = ["商务洽谈", "面试", "送文件", "客户拜访", "设备维护", "会议"]


def _name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


def _id_card(rng) -> str:
    body = "44030" + str(rng.randint(0, 9)) + str(rng.randint(1960, 2004)) + f"{rng.randint(1, 12):02d}"
    body += f"{rng.randint(1, 28):02d}" + f"{rng.randint(0, 999):03d}"
    return body + rng.choice("0123456789X")


def _phone(rng) -> str:
    return rng.choice(["138", "139", "186", "158", "177"]) + f"{rng.randint(0, 99999999):08d}"


def _actor(staff, action, prop):
    for username in sorted(staff):
        if can(staff[username], action, prop.pk):
            return staff[username]
    return None


def load(*, prop, staff, rng, units=None, scale=None):
    if scale:
        return load_scale(prop=prop, staff=staff, rng=rng, units=units, n=int(scale))
    if VisitorEntry.objects.filter(property=prop).exists():
        return {"skipped": True}
    desk = _actor(staff, "visitor.register", prop)
    if desk is None:
        return {"entries": 0}
    occs = list(
        Occupancy.objects.filter(unit__property=prop, end__isnull=True)
        .select_related("unit", "resident")
        .order_by("id")[:400]
    )
    if len(occs) < 12:
        return {"entries": 0}
    rng.shuffle(occs)
    purposes = OFFICE_PURPOSES if prop.kind == "office" else PURPOSES
    now = timezone.now()
    made = {"entries": 0, "preauths": 0}

    def register(occ, minutes_ago, duration, **kw):
        arrived = now - timedelta(minutes=minutes_ago)
        e = services.visitor_register(
            actor=desk,
            prop=prop,
            visitor_name=kw.pop("name", None) or _name(rng),
            visitor_id_type=IdType.ID_CARD,
            visitor_id_number=kw.pop("id_number", None) or _id_card(rng),
            visitor_phone=_phone(rng),
            party_size=rng.choice([1, 1, 1, 2, 2, 3]),
            unit=occ.unit,
            resident=occ.resident,
            purpose=rng.choice(purposes),
            arrived_at=arrived,
            expected_leave_at=arrived + timedelta(minutes=duration),
            **kw,
        )
        made["entries"] += 1
        return e

    def agree(e, method=ConfirmMethod.PHONE):
        return services.visitor_contact(
            actor=desk, entry=e, method=method, result=ConfirmResult.AGREED, contacted_with=e.resident.name
        )

    with transaction.atomic():
        # Owners' standing instructions (R-VIS-08/09).
        pre_home, pre_away, pre_later = occs[0], occs[1], occs[2]
        expected_name, expected_id = _name(rng), _id_card(rng)
        services.preauth_create(
            actor=desk,
            prop=prop,
            unit=pre_home.unit,
            resident=pre_home.resident,
            visitor_name=expected_name,
            visitor_id_number=expected_id,
            party_size=2,
            valid_from=now - timedelta(hours=2),
            valid_to=now + timedelta(days=2),
            instructions="客人到后请直接通知我,带他们从南门电梯上楼。",
            source=PreauthSource.PHONE,
        )
        away = services.preauth_create(
            actor=desk,
            prop=prop,
            unit=pre_away.unit,
            resident=pre_away.resident,
            visitor_name=_name(rng),
            visitor_id_number=_id_card(rng),
            valid_from=now - timedelta(hours=1),
            valid_to=now + timedelta(days=1),
            nobody_home=True,
            contact_method=f"请访客拨打业主手机 {pre_away.resident.masked_phone() or '(见档案)'} 联系",
            instructions="家中无人,访客到后先与我联系,我电话通知前台后再放行。",
            source=PreauthSource.VISIT,
        )
        services.preauth_create(
            actor=desk,
            prop=prop,
            unit=pre_later.unit,
            resident=pre_later.resident,
            visitor_name=_name(rng),
            valid_from=now + timedelta(days=1),
            valid_to=now + timedelta(days=3),
            instructions="周末父母来住两天,请协助搬运行李。",
            source=PreauthSource.PHONE,
        )
        made["preauths"] = 3

        # In the building: three ordinary visits, one arrived with the owner's instruction, one overstaying.
        for occ, ago, dur in [(occs[3], 40, 120), (occs[4], 25, 180), (occs[5], 70, 240)]:
            agree(register(occ, ago, dur), method=rng.choice([ConfirmMethod.PHONE, ConfirmMethod.INTERCOM]))
        agree(register(pre_home, 15, 120, name=expected_name, id_number=expected_id))
        agree(register(occs[6], 200, 120))  # R-VIS-03: past its registered time
        services.overstay_check(now=now)
        # Left today.
        for occ, ago in [(occs[7], 300), (occs[8], 240), (occs[9], 150)]:
            e = agree(register(occ, ago, 60))
            services.visitor_leave(
                actor=desk, entry=e, left_at=e.arrived_at + timedelta(minutes=rng.randint(20, 55))
            )
        # Waiting: the owner does not answer (R-VIS-06).
        waiting = register(occs[10], 5, 60)
        services.visitor_contact(
            actor=desk, entry=waiting, method=ConfirmMethod.INTERCOM, result=ConfirmResult.NO_ANSWER
        )
        # Refused, and a message left for an unreachable owner.
        services.visitor_contact(
            actor=desk,
            entry=register(occs[11], 90, 60),
            method=ConfirmMethod.PHONE,
            result=ConfirmResult.REFUSED,
            contacted_with=occs[11].resident.name,
            note="业主表示不认识来访人",
        )
        msg = register(occs[3], 120, 60)
        services.visitor_contact(
            actor=desk, entry=msg, method=ConfirmMethod.PHONE, result=ConfirmResult.NO_ANSWER
        )
        services.visitor_contact(
            actor=desk,
            entry=msg,
            method=ConfirmMethod.PHONE,
            result=ConfirmResult.NO_ANSWER,
            source=ContactSource.VISITOR,
            note="访客提供的号码也无人接听",
        )
        services.visitor_leave_message(actor=desk, entry=msg, message="来送家乡特产,已带回,改日再来。")
        # A key the nobody-home owner left for the expected visitor (R-VIS-10).
        services.key_for_visitor_deposit(
            actor=desk,
            prop=prop,
            unit=pre_away.unit,
            resident=pre_away.resident,
            collector_name=away.visitor_name,
            collector_id_number=away.visitor_id_number,
            expected_collect_at=now + timedelta(hours=3),
            envelope_sealed=True,
        )
        # A spare-key entry waiting for the signed 《确认函》 (R-VIS-11).
        spare_visit = agree(register(occs[2], 10, 120))
        services.spare_key_request(actor=desk, entry=spare_visit)
    return made


def load_scale(*, prop, staff, rng, units, n: int, batch: int = 5000, days: int = 1000):
    """N historic visitor entries (all closed) over the last `days` days, bulk-created (benchmark data).
    Numbers "FKH-0000001" never collide with the daily FK… series."""
    units = list(units or [])
    desk = _actor(staff, "visitor.register", prop) if staff else None
    if not units or desk is None:
        return {"entries": 0}
    now = timezone.now()
    start_no = VisitorEntry.objects.filter(property=prop, number__startswith="FKH-").count()
    statuses = [VisitStatus.LEFT] * 17 + [
        VisitStatus.REFUSED,
        VisitStatus.MESSAGE_LEFT,
        VisitStatus.CANCELLED,
    ]
    purposes = PURPOSES + OFFICE_PURPOSES
    created = 0
    while created < n:
        size = min(batch, n - created)
        rows = []
        for i in range(size):
            arrived = now - timedelta(days=1) - timedelta(seconds=rng.randint(0, days * 86400))
            stay = timedelta(minutes=rng.choice([30, 60, 120, 180, 240]))
            status = rng.choice(statuses)
            agreed = status == VisitStatus.LEFT
            rows.append(
                VisitorEntry(
                    property=prop,
                    number=f"FKH-{start_no + created + i + 1:07d}",
                    visitor_name=_name(rng),
                    visitor_id_type=IdType.ID_CARD,
                    visitor_id_number=_id_card(rng),
                    visitor_phone=_phone(rng),
                    party_size=rng.choice([1, 1, 2, 3]),
                    unit=units[rng.randrange(len(units))],
                    purpose=rng.choice(purposes),
                    arrived_at=arrived,
                    expected_leave_at=arrived + stay,
                    left_at=arrived + stay * rng.uniform(0.3, 1.2)
                    if agreed
                    else arrived + timedelta(minutes=5),
                    status=status,
                    confirm_method=ConfirmMethod.PHONE if status != VisitStatus.CANCELLED else "",
                    confirm_result=ConfirmResult.AGREED
                    if agreed
                    else (ConfirmResult.REFUSED if status == VisitStatus.REFUSED else ""),
                    confirmed_at=arrived + timedelta(minutes=3) if agreed else None,
                    confirmed_by=desk if agreed else None,
                    contact_attempts=1,
                    registered_by=desk,
                    closed_by=desk,
                )
            )
        with transaction.atomic():
            VisitorEntry.objects.bulk_create(rows, batch_size=2000)
        created += size
    return {"entries": created}
