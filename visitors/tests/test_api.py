from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core.testing.queries import assert_max_queries
from visitors import services
from visitors.choices import KeyStatus, SpareKeyStatus, VisitStatus
from visitors.models import KeyForVisitor, VisitorContactLookup, VisitorEntry, VisitorPreauthorization

from .conftest import ID1, ID2

BASE = "/api/v1/visitors"


def body(world, folks, **over):
    data = {
        "property": world.p1.pk,
        "visitor_name": "赵访客",
        "visitor_id_type": "id_card",
        "visitor_id_number": ID1,
        "visitor_phone": "13511112222",
        "party_size": 1,
        "unit": world.u1.pk,
        "resident": folks.zhang.pk,
        "purpose": "探亲",
    }
    data.update(over)
    return data


# --- standard cases ---


@pytest.mark.parametrize(
    "path", ["entries", "preauthorizations", "keys", "spare-keys", "entries/desk-summary"]
)
def test_anonymous_refused(db, path):
    assert APIClient().get(f"{BASE}/{path}/").status_code in (401, 403)


def test_wrong_role_refused(world, folks, api_as):
    c = api_as(world.engineer)
    assert c.get(f"{BASE}/entries/").status_code == 403
    assert c.post(f"{BASE}/entries/", body(world, folks), format="json").status_code == 403
    g = api_as(world.guard)
    assert g.get(f"{BASE}/entries/").status_code == 200
    assert g.post(f"{BASE}/entries/", body(world, folks), format="json").status_code == 403
    assert VisitorEntry.objects.count() == 0


def test_other_property_404_and_unknown_ids(world, folks, admitted, api_as):
    e = admitted()
    c = api_as(world.frontdesk2)
    assert c.get(f"{BASE}/entries/{e.pk}/").status_code == 404
    assert c.post(f"{BASE}/entries/{e.pk}/leave/", {}, format="json").status_code == 404
    assert c.get(f"{BASE}/entries/").json()["count"] == 0
    assert c.get(f"{BASE}/entries/desk-summary/?property={world.p1.pk}").status_code == 404
    # registering into another property's unit: the id does not exist for this user
    resp = c.post(f"{BASE}/entries/", body(world, folks, property=world.p2.pk), format="json")
    assert resp.status_code == 400 and "unit" in resp.json()
    e.refresh_from_db()
    assert e.status == VisitStatus.ADMITTED


def test_schema_generates(world, api_as):
    resp = api_as(world.frontdesk).get("/api/schema/")
    assert resp.status_code == 200
    text = resp.content.decode()
    assert (
        "/api/v1/visitors/entries/{id}/contact/" in text and "/api/v1/visitors/spare-keys/{id}/lock/" in text
    )


# --- the register ---


