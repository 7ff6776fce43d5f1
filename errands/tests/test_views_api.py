import pytest
from django.test import Client

from errands import services
from errands.models import ConciergeErrand, LaundryOrder, PhoneCall, TicketBooking

from .conftest import MONDAY, at, png

pytestmark = pytest.mark.django_db

PAGES = [
    "/errands/tickets/",
    "/errands/errands/",
    "/errands/laundry/",
    "/errands/calls/",
    "/errands/tickets/print/",
    "/errands/laundry/print/",
    "/errands/calls/print/",
    "/errands/new/ticket/",
    "/errands/new/errand/",
    "/errands/new/laundry/",
    "/errands/new/call/",
]


def test_pages_standard_cases(ew, client_as):
    assert Client().get("/errands/tickets/").status_code == 302
    eng = client_as(ew.engineer)
    assert eng.get("/errands/tickets/").status_code == 403
    c = client_as(ew.frontdesk)
    for url in PAGES:
        assert c.get(url).status_code == 200, url
    assert c.get("/errands/cash/").status_code == 403  # front desk: no petty cash
    for user in (ew.admin1, ew.supervisor):
        assert client_as(user).get("/errands/cash/").status_code == 200
        assert client_as(user).get("/errands/cash/print/").status_code == 200


# R-TEL-01..08: the conduct rules are shown as guidance next to the phone log; R-TEL-02 greeting
def test_phone_page_shows_greeting_and_guidance(ew, client_as):
    body = client_as(ew.frontdesk).get("/errands/new/call/").content.decode()
    assert "您好,翠湖花园物业服务中心。" in body and "Property office, may I help you?" in body
    for rid in ("R-TEL-01", "R-TEL-03", "R-TEL-05", "R-TEL-07", "R-TEL-08"):
        assert rid in body
    assert "请稍等" in body and "先挂断" in body


def test_create_pages_and_bad_input(ew, client_as):
    c = client_as(ew.frontdesk)
    bad = c.post(
        "/errands/new/errand/",
        {
            "unit_label": "3-1201",
            "kind": "shopping",
            "item_name": "感冒药",
            "item_spec": "盒",
            "item_quantity": 1,
            "item_price": "20",
            "assigned_to": ew.admin1.pk,
        },
    )
    assert bad.status_code == 400 and "入口物品不代购" in bad.content.decode()
    assert not ConciergeErrand.objects.exists()
    r = c.post(
        "/errands/new/laundry/",
        {
            "unit_label": "3-1201",
            "kind": "wet",
            "count_text": "2L",
            "garment_0": "衬衫",
            "qty_0": 2,
            "finish_0": "hung",
        },
    )
    assert r.status_code == 302 and LaundryOrder.objects.get().count_label == "2L"
    r = c.post(
        "/errands/new/call/",
        {
            "caller_name": "王先生",
            "phone": "13900001234",
            "subject": "报修咨询",
            "outcome": "callback",
            "answered_within_three_rings": "on",
        },
    )
    assert r.status_code == 302 and PhoneCall.objects.get().callback_due_at
    r = c.post(
        "/errands/new/ticket/",
        {
            "unit_label": "3-1201",
            "kind": "air",
            "passenger_name": "林业主",
            "passenger_id_number": "110101198001011234",
            "carrier": "国航",
            "flight_no": "CA1",
            "departure_at": "2031-03-10T09:00",
            "cabin_class": "经济舱",
            "destination": "上海",
            "agency": "蓝天票务",
        },
    )
    assert r.status_code == 400 and "R-TIX-02" in r.content.decode() and not TicketBooking.objects.exists()


def test_detail_actions_and_other_property(ew, client_as):
    o = services.laundry_receive(
        actor=ew.frontdesk,
        prop=ew.p1,
        unit=ew.u1,
        resident=ew.owner,
        kind="dry",
        items=[{"garment": "西装", "quantity": 1}],
        count_text="1D",
    )
    assert client_as(ew.frontdesk2).get(f"/errands/laundry-order/{o.pk}/").status_code == 404
    c = client_as(ew.frontdesk)
    body = c.get(f"/errands/laundry/{o.pk}/slip/").content.decode()
    assert "白联" in body and "绿联" in body and "黄联" in body and body.count(o.slip_no) >= 3  # R-LAUN-05
    sup = client_as(ew.supervisor)
    assert sup.get("/errands/laundry/collect/").status_code == 200
    r = sup.post("/errands/laundry/collect/", {"slot": "09:30", "laundry_staff": "小李", "orders": [o.pk]})
    assert r.status_code == 302
    o.refresh_from_db()
    rnd = o.round
    r = sup.post(
        f"/errands/laundry/rounds/{rnd.pk}/",
        {"laundry_staff": "小李", "returned_slip_nos": "GX-999999", f"count_{o.pk}": 1},
    )
    assert r.status_code == 400 and "R-LAUN-09" in r.content.decode()
    r = sup.post(
        f"/errands/laundry/rounds/{rnd.pk}/",
        {"laundry_staff": "小李", "returned_slip_nos": o.slip_no, f"count_{o.pk}": 1},
    )
    assert r.status_code == 302
    r = c.post(f"/errands/laundry/{o.pk}/pickup/", {"price": "30"})
    assert r.status_code == 400
    assert (
        c.post(
            f"/errands/laundry/{o.pk}/pickup/", {"owner_signed_green": "on", "paid": "on", "price": "30"}
        ).status_code
        == 302
    )
    o.refresh_from_db()
    assert o.paid and o.status == "picked_up"


