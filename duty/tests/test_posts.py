"""Post attendance 《岗位签到表》: the front desk signs every post in and out (R-DUTY-16); a post is never
left empty, and leaving early or for a meal needs the supervisor's approval (R-DUTY-15)."""

import random
from datetime import datetime, time, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from rest_framework.test import APIClient

from core import services as core_services
from core.choices import Role
from core.errors import Conflict, DomainError, NotAllowed
from core.models import HistoryEntry
from core.testing.queries import assert_max_queries
from duty import demo, selectors, services
from duty.choices import LeaveReason
from duty.handover import HANDOVER_COUNTS, counts_now
from duty.models import Post, PostShift


def at(days_ago=0, hour=10, minute=0):
    """An aware local datetime `days_ago` days back at hh:mm — never the wall clock's hour."""
    d = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(d, time(hour, minute)))


def history_of(obj):
    return HistoryEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).order_by("at", "id")


@pytest.fixture
def posts(world):
    """前台 and 3栋大堂岗 (never empty) and 会所岗 (may be empty) at property 1; 前台 at property 2."""
    sup = world.supervisor
    return {
        "desk": services.post_create(actor=sup, prop=world.p1, name="前台"),
        "lobby": services.post_create(actor=sup, prop=world.p1, name="3栋大堂岗", building=world.b1),
        "club": services.post_create(actor=sup, prop=world.p1, name="会所岗", never_empty=False),
        "desk2": services.post_create(actor=world.supervisor2, prop=world.p2, name="前台"),
    }


def sign_in(world, post, staff, when=None):
    return services.post_sign_in(actor=world.frontdesk, post=post, staff=staff, at=when or at(1, 7, 55))


# --- services -------------------------------------------------------------------------------------------


# R-DUTY-16
def test_front_desk_signs_a_building_post_in(world, posts):
    shift = services.post_sign_in(
        actor=world.frontdesk, post=posts["lobby"], staff=world.guard, at=at(1, 7, 55)
    )
    assert (shift.post, shift.staff, shift.signed_in_by, shift.property) == (
        posts["lobby"],
        world.guard,
        world.frontdesk,
        world.p1,
    )
    assert shift.is_open and shift.signed_in_at == at(1, 7, 55)
    assert history_of(shift).filter(action="create", actor=world.frontdesk).count() == 1


# R-DUTY-16
@pytest.mark.parametrize("who", ["guard", "engineer", "manager"])
def test_only_the_front_desk_records_attendance(world, posts, who):
    with pytest.raises(NotAllowed):
        services.post_sign_in(actor=getattr(world, who), post=posts["lobby"], staff=world.guard)
    assert not PostShift.objects.exists()


# R-DUTY-16
def test_double_sign_in_refused(world, posts):
    sign_in(world, posts["lobby"], world.guard)
    with pytest.raises(Conflict) as exc:
        sign_in(world, posts["club"], world.guard, at(1, 8, 0))
    assert "3栋大堂岗" in str(exc.value.message)
    assert PostShift.objects.filter(staff=world.guard).count() == 1


# R-DUTY-16
def test_staff_of_another_property_or_future_time_refused(world, posts):
    with pytest.raises(DomainError) as exc:
        sign_in(world, posts["lobby"], world.frontdesk2)
    assert exc.value.field == "staff"
    with pytest.raises(DomainError) as exc:
        sign_in(world, posts["lobby"], world.guard, timezone.now() + timedelta(hours=1))
    assert exc.value.field == "at"
    with pytest.raises(NotAllowed):  # another property's post
        sign_in(world, posts["desk2"], world.guard)
    assert not PostShift.objects.exists()


# R-DUTY-15
def test_last_person_cannot_leave_a_never_empty_post_without_relief(world, posts):
    shift = sign_in(world, posts["lobby"], world.guard)
    with pytest.raises(DomainError) as exc:
        services.post_sign_out(
            actor=world.frontdesk, shift=shift, reason=LeaveReason.OFF_DUTY, at=at(1, 19, 0)
        )
    assert exc.value.field == "relieved_by" and "严禁空岗" in str(exc.value.message)
    shift.refresh_from_db()
    assert shift.is_open and not history_of(shift).filter(action="update").exists()


