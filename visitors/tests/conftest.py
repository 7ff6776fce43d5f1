from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from residents import services as rs
from residents.choices import OccupancyRole
from visitors import services
from visitors.choices import ConfirmMethod, ConfirmResult

ID1 = "440301199001011234"
ID2 = "44030119851212567X"


@pytest.fixture
def folks(world):
    """Residents living in the persona units: 张三 (owner of 3-1201), 李四 (owner of 3-0501), 王五 in p2."""
    f = SimpleNamespace()
    f.zhang = rs.resident_create(actor=world.frontdesk, prop=world.p1, name="张三", phone="13812345678")
    rs.occupancy_start(
        actor=world.frontdesk,
        resident=f.zhang,
        unit=world.u1,
        role=OccupancyRole.OWNER,
        start=date(2020, 1, 1),
    )
    rs.emergency_contact_add(
        actor=world.frontdesk, resident=f.zhang, name="张小三", phone="13900001111", relation="儿子"
    )
    f.li = rs.resident_create(actor=world.frontdesk, prop=world.p1, name="李四", phone="13700002222")
    rs.occupancy_start(
        actor=world.frontdesk, resident=f.li, unit=world.u3, role=OccupancyRole.OWNER, start=date(2021, 1, 1)
    )
    f.wang = rs.resident_create(actor=world.frontdesk2, prop=world.p2, name="王五", phone="13600003333")
    rs.occupancy_start(
        actor=world.frontdesk2,
        resident=f.wang,
        unit=world.u_p2,
        role=OccupancyRole.TENANT,
        start=date(2022, 1, 1),
    )
    return f


@pytest.fixture
def visit(world, folks):
    """register(**over) → a pending visit to 张三 at 3-1201 (by the front desk)."""

    def make(actor=None, **over):
        kw = {
            "prop": world.p1,
            "visitor_name": "赵访客",
            "visitor_id_number": ID1,
            "visitor_phone": "13511112222",
            "party_size": 1,
            "unit": world.u1,
            "resident": folks.zhang,
            "purpose": "探亲",
        }
        kw.update(over)
        return services.visitor_register(actor=actor or world.frontdesk, **kw)

    return make


@pytest.fixture
def admitted(world, visit):
    def make(**over):
        e = visit(**over)
        return services.visitor_contact(
            actor=world.frontdesk,
            entry=e,
            method=ConfirmMethod.PHONE,
            result=ConfirmResult.AGREED,
            contacted_with="张三",
        )

    return make


@pytest.fixture
def later():
    def at(minutes=0, hours=0, days=0):
        return timezone.now() + timedelta(minutes=minutes, hours=hours, days=days)

    return at
