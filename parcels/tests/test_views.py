from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse

from core.testing.queries import assert_max_queries
from parcels import services
from parcels.choices import AttemptOutcome, LetterStatus, ParcelStatus, SlipStatus
from parcels.models import Letter, NotificationSlip, Parcel, SlipCount
from parcels.tests.conftest import local

PAGES = [
    "parcels:desk",
    "parcels:bulk",
    "parcels:slips",
    "parcels:counts",
    "parcels:letters",
    "parcels:instructions",
    "parcels:faults",
]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_redirected_to_login(db, client, name):
    r = client.get(reverse(name))
    assert r.status_code == 302 and "login" in r["Location"]


@pytest.mark.parametrize("name", PAGES)
def test_wrong_role_refused(world, client_as, name):
    assert client_as(world.engineer).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_right_role_sees_the_page(world, mail, client_as, name):
    r = client_as(world.frontdesk).get(reverse(name))
    assert r.status_code == 200
    assert "翠湖花园" in r.content.decode()


def test_menu_entry(world, client_as):
    html = client_as(world.frontdesk).get("/").content.decode()
    assert "信件快件" in html and "/parcels/" in html
    assert "/parcels/" not in client_as(world.engineer).get("/").content.decode()


def test_other_property_records_are_404(world, mail, receive, client_as):
    p = receive()
    letter = services.letter_register(
        actor=world.frontdesk, prop=world.p1, addressee_name="张三", unit=world.u1
    )
    c = client_as(world.frontdesk2)
    assert c.get(reverse("parcels:parcel", args=[p.pk])).status_code == 404
    assert (
        c.post(
            reverse("parcels:parcel_release", args=[p.pk]), {"collector_name": "x", "id_checked": "1"}
        ).status_code
        == 404
    )
    assert c.get(reverse("parcels:letter", args=[letter.pk])).status_code == 404
    assert Parcel.objects.get(pk=p.pk).status == ParcelStatus.RECEIVED


def test_receive_one_and_bad_input(world, mail, client_as):
    c = client_as(world.frontdesk)
    r = c.post(reverse("parcels:receive"), {"recipient": "3-0501", "courier": "顺丰", "consent_by": "同意"})
    assert r.status_code == 400 and "没有在住业主" in r.content.decode()
    assert not Parcel.objects.exists()
    r = c.post(
        reverse("parcels:receive"),
        {"recipient": "3-1201 李四", "courier": "顺丰", "consent_by": "同意", "tracking_no": "SF9"},
    )
    assert r.status_code == 302
    assert Parcel.objects.get().resident == mail.li


def test_lookup_as_you_type(world, mail, client_as):
    r = client_as(world.frontdesk).get(
        reverse("parcels:lookup"), {"recipient": "3-12"}, HTTP_HX_REQUEST="true"
    )
    html = r.content.decode()
    assert '<option value="3-1201 张三">' in html and "3-1202 王五" in html
    assert "3-0501" not in html


def test_bulk_grid_all_or_nothing_then_labels_and_slips(world, mail, client_as):
    c = client_as(world.frontdesk)
    page = c.get(reverse("parcels:bulk")).content.decode()
    assert page.count('name="tracking_no"') == 50 and 'list="unit-options"' in page
    data = {
        "courier": "顺丰",
        "tracking_no": ["SF1", "SF2", "SF3"],
        "recipient": ["3-1201", "3-1202 王五", "3-0501"],
        "shelf": ["A1", "A2", "A3"],
        "consent": ["0", "1", "2"],
    }
    r = c.post(reverse("parcels:bulk"), data)
    assert r.status_code == 400 and "没有在住业主" in r.content.decode() and not Parcel.objects.exists()
    data["recipient"][2] = "3-1201 李四"
    r = c.post(reverse("parcels:bulk"), data)
    assert r.status_code == 302
    batch_url = r["Location"]
    assert Parcel.objects.count() == 3
    html = c.get(batch_url).content.decode()
    assert "SF1" in html
    labels = c.get(batch_url + "labels/").content.decode()
    assert labels.count('class="label"') == 3
    for p in Parcel.objects.all():
        services.parcel_notify(
            actor=world.frontdesk, parcel=p, channel="phone", outcome=AttemptOutcome.NO_ANSWER, now=local(10)
        )
    r = c.post(batch_url + "slips/", {"parcel": [p.pk for p in Parcel.objects.all()]})
    assert r.status_code == 302 and "/parcels/slips/print/?ids=" in r["Location"]
    sheet = c.get(r["Location"]).content.decode()
    # two parts side by side with the same number
    assert (
        sheet.count("No.000001") == 2
        and sheet.count("No.000003") == 2
        and "首联" in sheet
        and "第二联" in sheet
    )


