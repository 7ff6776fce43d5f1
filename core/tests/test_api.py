"""API: token login, scoping (another property → 404), pagination, schema and docs without a CDN."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from core.notify import notify_users
from core.testing.personas import PASSWORD


def test_token_login_then_token_auth(world):
    c = APIClient()
    r = c.post("/api/auth/token/", {"username": "frontdesk", "password": PASSWORD}, format="json")
    assert r.status_code == 200
    token = r.json()["token"]
    assert c.get("/api/v1/units/").status_code in (401, 403)
    c.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    r = c.get("/api/v1/units/")
    assert r.status_code == 200
    assert r.json()["count"] == 3
    assert {u["label"] for u in r.json()["results"]} == {"3-1201", "3-1202", "3-0501"}


def test_token_login_wrong_password(world):
    r = APIClient().post("/api/auth/token/", {"username": "frontdesk", "password": "wrong"}, format="json")
    assert r.status_code == 400
    assert "token" not in r.json()
    r = APIClient().post("/api/auth/token/", {}, format="json")
    assert r.status_code == 400
    r = APIClient().post("/api/auth/token/", ["frontdesk", PASSWORD], format="json")
    assert r.status_code == 400


def test_anonymous_is_refused(db):
    for url in ("/api/v1/units/", "/api/v1/notifications/", "/api/v1/calendar-days/", "/api/v1/properties/"):
        assert APIClient().get(url).status_code in (401, 403), url


def test_list_endpoints_paginate(world, api_as):
    r = api_as(world.frontdesk).get("/api/v1/units/?page_size=2")
    data = r.json()
    assert data["count"] == 3 and len(data["results"]) == 2 and data["next"]
    r = api_as(world.frontdesk).get("/api/v1/units/?page_size=2&page=2")
    assert len(r.json()["results"]) == 1


def test_another_propertys_unit_is_404(world, api_as):
    assert api_as(world.frontdesk).get(f"/api/v1/units/{world.u_p2.pk}/").status_code == 404
    assert api_as(world.frontdesk2).get(f"/api/v1/units/{world.u_p2.pk}/").status_code == 200
    assert api_as(world.frontdesk).get(f"/api/v1/properties/{world.p2.pk}/").status_code == 404
    assert api_as(world.frontdesk).get(f"/api/v1/buildings/?property={world.p2.pk}").json()["count"] == 0


def test_outbox_needs_outbox_view(world, api_as):
    from core.notify import queue_resident_message

    queue_resident_message(prop=world.p1, channel="sms", to="13800005678", body="x")
    assert api_as(world.clerk).get("/api/v1/outbox/").json()["count"] == 1
    assert api_as(world.engineer).get("/api/v1/outbox/").json()["count"] == 0
    assert api_as(world.frontdesk2).get("/api/v1/outbox/").json()["count"] == 0


def test_notifications_api_is_per_user(world, api_as):
    notify_users([world.admin1.pk, world.admin2.pk], prop=world.p1, title="甲")
    notify_users([world.admin1.pk], prop=world.p1, title="乙")
    c = api_as(world.admin1)
    data = c.get("/api/v1/notifications/").json()
    assert data["count"] == 2
    first = data["results"][0]["id"]
    assert c.post("/api/v1/notifications/read/", {"ids": [first]}, format="json").json() == {"marked": 1}
    assert c.get("/api/v1/notifications/?unread=true").json()["count"] == 1
    assert c.post("/api/v1/notifications/read/", {}, format="json").json() == {"marked": 1}
    assert c.post("/api/v1/notifications/read/", {"ids": ["x"]}, format="json").status_code == 400
    assert api_as(world.admin2).get("/api/v1/notifications/?unread=1").json()["count"] == 1


def test_schema_and_docs(world, client_as):
    c = client_as(world.frontdesk)
    assert c.get("/api/schema/").status_code == 200
    r = c.get("/api/docs/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "swagger-ui" in html.lower()
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert any("drf_spectacular_sidecar" in u for u in urls)
    for needle in ("cdn", "unpkg", "jsdelivr"):
        assert needle not in html.lower()


def test_core_viewsets_generate_schema_without_warnings(db):
    err = StringIO()
    call_command("spectacular", "--file", "/dev/null", stderr=err, stdout=StringIO())
    core_lines = [
        line for line in err.getvalue().splitlines() if "core/" in line or "NotificationViewSet" in line
    ]
    assert core_lines == []


# ---- property settings (PATCH, managers only) -----------------------------------------------------------


def test_property_patch_by_manager(world, api_as):
    r = api_as(world.manager).patch(
        f"/api/v1/properties/{world.p1.pk}/",
        {"office_windows": "8:00-12:00,14:00-18:00", "deadline_warn_share": 80, "quiet_start": "22:00"},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["office_windows"] == [["08:00", "12:00"], ["14:00", "18:00"]]
    world.p1.refresh_from_db()
    assert world.p1.deadline_warn_share == 80 and str(world.p1.quiet_start) == "22:00:00"


def test_property_patch_refused_and_scoped(world, api_as):
    url = f"/api/v1/properties/{world.p1.pk}/"
    assert api_as(world.supervisor).patch(url, {"deadline_warn_share": 50}, format="json").status_code == 403
    assert (
        api_as(world.manager)
        .patch(f"/api/v1/properties/{world.p2.pk}/", {"deadline_warn_share": 50}, format="json")
        .status_code
        == 404
    )
    r = api_as(world.manager).patch(url, {"office_windows": "13:30-17:30,08:30-14:00"}, format="json")
    assert r.status_code == 400 and "office_windows" in r.json()
    r = api_as(world.manager).patch(url, {"deadline_warn_share": 100}, format="json")
    assert r.status_code == 400 and "deadline_warn_share" in r.json()
    assert api_as(world.manager).put(url, {"name": "x"}, format="json").status_code == 405
    world.p1.refresh_from_db()
    assert world.p1.deadline_warn_share == 75 and world.p1.office_windows == [
        ["08:30", "12:00"],
        ["13:30", "17:30"],
    ]


# ---- calendar days ---------------------------------------------------------------------------------------


@pytest.fixture
def days(world):
    from datetime import date

    from core.models import CalendarDay

    return {
        "global": CalendarDay.objects.create(
            property=None, date=date(2025, 10, 1), is_workday=False, name="国庆节"
        ),
        "p1": CalendarDay.objects.create(
            property=world.p1, date=date(2025, 10, 9), is_workday=False, name="停水"
        ),
        "p2": CalendarDay.objects.create(
            property=world.p2, date=date(2025, 10, 10), is_workday=False, name="p2"
        ),
        "other_year": CalendarDay.objects.create(property=None, date=date(2024, 10, 1), is_workday=False),
    }


def test_calendar_days_list_global_and_own(world, api_as, days):
    data = api_as(world.frontdesk).get("/api/v1/calendar-days/?year=2025").json()
    assert {d["id"] for d in data["results"]} == {days["global"].pk, days["p1"].pk}
    assert {d["scope"] for d in data["results"]} == {"global", "property"}
    data = api_as(world.frontdesk2).get("/api/v1/calendar-days/").json()
    assert {d["id"] for d in data["results"]} == {days["global"].pk, days["p2"].pk, days["other_year"].pk}


def test_calendar_days_create(world, api_as, days):
    body = {"property": world.p1.pk, "date": "2025-10-08", "is_workday": True, "name": "本项目上班"}
    r = api_as(world.supervisor).post("/api/v1/calendar-days/", body, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["scope"] == "property" and r.json()["is_workday"] is True
    # the same date again overrides (update), not a second row
    r = api_as(world.manager).post("/api/v1/calendar-days/", {**body, "is_workday": False}, format="json")
    assert r.status_code == 201
    from core.models import CalendarDay

    assert CalendarDay.objects.filter(property=world.p1, date="2025-10-08").get().is_workday is False
    # wrong role: refused; another property: "does not exist"
    assert api_as(world.frontdesk).post("/api/v1/calendar-days/", body, format="json").status_code == 403
    r = api_as(world.supervisor).post(
        "/api/v1/calendar-days/", {**body, "property": world.p2.pk}, format="json"
    )
    assert r.status_code == 400 and "property" in r.json()
    assert not CalendarDay.objects.filter(property=world.p2, date="2025-10-08").exists()
    r = api_as(world.supervisor).post("/api/v1/calendar-days/", {**body, "date": "x"}, format="json")
    assert r.status_code == 400
