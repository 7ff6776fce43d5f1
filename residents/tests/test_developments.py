"""客户动态: the administrator's daily follow-up of their customers (R-CUST-01, R-CUST-02, R-CUST-06)."""

import random
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from core.choices import DepartmentKind, HistoryAction
from core.history import history_for
from core.models import Department, HistoryEntry, Notification
from core.services import unit_create
from core.testing.queries import assert_max_queries
from residents import demo, services
from residents.choices import NeedStatus
from residents.developments import CUSTOMER_DEVELOPMENTS, collect
from residents.models import CustomerNeed, DevelopmentReview

pytestmark = pytest.mark.django_db

PAGE = "/residents/developments/"


TODAY = timezone.localdate()  # at import, before any test freezes the clock


def at(day_offset: int, hour: int):
    """A time relative to today's date (not to a frozen "now", which the tests move)."""
    return timezone.make_aware(datetime.combine(TODAY + timedelta(days=day_offset), time(hour)))


@pytest.fixture
def cust(world, make_resident, daytime):
    """admin1 holds 李重点 (key customer, 3-1201) and 王普通 (3-1202); admin2 holds 赵别人 (3-0501). The roster is
    entered the day before yesterday; today at 09:00 the news happens; the page is read at 10:00."""
    from servicedesk import services as sd

    daytime(to=at(-2, 9))
    w = world
    w.key = make_resident("李重点", unit=w.u1, is_key_customer=True, phone="13812345678")
    w.plain = make_resident("王普通", unit=w.u2, phone="13900001111")
    w.other = make_resident("赵别人", unit=w.u3, phone="13700002222")
    services.customers_assign(
        actor=w.supervisor,
        prop=w.p1,
        assignments=[(w.key, w.admin1), (w.plain, w.admin1), (w.other, w.admin2)],
    )
    w.old = sd.request_create(
        actor=w.frontdesk,
        prop=w.p1,
        kind="consultation",
        channel="phone",
        title="旧的停车咨询",
        description="两天前的咨询",
        reporter_name="王普通",
        reporter=w.plain,
    )
    daytime(to=at(0, 9))
    sd.request_create(
        actor=w.frontdesk,
        prop=w.p1,
        kind="consultation",
        channel="phone",
        title="门禁卡办理咨询",
        description="问门禁卡怎么补办",
        reporter_name="王普通",
        reporter=w.plain,
    )
    sd.request_create(
        actor=w.frontdesk,
        prop=w.p1,
        kind="consultation",
        channel="visit",
        title="别人的咨询",
        description="不是 admin1 的客户",
        reporter_name="赵别人",
        reporter=w.other,
    )
    services.emergency_contact_add(actor=w.frontdesk, resident=w.key, name="李妻", phone="13600003333")
    w.eng = Department.objects.get(property=w.p1, kind=DepartmentKind.ENGINEERING)
    daytime(to=at(0, 10))
    return w


def _texts(page):
    return [d.text for row in page.rows for d in row.developments]


# R-CUST-01
def test_page_lists_my_customers_developments_of_the_window_classified_key_first(cust, client_as):
    r = client_as(cust.admin1).get(PAGE)
    assert r.status_code == 200
    page = r.context["page"]
    assert [row.resident.name for row in page.rows] == ["李重点", "王普通"]  # key customer first
    texts = _texts(page)
    assert any("门禁卡办理咨询" in t for t in texts)
    assert not any("旧的停车咨询" in t for t in texts)  # before the window (the last 24 hours)
    assert not any("别人的咨询" in t for t in texts)  # admin2's customer
    key_row = page.rows[0]
    assert [area for area, _ in key_row.by_area] == ["档案变动"]
    assert "紧急联络人" in key_row.developments[0].text and "13600003333" not in key_row.developments[0].text
    assert [area for area, _ in page.rows[1].by_area] == ["服务请求"]  # R-CUST-02 classified by area
    html = r.content.decode()
    assert "赵别人" not in html and "门禁卡办理咨询" in html and "已查阅" in html


# R-CUST-01
def test_every_area_registers_a_provider():
    keys = {e.key for e in CUSTOMER_DEVELOPMENTS}
    assert {
        "residents.changes",
        "residents.correspondence",
        "residents.needs",
        "servicedesk.requests",
        "callbacks.calls",
        "parcels.parcels",
    } <= keys


