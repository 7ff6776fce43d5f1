"""不符合项 pages: the standard cases (anonymous, wrong role, other property, right role, bad input), the
flow through the step forms, the export and the list's query count."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from core.testing.queries import assert_max_queries
from quality.choices import NonConformityStatus
from quality.models import NonConformity

S = NonConformityStatus


def _local(dt):
    return f"{timezone.localtime(dt):%Y-%m-%dT%H:%M}"


def test_anonymous_goes_to_login(world):
    for url in ("/quality/", "/quality/new/", "/quality/1/"):
        r = Client().get(url)
        assert r.status_code == 302 and "/login" in r["Location"], url


def test_wrong_role_is_refused(world, client_as):
    assert client_as(world.guard).get("/quality/").status_code == 403
    assert client_as(world.engineer).get("/quality/").status_code == 403
    assert client_as(world.frontdesk).get("/quality/new/").status_code == 403


def test_other_property_is_404(world, client_as, raise_item):
    item = raise_item()
    c = client_as(world.supervisor2)
    assert c.get(f"/quality/{item.pk}/").status_code == 404
    assert c.post(f"/quality/{item.pk}/void/", {"reason": "x"}).status_code == 404
    assert item.number not in c.get("/quality/").content.decode()
    item.refresh_from_db()
    assert item.status == S.TRACKING


# R-ROLE-09
def test_raise_page(world, client_as, cs_dept, daytime):
    c = client_as(world.supervisor)
    page = c.get("/quality/new/")
    assert page.status_code == 200 and "登记不符合项" in page.content.decode()
    data = {
        "source": "daily_check",
        "found_at": _local(daytime.now()),
        "place": "前台",
        "description": "访客登记漏登证件号",
        "standard": "《访客管理规定》",
        "department": cs_dept.pk,
        "responsible": world.frontdesk.pk,
        "requirement": "补登并复核当日登记",
        "due_at": _local(daytime.now() + timedelta(days=1)),
    }
    bad = c.post("/quality/new/", {**data, "due_at": _local(daytime.now() - timedelta(days=1))})
    assert bad.status_code == 400 and "整改期限须晚于现在" in bad.content.decode()
    assert c.post("/quality/new/", {**data, "description": ""}).status_code == 400
    assert not NonConformity.objects.exists()
    r = c.post("/quality/new/", data)
    item = NonConformity.objects.get()
    assert r.status_code == 302 and r["Location"] == item.get_absolute_url()
    assert item.responsible == world.frontdesk and item.found_by == world.supervisor


# R-ROLE-13
def test_correct_verify_void_on_the_record_page(world, client_as, raise_item, daytime):
    item = raise_item()
    fd = client_as(world.frontdesk)
    page = fd.get(f"/quality/{item.pk}/").content.decode()
    assert "记录整改情况" in page and "作废(登记错误)" not in page
    assert fd.post(f"/quality/{item.pk}/correct/", {"correction": ""}).status_code == 400
    r = fd.post(f"/quality/{item.pk}/correct/", {"correction": "已复习服务用语"})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.status == S.TO_VERIFY
    # the front desk does not verify
    assert fd.post(f"/quality/{item.pk}/verify/", {"result": "passed"}).status_code == 403
    adm = client_as(world.admin1)
    page = adm.get(f"/quality/{item.pk}/").content.decode()
    assert "提交验证结果" in page
    bad = adm.post(f"/quality/{item.pk}/verify/", {"result": "failed", "note": ""})
    assert bad.status_code == 400 and "验证不通过的原因" in bad.content.decode()
    item.refresh_from_db()
    assert item.status == S.TO_VERIFY
    r = adm.post(
        f"/quality/{item.pk}/verify/",
        {"result": "failed", "note": "抽查仍未使用", "new_due_at": _local(daytime.now() + timedelta(days=1))},
    )
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.status == S.TRACKING and item.failed_verifications == 1
    # the 管理员 records the correction herself, so she cannot verify it: another person does
    adm.post(f"/quality/{item.pk}/correct/", {"correction": "当面演练"})
    page = adm.get(f"/quality/{item.pk}/").content.decode()
    assert "须由他人验证" in page and "提交验证结果" not in page
    refused = adm.post(f"/quality/{item.pk}/verify/", {"result": "passed"})
    assert refused.status_code == 403 and "整改人不能验证" in refused.content.decode()
    assert (
        client_as(world.supervisor).post(f"/quality/{item.pk}/verify/", {"result": "passed"}).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.status == S.DONE
    # a closed item cannot be voided
    r = client_as(world.supervisor).post(f"/quality/{item.pk}/void/", {"reason": "误登"})
    assert r.status_code == 409


def test_void_page_keeps_the_row(world, client_as, raise_item):
    item = raise_item()
    c = client_as(world.supervisor)
    assert c.post(f"/quality/{item.pk}/void/", {"reason": ""}).status_code == 400
    assert c.post(f"/quality/{item.pk}/void/", {"reason": "重复登记"}).status_code == 302
    item.refresh_from_db()
    assert item.status == S.VOID and item.void_reason == "重复登记"
    assert "重复登记" in c.get(f"/quality/{item.pk}/").content.decode()


def test_list_filters_overdue_highlight_and_summary(world, client_as, raise_item, daytime):
    late = raise_item(due_at=daytime.now() + timedelta(hours=1), description="交接班记录未填写完整")
    raise_item(source="patrol", description="大堂地面有水渍未及时处理")
    daytime(hours=2)
    c = client_as(world.supervisor)
    page = c.get("/quality/").content.decode()
    assert 'class="overdue"' in page and "(已超期)" in page and "超期未整改 1 项" in page
    assert "日常检查 1" in page and "楼宇巡查 1" in page
    only = c.get("/quality/?overdue=true").content.decode()
    assert late.number in only and "大堂地面" not in only
    frag = c.get("/quality/?source=patrol", headers={"HX-Request": "true"})
    body = frag.content.decode()
    assert "<html" not in body and "大堂地面" in body and late.number not in body


def test_list_query_count_is_bounded(world, client_as, raise_item):
    for i in range(3):
        raise_item(description=f"问题{i}")
    c = client_as(world.supervisor)
    c.get("/quality/")  # warm the session / menu caches
    with assert_max_queries(20) as ctx:
        assert c.get("/quality/").status_code == 200
    few = len(ctx.captured_queries)
    for i in range(10):
        raise_item(description=f"更多{i}")
    with assert_max_queries(few):
        c.get("/quality/")


def test_detail_query_count_is_bounded(world, client_as, raise_item):
    item = raise_item()
    c = client_as(world.supervisor)
    c.get(f"/quality/{item.pk}/")
    with assert_max_queries(20):
        assert c.get(f"/quality/{item.pk}/").status_code == 200


def test_export(world, client_as, raise_item):
    item = raise_item()
    r = client_as(world.frontdesk).get("/quality/?export=xlsx")
    assert r.status_code == 200
    ws = load_workbook(BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "来源", "发现时间")
    assert rows[1][0] == item.number and rows[1][1] == "日常检查"


def test_menu_entry(world, client_as):
    from core.registry import MENU

    assert MENU.get("quality").extra["action"] == "quality.view"
    page = client_as(world.frontdesk).get("/quality/").content.decode()
    assert 'href="/quality/"' in page
    assert 'href="/quality/"' not in client_as(world.guard).get("/").content.decode()


pytestmark = pytest.mark.django_db


# R-ROLE-13: the record page and a step's message in English
def test_record_page_in_english(world, client_as, raise_item, daytime):
    from core.testing.i18n import english

    item = raise_item()
    fd = english(client_as(world.frontdesk))
    page = fd.get(f"/quality/{item.pk}/").content.decode()
    assert "Record the correction" in page and "Tracking" in page and "记录整改情况" not in page
    page = fd.post(
        f"/quality/{item.pk}/correct/", {"correction": "已复习服务用语"}, follow=True
    ).content.decode()
    assert "Correction recorded; awaiting verification." in page