# R-DUTY-15
def test_relief_then_leave_works(world, posts):
    shift = sign_in(world, posts["lobby"], world.guard)
    relief = sign_in(world, posts["lobby"], world.engineer, at(1, 18, 55))
    out = services.post_sign_out(
        actor=world.clerk, shift=shift, reason=LeaveReason.OFF_DUTY, relieved_by=relief, at=at(1, 19, 0)
    )
    assert (out.signed_out_at, out.signed_out_by, out.relieved_by, out.approved_by) == (
        at(1, 19, 0),
        world.clerk,
        relief,
        None,
    )
    # the relief is now the last one on the post
    with pytest.raises(DomainError):
        services.post_sign_out(actor=world.frontdesk, shift=relief, reason=LeaveReason.OFF_DUTY)
    # and someone signed out can sign in again
    assert sign_in(world, posts["club"], world.guard, at(1, 19, 30)).is_open


# R-DUTY-15
def test_relief_must_be_on_the_same_post(world, posts):
    shift = sign_in(world, posts["lobby"], world.guard)
    elsewhere = sign_in(world, posts["club"], world.engineer)
    with pytest.raises(DomainError) as exc:
        services.post_sign_out(
            actor=world.frontdesk,
            shift=shift,
            reason=LeaveReason.OFF_DUTY,
            relieved_by=elsewhere,
            at=at(1, 19),
        )
    assert exc.value.field == "relieved_by"
    with pytest.raises(DomainError):
        services.post_sign_out(
            actor=world.frontdesk, shift=shift, reason=LeaveReason.OFF_DUTY, relieved_by=shift, at=at(1, 19)
        )


# R-DUTY-15
def test_two_on_post_one_may_go_the_last_may_not(world, posts):
    a = sign_in(world, posts["desk"], world.admin1)
    b = sign_in(world, posts["desk"], world.admin2)
    services.post_sign_out(actor=world.frontdesk, shift=a, reason=LeaveReason.OFF_DUTY, at=at(1, 19))
    with pytest.raises(DomainError):
        services.post_sign_out(actor=world.frontdesk, shift=b, reason=LeaveReason.OFF_DUTY, at=at(1, 19))
    assert PostShift.objects.filter(post=posts["desk"], signed_out_at__isnull=True).get() == b


# R-DUTY-15
def test_meal_leave_needs_the_supervisors_approval(world, posts):
    shift = sign_in(world, posts["desk"], world.admin1)
    relief = sign_in(world, posts["desk"], world.admin2, at(1, 11, 25))
    meal = {"actor": world.frontdesk, "shift": shift, "reason": LeaveReason.MEAL, "relieved_by": relief}
    with pytest.raises(DomainError) as exc:
        services.post_sign_out(**meal, at=at(1, 11, 30))
    assert exc.value.field == "approved_by" and "客服主管" in str(exc.value.message)
    # a colleague is no approver
    for not_a_lead in (world.clerk, world.guard, world.frontdesk2):
        with pytest.raises(DomainError) as exc:
            services.post_sign_out(**meal, approved_by=not_a_lead, at=at(1, 11, 30))
        assert exc.value.field == "approved_by"
    assert PostShift.objects.get(pk=shift.pk).is_open
    out = services.post_sign_out(**meal, approved_by=world.supervisor, at=at(1, 11, 30))
    assert (out.leave_reason, out.approved_by, out.relieved_by) == (
        LeaveReason.MEAL,
        world.supervisor,
        relief,
    )
    last = history_of(out).last()
    assert last.action == "update" and last.reason == "用餐" and last.actor == world.frontdesk
    assert last.changes["approved_by_id"] == [None, world.supervisor.pk]


# R-DUTY-15
def test_early_leave_needs_approval_at_the_shift_end_not(world, posts):
    a = sign_in(world, posts["club"], world.admin1)  # 会所岗 may be left empty
    with pytest.raises(DomainError) as exc:
        services.post_sign_out(actor=world.frontdesk, shift=a, reason=LeaveReason.OFF_DUTY, at=at(1, 17, 0))
    assert exc.value.field == "approved_by"
    # R-DUTY-08: from 5 minutes before the shift's end (19:00) it is not early
    services.post_sign_out(actor=world.frontdesk, shift=a, reason=LeaveReason.OFF_DUTY, at=at(1, 18, 55))
    # a night shift ends at the next morning's shift start
    night = sign_in(world, posts["club"], world.admin2, at(2, 18, 50))
    with pytest.raises(DomainError):
        services.post_sign_out(
            actor=world.frontdesk, shift=night, reason=LeaveReason.OFF_DUTY, at=at(1, 6, 0)
        )
    services.post_sign_out(actor=world.frontdesk, shift=night, reason=LeaveReason.OFF_DUTY, at=at(1, 8, 0))


