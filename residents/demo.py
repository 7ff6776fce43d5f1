"""Demo data of the residents area, called by the core demo command.

`load(prop=, units=, staff=, rng=)` creates realistic residents through the services (history, unit
status, notifications and clocks all happen as in real use). With `scale=N` it instead bulk-creates N
residents and their occupancies — a documented exception to "all writes through services", for load
testing the search with 150,000 rows: no history rows, no notifications, unit status left as it is.
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.choices import PropertyKind
from core.permissions import can

from . import services
from .choices import Gender, OccupancyRole, ResidentKind
from .models import Correspondence, Occupancy, Resident
from .pinyin import keys_fast

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_M = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欣建国志文斌海峰"
GIVEN_F = "芳娜敏静丽艳娟霞秀玲桂英华红梅琳雪倩婷颖慧莉萍燕琴云洁晶欢璐佳"
COMPANY_WORDS = [
    "华信",
    "中科",
    "瑞达",
    "恒通",
    "金桥",
    "博远",
    "天成",
    "鼎盛",
    "卓越",
    "新元",
    "远航",
    "汇丰",
    "联创",
    "东方",
    "安泰",
]
COMPANY_KINDS = [
    "科技有限公司",
    "贸易有限公司",
    "咨询有限公司",
    "律师事务所",
    "投资管理有限公司",
    "信息技术有限公司",
]
RELATIONS = ["配偶", "子女", "父母", "兄弟姐妹"]
TITLES = ["行政经理", "办公室主任", "行政专员", "总经理助理"]
SUBJECTS = [
    ("in", "装修申请"),
    ("in", "停车位申请"),
    ("out", "物业费缴费通知"),
    ("out", "入住须知"),
    ("in", "关于噪音问题的来函"),
    ("out", "维修完工回复"),
]


def _phone(rng) -> str:
    return rng.choice(["13", "15", "18"]) + str(rng.randint(0, 9)) + f"{rng.randint(0, 99999999):08d}"


def _id_number(rng) -> str:
    birth = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 50))
    body = f"{rng.choice(['110101', '310104', '440305', '320102'])}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + rng.choice("0123456789X")


def _person(rng) -> tuple[str, str]:
    gender = rng.choice([Gender.MALE, Gender.FEMALE])
    pool = GIVEN_M if gender == Gender.MALE else GIVEN_F
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given, gender


def _company(rng) -> str:
    return rng.choice(["北京", "上海", "深圳", ""]) + rng.choice(COMPANY_WORDS) + rng.choice(COMPANY_KINDS)


def _actor(staff, action, prop):
    for user in staff.values():
        if can(user, action, prop.pk):
            return user
    return None


def load(*, prop, units, staff, rng, scale=None):
    if scale:
        return load_scale(prop=prop, units=units, n=int(scale), rng=rng)
    desk = _actor(staff, "resident.edit", prop)
    if desk is None:
        return {"residents": 0}
    office = prop.kind == PropertyKind.OFFICE
    today = date.today()
    made: list[Resident] = []
    t0 = timezone.now()
    with transaction.atomic():
        for unit in units:
            if rng.random() > 0.85:
                continue  # vacant
            start = today - timedelta(days=rng.randint(30, 365 * 6))
            if office:
                r = services.resident_create(
                    actor=desk,
                    prop=prop,
                    name=_company(rng),
                    kind=ResidentKind.COMPANY,
                    phone=_phone(rng),
                    is_key_customer=rng.random() < 0.08,
                )
                services.occupancy_start(
                    actor=desk,
                    resident=r,
                    unit=unit,
                    role=OccupancyRole.COMPANY,
                    start=start,
                    notify_supervisor=False,
                )
                cp_start = start
                for i in range(rng.randint(1, 3)):
                    name, _g = _person(rng)
                    services.contact_person_change(
                        actor=desk,
                        company=r,
                        name=name,
                        title=rng.choice(TITLES),
                        phone=_phone(rng),
                        start=cp_start,
                        reason="" if i == 0 else rng.choice(["原联系人离职", "岗位调整", "公司指派"]),
                    )
                    cp_start = min(today, cp_start + timedelta(days=rng.randint(60, 500)))
                made.append(r)
                continue
            name, gender = _person(rng)
            owner = services.resident_create(
                actor=desk,
                prop=prop,
                name=name,
                gender=gender,
                phone=_phone(rng),
                id_number=_id_number(rng),
                is_key_customer=rng.random() < 0.05,
            )
            services.occupancy_start(
                actor=desk,
                resident=owner,
                unit=unit,
                role=OccupancyRole.OWNER,
                start=start,
                notify_supervisor=False,
            )
            made.append(owner)
            if rng.random() < 0.15:
                tname, tgender = _person(rng)
                tenant = services.resident_create(
                    actor=desk, prop=prop, name=tname, gender=tgender, phone=_phone(rng)
                )
                services.occupancy_start(
                    actor=desk,
                    resident=tenant,
                    unit=unit,
                    role=OccupancyRole.TENANT,
                    start=start + timedelta(days=rng.randint(1, 25)),
                    notify_supervisor=False,
                )
                made.append(tenant)
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                mname, mgender = _person(rng)
                member = services.resident_create(actor=desk, prop=prop, name=mname, gender=mgender)
                services.occupancy_start(
                    actor=desk,
                    resident=member,
                    unit=unit,
                    role=OccupancyRole.MEMBER,
                    start=start,
                    relation=rng.choice(RELATIONS),
                    notify_supervisor=False,
                )
            if rng.random() < 0.4:
                ename, _g = _person(rng)
                services.emergency_contact_add(
                    actor=desk, resident=owner, name=ename, phone=_phone(rng), relation=rng.choice(RELATIONS)
                )
        clerk = _actor(staff, "correspondence.edit", prop)
        for r in rng.sample(made, min(len(made), 12)):
            direction, subject = rng.choice(SUBJECTS)
            services.correspondence_add(
                actor=clerk,
                resident=r,
                direction=direction,
                subject=subject,
                summary=f"{subject},已登记存档。",
                date=today - timedelta(days=rng.randint(1, 300)),
            )
        _assign(prop=prop, staff=staff, residents=made, rng=rng)
        _backdate_master_data(prop=prop, since=t0)
        load_developments(prop=prop, staff=staff)
    return {"residents": Resident.objects.filter(property=prop).count()}


def _assign(*, prop, staff, residents, rng):
    from .selectors import propose_assignment

    lead = _actor(staff, "assignment.manage", prop)
    if lead is None or not residents:
        return
    proposal = propose_assignment(prop, residents)
    if not proposal.pairs:
        return
    made = services.customers_assign(actor=lead, prop=prop, assignments=proposal.pairs)
    for a in made:
        if rng.random() < 0.5:
            services.customer_first_contact_record(
                actor=a.administrator, assignment=a, note="电话联系业主,介绍客服专员职责并登记需求。"
            )


def _backdate_master_data(*, prop, since):
    """The roster just loaded stands for long-standing residents: their archive changes (move-ins, contacts)
    are dated a month back, so today's 客户动态 shows today's news, not the whole roster (demo data only,
    like core.history.record(at=) for a loader's past events)."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import HistoryEntry

    HistoryEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Resident), property=prop, at__gte=since
    ).update(at=F("at") - timedelta(days=30))
    # The correspondence filed for the roster is recorded on its own date, not at load time.
    tz = timezone.get_current_timezone()
    for c in Correspondence.objects.filter(resident__property=prop, created_at__gte=since):
        Correspondence.objects.filter(pk=c.pk).update(
            created_at=datetime.combine(c.date, time(10), tzinfo=tz)
        )


