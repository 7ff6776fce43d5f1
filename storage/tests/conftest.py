import struct
import zlib
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone


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
def id_copy():
    def make(name="id.png"):
        return SimpleUploadedFile(name, tiny_png(), content_type="image/png")

    return make


@pytest.fixture
def secsup(world):
    """The 秩序维护主管 of property 1 (build_world has none)."""
    from core import services as core_services
    from core.choices import Role

    return core_services.staff_create(
        actor=None,
        username="secsup",
        password="x",
        display_name="钱主管",
        prop=world.p1,
        role=Role.SEC_SUPERVISOR,
    )


@pytest.fixture
def owner(world):
    """王芳, owner of 3-1201 (world.u1)."""
    from residents import services as rs
    from residents.choices import OccupancyRole

    r = rs.resident_create(
        actor=world.frontdesk, prop=world.p1, name="王芳", phone="13812345678", id_number="110101199001011234"
    )
    rs.occupancy_start(
        actor=world.frontdesk,
        resident=r,
        unit=world.u1,
        role=OccupancyRole.OWNER,
        start=date(2020, 1, 1),
        notify_supervisor=False,
    )
    return r


@pytest.fixture
def deposit(world, owner):
    """deposit(**overrides) → a StoredItem of 王芳 (a small bag, collected tomorrow)."""
    from storage import services
    from storage.choices import DepositorKind, SizeClass

    def make(actor=None, **kw):
        args = {
            "actor": actor or world.frontdesk,
            "prop": world.p1,
            "depositor_kind": DepositorKind.RESIDENT,
            "resident": owner,
            "unit": world.u1,
            "description": "黑色旅行袋",
            "size_class": SizeClass.SMALL,
            "expected_collect_at": timezone.now() + timedelta(days=1),
            "location": "前台储物柜 A1",
            "notice_given": True,
            "parts_confirmed": True,
        }
        args.update(kw)
        return services.stored_item_deposit(**args)

    return make


@pytest.fixture
def hold(world):
    from storage import services
    from storage.choices import HoldCase

    def make(actor=None, **kw):
        args = {
            "actor": actor or world.frontdesk,
            "prop": world.p1,
            "case": HoldCase.OWNER_FOR_OTHER,
            "unit": world.u1,
            "owner_name": "王芳",
            "depositor_name": "王芳",
            "description": "入户门钥匙",
            "collector_name": "李师傅",
            "collect_by": timezone.now() + timedelta(hours=4),
            "is_key": True,
            "envelope_sealed": True,
            "envelope_marking": "pencil",
        }
        args.update(kw)
        return services.held_item_create(**args)

    return make


@pytest.fixture
def found(world):
    from storage import services

    def make(actor=None, **kw):
        args = {
            "actor": actor or world.frontdesk,
            "prop": world.p1,
            "name": "雨伞",
            "quantity": 1,
            "features": "蓝色折叠伞",
            "found_where": "3号楼大堂",
            "found_at": timezone.now() - timedelta(minutes=30),
            "finder_name": "孙保安",
            "value_estimate": "40",
            "storage_location": "前台失物柜",
        }
        args.update(kw)
        return services.found_item_register(**args)

    return make


@pytest.fixture(autouse=True)
def _menu_of_reversible_entries(monkeypatch):
    """Other areas are built in the same tree at the same time: a menu entry of theirs whose URL does not
    exist yet must not break this app's pages in its own tests."""
    from django.urls import NoReverseMatch, reverse

    from core.registry import MENU

    ok = {}
    for key, entry in MENU._entries.items():
        try:
            reverse(entry.extra["url"])
        except NoReverseMatch:
            continue
        ok[key] = entry
    monkeypatch.setattr(MENU, "_entries", ok)
