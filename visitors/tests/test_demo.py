import random
from datetime import date

from django.utils import timezone

from core import services as cs
from residents import services as rs
from residents.choices import OccupancyRole
from visitors import demo, selectors
from visitors.choices import KeyStatus, SpareKeyStatus, VisitStatus
from visitors.models import KeyForVisitor, SpareKeyEntry, VisitorEntry, VisitorPreauthorization


def _occupied_units(world, n=14):
    units = []
    for i in range(n):
        u = cs.unit_create(actor=None, building=world.b1, number=f"08{i:02d}", floor=8, area="90.00")
        r = rs.resident_create(actor=world.frontdesk, prop=world.p1, name=f"业主{i}", phone=f"1381234{i:04d}")
        rs.occupancy_start(
            actor=world.frontdesk, resident=r, unit=u, role=OccupancyRole.OWNER, start=date(2020, 1, 1)
        )
        units.append(u)
    return units


def test_demo_loader_tells_the_desk_story(world):
    units = _occupied_units(world)
    staff = {"frontdesk": world.frontdesk, "supervisor": world.supervisor, "engineer": world.engineer}
    made = demo.load(prop=world.p1, staff=staff, rng=random.Random(3), units=units)
    assert made["entries"] >= 12 and made["preauths"] == 3
    d = selectors.desk_summary(user=world.frontdesk, prop=world.p1, now=timezone.now())
    assert d["in_building"] >= 5 and d["overstaying"] == 1 and d["waiting"] == 1
    statuses = set(VisitorEntry.objects.values_list("status", flat=True))
    assert {VisitStatus.LEFT, VisitStatus.REFUSED, VisitStatus.MESSAGE_LEFT} <= statuses
    assert VisitorPreauthorization.objects.filter(nobody_home=True).count() == 1
    assert KeyForVisitor.objects.get().status == KeyStatus.HELD
    assert SpareKeyEntry.objects.get().status == SpareKeyStatus.AWAITING_LETTER
    assert demo.load(prop=world.p1, staff=staff, rng=random.Random(3), units=units) == {"skipped": True}
    # a property without enough residents gets nothing, and no error
    assert (
        demo.load(prop=world.p2, staff={"frontdesk2": world.frontdesk2}, rng=random.Random(1))["entries"] == 0
    )


def test_scale_loader_bulk_creates_closed_history(world):
    units = [world.u1, world.u2, world.u3]
    made = demo.load(
        prop=world.p1, staff={"frontdesk": world.frontdesk}, rng=random.Random(5), units=units, scale=300
    )
    assert made == {"entries": 300}
    assert VisitorEntry.objects.filter(property=world.p1).count() == 300
    assert not VisitorEntry.objects.filter(status__in=[VisitStatus.PENDING, VisitStatus.ADMITTED]).exists()
    assert VisitorEntry.objects.filter(left_at__isnull=True).count() == 0
    d = selectors.desk_summary(user=world.frontdesk, prop=world.p1)
    assert d["in_building"] == 0 and d["today"] == 0
    demo.load(
        prop=world.p1, staff={"frontdesk": world.frontdesk}, rng=random.Random(6), units=units, scale=10
    )
    assert VisitorEntry.objects.values("number").distinct().count() == 310