def test_browser_flow_logged_notified_chased_collected_without_slip(world, mail, client_as):
    """The issue's walk-through through the pages (server-rendered forms)."""
    c = client_as(world.frontdesk)
    t0 = local(10, days=-4)
    with mock.patch("django.utils.timezone.now", return_value=t0):
        assert (
            c.post(
                reverse("parcels:receive"),
                {
                    "recipient": "3-1201",
                    "courier": "顺丰",
                    "consent_by": "同意",
                    "tracking_no": "SF77",
                    "shelf": "B2",
                },
            ).status_code
            == 302
        )
        p = Parcel.objects.get()
        assert "SF77"[-4:] in c.get(reverse("parcels:desk")).content.decode()
        r = c.post(
            reverse("parcels:parcel_notify", args=[p.pk]), {"channel": "phone", "outcome": "no_answer"}
        )
        assert r.status_code == 302
        r = c.post(reverse("parcels:parcel_slip", args=[p.pk]), {})
        assert r.status_code == 302
    slip = NotificationSlip.objects.get()
    services.parcels_chase(now=local(9, days=-3))
    with mock.patch("django.utils.timezone.now", return_value=t0 + timedelta(hours=72, minutes=5)):
        detail = c.get(reverse("parcels:slip", args=[slip.pk])).content.decode()
        assert "记录回访" in detail
        assert (
            c.post(reverse("parcels:slip_followup", args=[slip.pk]), {"note": "无人接听"}).status_code == 302
        )
    r = c.post(reverse("parcels:parcel_release", args=[p.pk]), {"collector_name": "张三"})
    assert r.status_code == 400 and "身份" in r.content.decode()
    r = c.post(reverse("parcels:parcel_release", args=[p.pk]), {"collector_name": "张三", "id_checked": "1"})
    assert r.status_code == 302
    slip.refresh_from_db()
    assert slip.status == SlipStatus.CLOSED and slip.collection_mode == "without_slip" and slip.followup_at
    assert "已领取" in c.get(reverse("parcels:parcel", args=[p.pk])).content.decode()


def test_second_release_is_409(world, receive, client_as):
    p = receive()
    services.parcel_release(actor=world.clerk, parcel=p, collector_name="张三", id_checked=True)
    r = client_as(world.frontdesk).post(
        reverse("parcels:parcel_release", args=[p.pk]), {"collector_name": "张三", "id_checked": "1"}
    )
    assert r.status_code == 409


# R-SLIP-09
def test_handover_count_page(world, receive, client_as):
    p = receive()
    c = client_as(world.frontdesk)
    assert (
        p.tracking_no in c.get(reverse("parcels:counts")).content.decode()
        or "A1" in c.get(reverse("parcels:counts")).content.decode()
    )
    r = c.post(reverse("parcels:counts"), {"outgoing": world.clerk.pk})
    assert r.status_code == 302
    count = SlipCount.objects.get()
    assert count.missing and count.outgoing == world.clerk
    assert client_as(world.manager).post(reverse("parcels:counts"), {}).status_code == 403


def test_letters_pages(world, mail, client_as):
    c = client_as(world.frontdesk)
    r = c.post(reverse("parcels:letters"), {"addressee_name": "", "unit_text": "3-1201"})
    assert r.status_code == 400 and not Letter.objects.exists()
    assert (
        c.post(reverse("parcels:letters"), {"addressee_name": "路人甲", "unit_text": "3-1201"}).status_code
        == 302
    )
    letter = Letter.objects.get()
    r = c.post(reverse("parcels:letter_action", args=[letter.pk, "deliver"]))
    assert r.status_code == 400
    c.post(
        reverse("parcels:letter_action", args=[letter.pk, "verify"]), {"method": "archive", "not_ours": "1"}
    )
    assert (
        c.post(
            reverse("parcels:letter_action", args=[letter.pk, "return"]), {"reason": "查无此人"}
        ).status_code
        == 302
    )
    assert Letter.objects.get().status == LetterStatus.RETURNED
    sheet = c.get(reverse("parcels:returns_print")).content.decode()
    assert "退" in sheet and "邮件收发章" in sheet


def test_instructions_and_faults_pages(world, mail, client_as):
    c = client_as(world.frontdesk)
    r = c.post(reverse("parcels:instructions"), {"resident": mail.zhao.pk, "kind": "call"})
    assert r.status_code == 400
    assert (
        c.post(
            reverse("parcels:instructions"),
            {"resident": mail.zhao.pk, "kind": "call", "contact_phone": "13511112222"},
        ).status_code
        == 302
    )
    assert "1351112222" not in c.get(reverse("parcels:instructions")).content.decode()
    assert (
        c.post(
            reverse("parcels:faults"), {"unit": "3-1201", "description": "锁坏", "owner_informed": "1"}
        ).status_code
        == 302
    )


def test_desk_query_count_is_flat(world, mail, receive, client_as):
    for i in range(15):
        receive(tracking_no=f"N{i}", now=local(9))
    c = client_as(world.frontdesk)
    c.get(reverse("parcels:desk"))
    with assert_max_queries(25):
        r = c.get(reverse("parcels:desk"))
    assert r.status_code == 200
