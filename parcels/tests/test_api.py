import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from rest_framework.test import APIClient

from core.testing.queries import assert_max_queries
from parcels import services
from parcels.choices import ParcelStatus, SlipStatus
from parcels.models import Letter, NotificationSlip, Parcel
from parcels.tests.conftest import local


def body(prop, **over):
    b = {
        "property": prop.pk,
        "unit": "3-1201",
        "courier": "顺丰",
        "tracking_no": "SF100",
        "consent_by": "业主电话同意",
        "shelf": "A1",
    }
    b.update(over)
    return b


@pytest.mark.parametrize(
    "url", ["/api/v1/parcels/", "/api/v1/mail-slips/", "/api/v1/letters/", "/api/v1/parcel-batches/"]
)
def test_anonymous_refused(db, url):
    assert APIClient().get(url).status_code in (401, 403)


def test_wrong_role_refused_and_nothing_written(world, mail, api_as):
    c = api_as(world.engineer)
    assert c.get("/api/v1/parcels/").status_code == 403
    assert c.post("/api/v1/parcels/", body(world.p1), format="json").status_code == 403
    m = api_as(world.manager)  # may read, not receive
    assert m.get("/api/v1/parcels/").status_code == 200
    assert m.post("/api/v1/parcels/", body(world.p1), format="json").status_code == 403
    assert not Parcel.objects.exists()


def test_other_property_is_404(world, mail, receive, api_as):
    p = receive()
    c = api_as(world.frontdesk2)
    assert c.get(f"/api/v1/parcels/{p.pk}/").status_code == 404
    assert (
        c.post(
            f"/api/v1/parcels/{p.pk}/release/", {"collector_name": "x", "id_checked": True}, format="json"
        ).status_code
        == 404
    )
    assert c.get("/api/v1/parcels/").json()["count"] == 0
    assert c.post("/api/v1/parcels/", body(world.p1), format="json").status_code == 400  # not their property


# R-EXP-04
def test_bad_input_is_400_and_nothing_written(world, mail, api_as):
    c = api_as(world.frontdesk)
    r = c.post("/api/v1/parcels/", body(world.p1, unit="3-0501"), format="json")
    assert r.status_code == 400 and "unit" in r.json()
    r = c.post("/api/v1/parcels/", body(world.p1, unit="9-9999"), format="json")
    assert r.status_code == 400
    r = c.post("/api/v1/parcels/", body(world.p1, consent_by=""), format="json")
    assert r.status_code == 400 and "consent_by" in r.json()
    assert not Parcel.objects.exists()


# R-LET-02
def test_items_cannot_be_deleted_or_edited(world, mail, receive, api_as):
    p = receive()
    letter = services.letter_register(
        actor=world.frontdesk, prop=world.p1, addressee_name="张三", unit=world.u1
    )
    c = api_as(world.supervisor)
    for url in (f"/api/v1/parcels/{p.pk}/", f"/api/v1/letters/{letter.pk}/"):
        assert c.delete(url).status_code == 405
        assert c.patch(url, {"status": "collected"}, format="json").status_code == 405
    assert (
        Parcel.objects.get(pk=p.pk).status == ParcelStatus.RECEIVED
        and Letter.objects.filter(pk=letter.pk).exists()
    )