# R-DUTY-15
def test_nobody_approves_their_own_leave_the_manager_may(world, posts):
    shift = sign_in(world, posts["club"], world.supervisor)
    with pytest.raises(DomainError):
        services.post_sign_out(
            actor=world.frontdesk, shift=shift, reason=LeaveReason.TEMPORARY, approved_by=world.supervisor
        )
    out = services.post_sign_out(
        actor=world.frontdesk,
        shift=shift,
        reason=LeaveReason.TEMPORARY,
        approved_by=world.manager,
        at=at(1, 9),
    )
    assert out.approved_by == world.manager


def test_sign_out_checks(world, posts):
    shift = sign_in(world, posts["club"], world.admin1)
    base = {"actor": world.frontdesk, "shift": shift, "approved_by": world.supervisor}
    with pytest.raises(DomainError) as exc:
        services.post_sign_out(**base, reason="lunch")
    assert exc.value.field == "reason"
    with pytest.raises(DomainError) as exc:
        services.post_sign_out(**base, reason=LeaveReason.OTHER, at=at(1, 9))
    assert exc.value.field == "note"
    with pytest.raises(DomainError) as exc:
        services.post_sign_out(**base, reason=LeaveReason.TEMPORARY, at=at(1, 7))
    assert exc.value.field == "at"
    with pytest.raises(NotAllowed):
        services.post_sign_out(**{**base, "actor": world.guard}, reason=LeaveReason.TEMPORARY)
    services.post_sign_out(**base, reason=LeaveReason.OTHER, note="去物业办公室取件", at=at(1, 9))
    with pytest.raises(Conflict):
        services.post_sign_out(**base, reason=LeaveReason.TEMPORARY, at=at(1, 9))


def test_posts_are_managed_by_the_supervisor_and_manager(world, posts):
    with pytest.raises(NotAllowed):
        services.post_create(actor=world.frontdesk, prop=world.p1, name="车场岗")
    with pytest.raises(DomainError) as exc:
        services.post_create(actor=world.supervisor, prop=world.p1, name="前台")
    assert exc.value.field == "name"
    with pytest.raises(DomainError) as exc:
        services.post_create(actor=world.manager, prop=world.p1, name="A座大堂岗", building=world.b2)
    assert exc.value.field == "building"
    post = services.post_create(actor=world.manager, prop=world.p1, name="地下车场岗")
    assert post.never_empty and post.active and history_of(post).filter(action="create").exists()
    post = services.post_update(actor=world.supervisor, post=post, name="B1车场岗", never_empty=False)
    assert (post.name, post.never_empty) == ("B1车场岗", False)
    assert history_of(post).filter(action="update").get().changes["name"] == ["地下车场岗", "B1车场岗"]


# R-DUTY-15
def test_a_post_with_people_on_it_is_not_deactivated(world, posts):
    shift = sign_in(world, posts["club"], world.admin1)
    with pytest.raises(Conflict):
        services.post_update(actor=world.supervisor, post=posts["club"], active=False)
    services.post_sign_out(actor=world.frontdesk, shift=shift, reason=LeaveReason.OFF_DUTY, at=at(1, 19))
    assert services.post_update(actor=world.supervisor, post=posts["club"], active=False).active is False
    with pytest.raises(DomainError):  # an inactive post takes no sign-in
        sign_in(world, posts["club"], world.admin1, at(1, 19, 30))


# --- selectors, handover count --------------------------------------------------------------------------


# R-DUTY-15
def test_board_puts_empty_never_empty_posts_first(world, posts):
    sign_in(world, posts["desk"], world.admin1)
    board = selectors.post_board(user=world.frontdesk, prop=world.p1)
    assert [(r["post"].name, r["alert"]) for r in board] == [
        ("3栋大堂岗", True),
        ("会所岗", False),
        ("前台", False),
    ]
    assert [s.staff for s in board[2]["shifts"]] == [world.admin1]
    assert [p.name for p in selectors.empty_posts(world.p1)] == ["3栋大堂岗"]
    assert selectors.post_board(user=world.frontdesk2, prop=world.p1) == []


