"""Pages: intake (category first, checklist via htmx), the panel on the request page, the register (filter,
print, Excel), the archive page, incidents. Standard cases per page."""

from datetime import datetime
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from assistance import services
from assistance.models import HelpRegisterBatch, HelpRequest, Incident
from core.testing.queries import assert_max_queries
from servicedesk.models import ServiceRequest


def intake(world, **over):
    data = {
        "property": world.p1.pk,
        "category": "other",
        "channel": "phone",
        "reporter_name": "李女士",
        "contact_phone": "13800002222",
        "unit_label": "3-1201",
        "description": "家中老人需要帮忙叫车",
    }
    data.update(over)
    return data


@pytest.mark.parametrize(
    "url", ["/assistance/new/", "/assistance/register/", "/assistance/archive/", "/assistance/incidents/"]
)
def test_anonymous_redirected_to_login(client, url):
    resp = client.get(url)
    assert resp.status_code == 302 and "/login/" in resp["Location"]


def test_wrong_role_refused(world, client_as):
    c = client_as(world.engineer)
    for url in [
        "/assistance/new/",
        "/assistance/register/",
        "/assistance/incidents/",
        "/assistance/archive/",
    ]:
        assert c.get(url).status_code == 403
    assert c.post("/assistance/new/", intake(world)).status_code == 403
    assert client_as(world.guard).get("/assistance/register/").status_code == 403
    assert not HelpRequest.objects.exists()


def test_intake_category_first_then_checklist_via_htmx(world, client_as):
    c = client_as(world.frontdesk)
    page = c.get("/assistance/new/").content.decode()
    assert 'hx-get="/assistance/new/checklist/"' in page and "急救病人求助" in page
    frag = c.get("/assistance/new/checklist/?category=first_aid", HTTP_HX_REQUEST="true").content.decode()
    assert "病人楼层住址" in frag
    assert "询问并记录病人楼层住址和联系电话" in frag and "<html" not in frag
    frag = c.get("/assistance/new/checklist/?category=disaster", HTTP_HX_REQUEST="true").content.decode()
    assert "开启突发事件" in frag and "病人楼层住址" not in frag


# R-HELP-06
def test_intake_first_aid_requires_address_and_phone(world, client_as):
    c = client_as(world.frontdesk)
    resp = c.post("/assistance/new/", intake(world, category="first_aid"))
    assert resp.status_code == 400 and "急救求助须先问清楼层住址和联系电话" in resp.content.decode()
    assert not HelpRequest.objects.exists()
    resp = c.post(
        "/assistance/new/",
        intake(world, category="first_aid", floor_address="3栋12楼", patient_phone="13900001111"),
    )
    h = HelpRequest.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/servicedesk/{h.pk}/"
    assert h.steps.get().key == "address_phone" and h.request.unit == world.u1


def test_intake_bad_input_writes_nothing(world, client_as):
    c = client_as(world.frontdesk)
    resp = c.post("/assistance/new/", intake(world, unit_label="9-9999"))
    assert resp.status_code == 400 and "没有房间" in resp.content.decode()
    resp = c.post("/assistance/new/", intake(world, category=""))
    assert resp.status_code == 400
    assert not ServiceRequest.objects.exists()


