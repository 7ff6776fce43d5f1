from datetime import timedelta

import pytest
from django.utils import timezone

from core.testing.queries import assert_max_queries
from visitors import services
from visitors.choices import KeyStatus, SpareKeyStatus, VisitStatus
from visitors.models import KeyForVisitor, SpareKeyEntry, VisitorEntry, VisitorPreauthorization

from .conftest import ID1, ID2

PAGES = [
    "/visitors/",
    "/visitors/new/",
    "/visitors/entries/",
    "/visitors/preauthorizations/",
    "/visitors/keys/",
]


def register_post(folks, world, **over):
    data = {
        "occupant": f"{folks.zhang.pk}:{world.u1.pk}",
        "visitor_name": "赵访客",
        "visitor_id_type": "id_card",
        "visitor_id_number": ID1,
        "visitor_phone": "13511112222",
        "party_size": 2,
        "purpose": "探亲",
        "duration": 120,
    }
    data.update(over)
    return data


# --- standard cases ---


@pytest.mark.parametrize("url", PAGES + ["/visitors/lookups/", "/visitors/sheet/2025-01-02/"])
def test_anonymous_redirected_to_login(client, url):
    resp = client.get(url)
    assert resp.status_code == 302 and "/login/" in resp["Location"]


def test_wrong_role_refused(world, folks, client_as):
    c = client_as(world.engineer)
    for url in PAGES:
        assert c.get(url).status_code == 403, url
    assert c.post("/visitors/new/", register_post(folks, world)).status_code == 403
    g = client_as(world.guard)  # the gate may look, not register
    assert g.get("/visitors/").status_code == 200
    assert g.post("/visitors/new/", register_post(folks, world)).status_code == 403
    assert client_as(world.frontdesk).get("/visitors/lookups/").status_code == 403
    assert VisitorEntry.objects.count() == 0


def test_other_property_404(world, folks, admitted, client_as, later):
    e = admitted()
    k = services.key_for_visitor_deposit(
        actor=world.frontdesk,
        prop=world.p1,
        unit=world.u1,
        resident=folks.zhang,
        collector_name="赵访客",
        envelope_sealed=True,
    )
    s = services.spare_key_request(actor=world.frontdesk, entry=e)
    p = services.preauth_create(
        actor=world.frontdesk,
        prop=world.p1,
        unit=world.u1,
        resident=folks.zhang,
        visitor_name="x",
        valid_from=later(),
        valid_to=later(hours=2),
    )
    c = client_as(world.frontdesk2)
    for url in [f"/visitors/{e.pk}/", f"/visitors/keys/{k.pk}/", f"/visitors/spare-keys/{s.pk}/"]:
        assert c.get(url).status_code == 404, url
    for url in [
        f"/visitors/{e.pk}/leave/",
        f"/visitors/keys/{k.pk}/return/",
        f"/visitors/spare-keys/{s.pk}/admit/",
    ]:
        assert c.post(url, {"reason": "x"}).status_code == 404, url
    assert c.post(f"/visitors/preauthorizations/{p.pk}/revoke/", {"reason": "x"}).status_code == 404
    e.refresh_from_db()
    assert e.status == VisitStatus.ADMITTED
    # ?property= of a property one does not work for falls back to one's own
    html = c.get(f"/visitors/?property={world.p1.pk}").content.decode()
    assert "国贸中心大厦" in html and "赵访客" not in html


# --- register with lookup-as-you-type ---


def test_occupant_lookup_fragment(world, folks, client_as):
    c = client_as(world.frontdesk)
    html = c.get("/visitors/occupants/", {"q": "3-1201"}, HTTP_HX_REQUEST="true").content.decode()
    assert f'value="{folks.zhang.pk}:{world.u1.pk}"' in html and "张三" in html and "138****5678" in html
    html = c.get("/visitors/occupants/", {"q": "zs"}).content.decode()
    assert "张三" in html
    # another property's resident never shows
    assert "王五" not in c.get("/visitors/occupants/", {"q": "王"}).content.decode()


def test_register_page_and_post(world, folks, client_as):
    c = client_as(world.frontdesk)
    html = c.get("/visitors/new/").content.decode()
    assert (
        "《访客登记表》" in html
        and 'hx-get="/visitors/occupants/' in html
        and 'name="visitor_id_number"' in html
    )
    resp = c.post("/visitors/new/", register_post(folks, world))
    assert resp.status_code == 302
    e = VisitorEntry.objects.get()
    assert (e.resident, e.unit, e.party_size, e.status) == (folks.zhang, world.u1, 2, VisitStatus.PENDING)
    assert e.duration_minutes() == 120
    html = c.get(resp["Location"]).content.decode()
    assert "赵访客" in html and "4403**********1234" in html and ID1 not in html
    assert "请勿向访客透露" in html  # R-ARCH-07


