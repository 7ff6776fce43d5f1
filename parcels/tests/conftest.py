from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from residents import services as rs


def local(hour: int, minute: int = 0, days: int = 0) -> datetime:
    """An aware datetime today (+days) at hh:mm, local time."""
    d = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(d, time(hour, minute)))


@pytest.fixture
def mail(world):
    """Residents of property 1: 张三 owns 3-1201 (with 李四 as household member), 王五 owns 3-1202,
    赵六 used to live in 3-0501 (moved out); 钱七 lives in p2's A-2801."""
    m = SimpleNamespace(w=world)
    start = date(2020, 1, 1)

    def person(prop, name, unit, role="owner", phone="13800001234", end=None):
        r = rs.resident_create(
            actor=world.manager if prop == world.p1 else None, prop=prop, name=name, phone=phone
        )
        occ = rs.occupancy_start(
            actor=world.manager if prop == world.p1 else None,
            resident=r,
            unit=unit,
            role=role,
            start=start,
            notify_supervisor=False,
        )
        if end:
            rs.occupancy_end(actor=world.manager if prop == world.p1 else None, occupancy=occ, end=end)
        return r

    m.zhang = person(world.p1, "张三", world.u1, phone="13800001201")
    m.li = person(world.p1, "李四", world.u1, role="member", phone="13800001202")
    m.wang = person(world.p1, "王五", world.u2, phone="13900001202")
    m.zhao = person(world.p1, "赵六", world.u3, end=date(2024, 6, 30))
    return m


@pytest.fixture
def mail_p2(world):
    from core.models import User

    su = User.objects.create_superuser("root", "root@example.com", "x")
    r = rs.resident_create(actor=su, prop=world.p2, name="钱七", phone="13700002801")
    rs.occupancy_start(
        actor=su, resident=r, unit=world.u_p2, role="owner", start=date(2021, 1, 1), notify_supervisor=False
    )
    return r


@pytest.fixture
def receive(world, mail):
    """receive(**kw) → a parcel for 张三 in 3-1201 from 顺丰 with the owner's consent, on shelf A1."""
    from parcels import services

    def make(**kw):
        kw.setdefault("actor", world.frontdesk)
        kw.setdefault("prop", world.p1)
        kw.setdefault("unit", world.u1)
        kw.setdefault("courier", "顺丰")
        kw.setdefault("consent_by", "业主电话同意")
        kw.setdefault("shelf", "A1")
        return services.parcel_receive(**kw)

    return make
