"""/api/v1/nonconformities/: the twin of the pages, the same services and rules."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from core.testing.queries import assert_max_queries
from quality.choices import NonConformityStatus
from quality.models import NonConformity

S = NonConformityStatus
URL = "/api/v1/nonconformities/"

pytestmark = pytest.mark.django_db


def test_anonymous_and_wrong_role_refused(world, api_as, raise_item):
    item = raise_item()
    assert APIClient().get(URL).status_code in (401, 403)
    assert api_as(world.guard).get(URL).status_code == 403
    assert api_as(world.frontdesk).post(URL, {}, format="json").status_code == 403
    assert (
        api_as(world.frontdesk).post(f"{URL}{item.pk}/verify/", {"passed": True}, format="json").status_code
        == 403
    )


def test_other_property_is_404(world, api_as, raise_item):
    item = raise_item()
    c = api_as(world.supervisor2)
    assert c.get(f"{URL}{item.pk}/").status_code == 404
    assert c.post(f"{URL}{item.pk}/void/", {"reason": "x"}, format="json").status_code == 404
    assert c.get(URL).json()["count"] == 0


# R-ROLE-09 / R-ROLE-13
def test_raise_correct_verify_over_the_api(world, api_as, cs_dept, daytime):
    sup = api_as(world.supervisor)
    body = {
        "property": world.p1.pk,
        "source": "daily_check",
        "place": "前台",
        "description": "交接班记录未填写完整",
        "department": cs_dept.pk,
        "responsible": world.frontdesk.pk,
        "requirement": "补填并签字",
        "due_at": (daytime.now() + timedelta(days=1)).isoformat(),
    }
    r = sup.post(URL, body, format="json")
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["status"] == S.TRACKING and data["number"].startswith("BF") and data["overdue"] is False
    pk = data["id"]
    r = api_as(world.frontdesk).post(f"{URL}{pk}/correct/", {"correction": "已补填"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == S.TO_VERIFY
    r = api_as(world.admin1).post(
        f"{URL}{pk}/verify/",
        {"passed": False, "note": "签字缺失", "new_due_at": (daytime.now() + timedelta(days=2)).isoformat()},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == S.TRACKING and r.json()["failed_verifications"] == 1
    api_as(world.admin1).post(f"{URL}{pk}/correct/", {"correction": "已补签"}, format="json")
    own = api_as(world.admin1).post(f"{URL}{pk}/verify/", {"passed": True}, format="json")
    assert own.status_code == 403 and "整改人不能验证" in own.json()["detail"]
    r = sup.post(f"{URL}{pk}/verify/", {"passed": True}, format="json")
    assert r.status_code == 200 and r.json()["status"] == S.DONE
    again = sup.post(f"{URL}{pk}/verify/", {"passed": True}, format="json")
    assert again.status_code == 409


def test_bad_input_is_400_and_nothing_written(world, api_as, cs_dept, daytime):
    sup = api_as(world.supervisor)
    base = {
        "property": world.p1.pk,
        "source": "daily_check",
        "description": "x",
        "department": cs_dept.pk,
        "requirement": "y",
    }
    r = sup.post(URL, {**base, "due_at": (daytime.now() - timedelta(hours=1)).isoformat()}, format="json")
    assert r.status_code == 400 and "整改期限须晚于现在" in r.json()["due_at"][0]
    r = sup.post(URL, {**base, "responsible": world.guard.pk}, format="json")
    assert r.status_code == 400 and "responsible" in r.json()
    r = sup.post(URL, {**base, "property": world.p2.pk}, format="json")
    assert r.status_code == 400 and "property" in r.json()
    r = sup.post(URL, {**base, "source": "nope"}, format="json")
    assert r.status_code == 400
    assert not NonConformity.objects.exists()


def test_void_and_filters(world, api_as, raise_item, daytime):
    late = raise_item(due_at=daytime.now() + timedelta(hours=1))
    other = raise_item(source="patrol")
    sup = api_as(world.supervisor)
    assert sup.post(f"{URL}{other.pk}/void/", {"reason": ""}, format="json").status_code == 400
    r = sup.post(f"{URL}{other.pk}/void/", {"reason": "误登"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == S.VOID
    daytime(hours=2)
    ids = lambda q: [row["id"] for row in sup.get(URL + q).json()["results"]]  # noqa: E731
    assert ids("?overdue=true") == [late.pk]
    assert ids("?source=patrol") == [other.pk]
    assert ids("?status=void") == [other.pk]
    assert set(ids(f"?department={late.department_id}")) == {late.pk, other.pk}
    assert ids("?open=true") == [late.pk]


def test_list_query_count_is_bounded(world, api_as, raise_item):
    for i in range(12):
        raise_item(description=f"问题{i}")
    c = api_as(world.supervisor)
    with assert_max_queries(8):
        r = c.get(URL)
    assert r.status_code == 200 and r.json()["count"] == 12


def test_schema_still_generates(world, client_as):
    r = client_as(world.manager).get("/api/schema/")
    assert r.status_code == 200 and b"/api/v1/nonconformities/" in r.content
