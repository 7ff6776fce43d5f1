from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from core.testing.queries import assert_max_queries
from residents import services
from residents.choices import GrantPurpose, ResidentKind
from residents.models import ArchiveAccessGrant, ArchiveAccessLog, Occupancy, Resident

pytestmark = pytest.mark.django_db
PHONE, MASKED = "13812345678", "138****5678"
ID, MASKED_ID = "110101199001011234", "1101**********1234"


def _xlsx_text(resp) -> str:
    wb = load_workbook(BytesIO(resp.content))
    return " ".join(str(c) for row in wb.active.iter_rows(values_only=True) for c in row if c is not None)


# --- standard cases -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/residents/", "/residents/search/?q=zs", "/residents/assign/", "/residents/access/"]
)
def test_anonymous_redirected_to_login(client, world, url):
    resp = client.get(url)
    assert resp.status_code == 302 and "/login/" in resp["Location"]


def test_api_anonymous_refused(client, world):
    assert client.get("/api/v1/residents/").status_code in (401, 403)


def test_pages_work_for_right_role(world, zhangsan, client_as):
    c = client_as(world.supervisor)
    for url in [
        "/residents/",
        "/residents/search/?q=zs",
        f"/residents/{zhangsan.pk}/",
        f"/residents/{zhangsan.pk}/?tab=history",
        f"/residents/units/{world.u1.pk}/",
        "/residents/assign/",
        "/residents/access/",
        "/residents/access/log/",
        "/residents/import/",
        "/residents/new/",
        f"/residents/{zhangsan.pk}/edit/",
        f"/residents/{zhangsan.pk}/occupancy/",
        f"/residents/{zhangsan.pk}/emergency/",
        f"/residents/{zhangsan.pk}/correspondence/",
        f"/residents/{zhangsan.pk}/access-request/",
    ]:
        assert client_as(world.supervisor).get(url).status_code == 200, url
    assert c.get("/residents/import/template/").status_code == 200
    assert client_as(world.admin1).get("/residents/my-customers/").status_code == 200


def test_wrong_role_refused(world, zhangsan, client_as):
    c = client_as(world.frontdesk)
    assert c.get("/residents/assign/").status_code == 403
    assert c.get("/residents/access/").status_code == 403
    assert c.get("/residents/access/log/").status_code == 403
    assert c.get("/residents/import/").status_code == 403
    assert c.get("/residents/?export=xlsx").status_code == 403
    assert client_as(world.engineer).get(f"/residents/{zhangsan.pk}/edit/").status_code == 403
    assert client_as(world.frontdesk).get("/api/v1/archive-access-log/").status_code == 403


def test_create_page_posts_through_service(world, client_as):
    c = client_as(world.frontdesk)
    resp = c.post("/residents/new/", {"kind": "person", "name": "", "gender": ""})
    assert resp.status_code == 400 and not Resident.objects.exists()
    resp = c.post(
        "/residents/new/", {"kind": "person", "name": "王五", "gender": "M", "phone": "13700001111"}
    )
    r = Resident.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/residents/{r.pk}/"
    resp = c.post(
        f"/residents/{r.pk}/occupancy/", {"unit": "3栋1202", "role": "owner", "start": "2024-01-01"}
    )
    assert resp.status_code == 302 and Occupancy.objects.filter(resident=r, unit=world.u2).exists()
    resp = c.post(f"/residents/{r.pk}/occupancy/", {"unit": "9-9999", "role": "owner", "start": "2024-01-01"})
    assert resp.status_code == 400 and "没有房间" in resp.content.decode()


# R-ARCH-06: phone and ID numbers are masked in pages, search, export and the API.
def test_masking_everywhere(world, zhangsan, client_as, api_as):
    c = client_as(world.supervisor)
    for url in [
        "/residents/",
        f"/residents/{zhangsan.pk}/",
        f"/residents/units/{world.u1.pk}/",
        "/residents/search/?q=zs",
        f"/residents/{zhangsan.pk}/?tab=history",
    ]:
        html = c.get(url).content.decode()
        assert PHONE not in html and ID not in html, url
    assert MASKED in c.get("/residents/search/?q=zs").content.decode()
    assert MASKED_ID in c.get(f"/residents/{zhangsan.pk}/").content.decode()
    text = _xlsx_text(c.get("/residents/?export=xlsx"))
    assert "张三" in text and MASKED in text and PHONE not in text and ID not in text
    api = api_as(world.supervisor)
    for url in [f"/api/v1/residents/{zhangsan.pk}/", "/api/v1/residents/", "/api/v1/residents/?q=zs"]:
        body = api.get(url).content.decode()
        assert PHONE not in body and ID not in body and MASKED in body, url
    services.emergency_contact_add(actor=world.frontdesk, resident=zhangsan, name="张父", phone="13700009876")
    assert "13700009876" not in api.get("/api/v1/emergency-contacts/").content.decode()


