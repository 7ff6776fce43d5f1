"""The API twins of every step: the paid repair with an off-list part and the 20% fee, and the emergency leak,
through /api/v1/repairs/ — with every step on the timeline and the clocks right."""

from decimal import Decimal

import pytest

from core.models import Deadline
from repairs.models import PriceItem, RepairOrder

from .conftest import p2_repair

BASE = "/api/v1/repairs/orders/"


def create(api, rw, **kw):
    body = {
        "property": rw.p1.pk,
        "scope": "unit",
        "unit": rw.u1.pk,
        "reporter": rw.owner.pk,
        "reporter_name": "张三",
        "contact_phone": "13812345678",
        "description": "厨房水龙头损坏,需更换",
        "special_requests": "下午在家",
        "available_times": "14:00-17:00",
    }
    body.update(kw)
    return api.post(BASE, body, format="json")


def step(api, pk, path, body=None, expect=200):
    r = api.post(f"{BASE}{pk}/{path}/", body or {}, format="json")
    assert r.status_code == expect, (path, r.status_code, r.content[:400])
    return r.json()


# R-REP-15 R-REP-16 R-REP-11
def test_paid_repair_with_off_list_part_and_twenty_percent_fee(rw, api_as):
    desk, eng, sup = api_as(rw.frontdesk), api_as(rw.engineer), api_as(rw.supervisor)
    tap = PriceItem.objects.get(property=rw.p1, category="repair", seq=8)
    r = sup.patch(f"/api/v1/repairs/prices/{tap.pk}/", {"price": "30.00"}, format="json")
    assert r.status_code == 200 and r.json()["price"] == "30.00"
    assert desk.patch(f"/api/v1/repairs/prices/{tap.pk}/", {"price": "1"}, format="json").status_code == 403
    r = create(desk, rw, is_paid=True)
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert (
        r.json()["request"]["status"] == "dispatched"
        and r.json()["request"]["contact_phone"] == "138****5678"
    )
    step(eng, pk, "collect", {"collector": rw.engineer.pk, "signature": "刘工"})
    step(eng, pk, "arrive")
    step(eng, pk, "charges", {"kind": "labour", "price_item": tap.pk})
    d = step(eng, pk, "charges", {"kind": "off_list", "description": "恒温阀芯", "unit_price": "85.00"})
    off = [c for c in d["charges"] if c["kind"] == "off_list"][0]
    assert (off["amount"], off["service_fee"], off["total"]) == ("85.00", "17.00", "102.00")
    assert Decimal(d["charges_total"]) == Decimal("132.00")
    bad = eng.post(
        f"{BASE}{pk}/complete/",
        {"result": "已更换", "repairer_signature": "刘工", "signer_name": "张三"},
        format="json",
    )
    assert bad.status_code == 400 and "charges" in bad.json()  # the resident has not agreed yet (R-REP-15)
    step(eng, pk, "charges-confirm", {"resident_name": "张三"})
    step(desk, pk, "payment", {"method": "wechat"})
    step(
        eng,
        pk,
        "complete",
        {
            "result": "已更换水龙头及阀芯",
            "repairer_signature": "刘工",
            "signer_name": "张三",
            "reported_to_cs": True,
        },
    )
    d = step(desk, pk, "confirm", {"note": "业户确认出水正常"})
    assert d["request"]["status"] == "confirmed" and d["payment_method"] == "wechat"
    clocks = {c["kind"]: c["state"] for c in d["clocks"]}
    # (other areas may add their own clocks on completion, e.g. the callbacks' 回访 clock, R-CB-12)
    assert {k: clocks[k] for k in ("collect", "complete", "confirm")} == {
        "collect": "met",
        "complete": "met",
        "confirm": "met",
    }
    tl = desk.get(f"/api/v1/requests/{pk}/timeline/").json()
    texts = " | ".join(e["text"] for e in tl)
    for part in (
        "电话通知工程部",
        "签字接单",
        "已到场",
        "服务费 17.00",
        "确认同意支付 132.00",
        "交费方式:微信",
        "完工",
        "与业户确认",
    ):
        assert part in texts, part


