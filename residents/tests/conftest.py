from datetime import date

import pytest

from residents import services
from residents.choices import OccupancyRole, ResidentKind


@pytest.fixture
def make_resident(world):
    """make_resident(name, unit=None, role=owner, **fields) through the services, as the front desk."""

    def make(name="张三", unit=None, role=OccupancyRole.OWNER, actor=None, prop=None, **fields):
        actor = actor or world.frontdesk
        prop = prop or (unit.property if unit else world.p1)
        if prop.pk == world.p2.pk and actor == world.frontdesk:
            actor = world.frontdesk2
        r = services.resident_create(actor=actor, prop=prop, name=name, **fields)
        if unit is not None:
            services.occupancy_start(actor=actor, resident=r, unit=unit, role=role, start=date(2023, 5, 1))
        return r

    return make


@pytest.fixture
def zhangsan(world, make_resident):
    return make_resident("张三", unit=world.u1, phone="13812345678", id_number="110101199001011234")


@pytest.fixture
def company_p2(world, make_resident):
    return make_resident(
        "国贸科技有限公司",
        unit=world.u_p2,
        role=OccupancyRole.COMPANY,
        kind=ResidentKind.COMPANY,
        phone="13900001111",
    )
