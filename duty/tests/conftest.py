import struct
import zlib
from datetime import datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone


def tiny_png() -> bytes:
    """A real 1×1 PNG (signature, IHDR, IDAT, IEND with valid CRCs)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.fixture
def png_upload():
    def make(name="scene.png"):
        return SimpleUploadedFile(name, tiny_png(), content_type="image/png")

    return make


@pytest.fixture
def yesterday_at():
    """An aware datetime on yesterday's date at hh:mm (local time)."""

    def at(hour=10, minute=0):
        d = timezone.localdate() - timedelta(days=1)
        return timezone.make_aware(datetime.combine(d, time(hour, minute)))

    return at


@pytest.fixture
def make_entry(world):
    from duty import services
    from duty.choices import DutyCategory

    def make(actor=None, prop=None, occurred_at=None, **kw):
        kw.setdefault("category", DutyCategory.COMPLAINT)
        kw.setdefault("course", "3-1201 业主投诉楼上漏水")
        return services.duty_entry_create(
            actor=actor or world.frontdesk,
            prop=prop or world.p1,
            occurred_at=occurred_at
            or timezone.make_aware(datetime.combine(timezone.localdate(), time(0, 0))),
            **kw,
        )

    return make


@pytest.fixture
def login_as(db):
    """A separate logged-in client per user (the shared `client_as` re-logs one client)."""
    from django.test import Client

    def login(user):
        c = Client()
        c.force_login(user)
        return c

    return login