# R-CUST-01
def test_providers_parcels_callbacks_reopened_requests(cust, daytime):
    from callbacks import services as cb
    from parcels import services as ps
    from servicedesk import services as sd
    from servicedesk.models import ServiceRequest

    w = cust
    since = at(0, 10)
    daytime(to=at(0, 11))
    ps.parcel_receive(
        actor=w.frontdesk,
        prop=w.p1,
        unit=w.u1,
        courier="EMS",
        is_postal=True,
        receipt_mark="stamp",
        resident=w.key,
        tracking_no="SF1",
    )
    call = cb.callback_create(
        actor=w.supervisor, prop=w.p1, subject="咨询回访", contact_name="", resident=w.plain
    )
    cb.callback_record(
        actor=w.supervisor,
        callback=call,
        satisfaction="unsatisfied",
        method="phone",
        shortcomings="答复太慢",
        resident_confirmed=True,
        caller_signature="李主管",
    )
    req = ServiceRequest.objects.get(title="门禁卡办理咨询")
    flow = __import__("servicedesk.engine", fromlist=["workflow_for"]).workflow_for("consultation")
    # close it along the consultation workflow, then reopen it (R-CB-20 convention: every kind has "reopen")
    path = []
    state = req.status
    while state not in flow.closed:
        t = next(t for t in flow.transitions if state in t.sources and not t.reopens and t.target != state)
        path.append(t.name)
        state = t.target
    for name in path:
        sd.request_transition(actor=w.supervisor, request=req, name=name, reason="已答复业户")
    assert any("已关闭" in d.text for d in collect([w.plain.pk], since, at(0, 12)))
    sd.request_transition(actor=w.supervisor, request=req, name="reopen", reason="业户仍有疑问")
    devs = collect([w.key.pk, w.plain.pk], since, at(0, 12))
    by_area = {}
    for d in devs:
        by_area.setdefault(d.area, []).append(d)
    assert any("到件" in d.text and "SF1" in d.text for d in by_area["快件"])
    assert any(d.level == "warning" and "不满意" in d.text for d in by_area["回访"])
    assert any(d.level == "warning" and "重新打开" in d.text for d in by_area["服务请求"])
    # a parcel still waiting from before a later window is shown as 仍未领取
    later = collect([w.key.pk], at(1, 10), at(1, 12))
    assert any("仍未领取" in d.text for d in later)


# R-CUST-01
def test_another_administrators_customers_other_property_anonymous_wrong_role(cust, client_as, client):
    w = cust
    c = client_as(w.admin1)
    assert c.get(f"{PAGE}?administrator={w.admin2.pk}").status_code == 404
    assert c.get(f"{PAGE}?property={w.p2.pk}").status_code == 404
    assert client_as(w.supervisor2).get(f"{PAGE}?administrator={w.admin1.pk}").status_code == 404
    r = client.get(PAGE)
    assert r.status_code == 302 and "login" in r["Location"]
    assert client_as(w.frontdesk).get(PAGE).status_code == 403
    assert client_as(w.engineer).get(PAGE).status_code == 403


# R-CUST-02
def test_review_once_per_day_second_click_updates(cust, client_as, daytime):
    w = cust
    c = client_as(w.admin1)
    r = c.post("/residents/developments/review/", {"property": w.p1.pk, "note": "已看"})
    assert r.status_code == 302
    review = DevelopmentReview.objects.get()
    assert review.date == timezone.localdate() and review.seen == 2 and review.note == "已看"
    # the page now shows what happened since the review: nothing yet
    assert c.get(PAGE).context["page"].rows == []
    daytime(hours=2)
    services.correspondence_add(
        actor=w.frontdesk,
        resident=w.plain,
        direction="in",
        subject="车位来函",
        date=timezone.localdate(),
    )
    page = c.get(PAGE).context["page"]
    assert [d.area for row in page.rows for d in row.developments] == ["往来文件"]
    c.post("/residents/developments/review/", {"property": w.p1.pk})
    review = DevelopmentReview.objects.get()  # still one row
    assert review.seen == 3 and review.reviewed_at == daytime.now() and review.note == "已看"
    hist = history_for(review)
    assert [h.action for h in hist] == [HistoryAction.UPDATE, HistoryAction.CREATE]