def load_developments(*, prop, staff):
    """客户动态 (R-CUST-01/02/06): the demo administrator's customers have news of the last day, one need passed to
    工程部, and yesterday's review done. Loaded once per property (skipped when a need exists already)."""
    from core.choices import DepartmentKind
    from core.models import Department

    from .models import CustomerAssignment, CustomerNeed

    if CustomerNeed.objects.filter(property=prop).exists():
        return {"skipped": True}
    admin = staff.get("admin1") or staff.get("admin21")
    if admin is None or not can(admin, "assignment.hold", prop.pk):
        admin = next((u for u in staff.values() if can(u, "assignment.hold", prop.pk)), None)
    desk = _actor(staff, "resident.edit", prop)
    if admin is None or desk is None:
        return {"skipped": True}
    customers = [
        a.resident
        for a in CustomerAssignment.objects.filter(
            administrator=admin, ended_at__isnull=True, resident__property=prop
        )
        .select_related("resident")
        .order_by("-resident__is_key_customer", "id")[:3]
    ]
    if not customers:
        return {"skipped": True}
    yesterday = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=1), time(18)))
    services.customer_developments_review(actor=admin, prop=prop, note="已逐户查看,无遗漏。", at=yesterday)
    eng = Department.objects.filter(property=prop, kind=DepartmentKind.ENGINEERING).first()
    services.customer_need_record(
        actor=admin,
        resident=customers[0],
        text="业主来电反映卫生间天花板渗水,希望工程部尽快上门查看。",
        department=eng,
    )
    if len(customers) > 1:
        services.emergency_contact_add(
            actor=desk, resident=customers[1], name="王芳", phone="13800138000", relation="配偶"
        )
    if len(customers) > 2:
        services.correspondence_add(
            actor=desk,
            resident=customers[2],
            direction="in",
            subject="关于车位续租的来函",
            summary="业主来函询问车位续租手续。",
            date=timezone.localdate(),
        )
    return {"needs": 1}


def load_scale(*, prop, units, n: int, rng, batch: int = 5000):
    """N residents + occupancies with bulk_create (no services, no history: load-testing data only).
    Pinyin per character through a cache (pinyin.keys_fast)."""
    units = list(units)
    if not units:
        return {"residents": 0}
    start = date.today() - timedelta(days=800)
    created = 0
    surnames, given = SURNAMES, GIVEN_M + GIVEN_F
    while created < n:
        size = min(batch, n - created)
        rows = []
        for _ in range(size):
            name = (
                rng.choice(surnames) + rng.choice(given) + (rng.choice(given) if rng.random() < 0.7 else "")
            )
            phone = _phone(rng)
            py, ini = keys_fast(name)
            rows.append(
                Resident(
                    property=prop,
                    kind=ResidentKind.PERSON,
                    name=name,
                    name_pinyin=py,
                    name_initials=ini,
                    phone=phone,
                    phone_last4=phone[-4:],
                )
            )
        with transaction.atomic():
            Resident.objects.bulk_create(rows, batch_size=2000)
            occs = []
            for i, r in enumerate(rows):
                unit = units[(created + i) % len(units)]
                role = OccupancyRole.OWNER if (created + i) < len(units) else OccupancyRole.MEMBER
                occs.append(Occupancy(unit=unit, resident=r, role=role, start=start))
            Occupancy.objects.bulk_create(occs, batch_size=2000)
        created += size
    return {"residents": created}