# R-REP-25 R-REP-26 R-REP-27 R-REP-28
def test_emergency_leak_through_the_api(rw, api_as, png):
    desk, eng, sup = api_as(rw.frontdesk), api_as(rw.engineer), api_as(rw.supervisor)
    r = desk.post(
        f"{BASE}emergency/",
        {
            "property": rw.p1.pk,
            "unit": rw.u1.pk,
            "severity": "serious",
            "description": "卫生间跑水",
            "reporter_name": "张三",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    d = r.json()
    pk = d["id"]
    assert d["paper_skipped"] and d["request"]["is_emergency"] and d["request"]["status"] == "dispatched"
    arrive = [c for c in d["clocks"] if c["kind"] == "arrive"][0]
    assert arrive["state"] == "running"
    step(eng, pk, "arrive", {"cs_on_site": True})
    photo = desk.post(f"/api/v1/requests/{pk}/photo/", {"file": png(), "caption": "积水"}, format="multipart")
    assert photo.status_code == 200, photo.content
    step(sup, pk, "losses", {"item": "木地板", "description": "泡水起拱", "estimated_amount": "6000"})
    step(
        eng,
        pk,
        "complete",
        {"result": "更换软管", "repairer_signature": "刘工", "signer_name": "张三", "reported_to_cs": True},
    )
    r = desk.post(f"{BASE}{pk}/confirm/", {"note": "正常"}, format="json")
    assert r.status_code == 400 and "accident_report" in r.json()
    step(desk, pk, "accident-report", {"facts": "软管爆裂", "severity": "serious", "impact": "地板受损"})
    step(desk, pk, "accident-report-submit")
    assert desk.post(f"{BASE}{pk}/accident-report-acknowledge/", {}, format="json").status_code == 403
    step(sup, pk, "accident-report-acknowledge", {"note": "已阅"})
    d = step(desk, pk, "confirm", {"note": "业户确认已止水"})
    assert d["accident_report"]["status"] == "acknowledged" and len(d["losses"]) == 1
    clocks = {c["kind"]: c["state"] for c in d["clocks"]}
    assert {k: clocks[k] for k in ("arrive", "confirm", "accident_report")} == dict.fromkeys(
        ("arrive", "confirm", "accident_report"), "met"
    )
    assert "collect" not in clocks and "complete" not in clocks  # no paper first; arrival is the clock
    kinds = [e["kind"] for e in desk.get(f"/api/v1/requests/{pk}/timeline/").json()]
    assert {"created", "status", "escalation", "attachment"} <= set(kinds)


# R-REP-14 R-REP-13
def test_spare_key_and_hold_steps(rw, api_as):
    desk, eng, guard = api_as(rw.frontdesk), api_as(rw.engineer), api_as(rw.guard)
    pk = create(desk, rw, spare_key_allowed=True).json()["id"]
    step(eng, pk, "collect", {"collector": rw.engineer.pk})
    r = guard.post(
        f"{BASE}{pk}/spare-key-enter/",
        {"cs_person": rw.admin1.pk, "security_person": rw.guard.pk, "engineering_person": rw.engineer.pk},
        format="json",
    )
    assert r.status_code == 400  # the permission is not reconfirmed yet
    step(desk, pk, "reconfirm-spare-key", {"note": "业主电话确认"})
    r = guard.post(
        f"{BASE}{pk}/spare-key-enter/",
        {"cs_person": rw.admin1.pk, "security_person": rw.guard.pk},
        format="json",
    )
    assert r.status_code == 400 and "engineering_person" in r.json()  # all three departments
    d = step(
        guard,
        pk,
        "spare-key-enter",
        {"cs_person": rw.admin1.pk, "security_person": rw.guard.pk, "engineering_person": rw.engineer.pk},
    )
    assert d["key_entries"][0]["left_at"] is None
    d = step(guard, pk, "spare-key-leave")
    assert d["key_entries"][0]["left_at"]
    r = desk.post(f"{BASE}{pk}/hold/", {"reason_kind": "not_home", "reason": "无人"}, format="json")
    assert r.status_code == 400 and "rescheduled_for" in r.json()
    d = step(
        desk,
        pk,
        "hold",
        {"reason_kind": "not_home", "reason": "无人", "rescheduled_for": "2099-01-05T10:00:00+08:00"},
    )
    assert d["request"]["status"] == "on_hold"
    assert {c["kind"]: c["state"] for c in d["clocks"]}["complete"] == "paused"


def test_api_standard_cases(rw, api_as, client):
    from rest_framework.test import APIClient

    assert APIClient().get(BASE).status_code in (401, 403)
    r = create(api_as(rw.guard), rw)
    assert r.status_code == 403  # wrong role
    r = create(api_as(rw.frontdesk2), rw)
    assert r.status_code == 404  # another property
    r = create(api_as(rw.frontdesk), rw, description="")
    assert r.status_code == 400 and not RepairOrder.objects.exists()
    other = p2_repair(rw)
    assert api_as(rw.frontdesk).get(f"{BASE}{other.pk}/").status_code == 404
    assert (
        api_as(rw.frontdesk)
        .post(f"{BASE}{other.pk}/collect/", {"collector": rw.engineer.pk}, format="json")
        .status_code
        == 404
    )
    mine = create(api_as(rw.frontdesk), rw).json()["id"]
    lst = api_as(rw.frontdesk).get(BASE, {"property": rw.p1.pk}).json()
    assert lst["count"] == 1 and lst["results"][0]["id"] == mine
    assert api_as(rw.guard).post(f"{BASE}{mine}/confirm/", {"note": "x"}, format="json").status_code == 403
    # the engine's generic transitions refuse the kind's own steps
    r = api_as(rw.frontdesk).post(f"/api/v1/requests/{mine}/transition/", {"name": "collect"}, format="json")
    assert r.status_code == 400


# R-REP-23 R-REP-24
def test_daily_return_and_unfinished_record_api(rw, api_as):
    from django.utils import timezone

    desk = api_as(rw.frontdesk)
    pk = create(desk, rw).json()["id"]
    pending = desk.get("/api/v1/repairs/orders/pending-return/", {"property": rw.p1.pk}).json()
    assert [o["id"] for o in pending["results"]] == [pk]
    r = desk.post(
        "/api/v1/repairs/returns/", {"property": rw.p1.pk, "returned_by": rw.engineer.pk}, format="json"
    )
    assert r.status_code == 400 and "reasons" in r.json()
    r = desk.post(
        "/api/v1/repairs/returns/",
        {"property": rw.p1.pk, "returned_by": rw.engineer.pk, "reasons": {str(pk): "缺配件"}},
        format="json",
    )
    assert r.status_code == 201, r.content
    ret = r.json()
    assert ret["lines"][0]["unfinished_reason"] == "缺配件"
    day = timezone.localdate().isoformat()
    lines = (
        api_as(rw.engsup)
        .get("/api/v1/repairs/returns/unfinished/", {"property": rw.p1.pk, "date": day})
        .json()
    )
    assert [ln["order"] for ln in lines] == [pk]
    r = desk.post(
        f"/api/v1/repairs/returns/{ret['id']}/hand-over/", {"supervisor": rw.engsup.pk}, format="json"
    )
    assert r.status_code == 200 and r.json()["handed_to"] == rw.engsup.pk
    assert api_as(rw.frontdesk2).get(f"/api/v1/repairs/returns/{ret['id']}/").status_code == 404


def test_schema_generates(rw, client):
    client.force_login(rw.frontdesk)
    assert client.get("/api/schema/").status_code == 200


@pytest.mark.parametrize("path", ["notify", "reschedule", "follow-up", "resume", "sign", "report-done"])
def test_every_step_has_an_endpoint(rw, api_as, path):
    pk = create(api_as(rw.frontdesk), rw).json()["id"]
    r = api_as(rw.frontdesk).post(f"{BASE}{pk}/{path}/", {}, format="json")
    assert r.status_code in (400, 409)  # exists; refused in this state or without data
    assert Deadline.objects.filter(object_id=pk, kind="collect", state="running").exists()