# R-CUST-02
def test_supervisor_sees_any_administrator_and_who_has_not_reviewed(cust, client_as):
    w = cust
    services.customer_developments_review(actor=w.admin1, prop=w.p1)
    sup = client_as(w.supervisor)
    r = sup.get(f"{PAGE}?administrator={w.admin2.pk}")
    assert r.status_code == 200
    assert [row.resident.name for row in r.context["page"].rows] == ["赵别人"]
    assert [u.username for u in r.context["not_reviewed"]] == ["admin2"]
    assert "赵管理" in r.content.decode()
    assert client_as(w.admin1).get(PAGE).context["not_reviewed"] == []  # only the supervisor's view


# R-CUST-02
def test_review_refused_bad_note_and_wrong_role(cust, client_as):
    w = cust
    r = client_as(w.admin1).post("/residents/developments/review/", {"property": w.p1.pk, "note": "x" * 501})
    assert r.status_code == 400 and "备注不能超过" in r.content.decode()
    assert (
        client_as(w.frontdesk).post("/residents/developments/review/", {"property": w.p1.pk}).status_code
        == 403
    )
    assert (
        client_as(w.admin1).post("/residents/developments/review/", {"property": w.p2.pk}).status_code == 404
    )
    assert not DevelopmentReview.objects.exists()


# R-CUST-06
def test_need_passed_notifies_department_and_shows_on_archive_and_page(
    cust, client_as, django_capture_on_commit_callbacks
):
    w = cust
    c = client_as(w.admin1)
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(
            f"/residents/{w.key.pk}/needs/", {"text": "卫生间天花渗水,请上门查看", "department": w.eng.pk}
        )
    assert r.status_code == 302
    need = CustomerNeed.objects.get()
    assert need.status == NeedStatus.PASSED and need.department == w.eng and need.recorded_by == w.admin1
    note = Notification.objects.get(recipient=w.engineer)
    assert "李重点" in note.title and "渗水" in note.body
    assert not Notification.objects.filter(recipient=w.guard).exists()
    with assert_max_queries(20):
        archive = c.get(f"/residents/{w.key.pk}/").content.decode()
    assert "(l) 需求与信息转交" in archive and "卫生间天花渗水" in archive and "工程部" in archive
    page = c.get(PAGE)
    assert page.context["page"].rows[0].open_needs == [need]
    assert any("转交工程部" in t for t in _texts(page.context["page"]))
    # the department's answer recorded back: 已转交 → 已反馈, each change in the history
    r = c.post(f"/residents/needs/{need.pk}/answer/", {"answer": "已安排明天上午上门"})
    assert r.status_code == 302
    need.refresh_from_db()
    assert need.status == NeedStatus.ANSWERED and need.answer == "已安排明天上午上门"
    assert [(h.from_state, h.to_state) for h in history_for(need)] == [
        ("passed", "answered"),
        ("pending", "passed"),
        ("", ""),
    ]


# R-CUST-06
def test_need_pending_then_passed(cust, client_as, django_capture_on_commit_callbacks):
    w = cust
    c = client_as(w.admin1)
    c.post(f"/residents/{w.plain.pk}/needs/", {"text": "想了解会所开放时间"})
    need = CustomerNeed.objects.get()
    assert need.status == NeedStatus.PENDING and need.department is None
    page = c.get(PAGE).context["page"]
    assert any(d.level == "warning" and "待转交" in d.text for row in page.rows for d in row.developments)
    mgmt = Department.objects.get(property=w.p1, kind=DepartmentKind.MANAGEMENT)
    with django_capture_on_commit_callbacks(execute=True):
        c.post(f"/residents/needs/{need.pk}/pass/", {"department": mgmt.pk})
    need.refresh_from_db()
    assert need.status == NeedStatus.PASSED and Notification.objects.filter(recipient=w.manager).exists()
    r = c.post(f"/residents/needs/{need.pk}/pass/", {"department": mgmt.pk})
    assert r.status_code == 409
    # from the archive page: back to the archive
    r = c.post(f"/residents/{w.plain.pk}/needs/", {"text": "反映电梯异响", "back": "archive"})
    assert r.status_code == 302 and r["Location"] == f"/residents/{w.plain.pk}/"
    page = c.get(f"/residents/{w.plain.pk}/").content.decode()
    assert "记录并转交" in page and "反映电梯异响" in page
    assert "记录并转交" not in client_as(w.frontdesk).get(f"/residents/{w.plain.pk}/").content.decode()