# R-DUTY-15
def test_handover_shows_empty_post_count(world, posts):
    assert "duty.empty_posts" in HANDOVER_COUNTS
    value = {c["key"]: c["value"] for c in counts_now(world.p1)}["duty.empty_posts"]
    assert value == 2  # 前台 and 3栋大堂岗; 会所岗 may be empty
    sign_in(world, posts["desk"], world.admin1)
    sign_in(world, posts["lobby"], world.guard)
    assert {c["key"]: c["value"] for c in counts_now(world.p1)}["duty.empty_posts"] == 0


def test_attendance_day_includes_a_night_across_midnight(world, posts):
    night = sign_in(world, posts["desk"], world.admin1, at(2, 18, 55))
    relief = sign_in(world, posts["desk"], world.admin2, at(1, 7, 55))
    services.post_sign_out(
        actor=world.frontdesk, shift=night, reason=LeaveReason.OFF_DUTY, relieved_by=relief, at=at(1, 8)
    )
    yesterday = timezone.localdate() - timedelta(days=1)
    rows = list(selectors.attendance_day(user=world.supervisor, prop=world.p1, day=yesterday))
    assert rows == [night, relief]
    assert list(selectors.attendance_day(user=world.supervisor2, prop=world.p1, day=yesterday)) == []


# --- pages ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/duty/posts/", "/duty/posts/attendance/", "/duty/posts/manage/"])
def test_anonymous_redirected_to_login(client, url):
    resp = client.get(url)
    assert resp.status_code == 302 and "/login/" in resp["Location"]


@pytest.mark.parametrize("who", ["engineer", "guard"])
def test_wrong_role_refused_on_pages(world, posts, client_as, who):
    c = client_as(getattr(world, who))
    assert c.get("/duty/posts/").status_code == 403
    body = {"property": world.p1.pk, "post": posts["lobby"].pk, "staff": world.guard.pk}
    assert c.post("/duty/posts/sign-in/", body).status_code == 403
    assert not PostShift.objects.exists()


def test_manager_views_but_does_not_sign_in(world, posts, client_as):
    c = client_as(world.manager)
    assert c.get("/duty/posts/").status_code == 200
    body = {"property": world.p1.pk, "post": posts["lobby"].pk, "staff": world.guard.pk}
    assert c.post("/duty/posts/sign-in/", body).status_code == 403
    assert not PostShift.objects.exists()


# R-DUTY-16 / R-DUTY-15
def test_board_page_sign_in_and_alert(world, posts, client_as, daytime):
    c = client_as(world.frontdesk)
    html = c.get("/duty/posts/").content.decode()
    assert "岗位签到" in html and "空岗" in html and "3栋大堂岗" in html and 'name="staff"' in html
    resp = c.post(
        "/duty/posts/sign-in/", {"property": world.p1.pk, "post": posts["lobby"].pk, "staff": world.guard.pk}
    )
    assert resp.status_code == 302
    shift = PostShift.objects.get()
    assert (shift.staff, shift.signed_in_by, shift.signed_in_at) == (
        world.guard,
        world.frontdesk,
        daytime.now(),
    )
    html = c.get(resp["Location"]).content.decode()
    assert "孙保安" in html and "已在 3栋大堂岗 签到" in html
    # htmx: the board fragment
    resp = c.post(
        "/duty/posts/sign-in/",
        {"property": world.p1.pk, "post": posts["desk"].pk, "staff": world.admin1.pk},
        HTTP_HX_REQUEST="true",
    )
    html = resp.content.decode()
    assert resp.status_code == 200 and "<html" not in html and "张管理" in html and "空岗!" not in html


def test_sign_in_bad_input_400_nothing_written(world, posts, client_as):
    c = client_as(world.frontdesk)
    resp = c.post("/duty/posts/sign-in/", {"property": world.p1.pk, "post": posts["lobby"].pk})
    assert resp.status_code == 400 and "error" in resp.content.decode()
    # another property's post is no choice here
    resp = c.post(
        "/duty/posts/sign-in/", {"property": world.p1.pk, "post": posts["desk2"].pk, "staff": world.guard.pk}
    )
    assert resp.status_code == 400
    assert not PostShift.objects.exists()


