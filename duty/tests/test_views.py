from datetime import timedelta

import pytest
from django.utils import timezone

from core.testing.queries import assert_max_queries
from duty import services
from duty.choices import DutyCategory, HandoverStatus, ReportStatus
from duty.models import DutyEntry, Handover, SpecialIncidentReport


def day_url(d):
    return f"/duty/{d.isoformat()}/"


def entry_post(prop, **over):
    data = {
        "property": prop.pk,
        "occurred_date": timezone.localdate().isoformat(),
        "occurred_time": "00:01",
        "category": DutyCategory.SECURITY,
        "course": "大堂有陌生人推销,已劝离",
        "handling": "保安协助",
        "result": "已离开",
    }
    data.update(over)
    return data


# --- standard cases ---


@pytest.mark.parametrize("url", ["/duty/", "/duty/2025-01-02/", "/duty/handovers/", "/duty/reports/"])
def test_anonymous_redirected_to_login(client, url):
    resp = client.get(url)
    assert resp.status_code == 302 and "/login/" in resp["Location"]


@pytest.mark.parametrize("who", ["engineer", "guard"])
def test_wrong_role_refused(world, login_as, who):
    c = login_as(getattr(world, who))
    assert c.get("/duty/").status_code == 403
    assert c.get("/duty/handovers/").status_code == 403
    # engineer cannot write the duty log
    assert c.post("/duty/entries/add/", entry_post(world.p1)).status_code == 403
    assert DutyEntry.objects.count() == 0


def test_manager_reads_but_cannot_write(world, login_as):
    c = login_as(world.manager)
    assert c.get("/duty/").status_code == 200
    assert c.post("/duty/entries/add/", entry_post(world.p1)).status_code == 403
    assert DutyEntry.objects.count() == 0