def test_cash_pages(ew, client_as):
    sup, adm, fin = client_as(ew.supervisor), client_as(ew.admin1), client_as(ew.finance)
    page = sup.get("/errands/cash/").content.decode()
    assert "不少于 200" in page  # R-CASH-06 proposal at balance 0
    assert sup.post("/errands/cash/replenish/", {"amount": "500"}).status_code == 302
    req = ew.p1.pettycashreplenishment_set.get()
    assert fin.post(f"/errands/cash/replenish/{req.pk}/receive/", {"amount": "500"}).status_code == 302
    r = adm.post("/errands/new/cash/", {"unit_label": "3-1201", "purpose": "代寄邮资", "amount": "12"})
    assert r.status_code == 302
    use = ew.p1.pettycashuse_set.get()
    assert adm.post(f"/errands/cash/{use.pk}/sign/", {"signature_name": "林业主"}).status_code == 302
    assert adm.post(f"/errands/cash/{use.pk}/approve/").status_code == 403
    assert sup.post(f"/errands/cash/{use.pk}/approve/").status_code == 302
    r = adm.post(
        f"/errands/cash/{use.pk}/invoice/", {"invoice_no": "F1", "file": png(), "handed_to_owner": "on"}
    )
    assert r.status_code == 302
    use.refresh_from_db()
    assert use.status == "invoiced"


def test_api(ew, api_as, client):
    assert client.get("/api/v1/ticket-bookings/").status_code in (401, 403)
    fd = api_as(ew.frontdesk)
    r = fd.post(
        "/api/v1/concierge-errands/",
        {"unit_label": "3-1201", "kind": "postage", "weight_g": 20, "destination": "北京", "cost": "2.40"},
        format="json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert api_as(ew.frontdesk2).get(f"/api/v1/concierge-errands/{pk}/").status_code == 404
    r = fd.post(
        f"/api/v1/concierge-errands/{pk}/step/complete/", {"collected_from_owner": "2.40"}, format="json"
    )
    assert r.status_code == 200 and r.json()["status"] == "done"
    r = fd.post(
        "/api/v1/concierge-errands/",
        {
            "unit_label": "3-1201",
            "kind": "shopping",
            "item_name": "药",
            "item_spec": "x",
            "item_quantity": 1,
            "item_price": "1",
            "assigned_to": ew.admin1.pk,
        },
        format="json",
    )
    assert r.status_code == 400 and "R-ERR-07" in r.content.decode()
    r = fd.post(
        "/api/v1/phone-calls/",
        {"caller_name": "王", "phone": "13900001234", "subject": "问询", "outcome": "done"},
        format="json",
    )
    assert r.status_code == 201 and r.json()["phone"] == "139****1234"
    assert api_as(ew.supervisor).get("/api/v1/petty-cash-uses/balance/").json()["propose_topup"] is True
    assert fd.get("/api/v1/petty-cash-uses/").json()["count"] == 0
    lo = fd.post(
        "/api/v1/laundry-orders/",
        {
            "unit_label": "3-1201",
            "kind": "dry",
            "count_text": "2D",
            "garment_0": "大衣",
            "qty_0": 2,
            "finish_0": "hung",
        },
        format="json",
    )
    assert lo.status_code == 201
    assert (
        fd.post(
            "/api/v1/laundry-orders/collect/",
            {"slot": "09:30", "orders": [lo.json()["id"]], "laundry_staff": "小李"},
            format="json",
        ).status_code
        == 403
    )
    r = api_as(ew.supervisor).post(
        "/api/v1/laundry-orders/collect/",
        {"slot": "09:30", "orders": [lo.json()["id"]], "laundry_staff": "小李"},
        format="json",
    )
    assert r.status_code == 201
    assert client.get("/api/schema/").status_code == 200


def test_list_query_count_does_not_grow(ew, client_as, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_as(ew.frontdesk)

    def log(n):
        for i in range(n):
            services.phone_call_log(
                actor=ew.frontdesk,
                prop=ew.p1,
                caller_name=f"来电{i}",
                phone="13900001234",
                subject="问询",
                outcome="callback",
                now=at(MONDAY, 10),
            )

    log(2)
    with CaptureQueriesContext(connection) as few:
        assert c.get("/errands/calls/").status_code == 200
    log(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get("/errands/calls/").status_code == 200
