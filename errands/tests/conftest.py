import struct
import zlib
from datetime import datetime, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.choices import Role

MONDAY = datetime(2031, 3, 3).date()


def png(name="invoice.png"):
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    raw = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
    return SimpleUploadedFile(name, raw + chunk(b"IEND", b""), content_type="image/png")


def at(day, hh=10, mm=0):
    return timezone.make_aware(datetime.combine(day, time(hh, mm)))


@pytest.fixture
def ew(world):
    from core import services as core_services
    from residents import services as rs
    from residents.choices import OccupancyRole

    w = world
    w.finance = core_services.staff_create(
        actor=None, username="finance", password="x", display_name="钱财务", prop=w.p1, role=Role.FINANCE
    )
    w.owner = rs.resident_create(actor=w.frontdesk, prop=w.p1, name="林业主", phone="13800001111")
    rs.occupancy_start(
        actor=w.frontdesk,
        resident=w.owner,
        unit=w.u1,
        role=OccupancyRole.OWNER,
        start=MONDAY.replace(year=2020),
    )
    w.owner3 = rs.resident_create(actor=w.frontdesk, prop=w.p1, name="高业主")
    rs.occupancy_start(
        actor=w.frontdesk,
        resident=w.owner3,
        unit=w.u3,
        role=OccupancyRole.OWNER,
        start=MONDAY.replace(year=2020),
    )
    return w
