import struct
import zlib
from datetime import datetime, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.choices import Role

MONDAY = datetime(2031, 3, 3).date()  # a plain Monday, no holiday


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


def png(name="id.png"):
    return SimpleUploadedFile(name, tiny_png(), content_type="image/png")


def at(day, hh=10, mm=0):
    return timezone.make_aware(datetime.combine(day, time(hh, mm)))


@pytest.fixture
def rel_world(world):
    from core import services as core_services
    from residents import services as rs
    from residents.choices import OccupancyRole, ResidentKind

    w = world
    w.finance = core_services.staff_create(
        actor=None, username="finance", password="x", display_name="钱财务", prop=w.p1, role=Role.FINANCE
    )
    w.secsup = core_services.staff_create(
        actor=None,
        username="secsup",
        password="x",
        display_name="秩序主管",
        prop=w.p1,
        role=Role.SEC_SUPERVISOR,
    )
    w.owner = rs.resident_create(actor=w.frontdesk, prop=w.p1, name="林业主", phone="13800001111")
    rs.occupancy_start(
        actor=w.frontdesk,
        resident=w.owner,
        unit=w.u1,
        role=OccupancyRole.OWNER,
        start=MONDAY.replace(year=2020),
    )
    w.company = rs.resident_create(
        actor=w.frontdesk, prop=w.p1, name="云帆科技有限公司", kind=ResidentKind.COMPANY
    )
    rs.occupancy_start(
        actor=w.frontdesk,
        resident=w.company,
        unit=w.u2,
        role=OccupancyRole.COMPANY,
        start=MONDAY.replace(year=2020),
    )
    w.owner2 = rs.resident_create(actor=w.frontdesk2, prop=w.p2, name="外项目业主")
    rs.occupancy_start(
        actor=w.frontdesk2,
        resident=w.owner2,
        unit=w.u_p2,
        role=OccupancyRole.OWNER,
        start=MONDAY.replace(year=2020),
    )
    return w


@pytest.fixture
def apply(rel_world):
    from releases import services

    w = rel_world

    def make(actor=None, now=None, items=None, kind="ordinary", planned_at=None, **kw):
        now = now or at(MONDAY, 10)
        kw.setdefault("unit", w.u1)
        kw.setdefault("resident", w.owner)
        return services.release_apply(
            actor=actor or w.frontdesk,
            prop=w.p1,
            carrier_name=kw.pop("carrier_name", "搬运工老王"),
            carrier_id_number=kw.pop("carrier_id_number", "110101199001011234"),
            carrier_phone=kw.pop("carrier_phone", "13912345678"),
            planned_at=planned_at or at(MONDAY, 15),
            items=items or [{"name": "书籍纸箱", "quantity": 5}, {"name": "行李箱", "quantity": 2}],
            kind=kind,
            now=now,
            **kw,
        )

    return make


@pytest.fixture
def issued(rel_world, apply):
    """An ordinary slip, confirmed, ID copy attached, issued."""
    from releases import services

    w = rel_world

    def make(**kw):
        rel = apply(**kw)
        services.release_confirm_phone(actor=w.frontdesk, release=rel, confirmed_with="林业主")
        services.release_attach_id_copy(actor=w.frontdesk, release=rel, upload=png())
        return services.release_issue(actor=w.frontdesk, release=rel, carrier_signed=True, now=at(MONDAY, 14))

    return make
