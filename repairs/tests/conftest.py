import struct
import zlib
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core import services as core_services
from core.choices import LocationKind, Role
from core.models import Location


def at(y, mo, d, h=0, mi=0):
    """An aware local datetime (Asia/Shanghai)."""
    return timezone.make_aware(datetime(y, mo, d, h, mi))


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def png():
    return lambda name="leak.png": SimpleUploadedFile(name, tiny_png(), content_type="image/png")


@pytest.fixture
def rw(world):
    """The world plus the engineering and security supervisors, another engineer, places and a resident."""
    w = world
    w.engsup = core_services.staff_create(
        actor=None,
        username="engsup",
        password="x-pass-123",
        display_name="马工",
        prop=w.p1,
        role=Role.ENG_SUPERVISOR,
    )
    w.secsup = core_services.staff_create(
        actor=None,
        username="secsup",
        password="x-pass-123",
        display_name="何队长",
        prop=w.p1,
        role=Role.SEC_SUPERVISOR,
    )
    w.finance = core_services.staff_create(
        actor=None,
        username="finance",
        password="x-pass-123",
        display_name="郭会计",
        prop=w.p1,
        role=Role.FINANCE,
    )
    w.engineer2 = core_services.staff_create(
        actor=None,
        username="engineer2",
        password="x-pass-123",
        display_name="蒋工",
        prop=w.p2,
        role=Role.ENGINEER,
    )
    w.lobby = core_services.location_save(
        actor=None, location=Location(property=w.p1, kind=LocationKind.PUBLIC_AREA, name="南门大堂")
    )
    w.pool = core_services.location_save(
        actor=None, location=Location(property=w.p1, kind=LocationKind.CLUBHOUSE, name="会所泳池")
    )
    from residents import services as rs

    w.owner = rs.resident_create(actor=w.frontdesk, prop=w.p1, name="张三", phone="13812345678")
    rs.occupancy_start(actor=w.frontdesk, resident=w.owner, unit=w.u1, role="owner", start=date(2023, 5, 1))
    return w


@pytest.fixture
def make_repair(rw):
    from repairs import services

    def make(**kw):
        args = dict(
            actor=rw.frontdesk,
            prop=rw.p1,
            scope="unit",
            unit=rw.u1,
            reporter=rw.owner,
            reporter_name="张三",
            contact_phone="13812345678",
            description="卫生间水龙头漏水",
            special_requests="请穿鞋套",
            available_times="工作日 9:00-11:00",
        )
        args.update(kw)
        return services.repair_create(**args)

    return make


def p2_repair(rw, **kw):
    """A repair of property 2. Request numbers are unique across properties but counted per property
    (servicedesk engine), so property 2's counter is moved past property 1's first numbers here."""
    from core.numbering import next_value
    from repairs import services

    for _ in range(20):
        next_value(rw.p2, f"BX:{timezone.localdate():%Y%m%d}")
    args = dict(
        actor=rw.frontdesk2,
        prop=rw.p2,
        scope="unit",
        unit=rw.u_p2,
        reporter_name="国贸",
        description="空调不制冷",
    )
    args.update(kw)
    return services.repair_create(**args)
