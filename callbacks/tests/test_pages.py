"""Pages and API of the callbacks area: standard cases, htmx script branches (R-CB-08), exports, counts."""

import re
from datetime import date

import pytest
from django.utils import timezone

from callbacks import services
from callbacks.models import Callback
from servicedesk import engine


@pytest.fixture
def cb(world, make_request):
    req = make_request("repair")
    engine.announce_completed(req, world.engineer)
    return Callback.objects.get(request=req)


@pytest.fixture
def cb_p2(world, make_request):
    req = make_request("repair", prop=world.p2)
    engine.announce_completed(req, world.frontdesk2)
    return Callback.objects.get(request=req)


PAGES = [
    "/callbacks/",
    "/callbacks/all/",
    "/callbacks/contracts/",
    "/callbacks/activities/",
    "/callbacks/key-customers/",
]


def test_anonymous_redirected_and_wrong_role_refused(client, world, client_as, cb):
    for url in PAGES + [
        f"/callbacks/{cb.pk}/",
        "/callbacks/analysis/",
        "/callbacks/plans/",
        "/callbacks/surveys/",
    ]:
        r = client.get(url)
        assert r.status_code == 302 and "/login" in r["Location"], url
    guard = client_as(world.guard)
    for url in PAGES + [f"/callbacks/{cb.pk}/", "/callbacks/analysis/", "/callbacks/plans/"]:
        assert guard.get(url).status_code == 403, url
    assert client_as(world.frontdesk).get("/callbacks/analysis/").status_code == 403


def test_pages_render_for_the_right_role(world, client_as, cb):
    c = client_as(world.supervisor)
    for url in PAGES + [
        f"/callbacks/{cb.pk}/",
        f"/callbacks/{cb.pk}/print/",
        "/callbacks/new/",
        "/callbacks/plans/",
        "/callbacks/plans/new/",
        "/callbacks/visits/",
        "/callbacks/visits/new/",
        "/callbacks/analysis/",
        "/callbacks/surveys/",
    ]:
        assert c.get(url).status_code == 200, url
    r = c.get("/callbacks/")
    assert cb.subject in r.content.decode()


def test_other_property_is_404(world, client_as, cb_p2):
    c = client_as(world.supervisor)
    assert c.get(f"/callbacks/{cb_p2.pk}/").status_code == 404
    assert c.post(f"/callbacks/{cb_p2.pk}/issue/").status_code == 404
    assert cb_p2.subject not in c.get("/callbacks/").content.decode()


# R-CB-08
def test_phone_script_shown_with_branches_by_htmx(world, client_as, cb):
    c = client_as(world.admin1)
    page = c.get(f"/callbacks/{cb.pk}/").content.decode()
    assert "感谢您对我们公司的支持" in page and "张管理" in page
    r = c.get(f"/callbacks/{cb.pk}/script/?branch=satisfied", HTTP_HX_REQUEST="true").content.decode()
    assert "您对我们的服务有什么建议吗" in r and "感谢你的答复" in r
    r = c.get(f"/callbacks/{cb.pk}/script/?branch=unsatisfied", HTTP_HX_REQUEST="true").content.decode()
    assert "能否告诉我您对哪方面不满意" in r and "望您监督" in r
    assert c.get(f"/callbacks/{cb.pk}/script/?branch=x").status_code == 404


