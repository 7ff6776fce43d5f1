"""Demo data: goods-release slips in every state, through the services with real actors.

Past steps pass `now=` (a recent working day at 10:00) so office-hours rules hold whatever time the loader runs.
"""

from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.choices import Role
from core.deadlines import Calendar
from core.models import Membership
from residents.models import Occupancy

from . import rules, services
from .models import GoodsRelease

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
ITEMS = [
    [{"name": "书籍纸箱", "quantity": 6}, {"name": "行李箱", "quantity": 2}],
    [{"name": "沙发", "quantity": 1}, {"name": "茶几", "quantity": 1}, {"name": "衣物纸箱", "quantity": 8}],
    [{"name": "电脑", "quantity": 3}, {"name": "文件柜", "quantity": 2}],
    [{"name": "自行车", "quantity": 1}],
]
CARRIERS = [("王师傅", "110101198503121234", "13911112222"), ("李师傅", "320102199002031111", "13722223333")]


def _by_role(prop):
    out = {}
    for m in Membership.objects.filter(property=prop, active=True).select_related("user").order_by("id"):
        out.setdefault(m.role, []).append(m.user)
    return out


def _working_day_before(cal, day, n=1):
    """The n-th working day before `day` (after it when n is negative)."""
    step = timedelta(days=1 if n > 0 else -1)
    n = abs(n)
    while n:
        day -= step
        if cal.is_workday(day):
            n -= 1
    return day


def load(*, prop, staff, rng, units) -> dict:
    if GoodsRelease.objects.filter(property=prop).exists():
        return {"skipped": True}
    roles = _by_role(prop)
    desk = (roles.get(Role.FRONT_DESK) or roles.get(Role.CS_ADMIN) or [None])[0]
    lead = (roles.get(Role.CS_SUPERVISOR) or roles.get(Role.MANAGER) or [None])[0]
    guard = (roles.get(Role.GUARD) or roles.get(Role.SEC_SUPERVISOR) or [None])[0]
    finance = (roles.get(Role.FINANCE) or [lead])[0]
    if not (desk and lead and guard):
        return {"skipped": True}
    occs = list(
        Occupancy.objects.filter(unit__property=prop, end__isnull=True).select_related("unit", "resident")[
            :40
        ]
    )
    if len(occs) < 6:
        return {"skipped": True}
    rng.shuffle(occs)
    cal = Calendar(prop)
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    past = _working_day_before(cal, today, 2)
    at = lambda d, h=10: datetime.combine(d, time(h, 0), tzinfo=tz)  # noqa: E731

    def make(i, kind="ordinary", planned=None, now=None):
        occ = occs[i]
        name, idn, phone = CARRIERS[i % len(CARRIERS)]
        return services.release_apply(
            actor=desk,
            prop=prop,
            unit=occ.unit,
            resident=occ.resident,
            carrier_name=name,
            carrier_id_number=idn,
            carrier_phone=phone,
            planned_at=planned or at(past, 15),
            items=ITEMS[i % len(ITEMS)],
            kind=kind,
            reason="搬家" if kind == "move_out" else "",
            now=now or at(past),
        )

    def ready(rel, now):
        services.release_confirm_phone(actor=desk, release=rel, confirmed_with=rel.resident.name, now=now)
        services.release_attach_id_copy(
            actor=desk, release=rel, upload=SimpleUploadedFile("id.png", PNG, content_type="image/png")
        )

    made = 0
    # 1. passed and filed
    rel = make(0)
    ready(rel, at(past))
    services.release_issue(actor=desk, release=rel, carrier_signed=True, now=at(past, 11))
    services.release_exit_check(actor=guard, release=rel, match=True, now=at(past, 15))
    services.release_file(actor=desk, release=rel, now=at(past, 16))
    # 2. returned at the exit (mismatch)
    rel = make(1)
    ready(rel, at(past))
    services.release_issue(actor=desk, release=rel, carrier_signed=True, now=at(past, 11))
    first = rel.items.order_by("id").first()
    services.release_exit_check(
        actor=guard,
        release=rel,
        match=False,
        mismatched_item_ids=[first.pk],
        note="实际多带出一把椅子",
        now=at(past, 15),
    )
    # 3. move-out: confirmed, fees not yet settled (issuing is refused until finance confirms)
    applied = _working_day_before(cal, today, 1)
    moving = rules.earliest_move_out(prop, applied, cal)
    rel = make(2, kind="move_out", planned=at(moving, 10), now=at(applied))
    ready(rel, at(applied))
    # 4. move-out done: fees settled, issued and passed
    early = _working_day_before(cal, past, 3)
    rel = make(3, kind="move_out", planned=at(past, 10), now=at(early))
    ready(rel, at(early))
    services.release_confirm_fees(actor=finance, release=rel, note="管理费、电费已结清", now=at(early, 14))
    services.release_issue(actor=lead, release=rel, carrier_signed=True, now=at(past, 9))
    services.release_exit_check(actor=guard, release=rel, match=True, now=at(past, 10))
    # 5. issued, waiting at the exit; 6. applied, waiting for the phone confirmation — both planned for
    # today, or the next working day when the demo is loaded on a weekend or holiday (R-REL-08).
    going = today if cal.is_workday(today) else _working_day_before(cal, today, -1)
    rel = make(4, planned=at(going, 16), now=at(past))
    ready(rel, at(past))
    services.release_issue(actor=desk, release=rel, carrier_signed=True, now=at(past, 11))
    make(5, planned=at(going, 17), now=at(past))
    made = GoodsRelease.objects.filter(property=prop).count()
    return {"releases": made}
