"""Change records: who, when, what changed (before/after); transitions with from → to and why."""

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import services
from core.choices import HistoryAction, UnitStatus
from core.history import diff, history_for, is_sensitive, record, record_transition, snapshot
from core.models import HistoryEntry, Unit


def test_snapshot_is_plain_json_data(world):
    snap = snapshot(world.u1)
    assert snap["property_id"] == world.p1.pk
    assert snap["building_id"] == world.b1.pk
    assert snap["area"] == "98.50"
    assert snap["number"] == "1201"
    assert "created_at" not in snap and "updated_at" not in snap
    assert isinstance(snapshot(world.p1)["shift_start"], str)


def test_diff_lists_only_changed_fields():
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == {"b": [2, 3]}
    assert diff({"a": 1}, {"a": 1}) == {}
    assert diff({}, {"n": "x"}) == {"n": [None, "x"]}


# R-ARCH-06: personal numbers are masked in change records.
def test_diff_masks_sensitive_fields():
    out = diff({"phone": "13800005678", "name": "甲"}, {"phone": "13900001234", "name": "乙"})
    assert out["phone"] == ["138****5678", "139****1234"]
    assert out["name"] == ["甲", "乙"]
    out = diff({"id_number": "110101199001011234"}, {"id_number": "110101199001015678"})
    assert out["id_number"] == ["1101**********1234", "1101**********5678"]
    assert diff({"phone2": None}, {"phone2": "13700001111"})["phone2"] == [None, "137****1111"]
    assert is_sensitive("emergency_phone") and is_sensitive("mobile") and not is_sensitive("name")


# R-ARCH-06
def test_record_masks_sensitive_fields_also_in_hand_written_changes(world):
    h = record(
        world.manager,
        actor=world.manager,
        action=HistoryAction.UPDATE,
        changes={"phone": ["13800005678", "13900001234"]},
    )
    assert h.changes == {"phone": ["138****5678", "139****1234"]}
    before = snapshot(world.manager)
    world.manager.phone = "13612345678"
    world.manager.save()
    h = record(world.manager, actor=world.manager, action=HistoryAction.UPDATE, before=before)
    assert h.changes["phone"] == ["", "136****5678"]
    assert "13612345678" not in str(HistoryEntry.objects.values_list("changes", flat=True))


def test_record_update_says_who_when_what(world):
    before = snapshot(world.u2)
    world.u2.area = Decimal("121.50")
    world.u2.save()
    h = record(world.u2, actor=world.supervisor, action=HistoryAction.UPDATE, before=before, reason="复测")
    h.refresh_from_db()
    assert h.actor == world.supervisor
    assert h.property_id == world.p1.pk
    assert h.at is not None
    assert h.changes == {"area": ["120.00", "121.50"]}
    assert h.reason == "复测"
    assert h.content_type == ContentType.objects.get_for_model(Unit)


def test_create_records_no_diff_and_services_record_creation(world):
    h = HistoryEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Unit), object_id=world.u1.pk
    ).get()
    assert h.action == HistoryAction.CREATE and h.changes == {} and h.actor is None
    assert h.property_id == world.p1.pk


def test_record_transition_via_service(world):
    services.unit_set_status(
        actor=world.frontdesk, unit=world.u2, status=UnitStatus.RENOVATING, reason="装修开工"
    )
    h = history_for(world.u2)[0]
    assert h.action == HistoryAction.TRANSITION
    assert (h.from_state, h.to_state) == (UnitStatus.VACANT, UnitStatus.RENOVATING)
    assert h.changes == {"status": [UnitStatus.VACANT, UnitStatus.RENOVATING]}
    assert h.actor == world.frontdesk and h.reason == "装修开工"


def test_record_transition_direct(world):
    world.u3.status = UnitStatus.LEASED
    h = record_transition(world.u3, actor=world.admin1, from_state=UnitStatus.VACANT, reason="出租")
    assert (h.from_state, h.to_state, h.reason) == ("vacant", "leased", "出租")


def test_history_for_is_one_query_whatever_its_length(world):
    actors = [world.manager, world.supervisor, world.admin1, world.frontdesk]
    for i in range(30):
        record(world.u1, actor=actors[i % 4], action=HistoryAction.UPDATE, changes={"n": [i, i + 1]})
    ContentType.objects.get_for_model(Unit)  # the content-type cache is warm in a running process
    with CaptureQueriesContext(connection) as ctx:
        rows = history_for(world.u1, limit=25)
        names = [str(h.actor) for h in rows]  # actors joined: no query per row
    assert len(ctx.captured_queries) == 1
    assert len(rows) == 25 and len(names) == 25
    assert rows[0].changes == {"n": [29, 30]}  # newest first


def test_history_for_other_record_is_separate(world):
    record(world.u1, actor=world.manager, action=HistoryAction.UPDATE, changes={"x": [1, 2]})
    assert all(h.object_id == world.u2.pk for h in history_for(world.u2))
