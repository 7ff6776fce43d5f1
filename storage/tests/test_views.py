from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import Notification
from core.testing.queries import assert_max_queries
from storage import services
from storage.choices import FoundStatus, HeldStatus, StoredStatus
from storage.models import CustodyCheck, FoundItem, HeldItem, LostTicketAlert, StoredItem

PAGES = [
    "/storage/",
    "/storage/new/",
    "/storage/collect/",
    "/storage/lost/",
    "/storage/holding/",
    "/storage/holding/new/",
    "/storage/found/",
    "/storage/found/new/",
    "/storage/handover/",
]


def _dt(delta):
    return (timezone.localtime() + delta).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_login(client, world, url):
    resp = client.get(url)
    assert resp.status_code == 302 and "/login" in resp["Location"]


@pytest.mark.parametrize("url", PAGES)
def test_wrong_role_is_refused(world, client_as, url):
    assert client_as(world.engineer).get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_front_desk_sees_every_page(world, client_as, url):
    resp = client_as(world.frontdesk).get(url)
    assert resp.status_code == 200
    assert "寄存暂存" in resp.content.decode() and "失物招领" in resp.content.decode()  # menu entries


def test_other_property_records_are_404(world, client_as, deposit, hold, found):
    item, held, f = deposit(), hold(), found()
    c = client_as(world.frontdesk2)
    for url in (
        f"/storage/{item.pk}/",
        f"/storage/{item.pk}/ticket/",
        f"/storage/holding/{held.pk}/",
        f"/storage/holding/{held.pk}/label/",
        f"/storage/found/{f.pk}/",
    ):
        assert c.get(url).status_code == 404, url
    assert c.post(f"/storage/holding/{held.pk}/collect/", {}).status_code == 404
    page = c.get("/storage/collect/", {"ticket_no": item.ticket_no}).content.decode()
    assert "没有这个认领单号" in page and "黑色旅行袋" not in page


# R-STOR-05, R-STOR-06, R-STOR-08
def test_deposit_in_the_browser_and_print_two_part_ticket(world, client_as, owner):
    c = client_as(world.frontdesk)
    data = {
        "depositor_kind": "resident",
        "unit_label": "3-1201",
        "depositor_name": "王芳",
        "intake": "desk",
        "description": "黑色行李箱",
        "count": "1",
        "size_class": "large",
        "expected_collect_at": _dt(timedelta(hours=30)),
        "location": "行李房 2 号架",
        "notice_given": "on",
        "parts_confirmed": "on",
    }
    bad = c.post("/storage/new/", {**data, "valuables": "on"})
    assert bad.status_code == 400 and "银行保险箱" in bad.content.decode()
    assert StoredItem.objects.count() == 0
    wrong = c.post("/storage/new/", {**data, "depositor_name": "不存在"})
    assert wrong.status_code == 400 and StoredItem.objects.count() == 0
    resp = c.post("/storage/new/", data, follow=True)
    item = StoredItem.objects.get()
    page = resp.content.decode()
    assert item.resident == owner and item.storeroom_suggested
    assert "储物间" in page  # R-STOR-07 suggestion shown
    ticket = c.get(f"/storage/{item.pk}/ticket/").content.decode()
    assert ticket.count(f'<span class="ticket-no">{item.ticket_no}</span>') == 2
    assert "上联" in ticket and "下联" in ticket and "A5 landscape" in ticket


def test_collect_in_the_browser(world, client_as, deposit, id_copy):
    item = deposit()
    c = client_as(world.frontdesk)
    page = c.get("/storage/collect/", {"ticket_no": item.ticket_no})
    assert page.status_code == 200 and "黑色旅行袋" in page.content.decode()
    form = {
        "ticket_no": item.ticket_no,
        "method": "ticket",
        "presented_ticket_no": item.ticket_no,
        "collector_name": "王芳丈夫",
        "halves_match": "on",
        "inspected_ok": "on",
        "parts_stapled": "on",
    }
    resp = c.post("/storage/collect/", form)
    assert resp.status_code == 400 and "证件" in resp.content.decode()
    resp = c.post(
        "/storage/collect/", {**form, "collector_id_number": "110101198001011234", "id_copy": id_copy()}
    )
    assert resp.status_code == 302
    item.refresh_from_db()
    assert item.status == StoredStatus.COLLECTED
    detail = c.get(f"/storage/{item.pk}/").content.decode()
    assert "1101**********1234" in detail and "110101198001011234" not in detail
    # R-STOR-17: the supervisor files
    assert client_as(world.frontdesk).post(f"/storage/{item.pk}/file/").status_code == 403
    assert client_as(world.supervisor).post(f"/storage/{item.pk}/file/").status_code == 302
    assert item.collection.__class__.objects.get(item=item).filed_by == world.supervisor