# R-VIS-02/04 / R-ARCH-06/07: register, masked numbers, directions only after agreement.
def test_register_confirm_leave(world, folks, api_as):
    c = api_as(world.frontdesk)
    resp = c.post(f"{BASE}/entries/", body(world, folks), format="json")
    assert resp.status_code == 201, resp.content
    data = resp.json()
    assert data["status"] == "pending" and data["visitor_id_number"] == "4403**********1234"
    assert data["visitor_phone"] == "135****2222" and data["directions"] == ""
    eid = data["id"]
    resp = c.post(
        f"{BASE}/entries/{eid}/contact/",
        {"method": "phone", "result": "agreed", "contacted_with": "张三"},
        format="json",
    )
    assert resp.status_code == 200 and resp.json()["directions"] == "12 层 3-1201"
    assert resp.json()["confirmed_by"] == str(world.frontdesk)
    detail = c.get(f"{BASE}/entries/{eid}/").json()
    assert [a["result"] for a in detail["attempts"]] == ["agreed"]
    new_time = (timezone.now() + timedelta(hours=4)).isoformat()
    resp = c.post(
        f"{BASE}/entries/{eid}/extend/", {"expected_leave_at": new_time, "notified_by": "张三"}, format="json"
    )
    assert resp.status_code == 200 and resp.json()["extension_count"] == 1
    resp = c.post(f"{BASE}/entries/{eid}/leave/", {}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "left"
    assert c.post(f"{BASE}/entries/{eid}/leave/", {}, format="json").status_code == 409


def test_register_bad_input(world, folks, api_as):
    c = api_as(world.frontdesk)
    resp = c.post(f"{BASE}/entries/", body(world, folks, visitor_id_number="1234567"), format="json")
    assert resp.status_code == 400 and "visitor_id_number" in resp.json()
    resp = c.post(f"{BASE}/entries/", body(world, folks, unit=world.u2.pk), format="json")
    assert resp.status_code == 400 and "resident" in resp.json()
    assert VisitorEntry.objects.count() == 0


# R-VIS-06/07: unreachable owner → lookup (logged) → message.
def test_unreachable_owner_lookup_and_message(world, visit, api_as):
    e = visit()
    c = api_as(world.frontdesk)
    assert c.post(f"{BASE}/entries/{e.pk}/lookup/", {}, format="json").status_code == 400
    c.post(f"{BASE}/entries/{e.pk}/contact/", {"method": "intercom", "result": "no_answer"}, format="json")
    resp = c.post(f"{BASE}/entries/{e.pk}/lookup/", {"reason": "访客要继续联系"}, format="json")
    assert resp.status_code == 200 and resp.json()["contacts"][0]["number"] == "13812345678"
    assert VisitorContactLookup.objects.get().reason == "访客要继续联系"
    assert api_as(world.guard).post(f"{BASE}/entries/{e.pk}/lookup/", {}, format="json").status_code == 403
    resp = c.post(
        f"{BASE}/entries/{e.pk}/message/", {"message": "明天再来", "send_sms": False}, format="json"
    )
    assert resp.status_code == 200 and resp.json()["status"] == "message_left"


def test_list_filters_and_query_count(world, admitted, visit, api_as):
    c = api_as(world.frontdesk)
    admitted()
    visit(visitor_name="孙访客")
    data = c.get(f"{BASE}/entries/?status=pending").json()
    assert data["count"] == 1 and data["results"][0]["visitor_name"] == "孙访客"
    today = timezone.localdate().isoformat()
    assert c.get(f"{BASE}/entries/?date={today}").json()["count"] == 2
    assert c.get(f"{BASE}/entries/?date=bad").status_code == 400
    with assert_max_queries(12) as small:
        c.get(f"{BASE}/entries/")
    for i in range(10):
        admitted(visitor_name=f"甲{i}")
    with assert_max_queries(12) as big:
        c.get(f"{BASE}/entries/")
    assert len(big.captured_queries) == len(small.captured_queries)


# R-VIS-03: the desk summary (in building, overstaying).
def test_desk_summary(world, admitted, api_as):
    over = admitted(
        arrived_at=timezone.now() - timedelta(hours=3), expected_leave_at=timezone.now() - timedelta(hours=1)
    )
    admitted(visitor_name="钱访客")
    data = api_as(world.frontdesk).get(f"{BASE}/entries/desk-summary/").json()
    assert data["in_building"] == 2 and data["overstaying"] == 1
    assert [r["id"] for r in data["overstaying_list"]] == [over.pk]
    assert data["overstaying_list"][0]["unit_label"] == "3-1201"


# --- standing instructions ---


def test_preauth_create_list_revoke(world, folks, api_as):
    c = api_as(world.frontdesk)
    now = timezone.now()
    data = {
        "property": world.p1.pk,
        "unit": world.u1.pk,
        "resident": folks.zhang.pk,
        "visitor_name": "赵访客",
        "visitor_id_number": ID1,
        "valid_from": (now - timedelta(hours=1)).isoformat(),
        "valid_to": (now + timedelta(days=1)).isoformat(),
        "nobody_home": True,
        "source": "visit",
    }
    resp = c.post(f"{BASE}/preauthorizations/", data, format="json")
    assert resp.status_code == 400 and "contact_method" in resp.json()  # R-VIS-09
    resp = c.post(f"{BASE}/preauthorizations/", {**data, "contact_method": "请访客打业主电话"}, format="json")
    assert resp.status_code == 201 and resp.json()["visitor_id_number"] == "4403**********1234"
    pid = resp.json()["id"]
    assert c.get(f"{BASE}/preauthorizations/?property={world.p1.pk}").json()["count"] == 1
    assert api_as(world.frontdesk2).get(f"{BASE}/preauthorizations/{pid}/").status_code == 404
    resp = c.post(f"{BASE}/preauthorizations/{pid}/revoke/", {"reason": "业主取消"}, format="json")
    assert resp.status_code == 200 and resp.json()["active"] is False
    assert c.get(f"{BASE}/preauthorizations/").json()["count"] == 0
    assert c.get(f"{BASE}/preauthorizations/?all=1").json()["count"] == 1
    assert VisitorPreauthorization.objects.get().revoke_reason == "业主取消"


# --- keys and spare keys ---


# R-VIS-10: the key goes to the visitor only after the ID check and signature.
def test_key_for_visitor(world, folks, admitted, api_as):
    c = api_as(world.frontdesk)
    data = {
        "property": world.p1.pk,
        "unit": world.u1.pk,
        "resident": folks.zhang.pk,
        "collector_name": "赵访客",
        "collector_id_number": ID1,
        "envelope_sealed": True,
    }
    resp = c.post(f"{BASE}/keys/", data, format="json")
    assert resp.status_code == 201, resp.content
    kid = resp.json()["id"]
    e = admitted()
    hand = {
        "entry": e.pk,
        "checked_id_type": "id_card",
        "checked_id_number": ID2,
        "identity_checked": True,
        "signature_name": "赵访客",
        "signed": True,
    }
    resp = c.post(f"{BASE}/keys/{kid}/handover/", hand, format="json")
    assert resp.status_code == 400 and "checked_id_number" in resp.json()
    resp = c.post(f"{BASE}/keys/{kid}/handover/", {**hand, "checked_id_number": ID1}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == KeyStatus.HANDED_OVER
    assert resp.json()["checked_id_number"] == "4403**********1234"
    assert KeyForVisitor.objects.get().signed_at is not None


# R-VIS-11/12/13 through the API.
def test_spare_key_flow(world, admitted, api_as):
    e = admitted()
    c = api_as(world.frontdesk)
    resp = c.post(f"{BASE}/entries/{e.pk}/spare-key/", {}, format="json")
    assert resp.status_code == 201
    sid = resp.json()["id"]
    borrow = {"lent_by": "孙保安", "key_use_ref": "FY-1", "people_present": "陈前台"}
    assert c.post(f"{BASE}/spare-keys/{sid}/borrow/", borrow, format="json").status_code == 400
    assert c.post(f"{BASE}/spare-keys/{sid}/decline/", {"note": "x"}, format="json").status_code == 403
    resp = c.post(f"{BASE}/spare-keys/{sid}/letter/", {"signed_on": timezone.localdate().isoformat()})
    assert resp.status_code == 200 and resp.json()["status"] == SpareKeyStatus.LETTER_RECEIVED
    assert c.post(f"{BASE}/spare-keys/{sid}/borrow/", borrow, format="json").status_code == 200
    assert api_as(world.clerk).post(f"{BASE}/spare-keys/{sid}/admit/", {}, format="json").status_code == 400
    resp = c.post(f"{BASE}/spare-keys/{sid}/admit/", {}, format="json")
    assert resp.status_code == 200 and resp.json()["key_returned_at"] == resp.json()["entered_at"]
    resp = c.post(f"{BASE}/spare-keys/{sid}/lock/", {"lent_by": "孙保安"}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == SpareKeyStatus.LOCKED
    e.refresh_from_db()
    assert e.status == VisitStatus.LEFT
    assert api_as(world.frontdesk2).get(f"{BASE}/spare-keys/{sid}/").status_code == 404


def test_spare_key_decline_by_supervisor(world, admitted, api_as):
    s = services.spare_key_request(actor=world.frontdesk, entry=admitted())
    resp = api_as(world.supervisor).post(
        f"{BASE}/spare-keys/{s.pk}/decline/", {"note": "已解释"}, format="json"
    )
    assert resp.status_code == 200 and resp.json()["status"] == SpareKeyStatus.DECLINED
