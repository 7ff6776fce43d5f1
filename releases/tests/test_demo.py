import random

import pytest

from releases import demo
from releases.models import GoodsRelease

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


def test_demo_loads_every_state_and_is_idempotent(populated):
    w = populated
    out = demo.load(prop=w.p1, staff={}, rng=random.Random(1), units=[])
    assert out["releases"] == 6
    states = set(GoodsRelease.objects.values_list("status", flat=True))
    assert states == {"applied", "confirmed", "issued", "passed", "returned"}
    assert demo.load(prop=w.p1, staff={}, rng=random.Random(1), units=[]) == {"skipped": True}