def test_request_page_panel_steps_as_buttons_and_htmx_tick(world, client_as, make_help):
    h = make_help("first_aid", floor_address="3栋12楼", patient_phone="13900001111")
    c = client_as(world.frontdesk)
    with assert_max_queries(40):
        page = c.get(f"/servicedesk/{h.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and 'id="help-panel"' in body
    assert f"/assistance/{h.pk}/steps/choice/" in body and "需先完成" in body
    assert "139****1111" in body and "13900001111" not in body
    resp = c.post(f"/assistance/{h.pk}/steps/choice/", {"choice": "call_120"}, HTTP_HX_REQUEST="true")
    assert resp.status_code == 200 and 'id="help-panel"' in resp.content.decode()
    assert f"/assistance/{h.pk}/steps/security_notified/" in resp.content.decode()
    resp = c.post(f"/assistance/{h.pk}/steps/entrance_posted/", {}, HTTP_HX_REQUEST="true")
    assert resp.status_code == 400 and "请先完成" in resp.content.decode()
    resp = c.post(f"/assistance/{h.pk}/steps/security_notified/", {})
    assert resp.status_code == 302
    assert set(h.steps.values_list("key", flat=True)) == {"address_phone", "choice", "security_notified"}


def test_panel_forms_open_on_demand_from_the_request_page(world, client_as, make_help):
    h = make_help("consultation")
    c = client_as(world.frontdesk)
    body = c.get(f"/servicedesk/{h.pk}/").content.decode()
    assert f'data-form="refer" hx-get="/servicedesk/{h.pk}/?form=refer"' in body
    assert 'name="department"' not in body  # the referral form's department list is read when opened
    refer = c.get(f"/servicedesk/{h.pk}/", {"form": "refer"}).content.decode()
    assert f'action="/assistance/{h.pk}/refer/"' in refer and 'name="department"' in refer
    # The panel refreshed by an htmx step keeps fetching its forms from the request page.
    resp = c.post(f"/assistance/{h.pk}/steps/answered/", {}, HTTP_HX_REQUEST="true")
    assert f'hx-get="/servicedesk/{h.pk}/?form=refer"' in resp.content.decode()


def test_request_without_its_help_sheet_still_shows(world, client_as, make_help):
    from assistance.models import HelpRequest

    h = make_help("consultation")
    HelpRequest.objects.filter(pk=h.pk).delete()  # e.g. imported requests: the shared page still opens
    assert client_as(world.frontdesk).get(f"/servicedesk/{h.pk}/").status_code == 200


def test_panel_actions_other_property_404_and_wrong_role(world, client_as, make_help):
    h = make_help("other")
    assert (
        client_as(world.frontdesk2).post(f"/assistance/{h.pk}/steps/best_effort/", {"what": "x"}).status_code
        == 404
    )
    assert (
        client_as(world.engineer).post(f"/assistance/{h.pk}/steps/best_effort/", {"what": "x"}).status_code
        == 403
    )
    assert (
        client_as(world.frontdesk).post(f"/assistance/{h.pk}/supervisor-reply/", {"reply": "x"}).status_code
        == 403
    )
    assert not h.steps.exists()


# R-HELP-05
def test_unsatisfiable_page_refused_without_referral_then_allowed(world, client_as, make_help):
    h = make_help("other")
    c = client_as(world.frontdesk)
    resp = c.post(f"/assistance/{h.pk}/unsatisfiable/", {"reason": "非物业职责"})
    assert resp.status_code == 400 and "严禁推诿" in resp.content.decode()
    resp = c.post(f"/assistance/{h.pk}/refer/", {"kind": "external", "target": "街道办", "note": ""})
    assert resp.status_code == 302
    resp = c.post(f"/assistance/{h.pk}/unsatisfiable/", {"reason": "非物业职责"})
    assert resp.status_code == 302
    h.request.refresh_from_db()
    assert h.request.status == "unsatisfiable"


def test_resolve_fee_promise_principle_pages(world, client_as, make_help):
    h = make_help("other", is_paid=True)
    c = client_as(world.frontdesk)
    c.post(f"/assistance/{h.pk}/steps/best_effort/", {"what": "疏通"})
    resp = c.post(f"/assistance/{h.pk}/resolve/", {"result": "已疏通"})
    assert resp.status_code == 400 and "登记收费" in resp.content.decode()
    assert c.post(f"/assistance/{h.pk}/fee/", {"is_paid": "on", "fee": "abc"}).status_code == 400
    assert (
        c.post(f"/assistance/{h.pk}/fee/", {"is_paid": "on", "fee": "25.00", "note": "疏通"}).status_code
        == 302
    )
    assert c.post(f"/assistance/{h.pk}/resolve/", {"result": "已疏通"}).status_code == 302
    h2 = make_help("consultation")
    assert c.post(f"/assistance/{h2.pk}/promise/", {"answer_by": "2000-01-01T10:00"}).status_code == 400
    assert c.post(f"/assistance/{h2.pk}/principle/", {"note": "涉及收费标准"}).status_code == 302
    sup = client_as(world.supervisor)
    assert sup.post(f"/assistance/{h2.pk}/supervisor-reply/", {"reply": "按公示标准答复"}).status_code == 302
    h2.refresh_from_db()
    assert h2.is_principle and h2.supervisor_reply


def _at(y, m, d):
    return timezone.make_aware(datetime(y, m, d, 10, 0))


def test_register_filter_print_export_and_masking(world, client_as, make_help):
    y = timezone.localdate().year
    make_help("other", description="帮忙叫车")
    make_help("consultation", description="机密问题内容", confidential=True)
    make_help("repair", description="去年的报修", received_at=_at(y - 1, 6, 1))
    c = client_as(world.frontdesk)
    with assert_max_queries(20):
        body = c.get("/assistance/register/").content.decode()
    assert (
        "帮忙叫车" in body
        and "去年的报修" not in body
        and "138****5678" in body
        and "13812345678" not in body
    )
    assert "机密问题内容" not in body and "(保密)" in body  # R-HELP-11
    assert "机密问题内容" in client_as(world.supervisor).get("/assistance/register/").content.decode()
    body = c.get(f"/assistance/register/?year={y - 1}").content.decode()
    assert "去年的报修" in body and "帮忙叫车" not in body
    body = c.get("/assistance/register/?category=consultation").content.decode()
    assert "帮忙叫车" not in body
    printed = c.get("/assistance/register/?print=1").content.decode()
    assert "window.print()" in printed and "帮忙叫车" in printed
    assert c.get("/assistance/register/?export=xlsx").status_code == 403  # front desk cannot export
    resp = client_as(world.clerk).get("/assistance/register/?export=xlsx")
    assert resp.status_code == 200
    ws = load_workbook(BytesIO(resp.content)).active
    rows = list(ws.values)
    assert rows[0][0] == "编号" and len(rows) == 3
    assert all("13812345678" not in str(v) for r in rows for v in r)
    assert "帮忙叫车" not in client_as(world.frontdesk2).get("/assistance/register/").content.decode()


# R-HELP-17
def test_archive_page_archive_and_refused_early_disposal(world, client_as, make_help):
    y = timezone.localdate().year - 1
    make_help("other", received_at=_at(y, 3, 1))
    assert client_as(world.frontdesk).post("/assistance/archive/run/", {"year": y}).status_code == 403
    c = client_as(world.clerk)
    resp = c.post("/assistance/archive/run/", {"year": y + 1, "property": world.p1.pk})
    assert resp.status_code == 400 and not HelpRegisterBatch.objects.exists()
    assert c.post("/assistance/archive/run/", {"year": y, "property": world.p1.pk}).status_code == 302
    b = HelpRegisterBatch.objects.get()
    assert b.request_count == 1
    page = client_as(world.supervisor).get("/assistance/archive/").content.decode()
    assert "保存期未满" in page and str(b.dispose_after.year) in page
    assert c.post(f"/assistance/archive/{b.pk}/dispose/", {"reason": "x"}).status_code == 403
    resp = client_as(world.supervisor).post(f"/assistance/archive/{b.pk}/dispose/", {"reason": "到期"})
    assert resp.status_code == 400 and "保存期未满" in resp.content.decode()
    b.refresh_from_db()
    assert b.status == "archived"
    assert (
        client_as(world.supervisor2).post(f"/assistance/archive/{b.pk}/dispose/", {"reason": "x"}).status_code
        == 404
    )


def test_incident_pages(world, client_as, make_help):
    h = make_help("disaster", description="地下车库水浸")
    services.help_step_tick(
        actor=world.frontdesk,
        help=h,
        key="incident_opened",
        values={"incident_type": "flood", "place": "地下车库"},
    )
    inc = Incident.objects.get()
    c = client_as(world.guard)
    assert inc.number in c.get("/assistance/incidents/").content.decode()
    assert c.get(f"/assistance/incidents/{inc.pk}/").status_code == 200
    assert c.post(f"/assistance/incidents/{inc.pk}/handle/", {"handling": ""}).status_code == 400
    assert c.post(f"/assistance/incidents/{inc.pk}/handle/", {"handling": "抽水,设警示"}).status_code == 302
    assert c.post(f"/assistance/incidents/{inc.pk}/close/", {"note": ""}).status_code == 403
    assert (
        client_as(world.manager).post(f"/assistance/incidents/{inc.pk}/close/", {"note": "结案"}).status_code
        == 302
    )
    inc.refresh_from_db()
    assert inc.status == "closed"
    assert client_as(world.frontdesk2).get(f"/assistance/incidents/{inc.pk}/").status_code == 404
    assert client_as(world.engineer).get(f"/assistance/incidents/{inc.pk}/").status_code == 403