# R-ARCH-05: the full archive through the pages: request, approval, read logged; export needs its own grant.
def test_confidentiality_pages(world, zhangsan, client_as):
    fd = client_as(world.frontdesk)
    assert fd.post(f"/residents/{zhangsan.pk}/full/").status_code == 400
    assert fd.post(f"/residents/{zhangsan.pk}/export-full/").status_code == 400  # export without grant
    fd.post(f"/residents/{zhangsan.pk}/access-request/", {"purpose": "read", "reason": "核对业主身份"})
    g = ArchiveAccessGrant.objects.get()
    sup = client_as(world.supervisor)
    assert "核对业主身份" in sup.get("/residents/access/").content.decode()
    assert sup.post(f"/residents/access/{g.pk}/decide/", {"approve": "1", "note": "同意"}).status_code == 302
    fd = client_as(world.frontdesk)
    resp = fd.post(f"/residents/{zhangsan.pk}/full/")
    assert resp.status_code == 200 and PHONE in resp.content.decode() and ID in resp.content.decode()
    assert (
        fd.post(f"/residents/{zhangsan.pk}/export-full/").status_code == 400
    )  # a read grant is not an export grant
    log = ArchiveAccessLog.objects.get()
    assert log.reader == world.frontdesk
    assert "核对业主身份" in client_as(world.supervisor).get("/residents/access/log/").content.decode()
    g2 = services.archive_access_request(
        actor=world.frontdesk, resident=zhangsan, reason="打印档案交业委会", purpose=GrantPurpose.EXPORT
    )
    services.archive_access_decide(actor=world.manager, grant=g2, approve=True)
    resp = client_as(world.frontdesk).post(f"/residents/{zhangsan.pk}/export-full/")
    assert resp.status_code == 200 and PHONE in _xlsx_text(resp)
    assert ArchiveAccessLog.objects.filter(purpose="export").count() == 1


def test_api_confidentiality_flow(world, zhangsan, api_as):
    fd = api_as(world.frontdesk)
    assert fd.post(f"/api/v1/residents/{zhangsan.pk}/full/", {"purpose": "read"}).status_code == 400
    resp = fd.post(
        "/api/v1/archive-access-grants/",
        {"resident": zhangsan.pk, "purpose": "read", "reason": "核对身份信息"},
    )
    assert resp.status_code == 201, resp.content
    gid = resp.json()["id"]
    assert (
        api_as(world.supervisor)
        .post(f"/api/v1/archive-access-grants/{gid}/decide/", {"approve": True})
        .status_code
        == 200
    )
    resp = fd.post(f"/api/v1/residents/{zhangsan.pk}/full/", {"purpose": "read"})
    assert resp.status_code == 200 and resp.json()["phone"] == PHONE
    log = api_as(world.supervisor).get("/api/v1/archive-access-log/").json()
    assert log["count"] == 1 and log["results"][0]["reason"] == "核对身份信息"
    # self-approval refused through the API too
    g = services.archive_access_request(actor=world.supervisor, resident=zhangsan, reason="主管自查档案")
    assert (
        api_as(world.supervisor)
        .post(f"/api/v1/archive-access-grants/{g.pk}/decide/", {"approve": True})
        .status_code
        == 400
    )


