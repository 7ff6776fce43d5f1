"""The pages: intake, the panel's steps on the request page, the work-order print, the ledger, the daily return,
the unfinished record and the fee schedule."""

import random

import pytest
from django.utils import timezone

from core.testing.queries import assert_max_queries
from repairs import services
from repairs.models import PriceItem, RepairOrder

from .conftest import p2_repair


def post_step(c, pk, name, data):
    return c.post(f"/repairs/{pk}/step/{name}/", data)


def test_pages_need_login(rw, client):
    for url in (
        "/repairs/",
        "/repairs/new/unit/",
        "/repairs/returns/",
        "/repairs/unfinished/",
        "/repairs/prices/",
    ):
        r = client.get(url)
        assert r.status_code == 302 and "login" in r["Location"], url


# R-REP-03
def test_in_unit_intake_page_creates_and_notifies(rw, client_as):
    c = client_as(rw.frontdesk)
    assert c.get("/repairs/new/unit/").status_code == 200
    r = c.post(
        "/repairs/new/unit/",
        {
            "channel": "phone",
            "unit": "3-9999",
            "reporter_name": "张三",
            "description": "漏水",
            "notify_method": "phone",
        },
    )
    assert r.status_code == 400 and "没有该房号" in r.content.decode() and not RepairOrder.objects.exists()
    r = c.post(
        "/repairs/new/unit/",
        {
            "channel": "phone",
            "unit": "3-1201",
            "reporter_name": "张三",
            "contact_phone": "13812345678",
            "description": "卫生间漏水",
            "special_requests": "穿鞋套",
            "available_times": "上午",
            "spare_key_allowed": "on",
            "notify_method": "radio",
        },
    )
    assert r.status_code == 302
    o = RepairOrder.objects.get()
    assert o.spare_key_allowed and o.request.reporter == rw.owner and o.notify_method == "radio"
    page = c.get(r["Location"]).content.decode()
    assert (
        "《工程维修单》" in page
        and "工程部接单签字" in page
        and "138****5678" in page
        and "13812345678" not in page
    )


# R-REP-17 R-REP-20
def test_public_and_clubhouse_intake_pages(rw, client_as):
    c = client_as(rw.admin1)
    r = c.post(
        "/repairs/new/public/",
        {
            "channel": "patrol",
            "location": rw.lobby.pk,
            "reporter_name": "孙保安",
            "description": "吊灯不亮",
            "notify_method": "phone",
        },
    )
    assert r.status_code == 400 and "部门" in r.content.decode()
    r = c.post(
        "/repairs/new/public/",
        {
            "channel": "patrol",
            "location": rw.lobby.pk,
            "reporter_name": "孙保安",
            "reporter_department": "秩序维护部",
            "description": "吊灯不亮",
            "notify_method": "phone",
        },
    )
    assert r.status_code == 302
    page = c.get("/repairs/new/clubhouse/").content.decode()
    assert "R-REP-22" in page and rw.pool.name in page and rw.lobby.name not in page
    r = c.post(
        "/repairs/new/clubhouse/",
        {
            "location": rw.pool.pk,
            "reporter_name": "会所小王",
            "description": "泵异响",
            "notify_method": "phone",
        },
    )
    assert r.status_code == 302
    assert set(RepairOrder.objects.values_list("scope", flat=True)) == {"public", "clubhouse"}


def test_intake_refused_for_wrong_role(rw, client_as):
    assert client_as(rw.guard).get("/repairs/new/unit/").status_code == 403
    assert client_as(rw.guard).get("/repairs/").status_code == 200  # every department follows repairs


# R-REP-25
def test_emergency_page(rw, client_as):
    c = client_as(rw.frontdesk)
    r = c.post(
        "/repairs/new/emergency/",
        {
            "unit": "3-1201",
            "severity": "serious",
            "description": "跑水",
            "reporter_name": "张三",
            "method": "radio",
        },
    )
    assert r.status_code == 302
    page = c.get(r["Location"]).content.decode()
    assert "紧急:5分钟内到场" in page and "到场" in page