# R-CB-09, R-CB-20
def test_record_and_review_through_the_pages(world, daytime, client_as, cb):
    c = client_as(world.admin1)
    r = c.post(
        f"/callbacks/{cb.pk}/record/",
        {"method": "phone", "satisfaction": "unsatisfied", "caller_signature": "张"},
    )
    assert r.status_code == 400 and "不满意的方面" in r.content.decode()
    cb.refresh_from_db()
    assert cb.status == "scheduled"
    r = c.post(
        f"/callbacks/{cb.pk}/record/",
        {
            "method": "phone",
            "satisfaction": "unsatisfied",
            "shortcomings": "未修好",
            "resident_confirmed": "on",
            "caller_signature": "张",
        },
    )
    assert r.status_code == 302
    r = c.post(f"/callbacks/{cb.pk}/review/", {"comment": "核实", "handling_opinion": "返修"})
    assert r.status_code == 302
    cb.refresh_from_db()
    assert cb.status == "escalated"
    assert (
        client_as(world.admin1)
        .post(f"/callbacks/{cb.pk}/decide/", {"decision": "reopen", "note": "x"})
        .status_code
        == 403
    )
    r = client_as(world.supervisor).post(
        f"/callbacks/{cb.pk}/decide/", {"decision": "reopen", "note": "返修"}
    )
    assert r.status_code == 302
    cb.request.refresh_from_db()
    assert cb.request.reopen_count == 1