def test_api_crud_and_assignment(world, api_as, make_resident):
    api = api_as(world.frontdesk)
    resp = api.post("/api/v1/residents/", {"name": "王五", "phone": "13700001111"}, format="json")
    assert resp.status_code == 201 and resp.json()["phone"] == "137****1111"
    rid = resp.json()["id"]
    assert api.post("/api/v1/residents/", {"name": ""}, format="json").status_code == 400
    resp = api.patch(f"/api/v1/residents/{rid}/", {"is_key_customer": True}, format="json")
    assert resp.status_code == 200 and resp.json()["is_key_customer"] is True
    resp = api.post(
        "/api/v1/occupancies/", {"resident": rid, "unit": world.u2.pk, "role": "owner", "start": "2024-01-01"}
    )
    assert resp.status_code == 201
    assert api.get("/api/v1/residents/?q=ww").json()["results"][0]["current_units"][0]["label"] == "3-1202"
    assert api.delete(f"/api/v1/residents/{rid}/").status_code == 405  # never deleted
    sup = api_as(world.supervisor)
    prop = sup.post("/api/v1/customer-assignments/propose/", {"property": world.p1.pk}, format="json").json()
    assert [a["resident"] for a in prop["assignments"]] == [rid]
    resp = sup.post(
        "/api/v1/customer-assignments/assign/",
        {"property": world.p1.pk, "assignments": prop["assignments"]},
        format="json",
    )
    assert resp.status_code == 201, resp.content
    aid, admin = resp.json()[0]["id"], resp.json()[0]["administrator"]
    holder = api_as({u.pk: u for u in [world.admin1, world.admin2, world.supervisor]}[admin])
    assert (
        holder.post(f"/api/v1/customer-assignments/{aid}/first-contact/", {"note": "电话联系过"}).status_code
        == 200
    )


def test_api_roster_import(world, api_as):
    wb = Workbook()
    wb.active.append(["楼号", "房号", "姓名", "身份"])
    wb.active.append(["3", "1201", "张三", "业主"])
    wb.active.append(["3", "8888", "李四", "业主"])
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "roster.xlsx"
    api = api_as(world.admin1)
    resp = api.post(
        "/api/v1/residents/import/",
        {"property": world.p1.pk, "file": buf, "dry_run": "false"},
        format="multipart",
    )
    assert resp.status_code == 400 and resp.json()["bad"][0]["row"] == 3
    assert not Resident.objects.exists()


def test_roster_import_page_preview_then_confirm(world, client_as):
    wb = Workbook()
    wb.active.append(["楼号", "房号", "姓名", "身份", "手机"])
    wb.active.append(["3", "1201", "张三", "业主", "13812345678"])
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "roster.xlsx"
    c = client_as(world.admin1)
    resp = c.post("/residents/import/", {"property": world.p1.pk, "file": buf})
    assert resp.status_code == 200 and "确认导入" in resp.content.decode() and not Resident.objects.exists()
    resp = c.post("/residents/import/", {"property": world.p1.pk, "confirm": "1"})
    assert resp.status_code == 302 and Resident.objects.filter(name="张三").exists()


def test_schema_generates(client, world):
    assert client.get("/api/schema/").status_code == 200


# --- isolation -----------------------------------------------------------------------------------


def test_other_property_cannot_see_search_open_export_or_reach_api(world, zhangsan, client_as, api_as):
    occ = zhangsan.occupancies.get()
    ec = services.emergency_contact_add(
        actor=world.frontdesk, resident=zhangsan, name="张父", phone="13700001111"
    )
    g = services.archive_access_request(actor=world.frontdesk, resident=zhangsan, reason="核对业主身份")
    c = client_as(world.frontdesk2)
    assert "张三" not in c.get("/residents/").content.decode()
    assert "张三" not in c.get("/residents/search/?q=zs").content.decode()
    assert "张三" not in c.get("/residents/search/?q=3-1201").content.decode()
    for url in [
        f"/residents/{zhangsan.pk}/",
        f"/residents/units/{world.u1.pk}/",
        f"/residents/{zhangsan.pk}/edit/",
        f"/residents/{zhangsan.pk}/access-request/",
        f"/residents/occupancies/{occ.pk}/end/",
    ]:
        assert c.get(url).status_code == 404, url
    assert c.post(f"/residents/{zhangsan.pk}/full/").status_code == 404
    assert c.post(f"/residents/emergency/{ec.pk}/remove/").status_code == 404
    assert (
        client_as(world.supervisor2).post(f"/residents/access/{g.pk}/decide/", {"approve": "1"}).status_code
        == 404
    )
    text = _xlsx_text(client_as(world.supervisor2).get("/residents/?export=xlsx"))
    assert "张三" not in text
    api = api_as(world.frontdesk2)
    assert api.get(f"/api/v1/residents/{zhangsan.pk}/").status_code == 404
    assert api.get("/api/v1/residents/?q=zs").json()["count"] == 0
    assert api.get("/api/v1/residents/").json()["count"] == 0
    assert api.get(f"/api/v1/occupancies/{occ.pk}/").status_code == 404
    assert api.get(f"/api/v1/emergency-contacts/{ec.pk}/").status_code == 404
    assert api.post(f"/api/v1/residents/{zhangsan.pk}/full/", {"purpose": "read"}).status_code == 404
    assert api.patch(f"/api/v1/residents/{zhangsan.pk}/", {"name": "x"}, format="json").status_code == 404
    assert (
        api.post(
            "/api/v1/occupancies/",
            {"resident": zhangsan.pk, "unit": world.u_p2.pk, "role": "owner", "start": "2024-01-01"},
        ).status_code
        == 404
    )
    assert (
        api_as(world.supervisor2)
        .post(f"/api/v1/archive-access-grants/{g.pk}/decide/", {"approve": True})
        .status_code
        == 404
    )
    assert (
        api_as(world.supervisor2)
        .post("/api/v1/customer-assignments/propose/", {"property": world.p1.pk}, format="json")
        .status_code
        == 404
    )