def test_every_step_from_the_panel(rw, client_as, make_repair):
    req = make_repair(spare_key_allowed=True)
    desk, eng, guard = client_as(rw.frontdesk), client_as(rw.engineer), client_as(rw.guard)
    r = post_step(eng, req.pk, "collect", {"collector": rw.engineer.pk, "signature": "刘工"})
    assert r.status_code == 302
    assert post_step(desk, req.pk, "reconfirm", {"note": "业主确认"}).status_code == 302
    r = post_step(guard, req.pk, "key_enter", {"cs_person": rw.admin1.pk, "security_person": rw.guard.pk})
    assert r.status_code == 400  # all three departments (R-REP-14)
    assert (
        post_step(
            guard,
            req.pk,
            "key_enter",
            {"cs_person": rw.admin1.pk, "security_person": rw.guard.pk, "engineering_person": rw.engineer.pk},
        ).status_code
        == 302
    )
    page = desk.get(f"/servicedesk/{req.pk}/").content.decode()
    assert "仍在户内" in page and "三方同时离开" in page
    assert post_step(guard, req.pk, "key_leave", {}).status_code == 302
    assert post_step(eng, req.pk, "arrive", {}).status_code == 302
    item = PriceItem.objects.get(property=rw.p1, category="install", seq=5)
    services.price_item_update(actor=rw.supervisor, item=item, price="40")
    assert (
        post_step(
            eng, req.pk, "charge", {"kind": "labour", "price_item": item.pk, "quantity": "1"}
        ).status_code
        == 302
    )
    assert (
        post_step(
            eng,
            req.pk,
            "charge",
            {"kind": "off_list", "description": "锁芯", "quantity": "1", "unit_price": "50"},
        ).status_code
        == 302
    )
    r = post_step(
        eng, req.pk, "complete", {"result": "换锁", "repairer_signature": "刘工", "signer_name": "张三"}
    )
    assert r.status_code == 400 and "未经业户确认" in r.content.decode()
    assert post_step(eng, req.pk, "charges_confirm", {"resident_name": "张三"}).status_code == 302
    assert post_step(desk, req.pk, "payment", {"method": "cash"}).status_code == 302
    assert (
        post_step(
            eng,
            req.pk,
            "complete",
            {"result": "换锁", "repairer_signature": "刘工", "signer_name": "张三", "reported_to_cs": "on"},
        ).status_code
        == 302
    )
    assert (
        post_step(eng, req.pk, "confirm", {"note": "正常"}).status_code == 403
    )  # the 管理员 confirms (R-REP-11)
    assert post_step(desk, req.pk, "confirm", {"note": "业户确认正常"}).status_code == 302
    req.refresh_from_db()
    assert req.status == "confirmed"
    page = desk.get(f"/servicedesk/{req.pk}/").content.decode()
    assert "10.00" in page and "100.00" in page  # 20% of 50 = 10, 40 + 50 + 10 = 100
    assert client_as(rw.frontdesk2).post(f"/repairs/{req.pk}/step/confirm/", {"note": "x"}).status_code == 404


# R-REP-02
def test_work_order_print_has_both_copies_with_the_same_number(rw, client_as, make_repair):
    req = make_repair()
    page = client_as(rw.engineer).get(f"/repairs/{req.pk}/print/").content.decode()
    assert "第一联" in page and "第二联" in page and page.count(req.number) >= 3
    assert "工程部接单时间" in page and "@media print" in page
    assert client_as(rw.frontdesk2).get(f"/repairs/{req.pk}/print/").status_code == 404


