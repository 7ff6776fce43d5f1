"""Callbacks: scheduling, the 《回访记录表》 steps, the chaser, owner visits, the quarterly analysis and the
survey — every R-CB rule named above the test that proves it."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from callbacks import selectors, services
from callbacks.choices import (
    CallbackMethod,
    CallbackSource,
    CallbackStatus,
    CallerLead,
    ReportStatus,
    SurveyStatus,
    VisitStatus,
)
from callbacks.models import Callback, OwnerVisit, QuarterlyReport, VisitPlanEntry
from core.choices import DeadlineState, Role
from core.errors import Conflict, DomainError, NotAllowed
from core.models import Deadline, Department, Notification
from core.permissions import ACTIONS, can
from servicedesk import engine
from servicedesk.models import TimelineEvent


def _record(cb, actor, **kw):
    args = dict(
        satisfaction="satisfied",
        method=CallbackMethod.PHONE,
        resident_confirmed=True,
        caller_signature=str(actor),
    )
    args.update(kw)
    return services.callback_record(actor=actor, callback=cb, **args)


# R-CB-01
def test_callback_methods_are_the_four_of_the_rules():
    assert set(CallbackMethod.labels) == {"电话沟通", "电邮沟通", "面谈", "上门回访"}


# R-CB-11, R-CB-07
def test_completed_complaint_gets_a_callback_due_in_3_days_with_a_clock(world, daytime, make_request):
    req = make_request("complaint")
    engine.announce_completed(req, world.frontdesk)
    cb = Callback.objects.get(request=req)
    assert cb.source == CallbackSource.COMPLAINT and cb.status == CallbackStatus.SCHEDULED
    assert cb.due_at == daytime.now() + timedelta(days=3)
    clock = Deadline.objects.get(object_id=req.pk, kind="callback")
    assert clock.due_at == cb.due_at and clock.state == DeadlineState.RUNNING
    assert TimelineEvent.objects.filter(request=req, kind="clock").exists()


# R-CB-12, R-CB-15
@pytest.mark.parametrize("kind,days", [("repair", 7), ("help", 7)])
def test_repair_and_help_callbacks_due_in_one_week(world, make_request, daytime, kind, days):
    req = make_request(kind)
    engine.announce_completed(req, world.engineer)
    cb = Callback.objects.get(request=req)
    assert cb.due_at - daytime.now() == timedelta(days=days)
    assert cb.lead == CallerLead.CUSTOMER_SERVICE


def test_consultation_gets_no_automatic_callback_and_listener_is_idempotent(world, make_request):
    from servicedesk import consultations

    c = consultations.consultation_create(
        actor=world.frontdesk, prop=world.p1, channel="phone", question="停车?", reporter_name="王"
    )
    assert services.schedule_for_request(c, world.frontdesk) is None
    req = make_request("repair")
    engine.announce_completed(req, world.engineer)
    engine.announce_completed(req, world.engineer)  # twice: still one open callback
    assert Callback.objects.filter(request=req).count() == 1


# R-CB-16
def test_caller_choice_depends_on_kind_and_weight(world, make_request):
    from core import services as cs

    engsup = cs.staff_create(
        actor=None,
        username="engsup",
        password="x",
        display_name="马工",
        prop=world.p1,
        role=Role.ENG_SUPERVISOR,
    )
    eng = Department.objects.get(property=world.p1, kind="eng")
    general = make_request("complaint", department=eng)
    lead, dept, callers = services.choose_callers(world.p1, CallbackSource.COMPLAINT, request=general)
    assert lead == CallerLead.DEPARTMENT_WITH_CS and dept == eng
    assert engsup in callers and any(can(u, "callback.review", world.p1.pk) for u in callers)

    # The complaints app's detail (request.complaint.severity), when present.
    major = SimpleNamespace(kind="complaint", department=None, complaint=SimpleNamespace(severity="major"))
    assert services.is_major_complaint(major) and not services.is_major_complaint(general)
    lead, _, callers = services.choose_callers(world.p1, CallbackSource.COMPLAINT, request=major)
    assert lead == CallerLead.SERVICE_CENTRE and world.supervisor in callers
    lead, _, callers = services.choose_callers(
        world.p1, CallbackSource.REPAIR, request=make_request("repair")
    )
    assert lead == CallerLead.CUSTOMER_SERVICE and callers and callers[0] in (world.admin1, world.admin2)


# R-CB-13
def test_special_service_contract_callback_due_at_midpoint(world):
    c = services.contract_create(
        actor=world.supervisor, prop=world.p1, title="每周保洁", start=date(2030, 1, 1), end=date(2030, 1, 31)
    )
    cb = c.callbacks.get()
    assert timezone.localtime(cb.due_at).date() == date(2030, 1, 16)
    assert cb.source == CallbackSource.SPECIAL_SERVICE
    with pytest.raises(DomainError):
        services.contract_create(
            actor=world.supervisor, prop=world.p1, title="x", start=date(2030, 1, 2), end=date(2030, 1, 1)
        )


# R-CB-14
def test_activity_callback_due_within_one_month_after_it_ends(world):
    a = services.activity_create(
        actor=world.admin1, prop=world.p1, title="中秋游园会", start=date(2030, 1, 30), end=date(2030, 1, 31)
    )
    cb = a.callbacks.get()
    assert timezone.localtime(cb.due_at).date() == date(2030, 2, 28)  # month end clamped
    assert Deadline.objects.filter(object_id=cb.pk, kind="callback", state="running").exists()


# R-CB-02, R-CB-06, R-CB-10
def test_ad_hoc_callback_default_3_days_and_only_planners_schedule(world, resident, daytime):
    r = resident(key=True)
    cb = services.callback_create(
        actor=world.supervisor, prop=world.p1, subject="春节特色回访", contact_name="", resident=r
    )
    assert cb.due_at == daytime.now() + timedelta(days=3) and cb.is_key_customer and cb.contact_name == r.name
    with pytest.raises(NotAllowed):
        services.callback_create(actor=world.frontdesk, prop=world.p1, subject="x", contact_name="y")
    with pytest.raises(NotAllowed):
        services.callback_create(actor=world.supervisor2, prop=world.p1, subject="x", contact_name="y")
    n = Callback.objects.count()
    with pytest.raises(DomainError) as e:
        services.callback_create(actor=world.supervisor, prop=world.p1, subject=" ", contact_name="y")
    assert e.value.field == "subject" and Callback.objects.count() == n


# R-CB-03, R-EXP-10
def test_quiet_hours_agreed_time_and_call_list(world, make_request, daytime, local_dt):
    req = make_request("repair")
    engine.announce_completed(req, world.engineer)
    cb = Callback.objects.get(request=req)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(DomainError) as e:
        services.callback_agree_time(actor=world.admin1, callback=cb, agreed_at=local_dt(tomorrow, 22))
    assert e.value.field == "agreed_at"
    # At 22:00 the call list proposes 08:00 the next morning (the property's quiet hours end).
    daytime(to=local_dt(timezone.localdate(), 22))
    row = selectors.call_list(user=world.admin1)[0]
    assert row.call_at == local_dt(tomorrow, 8) and not engine_quiet(world, row.call_at)
    # An agreed time is respected.
    daytime(to=local_dt(timezone.localdate(), 10))
    services.callback_agree_time(actor=world.admin1, callback=cb, agreed_at=local_dt(tomorrow, 19, 30))
    row = selectors.call_list(user=world.admin1)[0]
    assert row.call_at == local_dt(tomorrow, 19, 30)
    # A phone callback recorded inside the quiet hours is refused.
    with pytest.raises(DomainError) as e:
        _record(cb, world.admin1, called_at=local_dt(timezone.localdate() - timedelta(days=1), 23))
    assert e.value.field == "called_at"


def engine_quiet(world, when):
    from core.deadlines import in_quiet_hours

    return in_quiet_hours(world.p1, when)


# R-CB-05, R-CB-09, R-CB-17, R-CB-19
def test_record_is_complete_signed_and_confirmed(world, daytime, make_request):
    req = make_request("repair")
    engine.announce_completed(req, world.engineer)
    cb = Callback.objects.get(request=req)
    with pytest.raises(DomainError) as e:
        _record(cb, world.admin1, satisfaction="average", shortcomings="")
    assert e.value.field == "shortcomings"
    with pytest.raises(DomainError) as e:
        _record(cb, world.admin1, resident_confirmed=False)
    assert e.value.field == "resident_confirmed"
    with pytest.raises(DomainError) as e:
        _record(cb, world.admin1, method=CallbackMethod.FACE, resident_signature="")
    assert e.value.field == "resident_signature"
    with pytest.raises(DomainError) as e:
        _record(cb, world.admin1, caller_signature=" ")
    assert e.value.field == "caller_signature"
    cb.refresh_from_db()
    assert cb.status == CallbackStatus.SCHEDULED
    _record(cb, world.admin1, satisfaction="average", shortcomings="维修后未清理", suggestions="请带鞋套")
    cb.refresh_from_db()
    assert (cb.status, cb.satisfaction, cb.shortcomings) == (CallbackStatus.DONE, "average", "维修后未清理")
    req.refresh_from_db()
    assert req.satisfaction == "average"
    assert Deadline.objects.get(object_id=req.pk, kind="callback").state == DeadlineState.MET
    with pytest.raises(Conflict):
        _record(cb, world.admin1)


# R-CB-17
def test_issue_hands_the_sheet_to_the_callers_and_notifies_them(world, make_request):
    req = make_request("repair")
    engine.announce_completed(req, world.engineer)
    cb = Callback.objects.get(request=req)
    services.callback_assign(actor=world.supervisor, callback=cb, callers=[world.admin2])
    services.callback_issue(actor=world.frontdesk, callback=cb)
    cb.refresh_from_db()
    assert cb.status == CallbackStatus.ISSUED and cb.issued_at and cb.issued_by == world.frontdesk
    assert Notification.objects.filter(recipient=world.admin2, title__contains="回访记录表").exists()
    with pytest.raises(Conflict):
        services.callback_issue(actor=world.frontdesk, callback=cb)
    with pytest.raises(DomainError):  # a guard cannot make callbacks
        services.callback_assign(actor=world.supervisor, callback=cb, callers=[world.guard])


# R-CB-18
def test_not_done_3_days_after_issue_is_chased_once(world, daytime, make_request):
    req = make_request("repair")
    engine.announce_completed(req, world.engineer)
    cb = Callback.objects.get(request=req)
    services.callback_issue(actor=world.frontdesk, callback=cb)
    daytime(days=2, hours=23)
    assert services.chase_overdue_callbacks() == 0
    daytime(hours=2)
    assert services.chase_overdue_callbacks() == 1
    assert services.chase_overdue_callbacks() == 0  # idempotent
    cb.refresh_from_db()
    assert cb.chased_at is not None
    callers = list(cb.callers.all())
    assert Notification.objects.filter(recipient__in=callers, dedupe_key=f"callback-chase-{cb.pk}").exists()
    assert TimelineEvent.objects.filter(request=req, text__contains="催办").count() == 1


# R-CB-20, R-CB-11 — the must-show: complaint handled, called back on day 3 with 不满意, escalated, reopened.
def test_day3_unsatisfied_is_escalated_and_reopens_the_request(world, daytime, make_request):
    req = make_request("complaint")
    t0 = daytime.now()
    engine.announce_completed(req, world.frontdesk)
    cb = Callback.objects.get(request=req)
    services.callback_issue(actor=world.frontdesk, callback=cb)
    daytime(days=2, hours=23)  # day 3, before the deadline
    _record(cb, world.admin1, satisfaction="unsatisfied", shortcomings="噪音问题没有解决")
    clock = Deadline.objects.get(object_id=req.pk, kind="callback")
    assert clock.state == DeadlineState.MET and clock.met_at <= clock.due_at == t0 + timedelta(days=3)
    with pytest.raises(DomainError) as e:  # 不满意 is 不合格: a handling opinion is required
        services.callback_review(actor=world.admin2, callback=cb, comment="已核实")
    assert e.value.field == "handling_opinion"
    services.callback_review(
        actor=world.admin2, callback=cb, comment="已核实", handling_opinion="重新安排处理"
    )
    cb.refresh_from_db()
    assert cb.status == CallbackStatus.ESCALATED and cb.unqualified
    assert Notification.objects.filter(
        recipient=world.supervisor, dedupe_key=f"callback-escalated-{cb.pk}"
    ).exists()
    with pytest.raises(NotAllowed):
        services.callback_decide(actor=world.admin2, callback=cb, decision="reopen", note="x")
    services.callback_decide(actor=world.supervisor, callback=cb, decision="reopen", note="工程部重新处理")
    req.refresh_from_db()
    cb.refresh_from_db()
    assert (req.status, req.reopen_count) == ("received", 1) and cb.status == CallbackStatus.CLOSED
    kinds = list(
        TimelineEvent.objects.filter(request=req).order_by("at", "id").values_list("kind", flat=True)
    )
    assert kinds == ["clock", "note", "feedback", "escalation", "status"]
    texts = " ".join(TimelineEvent.objects.filter(request=req).values_list("text", flat=True))
    assert "不满意" in texts and "重新处理" in texts and "已上报" in texts
    # Handled again → a new callback is scheduled.
    req.status = "handled"
    req.save(update_fields=["status"])
    engine.announce_completed(req, world.frontdesk)
    assert Callback.objects.filter(request=req, status=CallbackStatus.SCHEDULED).count() == 1


# R-CB-20
def test_qualified_review_closes_and_reopen_refused_when_workflow_disallows(world, daytime, make_request):
    req = make_request("repair")
    engine.announce_completed(req, world.engineer)
    cb = Callback.objects.get(request=req)
    _record(cb, world.admin1, satisfaction="average", shortcomings="慢")
    services.callback_review(actor=world.admin1, callback=cb, comment="合格")
    cb.refresh_from_db()
    assert cb.status == CallbackStatus.CLOSED and not cb.unqualified
    req2 = make_request("repair")
    engine.announce_completed(req2, world.engineer)
    cb2 = Callback.objects.get(request=req2)
    _record(cb2, world.admin1, satisfaction="satisfied")
    services.callback_review(actor=world.admin1, callback=cb2, unqualified=True, handling_opinion="回访超时")
    req2.status = "received"  # already back in work: the workflow has no reopen from here
    req2.save(update_fields=["status"])
    with pytest.raises(DomainError):
        services.callback_decide(actor=world.supervisor, callback=cb2, decision="reopen", note="x")
    services.callback_decide(actor=world.supervisor, callback=cb2, decision="keep", note="提醒回访人按时回访")
    cb2.refresh_from_db()
    assert cb2.status == CallbackStatus.CLOSED and cb2.decision == "keep"


# R-CB-04
def test_key_customers_without_callback_or_visit_are_listed(world, resident, daytime):
    a = resident("甲", key=True, unit=world.u1)
    b = resident("乙", key=True, unit=world.u2)
    resident("丙", key=False, unit=world.u3)
    today = timezone.localdate()
    cb = services.callback_create(
        actor=world.supervisor, prop=world.p1, subject="回访", contact_name="", resident=a
    )
    _record(cb, world.admin1)
    rows = selectors.key_customers_uncovered(user=world.admin1, prop=world.p1, start=today, end=today)
    assert [r.name for r in rows] == ["乙"]
    cov = selectors.key_customer_coverage(prop=world.p1, start=today, end=today)
    assert (cov["total"], cov["covered"]) == (2, 1)
    services.visit_record(actor=world.admin1, prop=world.p1, resident=b, opinions="电梯慢")
    assert selectors.key_customers_uncovered(user=world.admin1, prop=world.p1, start=today, end=today) == []
    assert (
        selectors.key_customers_uncovered(user=world.supervisor2, prop=world.p1, start=today, end=today) == []
    )


# R-CB-24
def test_visit_plan_lists_every_current_owner(world, resident):
    resident("业主一", unit=world.u1)
    resident("业主二", unit=world.u2, key=True)
    resident("租户", unit=world.u3, role="tenant")
    plan = services.visit_plan_create(
        actor=world.admin1,
        prop=world.p1,
        title="2030 上半年",
        period_start=date(2030, 1, 1),
        period_end=date(2030, 6, 30),
        administrator=world.admin1,
    )
    names = set(VisitPlanEntry.objects.filter(plan=plan).values_list("resident__name", flat=True))
    assert names == {"业主一", "业主二"}
    assert selectors.plan_coverage(plan)["key_total"] == 1
    with pytest.raises(NotAllowed):
        services.visit_plan_create(
            actor=world.frontdesk,
            prop=world.p1,
            title="x",
            period_start=date(2030, 1, 1),
            period_end=date(2030, 1, 2),
            administrator=world.admin1,
        )
    with pytest.raises(DomainError):
        services.visit_plan_create(
            actor=world.admin1,
            prop=world.p1,
            title="x",
            period_start=date(2030, 1, 1),
            period_end=date(2030, 1, 2),
            administrator=world.guard,
        )


# R-CB-25, R-CB-26, R-CB-27, R-CB-28, R-CB-29
def test_owner_visit_form_flow_and_archive(world, resident):
    from residents.archive import render_sections

    owner = resident("业主一", unit=world.u1)
    plan = services.visit_plan_create(
        actor=world.admin1,
        prop=world.p1,
        title="计划",
        period_start=date(2030, 1, 1),
        period_end=date(2030, 6, 30),
        administrator=world.admin1,
    )
    entry = plan.entries.get()
    with pytest.raises(DomainError):
        services.visit_record(actor=world.admin1, prop=world.p1, resident=owner, plan_entry=entry)
    v = services.visit_record(
        actor=world.admin1,
        prop=world.p1,
        resident=owner,
        plan_entry=entry,
        opinions="客服响应慢",
        needs="儿童游乐设施太少",
    )
    entry.refresh_from_db()
    assert entry.visited_at is not None and v.unit == world.u1
    assert (
        Notification.objects.filter(
            recipient__in=[world.supervisor, world.manager], title__contains="业主回访"
        ).count()
        == 2
    )
    with pytest.raises(Conflict):
        services.visit_review(actor=world.supervisor, visit=v, signature="李")
    with pytest.raises(NotAllowed):
        services.visit_feedback(actor=world.frontdesk, visit=v, solution="x", satisfaction="satisfied")
    services.visit_feedback(actor=world.admin1, visit=v, solution="增设滑梯", satisfaction="satisfied")
    with pytest.raises(NotAllowed):
        services.visit_review(actor=world.admin1, visit=v, signature="张")
    services.visit_review(actor=world.supervisor, visit=v, signature="李秀梅", comment="同意")
    v.refresh_from_db()
    assert v.status == VisitStatus.FILED and v.supervisor_signature == "李秀梅"
    section = next(s for s in render_sections(owner, world.supervisor) if s["key"] == "visits")
    assert section["rows"] and section["rows"][0][1] == "建议/意见登记表"


def _quarter_dt(local_dt, d, h=10):
    return local_dt(d, h)


# R-CB-21, R-CB-22
def test_quarterly_analysis_counts_repeats_inclusively_per_unit_and_category(world, make_request, local_dt):
    q_day = date(2025, 2, 10)
    at = local_dt(q_day, 10)
    for _ in range(2):
        make_request("complaint", category="噪音", at=at)
    make_request("complaint", category="卫生", at=at)
    make_request("complaint", category="噪音", unit=world.u2, at=at)
    for _ in range(3):
        make_request("repair", category="水管", at=at)
    for _ in range(2):
        make_request("repair", category="电路", at=at)
    make_request("complaint", category="噪音", at=local_dt(date(2025, 4, 2), 10))  # next quarter
    make_request("complaint", category="噪音", prop=world.p2, at=at)
    a = selectors.quarterly_analysis(prop=world.p1, year=2025, quarter=1)
    assert [(r["unit__label"], r["category"], r["n"]) for r in a["repeated_complaints"]] == [
        ("3-1201", "噪音", 2)
    ]
    assert [(r["unit__label"], r["category"], r["n"]) for r in a["repeated_repairs"]] == [
        ("3-1201", "水管", 3)
    ]
    assert a["requests_by_kind"] == {"complaint": 4, "repair": 5}


def test_quarterly_analysis_query_count_is_fixed(
    world, make_request, local_dt, django_assert_max_num_queries
):
    at = local_dt(date(2025, 2, 10), 10)
    for i in range(30):
        make_request("complaint", category=f"c{i % 3}", unit=[world.u1, world.u2, world.u3][i % 3], at=at)
    with django_assert_max_num_queries(5):
        selectors.quarterly_analysis(prop=world.p1, year=2025, quarter=1)


# R-CB-21, R-CB-23
def test_report_generated_reviewed_sent_filed_with_deadline(world, make_request, daytime, local_dt):
    daytime(to=local_dt(date(2025, 4, 3), 10))
    with pytest.raises(DomainError):
        services.report_generate(actor=world.clerk, prop=world.p1, year=2025, quarter=2)  # not ended
    req = make_request("repair", at=local_dt(date(2025, 2, 1), 9))
    engine.announce_completed(req, world.engineer)
    cb = Callback.objects.get(request=req)
    daytime(to=local_dt(date(2025, 3, 20), 10))
    _record(cb, world.admin1, called_at=local_dt(date(2025, 3, 20), 9))
    services.callback_review(actor=world.admin1, callback=cb, comment="ok")
    daytime(to=local_dt(date(2025, 4, 3), 10))
    rep = services.report_generate(
        actor=world.clerk, prop=world.p1, year=2025, quarter=1, analysis="总体良好"
    )
    assert rep.file_due_at == local_dt(date(2025, 4, 11), 0)
    assert rep.data["callbacks"]["total"] == 1
    clock = Deadline.objects.get(object_id=rep.pk, kind="file")
    assert clock.due_at == rep.file_due_at
    with pytest.raises(NotAllowed):
        services.report_review(actor=world.clerk, report=rep, opinion="x")
    with pytest.raises(DomainError):
        services.report_review(actor=world.supervisor, report=rep, opinion=" ")
    services.report_review(actor=world.supervisor, report=rep, opinion="同意,重点关注维修质量")
    with pytest.raises(Conflict):
        services.report_generate(actor=world.clerk, prop=world.p1, year=2025, quarter=1)
    with pytest.raises(DomainError):
        services.report_send(actor=world.supervisor, report=rep, manager=world.admin1)
    services.report_send(actor=world.supervisor, report=rep, manager=world.manager)
    assert Notification.objects.filter(recipient=world.manager, title__contains="回访统计分析报告").exists()
    daytime(to=local_dt(date(2025, 4, 10), 17))
    services.report_file(actor=world.clerk, report=rep)
    rep.refresh_from_db()
    cb.refresh_from_db()
    assert rep.status == ReportStatus.FILED and cb.archived_at is not None
    clock.refresh_from_db()
    assert clock.state == DeadlineState.MET and clock.met_at < clock.due_at
    assert QuarterlyReport.objects.count() == 1


# R-CB-30
def test_survey_counts_per_question_and_corrective_measures(world, django_assert_max_num_queries):
    s = services.survey_create(
        actor=world.clerk,
        prop=world.p1,
        title="2025 业户意见调查",
        distributed_on=date(2025, 5, 1),
        collect_by=date(2025, 5, 31),
        questions=["客服态度", "保洁", ""],
    )
    q1, q2 = list(s.questions.all())
    services.survey_response_add(
        actor=world.clerk, survey=s, answers={q1.pk: "satisfied", q2.pk: "unsatisfied"}
    )
    services.survey_response_add(actor=world.clerk, survey=s, answers={str(q1.pk): "average", q2.pk: ""})
    with pytest.raises(DomainError):
        services.survey_response_add(actor=world.clerk, survey=s, answers={q1.pk: "great"})
    with pytest.raises(DomainError):
        services.survey_response_add(actor=world.clerk, survey=s, answers={})
    with django_assert_max_num_queries(2):
        stats = selectors.survey_stats(s)
    assert [(r["satisfied"], r["average"], r["unsatisfied"]) for r in stats] == [(1, 1, 0), (0, 0, 1)]
    with pytest.raises(DomainError):
        services.survey_report(actor=world.clerk, survey=s, corrective_measures="")
    services.survey_report(actor=world.clerk, survey=s, corrective_measures="增加保洁频次")
    s.refresh_from_db()
    assert s.status == SurveyStatus.CLOSED and s.reported_at
    with pytest.raises(Conflict):
        services.survey_response_add(actor=world.clerk, survey=s, answers={q1.pk: "satisfied"})


def test_permission_matrix():
    expected = {
        "callback.view": {
            "manager",
            "cs_supervisor",
            "cs_admin",
            "front_desk",
            "clerk",
            "eng_supervisor",
            "sec_supervisor",
        },
        "callback.plan": {"manager", "cs_supervisor", "cs_admin"},
        "callback.issue": {"cs_supervisor", "cs_admin", "front_desk", "clerk"},
        "callback.record": {
            "manager",
            "cs_supervisor",
            "cs_admin",
            "front_desk",
            "clerk",
            "eng_supervisor",
            "sec_supervisor",
        },
        "callback.review": {"cs_supervisor", "cs_admin"},
        "callback.decide": {"manager", "cs_supervisor"},
        "callback.analysis": {"manager", "cs_supervisor", "cs_admin", "clerk"},
        "callback.report.review": {"cs_supervisor"},
        "callback.export": {"manager", "cs_supervisor", "cs_admin", "clerk"},
        "visit.view": {"manager", "cs_supervisor", "cs_admin", "clerk"},
        "visit.plan": {"cs_admin", "cs_supervisor"},
        "visit.record": {"manager", "cs_supervisor", "cs_admin"},
        "visit.review": {"cs_supervisor"},
        "survey.view": {"manager", "cs_supervisor", "cs_admin", "front_desk", "clerk"},
        "survey.manage": {"manager", "cs_supervisor", "cs_admin", "clerk"},
    }
    for action, roles in expected.items():
        for role in Role:
            assert (role in ACTIONS[action]) == (role.value in roles), (action, role)


def test_other_property_is_refused(world, make_request):
    req = make_request("repair", prop=world.p2)
    engine.announce_completed(req, world.frontdesk2)
    cb = Callback.objects.get(request=req)
    with pytest.raises(NotAllowed):
        _record(cb, world.admin1)
    with pytest.raises(NotAllowed):
        services.visit_record(actor=world.admin1, prop=world.p2, resident=None, opinions="x")
    assert OwnerVisit.objects.count() == 0