# --- query counts ---------------------------------------------------------------------------------


def _grow_history(world, resident, n=30):
    from django.core.files.uploadedfile import SimpleUploadedFile

    units = [world.u2, world.u3]
    for i in range(n):
        occ = services.occupancy_start(
            actor=world.frontdesk,
            resident=resident,
            unit=units[i % 2],
            role="tenant",
            start=date(2000, 1, 1) + timedelta(days=10 * i),
        )
        services.occupancy_end(
            actor=world.frontdesk, occupancy=occ, end=date(2000, 1, 5) + timedelta(days=10 * i)
        )
        services.correspondence_add(
            actor=world.clerk,
            resident=resident,
            direction="in",
            subject=f"来函{i}",
            date=date(2020, 1, 1),
            files=[SimpleUploadedFile(f"f{i}.pdf", b"%PDF-1.4", content_type="application/pdf")],
        )
        services.emergency_contact_add(
            actor=world.frontdesk, resident=resident, name=f"联络人{i}", phone="13700001111"
        )


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_archive_and_unit_pages_fixed_query_count(world, zhangsan, client_as, make_resident):
    company = make_resident("翠湖贸易公司", kind=ResidentKind.COMPANY)
    c = client_as(world.supervisor)
    small = (_count(c, f"/residents/{zhangsan.pk}/"), _count(c, f"/residents/units/{world.u2.pk}/"))
    _grow_history(world, zhangsan)
    for i in range(30):
        services.contact_person_change(
            actor=world.frontdesk,
            company=company,
            name=f"联系人{i}",
            start=date(2000, 1, 1) + timedelta(days=i),
            reason="变更",
        )
    with assert_max_queries(20):
        assert c.get(f"/residents/{zhangsan.pk}/").status_code == 200
    with assert_max_queries(20):
        assert c.get(f"/residents/{company.pk}/").status_code == 200
    with assert_max_queries(20):
        assert c.get(f"/residents/units/{world.u2.pk}/").status_code == 200
    with assert_max_queries(20):
        assert c.get(f"/residents/units/{world.u1.pk}/").status_code == 200
    large = (_count(c, f"/residents/{zhangsan.pk}/"), _count(c, f"/residents/units/{world.u2.pk}/"))
    assert large[0] <= small[0] + 1  # + the attachments query once there is correspondence at all
    assert large[1] <= small[1] + 1  # the unit gains a primary occupant's archive: at most a constant more


def test_list_and_search_fixed_query_count(world, client_as, make_resident):
    for i in range(30):
        make_resident(f"张{i}号", unit=[world.u1, world.u2, world.u3][i % 3], phone=f"1381234{i:04d}")
    c = client_as(world.frontdesk)
    with assert_max_queries(12):
        assert c.get("/residents/").status_code == 200
    with assert_max_queries(12):
        assert c.get("/residents/search/?q=z").status_code == 200
    with assert_max_queries(12):
        assert api_count_ok(world)


def api_count_ok(world):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.frontdesk)
    return api.get("/api/v1/residents/").status_code == 200
