from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import Notification
from core.testing.queries import assert_max_queries
from storage.choices import FoundStatus, HeldStatus, StoredStatus
from storage.models import CustodyCheck, FoundItem, HeldItem, LostTicketAlert, StoredItem

LISTS = [
    "/api/v1/stored-items/",
    "/api/v1/lost-ticket-reports/",
    "/api/v1/held-items/",
    "/api/v1/found-items/",
    "/api/v1/custody-checks/",
]


def test_schema_generates(client):
    assert client.get("/api/schema/").status_code == 200


@pytest.mark.parametrize("url", LISTS)
def test_anonymous_refused(world, client, url):
    assert client.get(url).status_code in (401, 403)


@pytest.mark.parametrize("url", LISTS)
def test_wrong_role_refused(world, api_as, url):
    assert api_as(world.engineer).get(url).status_code == 403


def test_other_property_is_404_and_lists_are_scoped(world, api_as, deposit, hold, found):
    item, held, f = deposit(), hold(), found()
    c = api_as(world.frontdesk2)
    assert c.get(f"/api/v1/stored-items/{item.pk}/").status_code == 404
    assert c.get(f"/api/v1/held-items/{held.pk}/").status_code == 404
    assert c.get(f"/api/v1/found-items/{f.pk}/").status_code == 404
    assert (
        c.post(f"/api/v1/stored-items/{item.pk}/collect/", {"collector_name": "x"}, format="json").status_code
        == 404
    )
    assert c.get("/api/v1/stored-items/").json()["count"] == 0
    assert api_as(world.frontdesk).get("/api/v1/stored-items/").json()["count"] == 1


def test_deposit_api_refuses_then_accepts(world, api_as, owner):
    c = api_as(world.frontdesk)
    data = {
        "property": world.p1.pk,
        "depositor_kind": "resident",
        "resident": owner.pk,
        "description": "纸箱两个",
        "count": 2,
        "size_class": "small",
        "expected_collect_at": (timezone.now() + timedelta(days=2)).isoformat(),
        "location": "前台柜 B",
        "notice_given": True,
        "parts_confirmed": True,
    }
    resp = c.post("/api/v1/stored-items/", {**data, "hazardous": True}, format="json")
    assert resp.status_code == 400 and "hazardous" in resp.json()
    assert (
        c.post("/api/v1/stored-items/", {**data, "property": world.p2.pk}, format="json").status_code == 400
    )
    assert StoredItem.objects.count() == 0
    resp = c.post("/api/v1/stored-items/", data, format="json")
    assert resp.status_code == 201, resp.json()
    body = resp.json()
    assert body["unit_label"] == "3-1201" and body["depositor_phone"] == "138****5678"
    assert api_as(world.guard).post("/api/v1/stored-items/", data, format="json").status_code == 403


# R-STOR-20
def test_stranger_presents_lost_ticket_via_api(world, api_as, deposit, secsup):
    item = deposit()
    c = api_as(world.frontdesk)
    resp = c.post(
        "/api/v1/lost-ticket-reports/",
        {
            "property": world.p1.pk,
            "ticket_no": item.ticket_no,
            "reporter_name": "王芳",
            "unit_label": "3-1201",
        },
        format="json",
    )
    assert resp.status_code == 201 and resp.json()["outcome"] == "blocked"
    present = {
        "property": world.p1.pk,
        "ticket_no": item.ticket_no,
        "collector_name": "陌生人",
        "halves_match": True,
        "parts_stapled": True,
    }
    resp = c.post("/api/v1/stored-items/present/", present, format="json")
    assert resp.status_code == 400
    assert "稳住来人" in resp.json()["presented_ticket_no"][0]
    assert LostTicketAlert.objects.filter(item=item).count() == 1
    assert set(
        Notification.objects.filter(title__contains="已挂失").values_list("recipient__username", flat=True)
    ) == {
        "secsup",
        "guard",
        "supervisor",
    }
    item.refresh_from_db()
    assert item.status == StoredStatus.LOST_TICKET
    assert (
        c.get("/api/v1/stored-items/summary/", {"property": world.p1.pk}).json()["lost_ticket_alerts_today"]
        == 1
    )