def test_day_page_and_quick_entry(world, login_as):
    c = login_as(world.frontdesk)
    resp = c.get("/duty/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "客服工作台帐" in html and "业主投诉" in html and 'name="occurred_time"' in html
    resp = c.post("/duty/entries/add/", entry_post(world.p1))
    assert resp.status_code == 302
    e = DutyEntry.objects.get()
    assert e.category == DutyCategory.SECURITY and e.recorded_by == world.frontdesk
    assert "大堂有陌生人推销" in c.get(resp["Location"]).content.decode()


def test_quick_entry_htmx_returns_fragment(world, login_as):
    c = login_as(world.frontdesk)
    resp = c.post("/duty/entries/add/", entry_post(world.p1), HTTP_HX_REQUEST="true")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "<html" not in html and "大堂有陌生人推销" in html


def test_quick_entry_bad_input_400_nothing_written(world, login_as):
    c = login_as(world.frontdesk)
    resp = c.post("/duty/entries/add/", entry_post(world.p1, course=""), HTTP_HX_REQUEST="true")
    assert resp.status_code == 400 and "error" in resp.content.decode()
    future = (timezone.localtime() + timedelta(hours=3)).date()
    resp = c.post(
        "/duty/entries/add/",
        entry_post(world.p1, occurred_date=(future + timedelta(days=1)).isoformat(), occurred_time="10:00"),
    )
    assert resp.status_code == 400 and "不能晚于现在" in resp.content.decode()
    resp = c.post("/duty/entries/add/", entry_post(world.p1, unit_label="9-9999"))
    assert resp.status_code == 400
    assert DutyEntry.objects.count() == 0


def test_other_property_is_404(world, login_as, make_entry):
    e = make_entry()
    c = login_as(world.frontdesk2)
    assert c.get(f"/duty/entries/{e.pk}/").status_code == 404
    assert c.post(f"/duty/entries/{e.pk}/void/", {"reason": "x"}).status_code == 404
    # asking for p1's log with ?property falls back to the user's own property
    resp = c.get(f"/duty/?property={world.p1.pk}")
    assert resp.status_code == 200 and world.p2.name in resp.content.decode()
    assert "楼上漏水" not in resp.content.decode()
    e.refresh_from_db()
    assert not e.is_void


def test_prev_next_navigation(world, login_as):
    c = login_as(world.frontdesk)
    d = timezone.localdate() - timedelta(days=3)
    html = c.get(day_url(d)).content.decode()
    assert day_url(d - timedelta(days=1)) in html and day_url(d + timedelta(days=1)) in html
    assert c.get("/duty/2025-02-30/").status_code == 404


# R-DUTY-05: the sign-off button is the supervisor's; afterwards the page is locked.
def test_supervisor_signs_from_page(world, login_as, make_entry, yesterday_at):
    e = make_entry(occurred_at=yesterday_at())
    d = e.day.date
    assert "签字确认" not in login_as(world.frontdesk).get(day_url(d)).content.decode()
    resp = login_as(world.frontdesk).post(f"/duty/{d.isoformat()}/sign/", {"property": world.p1.pk})
    assert resp.status_code == 403
    c = login_as(world.supervisor)
    assert "签字确认" in c.get(day_url(d)).content.decode()
    resp = c.post(f"/duty/{d.isoformat()}/sign/", {"property": world.p1.pk, "comment": "已检查"})
    assert resp.status_code == 302
    e.day.refresh_from_db()
    assert e.day.signed_by == world.supervisor and e.day.comment == "已检查"
    html = login_as(world.frontdesk).get(day_url(d)).content.decode()
    assert "已锁定" in html and 'name="course"' not in html
    # a second sign is a conflict, shown on the page
    assert c.post(f"/duty/{d.isoformat()}/sign/", {"property": world.p1.pk}).status_code == 409


def test_entry_detail_edit_and_void(world, login_as, make_entry):
    e = make_entry()
    c = login_as(world.admin1)
    resp = c.get(f"/duty/entries/{e.pk}/")
    assert resp.status_code == 200 and "变更记录" in resp.content.decode()
    data = entry_post(world.p1, course="改正后的经过")
    assert c.post(f"/duty/entries/{e.pk}/edit/", data).status_code == 302
    e.refresh_from_db()
    assert e.course == "改正后的经过"
    assert c.post(f"/duty/entries/{e.pk}/void/", {"reason": ""}).status_code == 400
    assert c.post(f"/duty/entries/{e.pk}/void/", {"reason": "重复"}).status_code == 302
    e.refresh_from_db()
    assert e.is_void
    html = c.get(f"/duty/entries/{e.pk}/").content.decode()
    assert "重复" in html and "作废" in html


def test_edit_after_signoff_refused_on_page(world, login_as, make_entry, yesterday_at):
    e = make_entry(occurred_at=yesterday_at())
    services.duty_day_sign(actor=world.supervisor, prop=world.p1, day=e.day.date)
    c = login_as(world.frontdesk)
    data = entry_post(world.p1, occurred_date=e.day.date.isoformat(), occurred_time="10:00", course="改")
    resp = c.post(f"/duty/entries/{e.pk}/edit/", data)
    assert resp.status_code == 400 and "锁定" in resp.content.decode()
    e.refresh_from_db()
    assert e.course != "改"


# Fixed cost: the day page costs the same with 3 or 60 entries (CONVENTIONS habit 10).
def test_day_page_query_count_is_fixed(world, login_as, make_entry, yesterday_at):
    for i in range(60):
        make_entry(occurred_at=yesterday_at(8 + i % 10, i % 60), unit=world.u1 if i % 2 else None)
    c = login_as(world.supervisor)
    url = day_url(yesterday_at().date())
    c.get(url)
    with assert_max_queries(10):
        resp = c.get(url)
    assert resp.status_code == 200 and resp.content.decode().count("/duty/entries/") >= 60


# --- special incident reports (R-DUTY-02) ---


def test_report_flow_with_photo_and_print(world, login_as, make_entry, png_upload):
    e = make_entry(category=DutyCategory.ACCIDENT, is_major=True, course="电梯困人")
    c = login_as(world.frontdesk)
    assert c.get(f"/duty/entries/{e.pk}/report/").status_code == 200
    resp = c.post(f"/duty/entries/{e.pk}/report/", {"title": "", "details": ""})
    assert resp.status_code == 400 and SpecialIncidentReport.objects.count() == 0
    resp = c.post(
        f"/duty/entries/{e.pk}/report/",
        {"title": "3栋电梯困人", "details": "困 2 人 15 分钟", "losses": "无"},
    )
    r = SpecialIncidentReport.objects.get()
    assert resp["Location"] == f"/duty/reports/{r.pk}/"
    resp = c.post(f"/duty/reports/{r.pk}/submit/")
    assert resp.status_code == 400 and "现场照片" in resp.content.decode()
    assert c.post(f"/duty/reports/{r.pk}/photos/", {"photo": png_upload()}).status_code == 302
    assert c.post(f"/duty/reports/{r.pk}/submit/").status_code == 302
    r.refresh_from_db()
    assert r.status == ReportStatus.SUBMITTED
    html = c.get(f"/duty/reports/{r.pk}/print/").content.decode()
    assert "@media print" in html and "A4" in html and "3栋电梯困人" in html and "/attachments/" in html
    # the front desk cannot acknowledge; the supervisor can
    assert c.post(f"/duty/reports/{r.pk}/acknowledge/", {}).status_code == 403
    assert (
        login_as(world.supervisor).post(f"/duty/reports/{r.pk}/acknowledge/", {"comment": "阅"}).status_code
        == 302
    )
    r.refresh_from_db()
    assert r.status == ReportStatus.ACKNOWLEDGED
    assert login_as(world.frontdesk2).get(f"/duty/reports/{r.pk}/").status_code == 404


# --- handover pages (R-DUTY-08..13) ---


def test_handover_page_flow(world, login_as, django_capture_on_commit_callbacks):
    out, inc = login_as(world.frontdesk), None
    html = out.get("/duty/handovers/").content.decode()
    assert "提前5分钟" in html
    assert (
        out.post(
            "/duty/handovers/start/", {"property": world.p1.pk, "incoming": world.frontdesk.pk}
        ).status_code
        == 400
    )
    assert Handover.objects.count() == 0
    resp = out.post("/duty/handovers/start/", {"property": world.p1.pk, "incoming": world.admin1.pk})
    h = Handover.objects.get()
    assert resp["Location"] == f"/duty/handovers/{h.pk}/"
    post = {
        "check_count": len(h.checks),
        "anomalies": "",
        "anomaly_explanation": "",
        "follow_ups": "跟进 1202 报修",
    }
    for i, r in enumerate(h.checks):
        post.update(
            {
                f"check-{i}-item": r["item"],
                f"check-{i}-expected": r["expected"],
                f"check-{i}-actual": r["expected"],
            }
        )
    assert out.post(f"/duty/handovers/{h.pk}/update/", post).status_code == 302
    resp = out.post(
        f"/duty/handovers/{h.pk}/items/",
        {"description": "催缴通知未发完", "important": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert resp.status_code == 200 and "催缴通知未发完" in resp.content.decode()
    resp = out.post(f"/duty/handovers/{h.pk}/hand-over/", {})
    assert resp.status_code == 400 and "须说明原因" in resp.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        resp = out.post(f"/duty/handovers/{h.pk}/hand-over/", {"unfinished_reason": "打印机故障"})
    assert resp.status_code == 302
    h.refresh_from_db()
    assert h.status == HandoverStatus.HANDED_OVER and h.follow_ups == "跟进 1202 报修"
    assert world.supervisor.notifications.count() == 1
    # only the named incoming confirms
    assert login_as(world.admin2).post(f"/duty/handovers/{h.pk}/confirm/").status_code == 403
    inc = login_as(world.admin1)
    assert "确认接班" in inc.get(f"/duty/handovers/{h.pk}/").content.decode()
    assert inc.post(f"/duty/handovers/{h.pk}/confirm/").status_code == 302
    h.refresh_from_db()
    assert h.status == HandoverStatus.CONFIRMED
    html = inc.get("/duty/handovers/").content.decode()
    assert "已接班" in html and "1 项重要未完成" in html
    assert login_as(world.frontdesk2).get(f"/duty/handovers/{h.pk}/").status_code == 404


def test_schema_generates(client):
    assert client.get("/api/schema/").status_code == 200