# R-DUTY-16
def test_double_sign_in_on_the_page_is_409_with_the_message(world, posts, client_as, daytime):
    sign_in(world, posts["lobby"], world.guard, at(0, 7, 55))
    c = client_as(world.frontdesk)
    resp = c.post(
        "/duty/posts/sign-in/",
        {"property": world.p1.pk, "post": posts["club"].pk, "staff": world.guard.pk},
        HTTP_HX_REQUEST="true",
    )
    assert resp.status_code == 409 and "已在 3栋大堂岗 签到" in resp.content.decode()
    assert PostShift.objects.count() == 1


# R-DUTY-15
def test_sign_out_on_the_page(world, posts, client_as, daytime):
    shift = sign_in(world, posts["desk"], world.admin1, at(0, 7, 55))
    c = client_as(world.frontdesk)
    url = f"/duty/posts/shifts/{shift.pk}/sign-out/"
    resp = c.post(url, {"reason": "meal"}, HTTP_HX_REQUEST="true")
    html = resp.content.decode()
    assert resp.status_code == 400 and "客服主管批准" in html and "<html" not in html
    resp = c.post(url, {"reason": "meal", "approved_by": world.supervisor.pk})
    assert resp.status_code == 400 and "严禁空岗" in resp.content.decode()
    assert PostShift.objects.get(pk=shift.pk).is_open
    relief = sign_in(world, posts["desk"], world.admin2, at(0, 9, 55))
    resp = c.post(url, {"reason": "meal", "approved_by": world.supervisor.pk, "relieved_by": relief.pk})
    assert resp.status_code == 302
    shift.refresh_from_db()
    assert (shift.leave_reason, shift.approved_by, shift.relieved_by, shift.signed_out_at) == (
        "meal",
        world.supervisor,
        relief,
        daytime.now(),
    )
    html = c.get(f"/duty/posts/attendance/?property={world.p1.pk}").content.decode()
    assert "用餐" in html and "李主管" in html and "赵管理" in html


def test_other_property_is_404(world, posts, client_as):
    other = services.post_sign_in(
        actor=world.frontdesk2, post=posts["desk2"], staff=world.frontdesk2, at=at(1)
    )
    c = client_as(world.frontdesk)
    assert c.post(f"/duty/posts/shifts/{other.pk}/sign-out/", {"reason": "off_duty"}).status_code == 404
    assert client_as(world.supervisor).get(f"/duty/posts/{posts['desk2'].pk}/edit/").status_code == 404
    assert PostShift.objects.get(pk=other.pk).is_open


def test_post_management_pages(world, posts, client_as):
    assert client_as(world.frontdesk).get("/duty/posts/manage/").status_code == 403
    c = client_as(world.supervisor)
    assert "会所岗" in c.get("/duty/posts/manage/").content.decode()
    resp = c.post("/duty/posts/manage/", {"name": "地下车场岗", "never_empty": "on"})
    assert resp.status_code == 302
    post = Post.objects.get(name="地下车场岗")
    assert post.never_empty and post.property == world.p1
    resp = c.post("/duty/posts/manage/", {"name": "前台", "never_empty": "on"})
    assert resp.status_code == 400 and "同名岗位" in resp.content.decode()
    resp = c.post(
        f"/duty/posts/{post.pk}/edit/", {"name": "B1车场岗", "building": world.b1.pk, "active": "on"}
    )
    assert resp.status_code == 302
    post.refresh_from_db()
    assert (post.name, post.building, post.never_empty) == ("B1车场岗", world.b1, False)
    assert "地下车场岗" in c.get(f"/duty/posts/{post.pk}/edit/").content.decode()  # history