# R-STOR-18, R-STOR-20
def test_stranger_with_a_lost_ticket_raises_the_alarm_in_the_browser(world, client_as, deposit, secsup):
    item = deposit()
    c = client_as(world.frontdesk)
    resp = c.post(
        "/storage/lost/", {"ticket_no": item.ticket_no, "reporter_name": "王芳", "unit_label": "3-1201"}
    )
    assert resp.status_code == 302
    item.refresh_from_db()
    assert item.status == StoredStatus.LOST_TICKET
    resp = c.post(
        "/storage/collect/",
        {
            "ticket_no": item.ticket_no,
            "method": "ticket",
            "presented_ticket_no": item.ticket_no,
            "collector_name": "陌生男子",
            "collector_is_depositor": "on",
            "halves_match": "on",
            "inspected_ok": "on",
            "parts_stapled": "on",
        },
    )
    page = resp.content.decode()
    assert resp.status_code == 400 and 'class="alert alert-error alarm"' in page and "稳住来人" in page
    assert LostTicketAlert.objects.filter(item=item, presenter_name="陌生男子").exists()
    assert set(
        Notification.objects.filter(title__contains="已挂失").values_list("recipient__username", flat=True)
    ) == {
        "secsup",
        "guard",
        "supervisor",
    }
    item.refresh_from_db()
    assert item.status == StoredStatus.LOST_TICKET


def test_seal_page(world, client_as, deposit):
    item = deposit()
    c = client_as(world.frontdesk)
    assert c.post(f"/storage/{item.pk}/seal/", {"supervisor": world.admin1.pk}).status_code == 400
    assert c.post(f"/storage/{item.pk}/seal/", {"supervisor": world.supervisor.pk}).status_code == 302
    item.refresh_from_db()
    assert item.sealed


def test_holding_pages(world, client_as):
    c = client_as(world.frontdesk)
    data = {
        "case": "owner_for_other",
        "unit_label": "3-1201",
        "owner_name": "王芳",
        "depositor_name": "王芳",
        "description": "入户门钥匙",
        "count": "1",
        "is_key": "on",
        "collector_name": "李师傅",
        "collect_by": _dt(timedelta(hours=3)),
    }
    bad = c.post("/storage/holding/new/", data)
    assert bad.status_code == 400 and "信封" in bad.content.decode() and HeldItem.objects.count() == 0
    resp = c.post("/storage/holding/new/", {**data, "envelope_sealed": "on", "envelope_marking": "pencil"})
    held = HeldItem.objects.get()
    assert resp.status_code == 302
    label = c.get(f"/storage/holding/{held.pk}/label/").content.decode()
    for text in (
        "3-1201",
        "王芳",
        "李师傅",
        str(world.frontdesk),
    ):  # R-HOLD-04: unit, owner, collector, clerk
        assert text in label
    resp = c.post(
        f"/storage/holding/{held.pk}/collect/",
        {
            "collector_kind": "third_party",
            "collector_name": "张三",
            "collector_id_number": "1101",
            "identity_checked": "on",
            "collector_signed": "on",
        },
    )
    assert resp.status_code == 400 and "存放人确认" in resp.content.decode()
    resp = c.post(f"/storage/holding/{held.pk}/chase/", {"note": "已致电业主"})
    assert resp.status_code == 302
    resp = c.post(
        f"/storage/holding/{held.pk}/collect/",
        {
            "collector_kind": "third_party",
            "collector_name": "张三",
            "collector_id_number": "110101197001015678",
            "identity_checked": "on",
            "collector_signed": "on",
            "depositor_confirmed_via": "phone",
        },
    )
    assert resp.status_code == 302
    held.refresh_from_db()
    assert held.status == HeldStatus.COLLECTED
    assert "1101**********5678" in c.get(f"/storage/holding/{held.pk}/").content.decode()


