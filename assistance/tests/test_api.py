"""API twins: /api/v1/help-requests/, help-incidents/, help-register-batches/."""

from datetime import datetime

import pytest
from django.utils import timezone

from assistance import services
from assistance.models import HelpRegisterBatch, HelpRequest, Incident

URL = "/api/v1/help-requests/"


def body(world, **over):
    d = {
        "property": world.p1.pk,
        "category": "first_aid",
        "channel": "phone",
        "reporter_name": "张先生",
        "contact_phone": "13800003333",
        "description": "老人晕倒",
        "unit": world.u1.pk,
        "floor_address": "3栋12楼1201",
        "patient_phone": "13900004444",
    }
    d.update(over)
    return d


def test_anonymous_refused(client):
    assert client.get(URL).status_code in (401, 403)
    assert client.post(URL, {}, content_type="application/json").status_code in (401, 403)


def test_wrong_role_refused(world, api_as):
    c = api_as(world.engineer)
    assert c.get(URL).status_code == 403
    assert c.post(URL, body(world), format="json").status_code == 403
    assert not HelpRequest.objects.exists()


def test_create_list_detail_and_masking(world, api_as):
    c = api_as(world.frontdesk)
    resp = c.post(URL, body(world), format="json")
    assert resp.status_code == 201, resp.content
    d = resp.json()
    assert d["number"].startswith("QZ") and d["contact_phone"] == "138****3333"
    assert d["steps"][0]["key"] == "address_phone" and d["steps"][0]["value"]["phone"] == "139****4444"
    lst = c.get(URL + "?category=first_aid").json()
    assert lst["count"] == 1 and lst["results"][0]["request"] == d["request"]
    assert c.get(URL + "?category=repair").json()["count"] == 0
    assert api_as(world.frontdesk2).get(f"{URL}{d['request']}/").status_code == 404


def test_bad_input_clear_error_nothing_written(world, api_as):
    c = api_as(world.frontdesk)
    resp = c.post(URL, body(world, reporter_name=" ", category="other"), format="json")
    assert resp.status_code == 400
    resp = c.post(URL, body(world, category="nonsense"), format="json")
    assert resp.status_code == 400 and "category" in resp.json()
    resp = c.post(URL, body(world, property=world.p2.pk), format="json")
    assert resp.status_code == 404
    assert not HelpRequest.objects.exists()


# R-HELP-06, R-HELP-08
def test_steps_in_order_then_resolve(world, api_as):
    c = api_as(world.frontdesk)
    pk = c.post(URL, body(world), format="json").json()["request"]
    r = c.post(f"{URL}{pk}/steps/", {"key": "entrance_posted"}, format="json")
    assert r.status_code == 400 and "请先完成" in str(r.json())
    for key, values in [
        ("choice", {"choice": "call_120"}),
        ("security_notified", {}),
        ("called_120", {}),
        ("entrance_posted", {}),
        ("ambulance_guided", {}),
        ("outcome", {"outcome": "120 送医"}),
    ]:
        r = c.post(f"{URL}{pk}/steps/", {"key": key, "values": values}, format="json")
        assert r.status_code == 200, (key, r.content)
    r = c.post(f"{URL}{pk}/resolve/", {"result": "已送医"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "helped"


# R-HELP-05
def test_close_unsatisfiable_requires_referral(world, api_as):
    c = api_as(world.frontdesk)
    pk = c.post(URL, body(world, category="other"), format="json").json()["request"]
    r = c.post(f"{URL}{pk}/close-unsatisfiable/", {"reason": "无法办理"}, format="json")
    assert r.status_code == 400 and "referral" in r.json()
    assert (
        c.post(f"{URL}{pk}/refer/", {"kind": "external", "target": "燃气公司"}, format="json").status_code
        == 200
    )
    r = c.post(f"{URL}{pk}/close-unsatisfiable/", {"reason": "无法办理"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "unsatisfiable"


# R-HELP-12, R-HELP-13, R-HELP-16
def test_promise_principle_reply_fee(world, api_as):
    c = api_as(world.frontdesk)
    pk = c.post(URL, body(world, category="consultation"), format="json").json()["request"]
    assert (
        c.post(f"{URL}{pk}/promise/", {"answer_by": "2001-01-01T00:00:00Z"}, format="json").status_code == 400
    )
    later = (timezone.now() + timezone.timedelta(hours=3)).isoformat()
    assert c.post(f"{URL}{pk}/promise/", {"answer_by": later}, format="json").status_code == 200
    assert (
        c.post(f"{URL}{pk}/principle/", {"note": "涉及开发商"}, format="json").json()["status"] == "escalated"
    )
    assert c.post(f"{URL}{pk}/supervisor-reply/", {"reply": "x"}, format="json").status_code == 403
    r = api_as(world.supervisor).post(f"{URL}{pk}/supervisor-reply/", {"reply": "协调后答复"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "handling"
    r = c.post(f"{URL}{pk}/fee/", {"is_paid": True, "fee": "50.00"}, format="json")
    assert r.status_code == 200 and r.json()["fee"] == "50.00"


# R-HELP-14
def test_incident_api(world, api_as):
    c = api_as(world.frontdesk)
    pk = c.post(URL, body(world, category="crime", description="打架"), format="json").json()["request"]
    r = c.post(
        f"{URL}{pk}/steps/",
        {"key": "incident_opened", "values": {"incident_type": "fight", "place": "小区东门"}},
        format="json",
    )
    assert r.status_code == 200
    inc = Incident.objects.get()
    lst = api_as(world.guard).get("/api/v1/help-incidents/").json()
    assert lst["count"] == 1 and lst["results"][0]["notified_manager_at"]
    assert api_as(world.frontdesk2).get(f"/api/v1/help-incidents/{inc.pk}/").status_code == 404
    assert c.post(f"/api/v1/help-incidents/{inc.pk}/close/", {}, format="json").status_code == 403
    assert (
        c.post(
            f"/api/v1/help-incidents/{inc.pk}/handle/", {"handling": "保安制止"}, format="json"
        ).status_code
        == 200
    )
    r = api_as(world.supervisor).post(f"/api/v1/help-incidents/{inc.pk}/close/", {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "closed"


# R-HELP-17
def test_batches_api(world, api_as, make_help):
    y = timezone.localdate().year - 1
    make_help("other", received_at=timezone.make_aware(datetime(y, 4, 1, 9, 0)))
    assert (
        api_as(world.frontdesk)
        .post("/api/v1/help-register-batches/archive/", {"property": world.p1.pk, "year": y}, format="json")
        .status_code
        == 403
    )
    c = api_as(world.clerk)
    r = c.post("/api/v1/help-register-batches/archive/", {"property": world.p1.pk, "year": y}, format="json")
    assert r.status_code == 201 and r.json()["request_count"] == 1
    b = HelpRegisterBatch.objects.get()
    r = api_as(world.supervisor).post(
        f"/api/v1/help-register-batches/{b.pk}/dispose/", {"reason": "x"}, format="json"
    )
    assert r.status_code == 400
    assert services.disposal_date(timezone.localdate()).isoformat() == r.json().get(
        "dispose_after", b.dispose_after.isoformat()
    )
    assert c.get("/api/v1/help-register-batches/").json()["count"] == 1


@pytest.mark.django_db
def test_schema_generates(client):
    assert client.get("/api/schema/").status_code == 200