def test_must_show_logged_notified_chased_72h_collected_without_slip(world, mail, api_as):
    """The issue's walk-through through the API: a parcel logged, notified through the cadence, chased after
    72 hours and collected without its slip."""
    c = api_as(world.frontdesk)
    t0 = local(10, days=-4)
    with mock.patch("django.utils.timezone.now", return_value=t0):
        r = c.post("/api/v1/parcels/", body(world.p1), format="json")
        assert r.status_code == 201, r.content
        pid = r.json()["id"]
        assert [row["parcel"] for row in c.get("/api/v1/parcels/call-list/").json()] == [pid]
    with mock.patch("django.utils.timezone.now", return_value=t0 + timedelta(minutes=2)):
        r = c.post(
            f"/api/v1/parcels/{pid}/notify/", {"channel": "phone", "outcome": "no_answer"}, format="json"
        )
        assert r.status_code == 201
        assert c.get("/api/v1/parcels/call-list/").json() == []
        assert c.post(f"/api/v1/parcels/{pid}/notify/", {"channel": "sms"}, format="json").status_code == 201
        r = c.post(f"/api/v1/parcels/{pid}/slip/", {}, format="json")
        assert r.status_code == 201 and r.json()["number"] == "No.000001"
        sid = r.json()["id"]
    parcel = Parcel.objects.get(pk=pid)
    assert timezone_local(parcel.next_call_at) == local(11, 2, days=-4)  # R-EXP-10: hourly
    with mock.patch("django.utils.timezone.now", return_value=t0 + timedelta(hours=70)):
        r = c.post(f"/api/v1/mail-slips/{sid}/followup/", {"reached": False}, format="json")
        assert r.status_code == 400  # not yet 72 hours
    services.parcels_chase(now=local(9, days=-1))  # R-EXP-13 chase on the following days
    with mock.patch("django.utils.timezone.now", return_value=t0 + timedelta(hours=73)):
        r = c.post(
            f"/api/v1/mail-slips/{sid}/followup/", {"reached": True, "note": "业主下班来取"}, format="json"
        )
        assert r.status_code == 200 and r.json()["followup_at"]
    r = c.post(
        f"/api/v1/parcels/{pid}/release/",
        {"collector_name": "张三", "id_checked": True, "with_slip": False},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == ParcelStatus.COLLECTED
    slip = c.get(f"/api/v1/mail-slips/{sid}/").json()
    assert slip["status"] == SlipStatus.CLOSED and slip["collection_mode"] == "without_slip"
    assert Parcel.objects.get(pk=pid).chases.exists()


def timezone_local(dt):
    from django.utils import timezone

    return timezone.localtime(dt)


def test_bulk_endpoint_all_or_nothing(world, mail, api_as):
    c = api_as(world.frontdesk)
    rows = [{"recipient": "3-1201", "tracking_no": f"SF{i}", "consent": True} for i in range(5)]
    bad = rows + [{"recipient": "3-0501", "tracking_no": "X", "consent": True}]
    r = c.post(
        "/api/v1/parcels/bulk/", {"property": world.p1.pk, "courier": "顺丰", "rows": bad}, format="json"
    )
    assert r.status_code == 400 and list(r.json()["rows"]) == ["5"]
    assert not Parcel.objects.exists()
    with assert_max_queries(60):
        r = c.post(
            "/api/v1/parcels/bulk/", {"property": world.p1.pk, "courier": "顺丰", "rows": rows}, format="json"
        )
    assert r.status_code == 201 and len(r.json()["parcels"]) == 5


def test_letters_api(world, mail, api_as):
    c = api_as(world.frontdesk)
    r = c.post(
        "/api/v1/letters/",
        {"property": world.p1.pk, "addressee_name": "张三", "unit_text": "3-1201"},
        format="json",
    )
    assert r.status_code == 201 and r.json()["match"] == "current"
    lid = r.json()["id"]
    assert c.post(f"/api/v1/letters/{lid}/deliver/", {}, format="json").json()["status"] == "mailbox"
    r = c.post("/api/v1/letters/", {"property": world.p1.pk, "addressee_name": ""}, format="json")
    assert r.status_code == 400


def test_list_query_count_is_flat(world, mail, receive, api_as):
    for i in range(12):
        receive(tracking_no=f"Q{i}")
    c = api_as(world.frontdesk)
    with assert_max_queries(6):
        r = c.get("/api/v1/parcels/?status=held")
    assert r.json()["count"] == 12
    with assert_max_queries(12):
        assert c.get(f"/api/v1/parcels/summary/?property={world.p1.pk}").status_code == 200


def test_schema_generates(db, client):
    assert client.get("/api/schema/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_clerks_release_the_same_parcel_concurrently_via_api(world, mail, receive):
    """Two concurrent API requests on PostgreSQL: exactly one 200, the other 409."""
    if connection.vendor != "postgresql":
        pytest.skip("true concurrency needs PostgreSQL (SQLite serialises writers)")
    p = receive()
    barrier = threading.Barrier(2)
    codes = []

    def clerk(user):
        c = APIClient()
        c.force_authenticate(user)
        try:
            barrier.wait()
            r = c.post(
                f"/api/v1/parcels/{p.pk}/release/",
                {"collector_name": "张三", "id_checked": True},
                format="json",
            )
            codes.append(r.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk, args=(u,)) for u in (world.frontdesk, world.clerk)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409]
    assert Parcel.objects.get(pk=p.pk).status == ParcelStatus.COLLECTED
    assert NotificationSlip.objects.count() == 0