def test_attendance_export_xlsx(world, posts, client_as):
    night = sign_in(world, posts["club"], world.admin1, at(1, 7, 55))
    services.post_sign_out(actor=world.frontdesk, shift=night, reason=LeaveReason.OFF_DUTY, at=at(1, 19))
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    c = client_as(world.supervisor)
    resp = c.get(f"/duty/posts/attendance/?property={world.p1.pk}&date={day}&export=xlsx")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxml")
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(resp.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("岗位", "人员", "签到时间") and rows[1][:2] == ("会所岗", "张管理")
    assert rows[1][6] == "下班"
    assert c.get("/duty/posts/attendance/?date=bad").status_code == 400


def test_board_query_count_bounded(world, posts, client_as):
    c = client_as(world.frontdesk)
    c.get("/duty/posts/")  # warm the session
    with assert_max_queries(14) as few:
        assert c.get("/duty/posts/").status_code == 200
    for i in range(8):
        post = services.post_create(actor=world.supervisor, prop=world.p1, name=f"{i}号岗")
        user = core_services.staff_create(
            actor=None,
            username=f"g{i}",
            password="x-pass-123",
            display_name=f"保安{i}",
            prop=world.p1,
            role=Role.GUARD,
        )
        sign_in(world, post, user)
    with assert_max_queries(len(few.captured_queries)):
        assert c.get("/duty/posts/").status_code == 200


# --- API ------------------------------------------------------------------------------------------------


def test_api_anonymous_and_wrong_role(world, posts, api_as):
    assert APIClient().get("/api/v1/post-shifts/").status_code in (401, 403)
    assert APIClient().get("/api/v1/duty-posts/").status_code in (401, 403)
    c = api_as(world.engineer)
    assert c.get("/api/v1/post-shifts/").status_code == 403
    body = {"post": posts["lobby"].pk, "staff": world.guard.pk}
    assert c.post("/api/v1/post-shifts/sign-in/", body, format="json").status_code == 403
    # the manager reads the board but does not record attendance (R-DUTY-16: the front desk does)
    m = api_as(world.manager)
    assert m.get("/api/v1/post-shifts/").status_code == 200
    assert m.post("/api/v1/post-shifts/sign-in/", body, format="json").status_code == 403
    assert not PostShift.objects.exists()


# R-DUTY-16 / R-DUTY-15
def test_api_sign_in_sign_out(world, posts, api_as, daytime):
    c = api_as(world.frontdesk)
    resp = c.post(
        "/api/v1/post-shifts/sign-in/", {"post": posts["desk"].pk, "staff": world.admin1.pk}, format="json"
    )
    assert resp.status_code == 201, resp.content
    sid = resp.json()["id"]
    assert resp.json()["is_open"] and resp.json()["signed_in_by"] == "陈前台"
    resp = c.post(
        "/api/v1/post-shifts/sign-in/", {"post": posts["lobby"].pk, "staff": world.admin1.pk}, format="json"
    )
    assert resp.status_code == 409
    # R-DUTY-15 over the API: the same refusals, 400 with the message on its field
    resp = c.post(f"/api/v1/post-shifts/{sid}/sign-out/", {"reason": "meal"}, format="json")
    assert resp.status_code == 400 and "客服主管" in resp.json()["approved_by"][0]
    body = {"reason": "meal", "approved_by": world.supervisor.pk}
    resp = c.post(f"/api/v1/post-shifts/{sid}/sign-out/", body, format="json")
    assert resp.status_code == 400 and "严禁空岗" in resp.json()["relieved_by"][0]
    relief = c.post(
        "/api/v1/post-shifts/sign-in/", {"post": posts["desk"].pk, "staff": world.admin2.pk}, format="json"
    )
    body["relieved_by"] = relief.json()["id"]
    resp = c.post(f"/api/v1/post-shifts/{sid}/sign-out/", body, format="json")
    assert resp.status_code == 200, resp.content
    assert resp.json()["leave_reason"] == "meal" and resp.json()["approved_by"] == world.supervisor.pk
    data = c.get("/api/v1/post-shifts/?open=true").json()
    assert [r["staff"] for r in data["results"]] == [world.admin2.pk]
    today = timezone.localdate().isoformat()
    assert c.get(f"/api/v1/post-shifts/?date={today}&post={posts['desk'].pk}").json()["count"] == 2
    assert c.get("/api/v1/post-shifts/?date=bad").status_code == 400


def test_api_bad_input_and_other_property(world, posts, api_as):
    c = api_as(world.frontdesk)
    assert (
        c.post("/api/v1/post-shifts/sign-in/", {"post": posts["desk"].pk}, format="json").status_code == 400
    )
    resp = c.post(
        "/api/v1/post-shifts/sign-in/", {"post": posts["desk2"].pk, "staff": world.admin1.pk}, format="json"
    )
    assert resp.status_code == 400  # another property's post does not exist for this user
    resp = c.post(
        "/api/v1/post-shifts/sign-in/",
        {"post": posts["desk"].pk, "staff": world.frontdesk2.pk},
        format="json",
    )
    assert resp.status_code == 400 and "staff" in resp.json()
    assert not PostShift.objects.exists()
    other = services.post_sign_in(
        actor=world.frontdesk2, post=posts["desk2"], staff=world.frontdesk2, at=at(1)
    )
    assert c.get(f"/api/v1/post-shifts/{other.pk}/").status_code == 404
    assert (
        c.post(f"/api/v1/post-shifts/{other.pk}/sign-out/", {"reason": "off_duty"}, format="json").status_code
        == 404
    )
    assert c.get(f"/api/v1/duty-posts/{posts['desk2'].pk}/").status_code == 404


def test_api_posts(world, posts, api_as):
    assert api_as(world.frontdesk).get("/api/v1/duty-posts/").json()["count"] == 3
    body = {"property": world.p1.pk, "name": "地下车场岗", "building": world.b1.pk}
    assert api_as(world.frontdesk).post("/api/v1/duty-posts/", body, format="json").status_code == 403
    c = api_as(world.supervisor)
    resp = c.post("/api/v1/duty-posts/", body, format="json")
    assert (
        resp.status_code == 201
        and resp.json()["never_empty"] is True
        and resp.json()["building_name"] == "3栋"
    )
    pid = resp.json()["id"]
    assert c.post("/api/v1/duty-posts/", body, format="json").status_code == 400  # same name
    resp = c.patch(f"/api/v1/duty-posts/{pid}/", {"active": False}, format="json")
    assert resp.status_code == 200 and resp.json()["active"] is False
    assert c.get("/api/v1/duty-posts/?active=true").json()["count"] == 3
    assert (
        c.patch(f"/api/v1/duty-posts/{posts['desk2'].pk}/", {"name": "x"}, format="json").status_code == 404
    )


def test_schema_generates_with_posts(client):
    resp = client.get("/api/schema/")
    assert resp.status_code == 200 and b"/api/v1/post-shifts/{id}/sign-out/" in resp.content


# --- demo -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("hour", [2, 10, 15, 21])
def test_demo_loads_posts_at_any_hour(world, daytime, hour):
    daytime(to=at(0, hour, 0))
    staff = {
        u.username: u
        for u in (
            world.manager,
            world.supervisor,
            world.admin1,
            world.admin2,
            world.frontdesk,
            world.clerk,
            world.engineer,
            world.guard,
        )
    }
    made = demo.load(prop=world.p1, staff=staff, rng=random.Random(3), days=1)
    assert made["posts"] == 4 and made["attendance"] > 0
    assert set(Post.objects.filter(property=world.p1).values_list("name", flat=True)) == {
        "前台",
        "3栋大堂岗",
        "地下车场岗",
        "会所岗",
    }
    # people on post now; no never-empty post with staff left empty
    assert PostShift.objects.filter(signed_out_at__isnull=True).count() >= 3
    staffed = set(PostShift.objects.values_list("post__name", flat=True))
    assert not [p for p in selectors.empty_posts(world.p1) if p.name in staffed]
    # one meal, approved by the supervisor, with a relief
    meal = PostShift.objects.get(leave_reason=LeaveReason.MEAL)
    assert meal.approved_by == world.supervisor and meal.relieved_by is not None
    # last night signed out
    assert (
        PostShift.objects.filter(signed_out_at__isnull=False, leave_reason=LeaveReason.OFF_DUTY).count() >= 3
    )
    assert demo.load(prop=world.p1, staff=staff, rng=random.Random(3), days=1) == {"skipped": True}


# --- concurrency (PostgreSQL) ---------------------------------------------------------------------------


# R-DUTY-15
@pytest.mark.django_db(transaction=True)
def test_two_clerks_sign_out_the_last_two_at_once(world):
    """The post row is locked: of two sign-outs racing for the last two people, exactly one succeeds."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("true concurrency needs PostgreSQL (SQLite serialises writers)")
    post = services.post_create(actor=world.supervisor, prop=world.p1, name="前台")
    a = sign_in(world, post, world.admin1)
    b = sign_in(world, post, world.admin2)
    barrier = threading.Barrier(2)
    ok, refused, errors = [], [], []

    def clerk(user, shift):
        try:
            barrier.wait()
            services.post_sign_out(
                actor=user,
                shift=PostShift.objects.get(pk=shift.pk),
                reason=LeaveReason.OFF_DUTY,
                at=at(1, 19),
            )
            ok.append(shift.pk)
        except DomainError:
            refused.append(shift.pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk, args=args) for args in ((world.frontdesk, a), (world.clerk, b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(ok) == 1 and len(refused) == 1
    assert PostShift.objects.filter(post=post, signed_out_at__isnull=True).count() == 1