def test_register_by_unit_label(world, folks, client_as):
    c = client_as(world.frontdesk)
    resp = c.post("/visitors/new/", register_post(folks, world, occupant="", unit_label="3-1202"))
    assert resp.status_code == 302
    assert VisitorEntry.objects.get().unit == world.u2


def test_register_bad_input_400_nothing_written(world, folks, client_as):
    c = client_as(world.frontdesk)
    resp = c.post("/visitors/new/", register_post(folks, world, visitor_id_number="1234567"))
    assert resp.status_code == 400 and "身份证号码应为 18 位" in resp.content.decode()
    resp = c.post("/visitors/new/", register_post(folks, world, occupant=""))
    assert resp.status_code == 400 and "请输入姓名或房号查找" in resp.content.decode()
    resp = c.post("/visitors/new/", register_post(folks, world, occupant=f"{folks.wang.pk}:{world.u_p2.pk}"))
    assert resp.status_code == 400
    assert VisitorEntry.objects.count() == 0


# --- the visit page: confirm, unreachable owner, extend, leave ---


# R-VIS-04: the confirmation is recorded from the page; the floor and unit then appear for the visitor.
def test_confirm_from_page(world, visit, client_as):
    e = visit()
    c = client_as(world.frontdesk)
    resp = c.post(
        f"/visitors/{e.pk}/contact/", {"method": "intercom", "result": "agreed", "contacted_with": "张三"}
    )
    assert resp.status_code == 302
    e.refresh_from_db()
    assert e.status == VisitStatus.ADMITTED and e.confirmed_by == world.frontdesk
    html = c.get(f"/visitors/{e.pk}/").content.decode()
    assert "请告知访客" in html and "12 层 3-1201" in html


def test_confirm_bad_input_400(world, visit, client_as):
    e = visit()
    c = client_as(world.frontdesk)
    resp = c.post(f"/visitors/{e.pk}/contact/", {"method": "phone", "result": "agreed"})
    assert resp.status_code == 400 and "确认人" in resp.content.decode()
    e.refresh_from_db()
    assert e.status == VisitStatus.PENDING and e.contact_attempts == 0


# R-VIS-06/07: after an unanswered call the archive lookup shows the numbers once and logs the read.
def test_lookup_and_message_from_page(world, visit, client_as, django_capture_on_commit_callbacks):
    e = visit()
    c = client_as(world.frontdesk)
    c.post(f"/visitors/{e.pk}/contact/", {"method": "phone", "result": "no_answer"})
    html = c.get(f"/visitors/{e.pk}/").content.decode()
    assert "查询档案联系方式" in html and "代为留言" in html
    resp = c.post(f"/visitors/{e.pk}/lookup/", {"reason": "访客要求继续联系"}, HTTP_HX_REQUEST="true")
    body = resp.content.decode()
    assert resp.status_code == 200 and "13812345678" in body and "<html" not in body
    assert "13812345678" not in c.get(f"/visitors/{e.pk}/").content.decode()  # shown once, never on the page
    with django_capture_on_commit_callbacks(execute=True):
        resp = c.post(f"/visitors/{e.pk}/message/", {"message": "改日再来", "send_sms": "on"})
    assert resp.status_code == 302
    e.refresh_from_db()
    assert e.status == VisitStatus.MESSAGE_LEFT


def test_lookup_refused_before_trying(world, visit, client_as):
    e = visit()
    resp = client_as(world.frontdesk).post(f"/visitors/{e.pk}/lookup/", {})
    assert resp.status_code == 400 and "联系不上业主" in resp.content.decode()


# R-VIS-05: extension; R-VIS-03: the overstaying visitor is highlighted on the desk.
def test_desk_highlights_overstay_then_extend_and_leave(world, admitted, client_as, later):
    over = admitted(arrived_at=later(hours=-3), expected_leave_at=later(hours=-1))
    admitted(visitor_name="钱访客")
    c = client_as(world.frontdesk)
    html = c.get("/visitors/").content.decode()
    assert 'class="overdue"' in html and "超时 1" in html and "钱访客" in html
    resp = c.post(f"/visitors/{over.pk}/extend/", {"minutes": 180, "notified_by": "张三"})
    assert resp.status_code == 302
    over.refresh_from_db()
    assert over.extension_count == 1 and not over.is_overstaying()
    assert "超时 0" in c.get("/visitors/").content.decode()
    resp = c.post(f"/visitors/{over.pk}/leave/", {"next": "desk"})
    assert resp.status_code == 302 and resp["Location"].startswith("/visitors/?property=")
    over.refresh_from_db()
    assert over.status == VisitStatus.LEFT


