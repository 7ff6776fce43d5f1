import pytest
from django.utils import timezone

from releases.models import GoodsRelease

from .conftest import MONDAY, at, png

pytestmark = pytest.mark.django_db


def test_pages_standard_cases(rel_world, client_as, issued):
    w = rel_world
    rel = issued()
    from django.test import Client

    assert Client().get("/releases/").status_code == 302
    assert client_as(w.engineer).get("/releases/").status_code == 403
    assert client_as(w.frontdesk2).get(f"/releases/{rel.pk}/").status_code == 404
    c = client_as(w.frontdesk)
    r = c.get("/releases/")
    assert r.status_code == 200 and rel.number in r.content.decode()
    assert c.get(f"/releases/{rel.pk}/").status_code == 200
    assert c.get("/releases/?export=xlsx").status_code == 200
    assert client_as(w.guard).get("/releases/exit/").status_code == 200
    assert c.get("/releases/exit/").status_code == 403


# R-REL-02 / R-REL-03: one record type printed as 物品放行条(携物出门条), two copies on one A4
def test_print_two_copies(rel_world, client_as, issued):
    rel = issued()
    body = client_as(rel_world.frontdesk).get(f"/releases/{rel.pk}/print/").content.decode()
    assert body.count("物品放行条(携物出门条)") == 2
    assert "第一联 存档联" in body and "第二联 业主联" in body and "size:A4" in body
    assert "110101199001011234" not in body


def test_create_page(rel_world, client_as):
    w = rel_world
    c = client_as(w.frontdesk)
    assert c.get("/releases/new/").status_code == 200
    data = {
        "kind": "ordinary",
        "unit_label": "3-1201",
        "carrier_name": "老王",
        "carrier_id_number": "110101199001011234",
        "carrier_phone": "13912345678",
        "planned_at": "2031-03-03T15:00",
        "items_text": "书籍纸箱 5\n台灯 ×1 旧",
    }
    bad = c.post("/releases/new/", {**data, "unit_label": "9-9999"})
    assert bad.status_code == 400 and GoodsRelease.objects.count() == 0
    r = c.post("/releases/new/", data)
    assert r.status_code == 302
    rel = GoodsRelease.objects.get()
    assert [(i.name, i.quantity, i.note) for i in rel.items.order_by("id")] == [
        ("书籍纸箱", 5, ""),
        ("台灯", 1, "旧"),
    ]


# R-REL-10: the guard's phone page, big buttons, mismatch returns the carrier
def test_exit_check_page(rel_world, client_as, issued):
    w = rel_world
    rel = issued()
    c = client_as(w.guard)
    page = c.get(f"/releases/exit/{rel.pk}/").content.decode()
    assert "相符,签字放行" in page and "不符,退回" in page
    assert c.get(f"/releases/exit/?q={rel.number}").status_code == 302
    r = c.post(f"/releases/exit/{rel.pk}/", {"match": "0"})
    assert r.status_code == 400
    r = c.post(f"/releases/exit/{rel.pk}/", {"match": "0", "note": "少一箱"})
    assert r.status_code == 302
    rel.refresh_from_db()
    assert rel.status == "returned"


# R-REL-09: in the browser — refused for unpaid fees, then passed at the exit
def test_move_out_flow_in_pages(rel_world, client_as, apply):
    w = rel_world
    rel = apply(kind="move_out", planned_at=at(MONDAY.replace(day=6), 10))
    fd, sup, fin, guard = (client_as(u) for u in (w.frontdesk, w.supervisor, w.finance, w.guard))
    assert fd.post(f"/releases/{rel.pk}/confirm/", {"confirmed_with": "林业主"}).status_code == 302
    assert fd.post(f"/releases/{rel.pk}/id-copy/", {"file": png()}).status_code == 302
    r = sup.post(f"/releases/{rel.pk}/issue/", {"carrier_signed": "on"})
    assert r.status_code == 400 and "费用尚未结清" in r.content.decode()
    assert fin.post(f"/releases/{rel.pk}/fees/", {"note": "已结清"}).status_code == 302
    assert sup.post(f"/releases/{rel.pk}/issue/", {"carrier_signed": "on"}).status_code == 302
    assert guard.post(f"/releases/exit/{rel.pk}/", {"match": "1"}).status_code == 302
    assert fd.post(f"/releases/{rel.pk}/file/").status_code == 302
    rel.refresh_from_db()
    assert rel.status == "passed" and rel.filed_at


# R-REL-09: the same in the API
def test_move_out_flow_in_api(rel_world, api_as):
    w = rel_world
    fd, sup, fin, guard = (api_as(u) for u in (w.frontdesk, w.supervisor, w.finance, w.guard))
    planned = (timezone.localtime() + timezone.timedelta(days=10)).replace(hour=10, minute=0)
    payload = {
        "kind": "move_out",
        "unit": w.u1.pk,
        "resident": w.owner.pk,
        "carrier_name": "老王",
        "carrier_id_number": "110101199001011234",
        "carrier_phone": "13912345678",
        "planned_at": planned.isoformat(),
        "items": [{"name": "书籍纸箱", "quantity": 5}],
    }
    assert fd.post("/api/v1/goods-releases/", {**payload, "items": []}, format="json").status_code == 400
    r = fd.post("/api/v1/goods-releases/", payload, format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["carrier_id_number"] == "1101**********1234"
    assert api_as(w.frontdesk2).get(f"/api/v1/goods-releases/{pk}/").status_code == 404
    assert (
        fd.post(
            f"/api/v1/goods-releases/{pk}/confirm-phone/", {"confirmed_with": "林业主"}, format="json"
        ).status_code
        == 200
    )
    assert (
        fd.post(f"/api/v1/goods-releases/{pk}/id-copy/", {"file": png()}, format="multipart").status_code
        == 200
    )
    r = sup.post(f"/api/v1/goods-releases/{pk}/issue/", {"carrier_signed": True}, format="json")
    assert r.status_code == 400 and "未结清" in r.content.decode()
    assert fd.post(f"/api/v1/goods-releases/{pk}/confirm-fees/", {}, format="json").status_code == 403
    assert fin.post(f"/api/v1/goods-releases/{pk}/confirm-fees/", {}, format="json").status_code == 200
    assert (
        sup.post(f"/api/v1/goods-releases/{pk}/issue/", {"carrier_signed": True}, format="json").status_code
        == 200
    )
    r = guard.post(f"/api/v1/goods-releases/{pk}/exit-check/", {"match": True}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "passed"
    assert fd.get("/api/v1/goods-releases/").json()["count"] == 1
    assert api_as(w.engineer).get("/api/v1/goods-releases/").json()["count"] == 0


def test_api_anonymous_and_schema(client):
    assert client.get("/api/v1/goods-releases/").status_code in (401, 403)
    assert client.get("/api/schema/").status_code == 200


def test_list_query_count_does_not_grow(rel_world, client_as, issued, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_as(rel_world.frontdesk)
    issued()
    with CaptureQueriesContext(connection) as few:
        assert c.get("/releases/").status_code == 200
    for _ in range(6):
        issued()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get("/releases/").status_code == 200
