import random

from core.models import Unit
from parcels import demo
from parcels.choices import ParcelStatus, SlipStatus
from parcels.models import Letter, NotificationSlip, Parcel, ParcelChase


def test_demo_loads_through_services(world, mail):
    # The persona world is small: add enough current residents for the loader.
    from datetime import date

    from residents import services as rs

    units = []
    for n in range(36):
        u = __import__("core.services", fromlist=["unit_create"]).unit_create(
            actor=None, building=world.b1, number=f"20{n:02d}", floor=20, area="90.00"
        )
        r = rs.resident_create(actor=world.manager, prop=world.p1, name=f"住户{n}", phone=f"1380000{n:04d}")
        rs.occupancy_start(
            actor=world.manager,
            resident=r,
            unit=u,
            role="owner",
            start=date(2022, 1, 1),
            notify_supervisor=False,
        )
        units.append(u)
    staff = {"frontdesk": world.frontdesk, "supervisor": world.supervisor, "manager": world.manager}
    out = demo.load(
        prop=world.p1, staff=staff, rng=random.Random(3), units=list(Unit.objects.filter(property=world.p1))
    )
    assert out["parcels"] >= 15
    assert Parcel.objects.filter(status=ParcelStatus.COLLECTED).count() >= 3
    assert Parcel.objects.filter(status=ParcelStatus.NOTIFIED).exists()
    assert ParcelChase.objects.exists()
    assert NotificationSlip.objects.filter(status=SlipStatus.VOID).exists()
    assert Letter.objects.count() >= 8
    assert demo.load_scale(prop=world.p1, n=50, rng=random.Random(1))["parcels"] == 50
