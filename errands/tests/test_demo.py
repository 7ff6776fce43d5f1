import random

import pytest

from errands import demo, services
from errands.models import ConciergeErrand, LaundryOrder, PettyCashUse, PhoneCall, TicketBooking

pytestmark = pytest.mark.django_db


@pytest.fixture
def populated(world):
    from residents import services as rs
    from residents.choices import OccupancyRole

    for i, unit in enumerate([world.u1, world.u2, world.u3] * 2):
        r = rs.resident_create(actor=world.frontdesk, prop=world.p1, name=f"住户{i}", phone=f"1380000{i:04d}")
        rs.occupancy_start(
            actor=world.frontdesk,
            resident=r,
            unit=unit,
            role=OccupancyRole.MEMBER,
            start=world.today.replace(year=2020),
        )
    return world


def test_demo_loads_and_is_idempotent(populated):
    w = populated
    assert demo.load(prop=w.p1, staff={}, rng=random.Random(1), units=[]) == {"calls": 5}
    assert TicketBooking.objects.count() == 2 and ConciergeErrand.objects.count() == 4
    assert (
        LaundryOrder.objects.count() == 5
        and PettyCashUse.objects.count() == 3
        and PhoneCall.objects.count() == 5
    )
    assert services.cash_balance(w.p1) > 0
    assert demo.load(prop=w.p1, staff={}, rng=random.Random(1), units=[]) == {"skipped": True}
