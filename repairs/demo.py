"""Demo data: repairs in every state, a paid repair with an off-list part and the 20% fee, an emergency leak
with photos, a loss record and an acknowledged 《事故报告》, a spare-key entry, yesterday's orders returned with
the unfinished ones in the 《未完成工程维修记录》. Everything goes through repairs.services with real actors;
times of past steps are given with `at=` (the timeline rows of status changes carry the load time)."""

import struct
import zlib
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.choices import LocationKind
from core.models import Location
from residents.models import Occupancy
from servicedesk import services as sd

from . import services
from .models import PriceItem, RepairOrder

PRICES = {  # demo prices (RMB, labour only); the seed leaves them blank
    ("install", 1): 20,
    ("install", 2): 30,
    ("install", 3): 25,
    ("install", 4): 15,
    ("install", 5): 40,
    ("install", 6): 50,
    ("install", 7): 10,
    ("repair", 1): 5,
    ("repair", 2): 20,
    ("repair", 3): 15,
    ("repair", 4): 20,
    ("repair", 5): 30,
    ("repair", 6): 40,
    ("repair", 7): 50,
    ("repair", 8): 20,
    ("repair", 9): 30,
    ("repair", 10): 20,
}

CONTENTS = [
    "厨房水槽下水慢,疑似堵塞",
    "卫生间灯不亮,需更换灯管",
    "入户门铰链松动,关门有异响",
    "阳台地漏返味",
    "客厅插座无电",
    "热水器角阀滴水",
    "卧室吸顶灯闪烁",
]


def _png(name):
    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    raw += chunk(b"IDAT", zlib.compress(b"\x00\x20\x60\xc0")) + chunk(b"IEND", b"")
    return SimpleUploadedFile(name, raw, content_type="image/png")


def _pick(staff, *names):
    for n in names:
        if n in staff:
            return staff[n]
    return None


