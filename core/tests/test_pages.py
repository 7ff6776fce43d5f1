"""Home, notifications, login/logout, the DomainError middleware and the shared generic views."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from core.deadlines import clock_start
from core.models import Notification
from core.notify import notify_users
from core.testing.personas import PASSWORD
from core.testing.queries import assert_max_queries

# ---- home -------------------------------------------------------------------------------------------


def test_home_anonymous_goes_to_login(db, client):
    r = client.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def _clocks(world, n, offset):
    now = timezone.now()
    units = [world.u1, world.u2, world.u3]
    for i in range(n):
        clock_start(
            units[i % 3],
            prop=world.p1,
            kind=f"k{offset + i}",
            label=f"事项{offset + i}",
            duration=timedelta(hours=1),
            responsible=world.admin1 if i % 2 else world.admin2,
            start=now - timedelta(hours=2) if i % 3 == 0 else now,
        )


def test_home_shows_my_deadlines_and_overdue_ones(world, client_as):
    now = timezone.now()
    clock_start(
        world.u1,
        prop=world.p1,
        kind="mine",
        label="我的回访",
        duration=timedelta(hours=5),
        responsible=world.admin1,
    )
    clock_start(
        world.u2,
        prop=world.p1,
        kind="late",
        label="超时报修",
        duration=timedelta(hours=1),
        responsible=world.admin2,
        start=now - timedelta(hours=3),
    )
    clock_start(
        world.u_p2,
        prop=world.p2,
        kind="late",
        label="别的项目",
        duration=timedelta(hours=1),
        start=now - timedelta(hours=3),
    )
    notify_users([world.admin1.pk], prop=world.p1, title="新通知标题")
    html = client_as(world.admin1).get("/").content.decode()
    assert "我的回访" in html and "超时报修" in html and "新通知标题" in html
    assert "别的项目" not in html
    html = client_as(world.admin2).get("/").content.decode()
    assert "我的回访" not in html and "超时报修" in html


def test_home_query_count_is_bounded(world, client_as):
    c = client_as(world.admin1)
    _clocks(world, 3, 0)
    c.get("/")
    with assert_max_queries(12) as small:
        assert c.get("/").status_code == 200
    _clocks(world, 30, 100)
    with assert_max_queries(12) as big:
        assert c.get("/").status_code == 200
    assert len(big.captured_queries) == len(small.captured_queries)


def test_core_menu_entries_are_registered():
    from core.registry import MENU

    assert MENU.get("core.property_settings").extra == {
        "url": "core:property_settings_index",
        "action": "property.manage",
    }
    assert MENU.get("core.calendar").extra["action"] == "calendar.manage"


def test_menu_shows_settings_entries_by_role(world, client_as):
    html = client_as(world.manager).get("/").content.decode()
    assert "/settings/property/" in html and "/settings/calendar/" in html
    html = client_as(world.supervisor).get("/").content.decode()
    assert "/settings/property/" not in html and "/settings/calendar/" in html
    html = client_as(world.frontdesk).get("/").content.decode()
    assert "/settings/" not in html


# ---- notifications page ------------------------------------------------------------------------------


def test_notifications_page(world, client, client_as):
    assert client.get("/notifications/").status_code == 302
    notify_users([world.admin1.pk], prop=world.p1, title="给张管理")
    notify_users([world.admin2.pk], prop=world.p1, title="给赵管理")
    c = client_as(world.admin1)
    html = c.get("/notifications/").content.decode()
    assert "给张管理" in html and "给赵管理" not in html and "未读" in html and "标为已读" in html
    r = c.post("/notifications/read/", {"next": "https://evil.example/"})
    assert r.status_code == 302 and r["Location"] == "/notifications/"
    assert not Notification.objects.filter(recipient=world.admin1, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=world.admin2, read_at__isnull=True).exists()
    assert c.get("/notifications/read/").status_code == 405


def test_notification_read_one_and_bad_id(world, client_as):
    notify_users([world.admin1.pk], title="一")
    notify_users([world.admin1.pk], title="二")
    one = Notification.objects.get(title="一")
    c = client_as(world.admin1)
    r = c.post("/notifications/read/", {"id": [one.pk], "next": "/"})
    assert r["Location"] == "/"
    assert list(Notification.objects.filter(read_at__isnull=True).values_list("title", flat=True)) == ["二"]
    r = c.post("/notifications/read/", {"id": ["abc"]})
    assert r.status_code == 400 and "无效" in r.content.decode()


# ---- login / logout ---------------------------------------------------------------------------------


def test_login_page_and_login(world, client):
    r = client.get("/login/")
    assert r.status_code == 200 and 'name="password"' in r.content.decode()
    r = client.post("/login/", {"username": "frontdesk", "password": "wrong"})
    assert r.status_code == 200 and "用户名或密码错误" in r.content.decode()
    r = client.post("/login/", {"username": "frontdesk", "password": PASSWORD, "next": "/notifications/"})
    assert r.status_code == 302 and r["Location"] == "/notifications/"
    assert client.get("/").status_code == 200


def test_logout_via_post_only(world, client_as):
    c = client_as(world.frontdesk)
    assert c.get("/logout/").status_code == 405
    r = c.post("/logout/")
    assert r.status_code == 302 and r["Location"] == "/login/"
    assert c.get("/").status_code == 302


# ---- DomainError middleware ------------------------------------------------------------------------------


@pytest.mark.urls("core.tests.throwaway_urls")
def test_domain_error_renders_error_page_with_status(world, client_as):
    c = client_as(world.frontdesk)
    r = c.get("/_t/domain/")
    assert r.status_code == 400
    assert "楼号已存在" in r.content.decode() and r.templates[0].name == "core/error.html"
    assert c.get("/_t/forbidden/").status_code == 403
    assert c.get("/_t/conflict/").status_code == 409
    assert c.get("/_t/ok/").status_code == 200


@pytest.mark.urls("core.tests.throwaway_urls")
def test_domain_error_htmx_fragment_into_flash(world, client_as):
    r = client_as(world.frontdesk).get("/_t/domain/", HTTP_HX_REQUEST="true")
    assert r.status_code == 400
    assert r["HX-Retarget"] == "#flash" and r["HX-Reswap"] == "innerHTML"
    body = r.content.decode()
    assert body.startswith('<div class="alert alert-error"') and "楼号已存在" in body and "<html" not in body


# ---- generic views -------------------------------------------------------------------------------------------


@pytest.mark.urls("core.tests.throwaway_urls")
def test_object_list_view_scoped_paginated_exported(world, client, client_as):
    assert client.get("/_t/units/").status_code == 302
    body = client_as(world.frontdesk).get("/_t/units/").content.decode()
    assert body.startswith("FULL") and "[3-0501][3-1201]" in body and "export=False" in body
    assert "2801" not in body
    assert "[3-1202] page=2" in client_as(world.frontdesk).get("/_t/units/?page=2").content.decode()
    # htmx: the fragment only
    r = client_as(world.frontdesk).get("/_t/units/", HTTP_HX_REQUEST="true")
    assert "FULL" not in r.content.decode() and "pagination" in r.content.decode()
    # export needs resident.export (the front desk lacks it)
    assert client_as(world.frontdesk).get("/_t/units/?export=xlsx").status_code == 403
    r = client_as(world.supervisor).get("/_t/units/?export=xlsx")
    assert r.status_code == 200
    rows = list(load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("房间", "面积", "楼座", "状态")
    assert sorted(row[0] for row in rows[1:]) == ["3-0501", "3-1201", "3-1202"]
    assert ("3-1201", 98.5, "3栋", "已入住") in rows


@pytest.mark.urls("core.tests.throwaway_urls")
def test_object_detail_view_other_property_404(world, client_as):
    assert client_as(world.frontdesk).get(f"/_t/units/{world.u1.pk}/").status_code == 200
    assert client_as(world.frontdesk).get(f"/_t/units/{world.u_p2.pk}/").status_code == 404


@pytest.mark.urls("core.tests.throwaway_urls")
def test_service_form_view(world, client, client_as):
    assert client.get("/_t/rename/").status_code == 302
    assert client_as(world.frontdesk).get("/_t/rename/").status_code == 403  # wrong role
    c = client_as(world.manager)
    assert c.get("/_t/rename/").status_code == 200
    r = c.post("/_t/rename/", {"number": "taken"})
    assert r.status_code == 400 and "房号已存在" in r.content.decode()
    assert c.post("/_t/rename/", {"number": ""}).status_code == 400
    r = c.post("/_t/rename/", {"number": "1301"})
    assert r.status_code == 302 and r["Location"] == "/done/"
    r = c.post("/_t/rename/", {"number": "1301"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 204 and r["HX-Redirect"] == "/done/"
