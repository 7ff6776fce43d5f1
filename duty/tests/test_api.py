from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core.testing.queries import assert_max_queries
from duty import services
from duty.choices import DutyCategory, HandoverStatus, ReportStatus
from duty.models import DutyDay, DutyEntry, Handover, SpecialIncidentReport
from duty.tests.conftest import tiny_png


def entry_body(prop, **over):
    body = {
        "property": prop.pk,
        "occurred_at": timezone.now().replace(microsecond=0).isoformat(),
        "category": DutyCategory.OCCUPANCY,
        "course": "5-0501 新业主办理入住",
        "handling": "发放钥匙与《住户手册》",
        "result": "完成",
    }
    body.update(over)
    return body


# --- standard cases ---


@pytest.mark.parametrize(
    "url", ["/api/v1/duty-entries/", "/api/v1/special-reports/", "/api/v1/duty-days/", "/api/v1/handovers/"]
)
def test_anonymous_refused(db, url):
    assert APIClient().get(url).status_code in (401, 403)


def test_engineer_cannot_read_or_write_duty_log(world, api_as):
    c = api_as(world.engineer)
    assert c.get("/api/v1/duty-entries/").status_code == 403
    assert c.post("/api/v1/duty-entries/", entry_body(world.p1), format="json").status_code == 403
    assert (
        c.post("/api/v1/handovers/", {"property": world.p1.pk, "incoming": world.admin1.pk}).status_code
        == 403
    )
    assert DutyEntry.objects.count() == 0


def test_create_list_filter_update_void(world, api_as):
    c = api_as(world.frontdesk)
    resp = c.post("/api/v1/duty-entries/", entry_body(world.p1), format="json")
    assert resp.status_code == 201, resp.content
    eid = resp.json()["id"]
    c.post(
        "/api/v1/duty-entries/", entry_body(world.p1, category="complaint", course="投诉噪音"), format="json"
    )
    today = timezone.localdate().isoformat()
    data = c.get(f"/api/v1/duty-entries/?date={today}&category=occupancy").json()
    assert data["count"] == 1 and data["results"][0]["id"] == eid
    assert c.get("/api/v1/duty-entries/?date=bad").status_code == 400
    resp = c.patch(f"/api/v1/duty-entries/{eid}/", {"result": "钥匙 3 把已交"}, format="json")
    assert resp.status_code == 200 and resp.json()["result"] == "钥匙 3 把已交"
    assert c.post(f"/api/v1/duty-entries/{eid}/void/", {}, format="json").status_code == 400
    resp = c.post(f"/api/v1/duty-entries/{eid}/void/", {"reason": "重复"}, format="json")
    assert resp.status_code == 200 and resp.json()["is_void"] is True
    assert DutyEntry.objects.filter(pk=eid).exists()


def test_bad_input_400_nothing_written(world, api_as):
    c = api_as(world.frontdesk)
    assert (
        c.post("/api/v1/duty-entries/", entry_body(world.p1, category="x"), format="json").status_code == 400
    )
    resp = c.post("/api/v1/duty-entries/", entry_body(world.p1, course=""), format="json")
    assert resp.status_code == 400
    future = (timezone.now() + timedelta(hours=3)).isoformat()
    resp = c.post("/api/v1/duty-entries/", entry_body(world.p1, occurred_at=future), format="json")
    assert resp.status_code == 400 and "occurred_at" in resp.json()
    # another property's id does not exist for this user
    assert c.post("/api/v1/duty-entries/", entry_body(world.p2), format="json").status_code == 400
    assert (
        c.post("/api/v1/duty-entries/", entry_body(world.p1, unit=world.u_p2.pk), format="json").status_code
        == 400
    )
    assert DutyEntry.objects.count() == 0


def test_other_property_404(world, api_as, make_entry):
    e = make_entry()
    c = api_as(world.frontdesk2)
    assert c.get(f"/api/v1/duty-entries/{e.pk}/").status_code == 404
    assert c.patch(f"/api/v1/duty-entries/{e.pk}/", {"result": "x"}, format="json").status_code == 404
    assert c.post(f"/api/v1/duty-entries/{e.pk}/void/", {"reason": "x"}, format="json").status_code == 404
    assert c.get("/api/v1/duty-entries/").json()["count"] == 0
    h = services.handover_start(actor=world.frontdesk, prop=world.p1, incoming=world.admin1)
    assert c.get(f"/api/v1/handovers/{h.pk}/").status_code == 404
    assert c.post(f"/api/v1/handovers/{h.pk}/confirm/").status_code == 404