def load(*, prop, staff, rng, units):
    if RepairOrder.objects.filter(request__property=prop).exists():
        return {"skipped": True}
    desk = _pick(staff, "frontdesk", "frontdesk2", "admin21")
    admin = _pick(staff, "admin1", "admin21", "frontdesk2")
    lead = _pick(staff, "supervisor", "supervisor2", "manager", "manager2")
    eng = _pick(staff, "engineer", "engineer2")
    guard = _pick(staff, "guard", "guard2")
    if not (desk and eng and lead):
        return {"skipped": True}
    services.price_list_seed(prop=prop)
    for item in PriceItem.objects.filter(property=prop):
        services.price_item_update(actor=lead, item=item, price=PRICES.get((item.category, item.seq)))
    occ = list(
        Occupancy.objects.filter(unit__property=prop, end__isnull=True).select_related("unit", "resident")[
            :40
        ]
    )
    rng.shuffle(occ)
    public = Location.objects.filter(property=prop, kind=LocationKind.PUBLIC_AREA).first()
    club = Location.objects.filter(property=prop, kind=LocationKind.CLUBHOUSE).first()
    now = timezone.localtime()
    made = {"orders": 0}

    def unit_repair(i, received_at=None, **kw):
        o = occ[i % len(occ)] if occ else None
        made["orders"] += 1
        return services.repair_create(
            actor=desk,
            prop=prop,
            scope="unit",
            unit=o.unit if o else units[i % len(units)],
            reporter=o.resident if o else None,
            reporter_name=o.resident.name if o else "业户",
            contact_phone=o.resident.phone if o else "",
            description=kw.pop("description", CONTENTS[i % len(CONTENTS)]),
            available_times="工作日 9:00-17:00",
            received_at=received_at,
            **kw,
        )

    def to_arrived(req, t0):
        services.repair_collect(
            actor=eng, request=req, collector=eng, at=t0 + timedelta(minutes=rng.choice([2, 3, 4, 7]))
        )
        services.repair_arrive(actor=eng, request=req, at=t0 + timedelta(minutes=25))

    def to_completed(req, t0, signer):
        to_arrived(req, t0)
        services.repair_complete(
            actor=eng,
            request=req,
            result="已修复,试用正常",
            repairer_signature=str(eng),
            signer_name=signer,
            resident_comment="满意",
            reported_to_cs=True,
            at=t0 + timedelta(minutes=70),
        )

    # --- yesterday: three orders, the first copies returned at 16:50, two unfinished (R-REP-23/24)
    y = now - timedelta(days=1)
    y9 = timezone.make_aware(datetime.combine(y.date(), time(9, 0)))
    done = unit_repair(0, received_at=y9)
    to_completed(done, y9, done.reporter_name)
    services.repair_confirm(actor=admin, request=done, note="业户确认使用正常", at=y9 + timedelta(hours=2))
    parts = unit_repair(1, received_at=y9 + timedelta(hours=1))
    to_arrived(parts, y9 + timedelta(hours=1))
    services.repair_hold(
        actor=admin,
        request=parts,
        reason_kind="parts",
        reason="缺同型号灯管,已订货",
        resident_agreed=True,
        at=y9 + timedelta(hours=2),
    )
    away = unit_repair(2, received_at=y9 + timedelta(hours=3))
    services.repair_collect(actor=eng, request=away, collector=eng, at=y9 + timedelta(hours=3, minutes=4))
    agreed = timezone.make_aware(datetime.combine(now.date() + timedelta(days=1), time(10, 0)))
    services.repair_hold(
        actor=admin,
        request=away,
        reason_kind="not_home",
        reason="上门敲门无人,电话联系业户外出",
        rescheduled_for=agreed,
        at=y9 + timedelta(hours=4),
    )
    if eng.memberships.filter(property=prop, active=True).exists():
        services.daily_return_record(
            actor=desk,
            prop=prop,
            returned_by=eng,
            at=y9.replace(hour=16, minute=50),
            reasons={parts.pk: "缺灯管,配件明日到货", away.pk: "业户不在家,已约明日 10:00"},
        )

    # --- today: one order in each state
    t = now.replace(hour=8, minute=40, second=0, microsecond=0)
    if t > now - timedelta(minutes=90):
        t = now - timedelta(minutes=90)
    unit_repair(3, notify_now=False)  # 已报修
    unit_repair(4, received_at=t)  # 待接单
    collected = unit_repair(5, received_at=t)
    services.repair_collect(actor=eng, request=collected, collector=eng, at=t + timedelta(minutes=3))
    arrived = unit_repair(6, received_at=t, spare_key_allowed=True, description="户内无人:卫生间水管渗漏")
    services.repair_collect(actor=eng, request=arrived, collector=eng, at=t + timedelta(minutes=4))
    services.repair_spare_key_reconfirm(
        actor=admin, request=arrived, note="电话与业主复核,同意用备用钥匙入户", at=t + timedelta(minutes=10)
    )
    if guard:
        entry = services.spare_key_enter(
            actor=desk,
            request=arrived,
            cs_person=admin,
            security_person=guard,
            engineering_person=eng,
            key_reference="封存钥匙",
            entered_at=t + timedelta(minutes=20),
        )
        services.spare_key_leave(actor=desk, entry=entry, left_at=t + timedelta(minutes=55))
    services.repair_arrive(actor=eng, request=arrived, at=t + timedelta(minutes=20), cs_on_site=True)
    completed = unit_repair(7, received_at=t)
    to_completed(completed, t, completed.reporter_name)

    # --- the paid repair: a listed item (labour) + an off-list part with the 20% service fee (R-REP-15/16)
    paid = unit_repair(8, received_at=t, description="更换厨房水龙头,恒温阀芯损坏", is_paid=True)
    to_arrived(paid, t)
    tap = PriceItem.objects.get(property=prop, category="repair", seq=8)
    services.repair_charge_add(actor=eng, request=paid, kind="labour", price_item=tap)
    services.repair_charge_add(
        actor=eng, request=paid, kind="material", description="不锈钢水龙头", unit_price=Decimal("168.00")
    )
    services.repair_charge_add(
        actor=eng,
        request=paid,
        kind="off_list",
        description="恒温阀芯(收费标准未列)",
        unit_price=Decimal("85.00"),
    )
    services.repair_charges_confirm(
        actor=eng, request=paid, resident_name=paid.reporter_name, at=t + timedelta(minutes=30)
    )
    services.repair_set_payment(actor=desk, request=paid, method="wechat")
    services.repair_complete(
        actor=eng,
        request=paid,
        result="更换水龙头及阀芯,试水正常",
        repairer_signature=str(eng),
        signer_name=paid.reporter_name,
        reported_to_cs=True,
        at=t + timedelta(minutes=60),
    )
    services.repair_confirm(
        actor=admin, request=paid, note="业户确认出水正常,已微信付款", at=t + timedelta(minutes=75)
    )

    # --- public area and clubhouse (R-REP-17/20)
    if public:
        made["orders"] += 1
        services.repair_create(
            actor=desk,
            prop=prop,
            scope="public",
            location=public,
            location_detail="东侧吊灯",
            reporter_name=str(guard or desk),
            reporter_department="秩序维护部",
            description="大堂吊灯两盏不亮,安排夜间更换",
            special_requests="22:00 后施工,不影响业主",
            received_at=t,
        )
    if club:
        made["orders"] += 1
        c = services.repair_create(
            actor=desk,
            prop=prop,
            scope="clubhouse",
            location=club,
            reporter_name="会所服务员小王",
            description="更衣室淋浴喷头脱落",
            received_at=t,
        )
        to_arrived(c, t)
        services.repair_complete(
            actor=eng,
            request=c,
            result="重新固定喷头",
            repairer_signature=str(eng),
            signer_name="会所服务员小王",
            reported_to_cs=True,
            at=t + timedelta(minutes=60),
        )

    # --- the emergency leak (R-REP-25..28)
    o = occ[9 % len(occ)] if occ else None
    t_leak = t + timedelta(minutes=5)
    leak = services.repair_emergency_create(
        actor=desk,
        prop=prop,
        unit=o.unit if o else units[0],
        reporter=o.resident if o else None,
        reporter_name=o.resident.name if o else "业户",
        description="卫生间软管爆裂跑水,水已漫到客厅",
        severity="serious",
        at=t_leak,
    )
    made["orders"] += 1
    services.repair_arrive(actor=eng, request=leak, cs_on_site=True, at=t_leak + timedelta(minutes=4))
    for name, caption in (("leak-floor.png", "客厅地板积水"), ("leak-hose.png", "爆裂的软管")):
        sd.request_add_photo(actor=desk, request=leak, upload=_png(name), caption=caption)
    services.repair_loss_add(
        actor=lead,
        request=leak,
        item="客厅实木地板",
        description="约 12 m² 泡水",
        estimated_amount=Decimal("6000"),
        at=t_leak + timedelta(minutes=15),
    )
    services.repair_complete(
        actor=eng,
        request=leak,
        result="关闭进水总阀,更换软管,吸水清理",
        repairer_signature=str(eng),
        signer_name=leak.reporter_name,
        reported_to_cs=True,
        at=t_leak + timedelta(minutes=50),
    )
    report = services.accident_report_save(
        actor=desk,
        request=leak,
        facts="卫生间进水软管老化爆裂,跑水约 20 分钟",
        severity="serious",
        impact="客厅地板泡水,楼下天花可能渗水",
        handling="关阀止水、更换软管、吸水、检查楼下",
    )
    services.accident_report_submit(actor=desk, report=report)
    services.accident_report_acknowledge(actor=lead, report=report, note="通知保险公司,跟进楼下")
    services.repair_confirm(
        actor=admin, request=leak, note="业户确认已止水,用水正常", at=t_leak + timedelta(minutes=70)
    )
    return made