# R-REP-06
def test_ledger_lists_every_order_exports_and_prints(rw, client_as, make_repair):
    a = make_repair()
    b = make_repair(
        scope="public", unit=None, location=rw.lobby, reporter_name="孙保安", reporter_department="秩序维护部"
    )
    other = p2_repair(rw)
    c = client_as(rw.frontdesk)
    with assert_max_queries(20):
        page = c.get("/repairs/").content.decode()
    assert a.number in page and b.number in page and other.number not in page
    assert "138****5678" in page
    page = c.get("/repairs/", {"scope": "public"}).content.decode()
    assert b.number in page and a.number not in page
    assert c.get("/repairs/", {"print": "1"}).status_code == 200
    assert c.get("/repairs/", {"export": "xlsx"}).status_code == 403  # export: leads and CS administrators
    r = client_as(rw.supervisor).get("/repairs/", {"export": "xlsx"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(r.content)).active
    rows = list(ws.values)
    assert rows[0][0] == "编号" and {row[0] for row in rows[1:]} == {a.number, b.number}
    assert all("13812345678" not in str(v) for row in rows for v in row)


# R-REP-23 R-REP-24
def test_return_and_unfinished_pages(rw, client_as, make_repair):
    req = make_repair()
    c = client_as(rw.frontdesk)
    page = c.get("/repairs/returns/").content.decode()
    assert req.number in page and "17:00" in page
    r = c.post("/repairs/returns/", {"returned_by": rw.engineer.pk})
    assert r.status_code == 400 and "未完成的维修单须注明原因" in r.content.decode()
    r = c.post("/repairs/returns/", {"returned_by": rw.engineer.pk, f"reason_{req.pk}": "缺配件"})
    assert r.status_code == 302
    day = timezone.localdate().isoformat()
    page = client_as(rw.engsup).get("/repairs/unfinished/", {"date": day}).content.decode()
    assert req.number in page and "缺配件" in page
    r = c.post(f"/repairs/unfinished/?date={day}", {"supervisor": rw.engsup.pk})
    assert r.status_code == 302
    assert "已于" in c.get("/repairs/unfinished/", {"date": day}).content.decode()
    assert client_as(rw.guard).post("/repairs/returns/", {"returned_by": rw.engineer.pk}).status_code == 403


# R-PAID-06
def test_price_list_page_and_edit(rw, client_as):
    page = client_as(rw.engineer).get("/repairs/prices/").content.decode()
    assert "日光灯(单管)" in page and "电话机点线路维修" in page and "20%" in page and "未定价" in page
    item = PriceItem.objects.get(property=rw.p1, category="install", seq=1)
    assert (
        client_as(rw.frontdesk)
        .post(f"/repairs/prices/{item.pk}/", {"price": "20", "active": "on"})
        .status_code
        == 403
    )
    assert client_as(rw.supervisor).post(f"/repairs/prices/{item.pk}/", {"price": "abc"}).status_code == 400
    assert (
        client_as(rw.supervisor)
        .post(f"/repairs/prices/{item.pk}/", {"price": "20", "active": "on"})
        .status_code
        == 302
    )
    item.refresh_from_db()
    assert str(item.price) == "20.00"
    other = PriceItem.objects.get(property=rw.p2, category="install", seq=1)
    assert client_as(rw.supervisor).post(f"/repairs/prices/{other.pk}/", {"price": "1"}).status_code == 404


def test_archive_page_shows_repairs(rw, client_as, make_repair):
    req = make_repair()
    page = client_as(rw.frontdesk).get(f"/residents/{rw.owner.pk}/")
    assert page.status_code == 200 and req.number in page.content.decode()


@pytest.mark.django_db
def test_demo_loader(rw):
    from repairs import demo

    staff = {u.username: u for u in (rw.frontdesk, rw.admin1, rw.supervisor, rw.engineer, rw.guard)}
    made = demo.load(prop=rw.p1, staff=staff, rng=random.Random(3), units=[rw.u1, rw.u2, rw.u3])
    assert made["orders"] >= 12
    statuses = set(RepairOrder.objects.values_list("request__status", flat=True))
    assert statuses >= {"reported", "dispatched", "collected", "arrived", "on_hold", "completed", "confirmed"}
    paid = RepairOrder.objects.get(is_paid=True)
    assert paid.charges.filter(kind="off_list", service_fee__gt=0).exists()
    leak = RepairOrder.objects.get(request__is_emergency=True)
    assert leak.accident_report.status == "acknowledged" and leak.losses.exists()
    from repairs.models import DailyReturn

    ret = DailyReturn.objects.get()
    assert ret.lines.filter(finished=False).count() == 2
    assert demo.load(prop=rw.p1, staff=staff, rng=random.Random(3), units=[rw.u1]) == {"skipped": True}