# R-DUTY-05: sign via the API — 客服主管 only — and the day is locked.
def test_duty_day_sign(world, api_as, make_entry, yesterday_at):
    e = make_entry(occurred_at=yesterday_at())
    body = {"property": world.p1.pk, "date": e.day.date.isoformat(), "comment": "已阅"}
    assert api_as(world.frontdesk).post("/api/v1/duty-days/sign/", body, format="json").status_code == 403
    assert api_as(world.supervisor2).post("/api/v1/duty-days/sign/", body, format="json").status_code == 400
    c = api_as(world.supervisor)
    resp = c.post("/api/v1/duty-days/sign/", body, format="json")
    assert resp.status_code == 200 and resp.json()["is_signed"] and resp.json()["entry_count"] == 1
    assert c.post("/api/v1/duty-days/sign/", body, format="json").status_code == 409
    resp = api_as(world.frontdesk).patch(f"/api/v1/duty-entries/{e.pk}/", {"result": "x"}, format="json")
    assert resp.status_code == 400
    assert c.get("/api/v1/duty-days/?signed=true").json()["count"] == 1
    assert DutyDay.objects.get(pk=e.day_id).comment == "已阅"


# R-DUTY-02 via the API: submit with a multipart photo.
def test_special_report_api(world, api_as, make_entry):
    from django.core.files.uploadedfile import SimpleUploadedFile

    e = make_entry(is_major=True, category=DutyCategory.ACCIDENT, course="配电房冒烟")
    c = api_as(world.frontdesk)
    resp = c.post(
        "/api/v1/special-reports/",
        {"entry": e.pk, "title": "配电房冒烟", "details": "18:20 发现"},
        format="json",
    )
    assert resp.status_code == 201
    rid = resp.json()["id"]
    assert c.post(f"/api/v1/special-reports/{rid}/submit/").status_code == 400
    assert SpecialIncidentReport.objects.get(pk=rid).status == ReportStatus.DRAFT
    photo = SimpleUploadedFile("scene.png", tiny_png(), content_type="image/png")
    resp = c.post(f"/api/v1/special-reports/{rid}/submit/", {"photo": photo}, format="multipart")
    assert resp.status_code == 200 and resp.json()["status"] == "submitted"
    assert c.post(f"/api/v1/special-reports/{rid}/acknowledge/", {}, format="json").status_code == 403
    resp = api_as(world.supervisor).post(
        f"/api/v1/special-reports/{rid}/acknowledge/", {"comment": "阅"}, format="json"
    )
    assert resp.status_code == 200 and resp.json()["status"] == "acknowledged"
    assert api_as(world.frontdesk2).get(f"/api/v1/special-reports/{rid}/").status_code == 404


def test_handover_api_flow(world, api_as, django_capture_on_commit_callbacks):
    out = api_as(world.frontdesk)
    resp = out.post(
        "/api/v1/handovers/", {"property": world.p1.pk, "incoming": world.frontdesk.pk}, format="json"
    )
    assert resp.status_code == 400 and Handover.objects.count() == 0
    resp = out.post(
        "/api/v1/handovers/", {"property": world.p1.pk, "incoming": world.admin1.pk}, format="json"
    )
    assert resp.status_code == 201
    h = resp.json()
    checks = [dict(r, actual=r["expected"]) for r in h["checks"]]
    assert out.patch(f"/api/v1/handovers/{h['id']}/", {"checks": checks}, format="json").status_code == 200
    resp = out.post(
        f"/api/v1/handovers/{h['id']}/items/", {"description": "停水通知", "important": True}, format="json"
    )
    assert resp.status_code == 201
    item_id = resp.json()["items"][0]["id"]
    resp = out.post(f"/api/v1/handovers/{h['id']}/hand-over/", {}, format="json")
    assert resp.status_code == 400 and "unfinished_reason" in resp.json()
    assert Handover.objects.get().status == HandoverStatus.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        resp = out.post(
            f"/api/v1/handovers/{h['id']}/hand-over/", {"unfinished_reason": "水务未回复"}, format="json"
        )
    assert resp.status_code == 200 and resp.json()["status"] == "handed_over"
    assert "duty.entries_today" in resp.json()["counts_snapshot"]
    assert world.supervisor.notifications.count() == 1
    assert (
        out.post(
            f"/api/v1/handovers/{h['id']}/item-done/", {"item": item_id, "done": True}, format="json"
        ).status_code
        == 409
    )
    inc = api_as(world.admin1)
    assert api_as(world.admin2).post(f"/api/v1/handovers/{h['id']}/confirm/").status_code == 403
    resp = inc.post(f"/api/v1/handovers/{h['id']}/reject/", {"reason": "雨伞少1把"}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "draft"
    out.post(f"/api/v1/handovers/{h['id']}/item-done/", {"item": item_id, "done": True}, format="json")
    assert out.post(f"/api/v1/handovers/{h['id']}/hand-over/", {}, format="json").status_code == 200
    resp = inc.post(f"/api/v1/handovers/{h['id']}/confirm/")
    assert resp.status_code == 200 and resp.json()["status"] == "confirmed"


def test_entry_list_query_count_fixed(world, api_as, make_entry, yesterday_at):
    for i in range(40):
        make_entry(occurred_at=yesterday_at(8 + i % 10, i))
    c = api_as(world.frontdesk)
    c.get("/api/v1/duty-entries/")
    with assert_max_queries(6):
        resp = c.get("/api/v1/duty-entries/")
    assert resp.json()["count"] == 40