def test_lost_and_found_pages(world, client_as, found):
    c = client_as(world.frontdesk)
    data = {
        "name": "金手链",
        "quantity": "1",
        "features": "18K,带心形吊坠",
        "found_where": "会所泳池更衣室",
        "found_at": _dt(-timedelta(minutes=20)),
        "finder_name": "孙保安",
        "value_estimate": "2000",
    }
    assert c.post("/storage/found/new/", {**data, "features": ""}).status_code == 400
    resp = c.post("/storage/found/new/", data)
    f = FoundItem.objects.get()
    assert resp.status_code == 302 and f.storage_location == services.SAFE_LOCATION
    assert c.post(f"/storage/found/{f.pk}/note/", {"note": "已在业主群发布招领"}).status_code == 302
    claim = {
        "claimant_name": "王芳",
        "unit_label": "3-1201",
        "claimant_id_number": "110101199001011234",
        "claim_evidence": "说出吊坠刻字",
        "claimant_signed": "on",
    }
    assert (
        c.post(f"/storage/found/{f.pk}/claim/", claim).status_code == 403
    )  # the 客服主管 confirms (R-INC-20)
    s = client_as(world.supervisor)
    assert s.post(f"/storage/found/{f.pk}/claim/", {**claim, "claimant_signed": ""}).status_code == 400
    assert s.post(f"/storage/found/{f.pk}/claim/", claim).status_code == 302
    f.refresh_from_db()
    assert f.status == FoundStatus.CLAIMED
    early = found()
    resp = s.post(f"/storage/found/{early.pk}/dispose/", {"method": "donate", "note": "捐赠"})
    assert resp.status_code == 400 and "期满" in resp.content.decode()
    old = found(
        found_at=timezone.now() - timedelta(days=120), handed_in_at=timezone.now() - timedelta(days=120)
    )
    assert (
        s.post(f"/storage/found/{old.pk}/dispose/", {"method": "donate", "note": "捐给社区"}).status_code
        == 302
    )
    listing = c.get("/storage/found/", {"status": "all"}).content.decode()
    assert "金手链" in listing and old.record_no in listing


def test_handover_check_page(world, client_as, deposit, hold, found, django_capture_on_commit_callbacks):
    a, h, f = deposit(), hold(), found()
    c = client_as(world.frontdesk)
    page = c.get("/storage/handover/").content.decode()
    for no in (a.ticket_no, h.record_no, f.record_no):
        assert no in page
    with django_capture_on_commit_callbacks(execute=True):
        resp = c.post(
            "/storage/handover/",
            {
                "present": [f"stored:{a.pk}", f"found:{f.pk}"],
                f"note:held:{h.pk}": "不在柜中",
                "outgoing": world.clerk.pk,
            },
        )
    check = CustodyCheck.objects.get()
    assert resp.status_code == 302 and check.missing == 1 and check.outgoing == world.clerk
    assert Notification.objects.filter(recipient=world.supervisor, title__contains="缺失").exists()
    assert "不在柜中" in c.get(f"/storage/handover/{check.pk}/").content.decode()
    assert client_as(world.frontdesk2).get(f"/storage/handover/{check.pk}/").status_code == 404


def test_register_export_masks_phones(world, client_as, deposit):
    from io import BytesIO

    from openpyxl import load_workbook

    deposit()
    resp = client_as(world.frontdesk).get("/storage/", {"export": "xlsx", "status": "all"})
    ws = load_workbook(BytesIO(resp.content)).active
    rows = list(ws.values)
    assert rows[1][-1] == "138****5678"


def test_list_pages_cost_the_same_with_more_rows(world, client_as, deposit, hold, found):
    c = client_as(world.frontdesk)
    for _ in range(3):
        deposit(), hold(), found()
    for url in ("/storage/", "/storage/holding/", "/storage/found/", "/storage/handover/"):
        c.get(url)
        with assert_max_queries(20):
            assert c.get(url).status_code == 200
