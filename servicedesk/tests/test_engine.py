"""The request engine shared by every kind: numbering, workflow moves, conflicts, timeline, clocks, the
one request page, overdue lists, service language. Exercised through the consultation kind."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.choices import DeadlineState
from core.errors import Conflict, DomainError, NotAllowed
from core.models import Deadline, Department, HistoryEntry
from core.testing.queries import assert_max_queries
from servicedesk import consultations, services
from servicedesk.language import check_text
from servicedesk.models import ServiceRequest, TimelineEvent


def _consult(world, **kw):
    args = dict(
        actor=world.frontdesk,
        prop=world.p1,
        channel="phone",
        question="停车场月卡怎么办理?",
        reporter_name="王先生",
        contact_phone="13812345678",
        unit=world.u1,
    )
    args.update(kw)
    return consultations.consultation_create(**args)


def test_create_numbers_in_order_and_records_timeline(world):
    a, b = _consult(world), _consult(world)
    assert a.number.startswith("ZX") and a.number.endswith("-0001") and b.number.endswith("-0002")
    assert a.status == "received"
    assert list(a.events.values_list("kind", flat=True)) == ["created"]
    assert HistoryEntry.objects.filter(object_id=a.pk, action="create").exists()


def test_bad_input_is_refused_and_nothing_written(world):
    with pytest.raises(DomainError) as e:
        _consult(world, reporter_name=" ")
    assert e.value.field == "reporter_name"
    with pytest.raises(DomainError):
        _consult(world, unit=world.u_p2)  # another property's unit
    assert ServiceRequest.objects.count() == 0


def test_wrong_role_and_other_property_refused(world):
    with pytest.raises(NotAllowed):
        _consult(world, actor=world.frontdesk2)  # works for property 2 only
    with pytest.raises(NotAllowed):
        consultations.consultation_create(
            actor=world.frontdesk, prop=world.p2, channel="phone", question="?", reporter_name="x"
        )


def test_transition_follows_the_workflow_and_logs_from_to(world):
    r = _consult(world)
    services.request_transition(
        actor=world.frontdesk, request=r, name="answer", reason="物业服务中心办理,带行驶证"
    )
    r.refresh_from_db()
    assert r.status == "answered"
    ev = r.events.filter(kind="status").get()
    assert (ev.from_status, ev.to_status, ev.actor) == ("received", "answered", world.frontdesk)
    with pytest.raises(Conflict):  # not allowed from "answered"
        services.request_transition(actor=world.frontdesk, request=r, name="escalate", reason="x")
    services.request_transition(actor=world.frontdesk, request=r, name="close")
    r.refresh_from_db()
    assert r.status == "closed" and r.closed_at is not None


def test_reason_required_and_stale_page_conflict(world):
    r = _consult(world)
    with pytest.raises(DomainError):
        services.request_transition(actor=world.frontdesk, request=r, name="answer", reason="")
    with pytest.raises(Conflict):
        services.request_transition(
            actor=world.frontdesk, request=r, name="escalate", reason="x", expected_status="answered"
        )


def test_reopen_counts_and_needs_supervisor(world):
    r = _consult(world)
    services.request_transition(actor=world.frontdesk, request=r, name="answer", reason="答复")
    with pytest.raises(NotAllowed):
        services.request_transition(actor=world.frontdesk, request=r, name="reopen", reason="业户不满意")
    services.request_transition(actor=world.supervisor, request=r, name="reopen", reason="业户不满意")
    r.refresh_from_db()
    assert (r.status, r.reopen_count, r.closed_at) == ("received", 1, None)


# R-HELP-09
def test_written_enquiry_answered_by_supervisor(world):
    r = _consult(world, channel="written")
    with pytest.raises(DomainError):
        services.request_transition(actor=world.frontdesk, request=r, name="answer", reason="书面答复")
    services.request_transition(actor=world.supervisor, request=r, name="answer", reason="书面答复")


# R-HELP-12
def test_promised_answer_is_a_clock_stopped_by_the_answer(world):
    r = _consult(world)
    with pytest.raises(DomainError):
        consultations.consultation_promise_answer(
            actor=world.frontdesk, request=r, answer_by=timezone.now() - timedelta(hours=1)
        )
    dl = consultations.consultation_promise_answer(
        actor=world.frontdesk, request=r, answer_by=timezone.now() + timedelta(hours=2)
    )
    assert dl.state == DeadlineState.RUNNING and dl.responsible == world.frontdesk
    services.request_transition(actor=world.frontdesk, request=r, name="answer", reason="已查明")
    dl.refresh_from_db()
    assert dl.state == DeadlineState.MET


def test_assign_checks_department_and_assignee_property(world):
    r = _consult(world)
    eng = Department.objects.get(property=world.p1, kind="eng")
    services.request_assign(actor=world.frontdesk, request=r, department=eng, assignee=world.engineer)
    r.refresh_from_db()
    assert (r.department, r.assignee) == (eng, world.engineer)
    assert world.engineer.notifications.filter(title__contains=r.number).exists()
    with pytest.raises(DomainError):
        services.request_assign(
            actor=world.frontdesk, request=r, department=Department.objects.get(property=world.p2, kind="eng")
        )
    with pytest.raises(DomainError):
        services.request_assign(actor=world.frontdesk, request=r, department=eng, assignee=world.frontdesk2)


def test_pause_and_resume_do_not_count_waiting_time(world):
    r = _consult(world)
    dl = services.clock_start(
        r, kind="answer", label="答复", duration=timedelta(hours=4), responsible=world.admin1
    )
    due = dl.due_at
    services.clock_pause(r, kind="answer", reason="等待业户提供资料")
    later = timezone.now() + timedelta(hours=3)
    from core import deadlines

    deadlines.clock_resume(r, kind="answer", now=later)
    dl.refresh_from_db()
    assert dl.due_at - due >= timedelta(hours=2, minutes=59)


def test_overdue_and_about_to_breach_are_queries(world):
    from servicedesk import selectors

    late, soon, fine = _consult(world), _consult(world), _consult(world)
    start = timezone.now() - timedelta(hours=2)
    services.clock_start(late, kind="answer", label="答复", duration=timedelta(hours=1), start=start)
    services.clock_start(
        soon, kind="answer", label="答复", duration=timedelta(hours=2, minutes=20), start=start
    )
    services.clock_start(fine, kind="answer", label="答复", duration=timedelta(hours=20), start=start)
    assert list(selectors.overdue_requests(user=world.supervisor)) == [late]
    assert list(selectors.about_to_breach(user=world.supervisor)) == [soon]
    assert list(selectors.overdue_requests(user=world.frontdesk2)) == []


def test_overdue_and_about_to_breach_api_name_the_clock(world, api_as):
    start = timezone.now() - timedelta(hours=2)
    late, soon = _consult(world), _consult(world)
    services.clock_start(late, kind="answer", label="答复", duration=timedelta(hours=1), start=start)
    services.clock_start(
        soon, kind="answer", label="答复", duration=timedelta(hours=2, minutes=20), start=start
    )
    data = api_as(world.supervisor).get("/api/v1/requests/overdue/").json()
    assert [r["id"] for r in data["results"]] == [late.pk]
    row = data["results"][0]
    assert "答复" in row["clock_label"] and row["contact_phone"] == "138****5678"
    assert row["clock_due_at"].startswith(
        timezone.localtime(start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    data = api_as(world.supervisor).get("/api/v1/requests/about-to-breach/").json()
    assert [r["id"] for r in data["results"]] == [soon.pk]
    assert api_as(world.frontdesk2).get("/api/v1/requests/overdue/").json()["count"] == 0


def test_overdue_page_names_the_clock_due_time_and_link_in_fixed_queries(world, client_as):
    start = timezone.now() - timedelta(hours=2)
    late = _consult(world)
    services.clock_start(late, kind="answer", label="答复", duration=timedelta(hours=1), start=start)
    c = client_as(world.supervisor)
    c.get("/servicedesk/overdue/")
    with assert_max_queries(10) as ctx:
        body = c.get("/servicedesk/overdue/").content.decode()
    one = len(ctx)
    for _ in range(5):
        r = _consult(world)
        services.clock_start(r, kind="answer", label="答复", duration=timedelta(minutes=30), start=start)
    with assert_max_queries(one):  # the same count with six overdue requests as with one
        more = c.get("/servicedesk/overdue/").content.decode()
    due = timezone.localtime(start + timedelta(hours=1)).strftime("%m-%d %H:%M")
    assert f'href="/servicedesk/{late.pk}/"' in body and late.number in body
    assert "答复" in body and due in body and "咨询" in body
    assert more.count('href="/servicedesk/') >= 6


# R-LANG-02, R-LANG-06, R-LANG-07
def test_language_check_flags_negative_phrases_with_alternatives():
    found = check_text("我不能帮您,但是可以明天再说。不知道。")
    assert [f.phrase for f in found] == ["我不能", "但是", "不知道"]
    assert found[0].suggestion == "看看我们能够帮您做什么" and found[0].rule == "R-LANG-02"
    assert check_text("好的,我们马上为您安排。") == []


# --- pages and API ---------------------------------------------------------------------------------


def test_request_page_fixed_queries_and_other_property_404(world, client_as):
    r = _consult(world)
    for i in range(30):
        services.request_note(actor=world.frontdesk, request=r, text=f"第{i}次跟进", kind="call")
    c = client_as(world.frontdesk)
    with assert_max_queries(25):
        resp = c.get(f"/servicedesk/{r.pk}/")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "第29次跟进" in body and "138****5678" in body and "13812345678" not in body
    assert client_as(world.frontdesk2).get(f"/servicedesk/{r.pk}/").status_code == 404


def test_page_actions_note_transition_and_language_hint(world, client_as):
    r = _consult(world)
    c = client_as(world.frontdesk)
    resp = c.post(f"/servicedesk/{r.pk}/note/", {"kind": "reply", "text": "已电话答复业户"})
    assert resp.status_code == 302
    assert TimelineEvent.objects.filter(request=r, kind="reply").exists()
    resp = c.post(f"/servicedesk/{r.pk}/note/", {"kind": "reply", "text": ""})
    assert resp.status_code == 400
    resp = c.post(
        f"/servicedesk/{r.pk}/transition/",
        {"name": "answer", "reason": "已答复", "expected_status": "received"},
    )
    assert resp.status_code == 302
    r.refresh_from_db()
    assert r.status == "answered"
    hint = c.post("/servicedesk/language-check/", {"text": "这个不行"})
    assert "不行" in hint.content.decode() and "R-LANG-07" in hint.content.decode()


def test_list_overdue_pages_and_anonymous(world, client, client_as):
    _consult(world)
    assert client.get("/servicedesk/").status_code == 302
    c = client_as(world.frontdesk)
    assert c.get("/servicedesk/").status_code == 200
    assert c.get("/servicedesk/overdue/").status_code == 200
    assert c.get("/servicedesk/?export=xlsx").status_code == 403  # export: supervisor/admin only
    assert client_as(world.admin1).get("/servicedesk/?export=xlsx").status_code == 200


def test_api_list_transition_note_feedback(world, api_as):
    r = _consult(world)
    api = api_as(world.frontdesk)
    data = api.get("/api/v1/requests/").json()
    assert data["count"] == 1 and data["results"][0]["contact_phone"] == "138****5678"
    assert api_as(world.frontdesk2).get(f"/api/v1/requests/{r.pk}/").status_code == 404
    resp = api.post(
        f"/api/v1/requests/{r.pk}/transition/", {"name": "answer", "reason": "已答复"}, format="json"
    )
    assert resp.status_code == 200 and resp.json()["status"] == "answered"
    resp = api.post(
        f"/api/v1/requests/{r.pk}/transition/", {"name": "answer", "reason": "again"}, format="json"
    )
    assert resp.status_code == 409
    assert api.post(f"/api/v1/requests/{r.pk}/note/", {"text": ""}, format="json").status_code == 400
    resp = api.post(f"/api/v1/requests/{r.pk}/feedback/", {"satisfaction": "satisfied"}, format="json")
    assert resp.json()["satisfaction"] == "satisfied"
    assert len(api.get(f"/api/v1/requests/{r.pk}/timeline/").json()) >= 3
    resp = api.post("/api/v1/language-check/", {"text": "我不能"}, format="json")
    assert resp.json()["findings"][0]["rule"] == "R-LANG-02"
    resp = api.post(
        "/api/v1/requests/consultation/",
        {"property": world.p2.pk, "channel": "phone", "question": "?", "reporter_name": "x"},
        format="json",
    )
    assert resp.status_code == 404


def test_api_consultation_create(world, api_as):
    resp = api_as(world.frontdesk).post(
        "/api/v1/requests/consultation/",
        {
            "property": world.p1.pk,
            "channel": "visit",
            "question": "装修需要办理什么手续?",
            "reporter_name": "李女士",
        },
        format="json",
    )
    assert resp.status_code == 201 and resp.json()["number"].startswith("ZX")


def test_deadline_link_points_at_request_page(world):
    r = _consult(world)
    services.clock_start(r, kind="answer", label="答复", duration=timedelta(hours=1))
    assert Deadline.objects.get(object_id=r.pk).link == f"/servicedesk/{r.pk}/"


def test_each_property_numbers_its_own_requests(world):
    a = _consult(world)
    b = consultations.consultation_create(
        actor=world.frontdesk2, prop=world.p2, channel="phone", question="?", reporter_name="x"
    )
    assert a.number == b.number  # same series name, separate registers


def test_guards_and_hooks_see_the_reason(world):
    from servicedesk.engine import workflow_for

    seen = {}
    t = workflow_for("consultation").by_name["answer"]
    original = t.guards
    object.__setattr__(t, "guards", (*original, lambda req, actor, data: seen.update(data)))
    try:
        services.request_transition(
            actor=world.frontdesk, request=_consult(world), name="answer", reason="已答复"
        )
    finally:
        object.__setattr__(t, "guards", original)
    assert seen["reason"] == "已答复"


def test_api_timeline_names_the_actor_and_nobody_for_the_clock(world, api_as):
    r = _consult(world)
    services.clock_start(r, kind="answer", label="答复", duration=timedelta(hours=1))
    rows = api_as(world.frontdesk).get(f"/api/v1/requests/{r.pk}/timeline/").json()
    names = {row["kind"]: row["actor_name"] for row in rows}
    assert names["created"] == str(world.frontdesk)
    assert any(row["actor"] is None and row["actor_name"] == "" for row in rows), rows