def test_present_and_collect_then_conflict(world, api_as, deposit):
    item = deposit()
    c = api_as(world.frontdesk)
    present = {
        "property": world.p1.pk,
        "ticket_no": item.ticket_no,
        "collector_name": "王芳",
        "halves_match": True,
        "parts_stapled": True,
    }
    assert (
        c.post(
            "/api/v1/stored-items/present/", {**present, "ticket_no": "JC-NOPE"}, format="json"
        ).status_code
        == 404
    )
    resp = c.post("/api/v1/stored-items/present/", present, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "collected"
    assert resp.json()["collection"]["collector_name"] == "王芳"
    again = api_as(world.clerk).post(
        f"/api/v1/stored-items/{item.pk}/collect/",
        {**present, "presented_ticket_no": item.ticket_no},
        format="json",
    )
    assert again.status_code == 409
    s = api_as(world.supervisor)
    assert s.post(f"/api/v1/stored-items/{item.pk}/file/").json()["collection"]["filed_by"] == str(
        world.supervisor
    )


def test_collect_with_id_copy_multipart(world, api_as, deposit, id_copy):
    item = deposit()
    resp = api_as(world.frontdesk).post(
        f"/api/v1/stored-items/{item.pk}/collect/",
        {
            "presented_ticket_no": item.ticket_no,
            "collector_name": "代领人",
            "collector_is_depositor": "false",
            "collector_id_number": "110101198001011234",
            "id_copy": id_copy(),
            "halves_match": "true",
            "parts_stapled": "true",
        },
        format="multipart",
    )
    assert resp.status_code == 200, resp.json()
    assert resp.json()["collection"]["collector_id_number"] == "1101**********1234"


def test_seal_api(world, api_as, deposit):
    item = deposit()
    c = api_as(world.frontdesk)
    assert (
        c.post(
            f"/api/v1/stored-items/{item.pk}/seal/", {"supervisor": world.frontdesk.pk}, format="json"
        ).status_code
        == 400
    )
    resp = c.post(f"/api/v1/stored-items/{item.pk}/seal/", {"supervisor": world.supervisor.pk}, format="json")
    assert resp.status_code == 200 and resp.json()["sealed"]


def test_holding_api(world, api_as):
    c = api_as(world.frontdesk)
    data = {
        "property": world.p1.pk,
        "case": "owner_for_other",
        "unit": world.u1.pk,
        "owner_name": "王芳",
        "depositor_name": "王芳",
        "description": "车钥匙",
        "collector_name": "小李",
        "collect_by": (timezone.now() + timedelta(hours=2)).isoformat(),
        "is_key": True,
    }
    assert c.post("/api/v1/held-items/", data, format="json").status_code == 400
    resp = c.post(
        "/api/v1/held-items/", {**data, "envelope_sealed": True, "envelope_marking": "sticky"}, format="json"
    )
    assert resp.status_code == 201
    pk = resp.json()["id"]
    assert c.post(f"/api/v1/held-items/{pk}/chase/", {"note": "已短信提醒"}, format="json").status_code == 200
    resp = c.post(
        f"/api/v1/held-items/{pk}/collect/",
        {
            "collector_kind": "named",
            "collector_name": "小李",
            "collector_is_resident": True,
            "identity_checked": True,
            "collector_signed": True,
        },
        format="json",
    )
    assert resp.status_code == 200 and resp.json()["status"] == HeldStatus.COLLECTED
    assert HeldItem.objects.get(pk=pk).released_by == world.frontdesk


def test_found_api(world, api_as, found):
    c = api_as(world.frontdesk)
    data = {
        "property": world.p1.pk,
        "name": "钱包",
        "quantity": 1,
        "features": "棕色皮质,内有现金约 300 元",
        "found_where": "地下车库 B2",
        "found_at": (timezone.now() - timedelta(minutes=10)).isoformat(),
        "finder_name": "孙保安",
        "value_estimate": "300",
    }
    resp = c.post("/api/v1/found-items/", data, format="json")
    assert (
        resp.status_code == 201
        and resp.json()["high_value"]
        and resp.json()["storage_location"] == "贵重物品保险箱"
    )
    pk = resp.json()["id"]
    assert (
        c.post(f"/api/v1/found-items/{pk}/search-note/", {"note": "查看监控"}, format="json").status_code
        == 200
    )
    claim = {
        "claimant_name": "王芳",
        "claimant_id_number": "110101199001011234",
        "claim_evidence": "说出钱包内证件",
        "claimant_signed": True,
    }
    assert c.post(f"/api/v1/found-items/{pk}/claim/", claim, format="json").status_code == 403
    resp = api_as(world.supervisor).post(f"/api/v1/found-items/{pk}/claim/", claim, format="json")
    assert resp.status_code == 200 and resp.json()["claimant_id_number"] == "1101**********1234"
    old = found(
        found_at=timezone.now() - timedelta(days=100), handed_in_at=timezone.now() - timedelta(days=100)
    )
    assert c.get("/api/v1/found-items/", {"status": "awaiting_disposal"}).json()["count"] == 1
    resp = api_as(world.supervisor).post(
        f"/api/v1/found-items/{old.pk}/dispose/", {"method": "public_use", "note": "转作公用"}, format="json"
    )
    assert resp.status_code == 200 and FoundItem.objects.get(pk=old.pk).status == FoundStatus.DISPOSED


def test_custody_check_api(world, api_as, deposit, hold):
    a, h = deposit(), hold()
    c = api_as(world.frontdesk)
    rows = c.get("/api/v1/custody-checks/items/", {"property": world.p1.pk}).json()
    assert {r["no"] for r in rows} == {a.ticket_no, h.record_no}
    assert (
        api_as(world.frontdesk2).get("/api/v1/custody-checks/items/", {"property": world.p1.pk}).status_code
        == 404
    )
    resp = c.post(
        "/api/v1/custody-checks/",
        {"property": world.p1.pk, "present": [f"stored:{a.pk}", f"held:{h.pk}"]},
        format="json",
    )
    assert resp.status_code == 201 and resp.json()["missing"] == 0
    assert CustodyCheck.objects.count() == 1


def test_api_lists_cost_the_same_with_more_rows(world, api_as, deposit, hold, found):
    c = api_as(world.frontdesk)
    for _ in range(3):
        item = deposit()
        hold()
        found()
    from storage import services

    services.stored_item_collect(
        actor=world.frontdesk,
        item=item,
        presented_ticket_no=item.ticket_no,
        collector_name="王芳",
        halves_match=True,
        parts_stapled=True,
    )
    for url in ("/api/v1/stored-items/", "/api/v1/held-items/", "/api/v1/found-items/"):
        c.get(url)
        with assert_max_queries(8):
            assert c.get(url).status_code == 200