# R-CUST-06
def test_need_bad_input_400_nothing_written(cust, client_as):
    w = cust
    c = client_as(w.admin1)
    r = c.post(f"/residents/{w.key.pk}/needs/", {"text": "短", "department": w.eng.pk})
    assert r.status_code == 400 and "至少 4 个字" in r.content.decode()
    other_dept = Department.objects.get(property=w.p2, kind=DepartmentKind.ENGINEERING)
    r = c.post(f"/residents/{w.key.pk}/needs/", {"text": "卫生间天花渗水", "department": other_dept.pk})
    assert r.status_code == 400 and "不属于本项目" in r.content.decode()
    assert c.post(f"/residents/{w.key.pk}/needs/", {"text": "x" * 10, "department": "abc"}).status_code == 400
    assert (
        client_as(w.frontdesk).post(f"/residents/{w.key.pk}/needs/", {"text": "卫生间天花渗水"}).status_code
        == 403
    )
    r = client_as(w.supervisor2).post(f"/residents/{w.key.pk}/needs/", {"text": "卫生间天花渗水"})
    assert r.status_code == 404
    assert not CustomerNeed.objects.exists()
    assert not HistoryEntry.objects.filter(content_type__model="customerneed").exists()


# R-CUST-01
def test_page_query_count_constant(cust, client_as, make_resident, daytime):
    from servicedesk import services as sd

    w = cust
    c = client_as(w.admin1)
    c.get(PAGE)  # warm the session and content-type caches
    with assert_max_queries(22) as small:
        c.get(PAGE)
    daytime(to=at(0, 9))
    more = []
    for i in range(6):
        u = unit_create(actor=None, building=w.b1, number=f"08{i:02d}", floor=8, area="90.00")
        r = make_resident(f"新客户{i}", unit=u, is_key_customer=i % 2 == 0)
        more.append((r, w.admin1))
        for k in range(3):
            sd.request_create(
                actor=w.frontdesk,
                prop=w.p1,
                kind="consultation",
                channel="phone",
                title=f"咨询{i}-{k}",
                description="咨询",
                reporter_name=r.name,
                reporter=r,
            )
        services.customer_need_record(actor=w.admin1, resident=r, text="业户希望增加充电桩", department=w.eng)
    services.customers_assign(actor=w.supervisor, prop=w.p1, assignments=more)
    daytime(to=at(0, 10))
    with assert_max_queries(22) as big:
        r = c.get(PAGE)
    assert len(r.context["page"].rows) == 8
    assert len(big.captured_queries) == len(small.captured_queries)
    sup = client_as(w.supervisor)
    sup.get(f"{PAGE}?administrator={w.admin1.pk}")
    with assert_max_queries(24):
        sup.get(f"{PAGE}?administrator={w.admin1.pk}&all=1")


# R-CUST-01
def test_days_parameter(cust, client_as):
    c = client_as(cust.admin1)
    page = c.get(f"{PAGE}?days=3").context["page"]
    assert any("旧的停车咨询" in t for t in _texts(page))
    assert c.get(f"{PAGE}?days=9").status_code == 400


# --- API twin -------------------------------------------------------------------------------------------


# R-CUST-01
def test_api_developments_for_the_user_and_for_a_supervisor(cust, api_as):
    w = cust
    r = api_as(w.admin1).get("/api/v1/customer-developments/")
    assert r.status_code == 200, r.content
    data = r.json()
    assert [c["name"] for c in data["customers"]] == ["李重点", "王普通"]
    assert data["customers"][1]["areas"][0]["area"] == "服务请求"
    assert "not_reviewed_today" not in data
    assert (
        api_as(w.admin1).get(f"/api/v1/customer-developments/?administrator={w.admin2.pk}").status_code == 404
    )
    assert api_as(w.frontdesk).get("/api/v1/customer-developments/").status_code == 403
    r = api_as(w.supervisor).get(f"/api/v1/customer-developments/?administrator={w.admin2.pk}")
    assert [c["name"] for c in r.json()["customers"]] == ["赵别人"]
    assert {u["id"] for u in r.json()["not_reviewed_today"]} == {w.admin1.pk, w.admin2.pk}