def test_leave_twice_is_conflict(world, admitted, client_as):
    e = admitted()
    c = client_as(world.frontdesk)
    assert c.post(f"/visitors/{e.pk}/leave/").status_code == 302
    assert c.post(f"/visitors/{e.pk}/leave/").status_code == 409


def test_desk_htmx_fragment(world, admitted, client_as):
    admitted()
    html = client_as(world.frontdesk).get("/visitors/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html and "赵访客" in html


# --- the list page and the print view ---


def test_list_filters_and_export(world, admitted, visit, client_as):
    admitted()
    visit(visitor_name="孙访客")
    c = client_as(world.frontdesk)
    html = c.get("/visitors/entries/", {"status": "pending"}).content.decode()
    assert "孙访客" in html and "赵访客" not in html
    html = c.get("/visitors/entries/", {"date": timezone.localdate().isoformat(), "q": "赵"}).content.decode()
    assert "赵访客" in html and "孙访客" not in html
    resp = c.get("/visitors/entries/", {"export": "xlsx"})
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxmlformats")


def test_day_sheet_print(world, admitted, client_as):
    admitted()
    c = client_as(world.frontdesk)
    resp = c.get("/visitors/sheet/")
    assert resp.status_code == 302
    html = c.get(resp["Location"]).content.decode()
    assert "访客登记表" in html and "@media print" in html and "赵访客" in html and ID1 not in html
    assert c.get("/visitors/sheet/2025-02-30/").status_code == 404


def test_list_page_query_count_fixed(world, folks, visit, admitted, client_as):
    c = client_as(world.frontdesk)
    for i in range(3):
        admitted(visitor_name=f"甲{i}")
    c.get("/visitors/")  # warm caches (content types, sessions)
    with assert_max_queries(30) as small:
        c.get("/visitors/")
        c.get("/visitors/entries/")
    for i in range(12):
        admitted(visitor_name=f"乙{i}")
        visit(visitor_name=f"丙{i}")
    with assert_max_queries(30) as big:
        c.get("/visitors/")
        c.get("/visitors/entries/")
    assert len(big.captured_queries) == len(small.captured_queries)


# --- standing instructions ---


def test_preauth_pages(world, folks, client_as, later):
    c = client_as(world.frontdesk)
    assert "记录业主交代" in c.get("/visitors/preauthorizations/").content.decode()
    assert c.get("/visitors/preauthorizations/new/").status_code == 200
    fmt = "%Y-%m-%dT%H:%M"
    data = {
        "occupant": f"{folks.zhang.pk}:{world.u1.pk}",
        "visitor_name": "赵访客",
        "visitor_id_type": "id_card",
        "visitor_id_number": ID1,
        "party_size": 1,
        "valid_from": timezone.localtime(later(hours=-1)).strftime(fmt),
        "valid_to": timezone.localtime(later(days=1)).strftime(fmt),
        "nobody_home": "on",
        "contact_method": "",
        "source": "phone",
    }
    resp = c.post("/visitors/preauthorizations/new/", data)
    assert resp.status_code == 400 and "家中无人时须留下" in resp.content.decode()  # R-VIS-09
    assert VisitorPreauthorization.objects.count() == 0
    resp = c.post("/visitors/preauthorizations/new/", {**data, "contact_method": "请访客打业主手机"})
    assert resp.status_code == 302
    p = VisitorPreauthorization.objects.get()
    html = c.get("/visitors/preauthorizations/").content.decode()
    assert "请访客打业主手机" in html and "4403**********1234" in html
    assert c.post(f"/visitors/preauthorizations/{p.pk}/revoke/", {"reason": ""}).status_code == 400
    assert c.post(f"/visitors/preauthorizations/{p.pk}/revoke/", {"reason": "业主取消"}).status_code == 302
    p.refresh_from_db()
    assert p.revoked_at is not None
    assert (
        client_as(world.guard)
        .post(f"/visitors/preauthorizations/{p.pk}/revoke/", {"reason": "x"})
        .status_code
        == 403
    )


# --- key for a visitor (R-VIS-10) ---


def test_key_deposit_and_handover_pages(world, folks, admitted, client_as):
    c = client_as(world.frontdesk)
    data = {
        "occupant": f"{folks.zhang.pk}:{world.u1.pk}",
        "collector_name": "赵访客",
        "collector_id_number": ID1,
        "description": "房门钥匙 1 把",
    }
    resp = c.post("/visitors/keys/new/", data)
    assert resp.status_code == 400 and "信封" in resp.content.decode()  # R-HOLD-05
    resp = c.post("/visitors/keys/new/", {**data, "envelope_sealed": "on"})
    assert resp.status_code == 302
    k = KeyForVisitor.objects.get()
    html = c.get(resp["Location"]).content.decode()
    assert "暂无经业主同意的在访访客" in html
    e = admitted()
    html = c.get(f"/visitors/keys/{k.pk}/").content.decode()
    assert e.number in html and "已签名" in html
    post = {
        "entry": e.pk,
        "checked_id_type": "id_card",
        "checked_id_number": ID2,
        "identity_checked": "on",
        "signature_name": "赵访客",
        "signed": "on",
    }
    resp = c.post(f"/visitors/keys/{k.pk}/handover/", post)
    assert resp.status_code == 400 and "证件核验不符" in resp.content.decode()
    resp = c.post(f"/visitors/keys/{k.pk}/handover/", {**post, "checked_id_number": ID1})
    assert resp.status_code == 302
    k.refresh_from_db()
    assert k.status == KeyStatus.HANDED_OVER and k.signed_at


# --- spare key (R-VIS-11/12/13) ---


def test_spare_key_pages_full_flow(world, admitted, client_as):
    e = admitted()
    c = client_as(world.frontdesk)
    resp = c.post(f"/visitors/{e.pk}/spare-key/")
    assert resp.status_code == 302
    s = SpareKeyEntry.objects.get()
    html = c.get(resp["Location"]).content.decode()
    assert "大堂沙发休息区" in html and "由客服主管向访客解释" in html
    borrow = {"lent_by": "孙保安", "key_use_ref": "FY-1", "people_present": "陈前台"}
    assert c.post(f"/visitors/spare-keys/{s.pk}/borrow/", borrow).status_code == 400  # no letter yet
    assert (
        c.post(f"/visitors/spare-keys/{s.pk}/decline/", {"note": "x"}).status_code == 403
    )  # supervisor only
    resp = c.post(f"/visitors/spare-keys/{s.pk}/letter/", {"signed_on": timezone.localdate().isoformat()})
    assert resp.status_code == 302
    assert c.post(f"/visitors/spare-keys/{s.pk}/borrow/", borrow).status_code == 302
    other = client_as(world.clerk)
    html = other.get(f"/visitors/spare-keys/{s.pk}/").content.decode()
    assert "须由其本人操作" in html
    assert other.post(f"/visitors/spare-keys/{s.pk}/admit/").status_code == 400
    assert c.post(f"/visitors/spare-keys/{s.pk}/admit/").status_code == 302
    assert c.post(f"/visitors/spare-keys/{s.pk}/lock/", {"lent_by": "孙保安"}).status_code == 302
    s.refresh_from_db()
    e.refresh_from_db()
    assert s.status == SpareKeyStatus.LOCKED and e.status == VisitStatus.LEFT
    assert c.post(f"/visitors/spare-keys/{s.pk}/nonsense/").status_code == 404


def test_spare_key_decline_page(world, admitted, client_as):
    s = services.spare_key_request(actor=world.frontdesk, entry=admitted())
    c = client_as(world.supervisor)
    assert "主管已解释" in c.get(f"/visitors/spare-keys/{s.pk}/").content.decode()
    assert c.post(f"/visitors/spare-keys/{s.pk}/decline/", {"note": ""}).status_code == 400
    assert c.post(f"/visitors/spare-keys/{s.pk}/decline/", {"note": "已解释"}).status_code == 302
    s.refresh_from_db()
    assert s.status == SpareKeyStatus.DECLINED


def test_lookup_log_page_for_leads(world, visit, client_as):
    e = visit()
    services.visitor_contact(actor=world.frontdesk, entry=e, method="phone", result="no_answer")
    services.visitor_contact_lookup(actor=world.frontdesk, entry=e, reason="继续联系业主")
    html = client_as(world.supervisor).get("/visitors/lookups/").content.decode()
    assert "继续联系业主" in html and "张三" in html


def test_menu_entry(world, client_as):
    html = client_as(world.frontdesk).get("/visitors/").content.decode()
    assert 'href="/visitors/"' in html and "访客登记" in html
    assert 'href="/visitors/"' not in client_as(world.engineer).get("/").content.decode()


def test_pending_entry_shows_preauth_hint(world, folks, visit, client_as):
    services.preauth_create(
        actor=world.frontdesk,
        prop=world.p1,
        unit=world.u1,
        resident=folks.zhang,
        visitor_name="赵访客",
        visitor_id_number=ID1,
        valid_from=timezone.now() - timedelta(hours=1),
        valid_to=timezone.now() + timedelta(hours=5),
        instructions="带客人坐 2 号梯",
    )
    e = visit()
    html = client_as(world.frontdesk).get(f"/visitors/{e.pk}/").content.decode()
    assert "业主预先交代" in html and "带客人坐 2 号梯" in html  # R-VIS-08