def test_export_and_analysis_pages(world, client_as, cb):
    c = client_as(world.supervisor)
    r = c.get("/callbacks/all/?export=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client_as(world.frontdesk).get("/callbacks/all/?export=xlsx").status_code == 403
    r = c.get("/callbacks/analysis/?year=2025&quarter=1")
    body = r.content.decode()
    assert r.status_code == 200 and "vendor/echarts/echarts.min.js" in body
    # No script or style from another host (a CDN): offices run on closed networks. (Not a search for
    # "cdn" in the page: a random CSRF token may contain those letters.)
    assert not re.search(r'(?:src|href)="(?:https?:)?//', body)
    r = c.get("/callbacks/analysis/?year=2025&quarter=1&export=xlsx")
    assert r.status_code == 200
    r = c.post("/callbacks/analysis/generate/", {"year": 2025, "quarter": 1, "property": world.p1.pk})
    assert r.status_code == 302 and "/callbacks/reports/" in r["Location"]


def test_contract_activity_and_survey_forms(world, client_as):
    c = client_as(world.supervisor)
    r = c.post("/callbacks/contracts/", {"title": "保洁", "start": "2030-01-01", "end": "2030-03-01"})
    assert r.status_code == 302
    r = c.post(
        "/callbacks/activities/",
        {"title": "游园", "start": "2030-01-01", "end": "2029-01-01", "participants": 3},
    )
    assert r.status_code == 400
    assert Callback.objects.filter(source="special").count() == 1
    assert client_as(world.frontdesk).post("/callbacks/contracts/", {"title": "x"}).status_code == 403
    r = c.post(
        "/callbacks/surveys/",
        {
            "title": "调查",
            "distributed_on": "2030-01-01",
            "collect_by": "2030-01-31",
            "questions": "态度\n保洁",
        },
    )
    assert r.status_code == 302
    s_url = r["Location"]
    page = c.get(s_url)
    qids = [q.pk for q in page.context["s"].questions.all()]
    r = c.post(s_url + "responses/", {f"q_{qids[0]}": "satisfied", f"q_{qids[1]}": "average"})
    assert r.status_code == 302


def test_call_list_query_count_is_fixed(world, client_as, make_request, django_assert_max_num_queries):
    for _ in range(12):
        engine.announce_completed(make_request("repair"), world.engineer)
    c = client_as(world.admin1)
    c.get("/callbacks/")
    with django_assert_max_num_queries(16):
        r = c.get("/callbacks/")
    assert r.content.decode().count("/callbacks/") > 12


def test_api_flow_and_scoping(world, daytime, api_as, cb, cb_p2):
    api = api_as(world.admin1)
    r = api.get("/api/v1/callbacks/")
    assert r.status_code == 200 and {x["id"] for x in r.json()["results"]} == {cb.pk}
    assert r.json()["results"][0]["contact_phone"] != "13812345678"
    assert api.get(f"/api/v1/callbacks/{cb_p2.pk}/").status_code == 404
    assert api.get("/api/v1/callbacks/call-list/").status_code == 200
    r = api.post(
        f"/api/v1/callbacks/{cb.pk}/record/", {"method": "phone", "satisfaction": "satisfied"}, format="json"
    )
    assert r.status_code == 400 and "resident_confirmed" in r.json()
    r = api.post(
        f"/api/v1/callbacks/{cb.pk}/record/",
        {
            "method": "phone",
            "satisfaction": "satisfied",
            "resident_confirmed": True,
            "caller_signature": "张",
        },
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == "done"
    assert api_as(world.guard).get("/api/v1/callbacks/").status_code == 403
    r = api.get(
        "/api/v1/callbacks/quarterly-reports/analysis/", {"property": world.p1.pk, "year": 2025, "quarter": 1}
    )
    assert r.status_code == 200 and "repeated_complaints" in r.json()
    assert (
        api.get(
            "/api/v1/callbacks/quarterly-reports/analysis/",
            {"property": world.p2.pk, "year": 2025, "quarter": 1},
        ).status_code
        == 404
    )


def test_api_visits_and_surveys(world, api_as, resident):
    owner = resident("业主", unit=world.u1)
    api = api_as(world.admin1)
    r = api.post(
        "/api/v1/callbacks/visits/",
        {"property": world.p1.pk, "resident": owner.pk, "opinions": "好"},
        format="json",
    )
    assert r.status_code == 201, r.content
    r = api.post(
        "/api/v1/callbacks/surveys/",
        {
            "property": world.p1.pk,
            "title": "t",
            "distributed_on": "2030-01-01",
            "collect_by": "2030-01-02",
            "questions": ["a"],
        },
        format="json",
    )
    assert r.status_code == 201
    sid, qid = r.json()["id"], r.json()["questions"][0]["id"]
    assert (
        api.post(
            f"/api/v1/callbacks/surveys/{sid}/responses/", {"answers": {str(qid): "satisfied"}}, format="json"
        ).status_code
        == 201
    )
    assert api.get(f"/api/v1/callbacks/surveys/{sid}/stats/").json()[0]["satisfied"] == 1
    r = api.post(
        "/api/v1/callbacks/plans/",
        {
            "property": world.p1.pk,
            "title": "p",
            "period_start": "2030-01-01",
            "period_end": "2030-02-01",
            "administrator": world.admin1.pk,
        },
        format="json",
    )
    assert r.status_code == 201 and r.json()["n_total"] == 1


def test_schema_generates(client, world, client_as):
    assert client_as(world.supervisor).get("/api/schema/").status_code == 200


def test_plan_and_visit_pages(world, client_as, resident):
    resident("业主", unit=world.u1)
    c = client_as(world.admin1)
    r = c.post(
        "/callbacks/plans/new/",
        {
            "title": "计划",
            "period_start": "2030-01-01",
            "period_end": "2030-02-01",
            "administrator": world.admin1.pk,
        },
    )
    assert r.status_code == 302
    plan_url = r["Location"]
    entry = c.get(plan_url).context["page_obj"].object_list[0]
    r = c.post(
        f"/callbacks/visits/new/?entry={entry.pk}",
        {"resident": entry.resident_id, "method": "home", "opinions": "绿化"},
    )
    assert r.status_code == 302
    assert c.get(r["Location"]).status_code == 200
    assert c.get(r["Location"] + "print/").status_code == 200
    assert services.quarter_bounds(2025, 4)[1].date() == date(2026, 1, 1)


def test_demo_loader(world, resident, flows):
    import random

    from callbacks import demo
    from callbacks.models import OwnerVisit, QuarterlyReport, Survey

    for i, u in enumerate([world.u1, world.u2, world.u3]):
        resident(f"业主{i}", unit=u, key=i == 0)
    staff = {n: getattr(world, n) for n in ("manager", "supervisor", "admin1", "frontdesk", "clerk")}
    demo.load(prop=world.p1, staff=staff, rng=random.Random(1), units=[])
    assert Callback.objects.filter(status="escalated").count() == 1
    assert Callback.objects.filter(source="special", due_at__lt=timezone.now()).exists()  # overdue
    assert OwnerVisit.objects.filter(status="filed").count() == 1
    assert QuarterlyReport.objects.filter(status="sent").count() == 1 and Survey.objects.count() == 1