# R-CUST-02
def test_api_review_idempotent(cust, api_as):
    w = cust
    a = api_as(w.admin1)
    r1 = a.post("/api/v1/customer-developments/review/", {"property": w.p1.pk}, format="json")
    r2 = a.post("/api/v1/customer-developments/review/", {"property": w.p1.pk, "note": "补看"}, format="json")
    assert r1.status_code == r2.status_code == 200
    assert r1.json()["id"] == r2.json()["id"] and DevelopmentReview.objects.count() == 1
    assert r2.json()["note"] == "补看"
    assert (
        a.post("/api/v1/customer-developments/review/", {"property": w.p2.pk}, format="json").status_code
        == 404
    )


# R-CUST-06
def test_api_needs_create_pass_answer(cust, api_as, django_capture_on_commit_callbacks):
    w = cust
    a = api_as(w.admin1)
    r = a.post("/api/v1/customer-needs/", {"resident": w.key.pk, "text": "短"}, format="json")
    assert r.status_code == 400 and "text" in r.json()
    r = a.post(
        "/api/v1/customer-needs/",
        {"resident": w.key.pk, "text": "希望加装门禁", "department": 999999},
        format="json",
    )
    assert r.status_code == 400 and "department" in r.json()
    assert not CustomerNeed.objects.exists()
    r = a.post("/api/v1/customer-needs/", {"resident": w.key.pk, "text": "希望加装门禁"}, format="json")
    assert r.status_code == 201 and r.json()["status"] == "pending"
    pk = r.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        r = a.post(f"/api/v1/customer-needs/{pk}/pass/", {"department": w.eng.pk}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "passed"
    assert Notification.objects.filter(recipient=w.engineer).exists()
    r = a.post(f"/api/v1/customer-needs/{pk}/answer/", {"answer": "下周安装"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "answered"
    assert a.get("/api/v1/customer-needs/").json()["count"] == 1
    assert api_as(w.supervisor2).get(f"/api/v1/customer-needs/{pk}/").status_code == 404
    r = api_as(w.supervisor2).post(
        "/api/v1/customer-needs/", {"resident": w.key.pk, "text": "希望加装门禁"}, format="json"
    )
    assert r.status_code == 404


def test_api_schema_generates(world, client_as):
    r = client_as(world.admin1).get("/api/schema/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "/api/v1/customer-developments/" in body and "/api/v1/customer-needs/" in body


# --- demo -----------------------------------------------------------------------------------------------


# R-CUST-01
def test_demo_gives_the_administrator_news_a_need_and_yesterdays_review(world, client_as):
    units = [
        unit_create(actor=None, building=world.b1, number=f"10{n:02d}", floor=10, area="90.00")
        for n in range(16)
    ]
    staff = {
        u.username: u for u in (world.frontdesk, world.clerk, world.supervisor, world.admin1, world.admin2)
    }
    demo.load(prop=world.p1, units=units, staff=staff, rng=random.Random(5))
    review = DevelopmentReview.objects.get(administrator=world.admin1)
    assert review.date == timezone.localdate() - timedelta(days=1)
    need = CustomerNeed.objects.get()
    assert need.department.kind == DepartmentKind.ENGINEERING and need.status == NeedStatus.PASSED
    page = client_as(world.admin1).get(PAGE).context["page"]
    areas = {d.area for row in page.rows for d in row.developments}
    assert {"需求转交", "档案变动"} <= areas
    assert len(page.rows) < 6  # the roster's move-ins are not today's news
    letters = [d for row in page.rows for d in row.developments if d.area == "往来文件"]
    assert len(letters) <= 1  # nor its filed letters: only the one that came today
    assert demo.load_developments(prop=world.p1, staff=staff) == {"skipped": True}
    assert DevelopmentReview.objects.count() == 1 and CustomerNeed.objects.count() == 1
