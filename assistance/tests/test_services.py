"""求助 services: every HELP rule, the first-aid checklist order, incidents, referrals, retention."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assistance import checklists, services
from assistance.choices import BatchStatus, HelpCategory, HelpStatus, IncidentStatus
from assistance.models import HelpRegisterBatch, HelpRequest, HelpStep, Incident
from core.choices import DeadlineState, Role
from core.errors import Conflict, DomainError, NotAllowed
from core.models import Deadline, Department, Notification
from core.numbering import next_number
from core.permissions import ACTIONS, can
from servicedesk import engine
from servicedesk import services as sd
from servicedesk.models import ServiceRequest


def tick(world, h, key, actor=None, **values):
    return services.help_step_tick(actor=actor or world.frontdesk, help=h, key=key, values=values)


def status(h):
    h.request.refresh_from_db()
    return h.request.status


def first_aid_done(world, h, choice="call_120"):
    tick(world, h, "choice", choice=choice)
    tick(world, h, "security_notified")
    if choice == "call_120":
        tick(world, h, "called_120")
        tick(world, h, "entrance_posted", actor=world.guard)
        tick(world, h, "ambulance_guided", actor=world.guard)
    tick(world, h, "outcome", outcome="已由120送往市人民医院")


# --- R-HELP-01 / R-HELP-02 -----------------------------------------------------------------------------


# R-HELP-01
def test_six_categories_plus_other():
    assert HelpCategory.values == [
        "first_aid",
        "repair",
        "complaint",
        "consultation",
        "crime",
        "disaster",
        "other",
    ]
    assert set(checklists.CHECKLISTS) == set(HelpCategory.values)


# R-HELP-01, R-HELP-02
def test_every_category_is_registered_on_the_register(world, make_help):
    for cat in HelpCategory.values:
        kw = {"floor_address": "3-1201", "patient_phone": "13900000000"} if cat == "first_aid" else {}
        h = make_help(cat, **kw)
        assert h.request.kind == "help" and h.request.number.startswith("QZ") and h.category == cat
        assert h.request.category == cat
    assert HelpRequest.objects.count() == 7
    with pytest.raises(DomainError) as e:
        make_help("nonsense")
    assert e.value.field == "category"
    assert HelpRequest.objects.count() == 7 and ServiceRequest.objects.filter(kind="help").count() == 7


def test_bad_input_writes_nothing(world, make_help):
    with pytest.raises(DomainError) as e:
        make_help("other", reporter_name=" ")
    assert e.value.field == "reporter_name"
    with pytest.raises(DomainError):
        make_help("other", unit=world.u_p2)
    assert not ServiceRequest.objects.exists() and not HelpRequest.objects.exists()


def test_wrong_role_and_other_property_refused(world, make_help):
    with pytest.raises(NotAllowed):
        make_help("other", actor=world.engineer)
    with pytest.raises(NotAllowed):
        make_help("other", actor=world.frontdesk2)
    assert not HelpRequest.objects.exists()


# --- R-HELP-03 quick response ------------------------------------------------------------------------


# R-HELP-03
def test_quick_response_clock_runs_and_first_step_stops_it(world, make_help):
    h = make_help("other")
    dl = Deadline.objects.get(object_id=h.pk, kind="first_response")
    assert dl.state == DeadlineState.RUNNING
    assert dl.due_at - dl.started_at == services.QUICK_RESPONSE == timedelta(minutes=5)
    assert status(h) == HelpStatus.RECEIVED
    tick(world, h, "best_effort", what="帮忙联系开锁公司")
    dl.refresh_from_db()
    h.refresh_from_db()
    assert dl.state == DeadlineState.MET
    assert h.first_response_by == world.frontdesk and h.first_response_at is not None
    assert status(h) == HelpStatus.HANDLING


# R-HELP-03
def test_respond_button_stops_clock_and_escalation_notifies_supervisor(world, make_help):
    h = make_help("other")
    sd.request_transition(
        actor=world.frontdesk, request=h.request, name="escalate", reason="不会处理,请示主管"
    )
    dl = Deadline.objects.get(object_id=h.pk, kind="first_response")
    assert dl.state == DeadlineState.MET
    assert Notification.objects.filter(recipient=world.supervisor, title__contains=h.request.number).exists()
    assert status(h) == HelpStatus.ESCALATED
    with pytest.raises(NotAllowed):  # only the supervisor answers
        services.help_supervisor_reply(actor=world.frontdesk, help=h, reply="可以")
    services.help_supervisor_reply(actor=world.supervisor, help=h, reply="按规定协助联系开锁公司")
    assert status(h) == HelpStatus.HANDLING


def test_quick_clock_overdue_is_a_query(world, make_help):
    from servicedesk import selectors

    late = make_help("other", received_at=timezone.now() - timedelta(minutes=10))
    fresh = make_help("other")
    assert list(selectors.overdue_requests(user=world.supervisor)) == [late.request]
    assert fresh.request not in selectors.overdue_requests(user=world.supervisor)


# --- first aid (R-HELP-06..08) ----------------------------------------------------------------------


# R-HELP-06
def test_first_aid_address_and_phone_before_anything_else(world, make_help):
    h = make_help("first_aid")
    for key, values in [
        ("choice", {"choice": "call_120"}),
        ("security_notified", {}),
        ("outcome", {"outcome": "x"}),
    ]:
        with pytest.raises(DomainError) as e:
            tick(world, h, key, **values)
        assert "楼层住址" in str(e.value.message)
    assert not HelpStep.objects.exists()
    with pytest.raises(DomainError) as e:  # both are required
        tick(world, h, "address_phone", floor_address="3-1201", phone="")
    assert e.value.field == "phone"
    tick(world, h, "address_phone", floor_address="3栋12楼1201", phone="13900001111")
    tick(world, h, "choice", choice="call_120")
    assert list(h.steps.values_list("key", flat=True)) == ["address_phone", "choice"]


# R-HELP-06
def test_first_aid_address_at_intake_counts_as_first_step(world, make_help):
    h = make_help("first_aid", floor_address="3栋12楼", patient_phone="13900001111")
    s = h.steps.get()
    assert s.key == "address_phone" and s.value == {"floor_address": "3栋12楼", "phone": "13900001111"}
    assert s.done_by == world.frontdesk
    assert status(h) == HelpStatus.HANDLING


# R-HELP-06, R-HELP-08
def test_first_aid_120_branch_order_and_security_notified(world, make_help, secsup):
    h = make_help("first_aid", floor_address="3栋12楼", patient_phone="13900001111")
    tick(world, h, "choice", choice="call_120")
    with pytest.raises(DomainError):  # the entrance is posted once security knows
        tick(world, h, "entrance_posted")
    with pytest.raises(DomainError):  # hospital escort does not apply to the 120 choice
        tick(world, h, "escorted")
    tick(world, h, "security_notified")
    # R-HELP-07/08: the 保安部 shift leader and guards are notified
    assert Notification.objects.filter(recipient=secsup, title__contains=h.request.number).exists()
    assert Notification.objects.filter(recipient=world.guard, title__contains=h.request.number).exists()
    assert not Notification.objects.filter(recipient=world.engineer).exists()
    with pytest.raises(DomainError):  # guided only after 120 called and someone at the entrance
        tick(world, h, "ambulance_guided")
    tick(world, h, "called_120")
    tick(world, h, "entrance_posted", actor=world.guard)
    with pytest.raises(DomainError) as e:  # the checklist is not complete
        services.help_resolve(actor=world.frontdesk, help=h, result="已送医")
    assert "引导救护车" in str(e.value.message)
    tick(world, h, "ambulance_guided", actor=world.guard)
    tick(world, h, "outcome", outcome="已由120送往市人民医院")
    services.help_resolve(actor=world.frontdesk, help=h, result="120 已接走病人")
    assert status(h) == HelpStatus.HELPED
    steps = list(h.steps.order_by("done_at", "id").values_list("key", "done_by__username"))
    assert steps[0][0] == "address_phone" and ("entrance_posted", "guard") in steps


# R-HELP-07
def test_first_aid_hospital_branch_needs_escort_and_follow_up(world, make_help):
    h = make_help("first_aid", floor_address="3栋5楼", patient_phone="13900001111")
    tick(world, h, "choice", choice="hospital")
    with pytest.raises(DomainError):
        tick(world, h, "called_120")
    tick(world, h, "security_notified")
    with pytest.raises(DomainError):
        tick(world, h, "more_help_asked")
    tick(world, h, "escorted", actor=world.guard)
    tick(world, h, "outcome", outcome="住户家属同去,已安置")
    with pytest.raises(DomainError):
        services.help_resolve(actor=world.frontdesk, help=h, result="已送医")
    tick(world, h, "more_help_asked", actor=world.guard)
    services.help_resolve(actor=world.frontdesk, help=h, result="已送医")
    assert status(h) == HelpStatus.HELPED


def test_step_once_and_choice_validated(world, make_help):
    h = make_help("first_aid", floor_address="3栋5楼", patient_phone="139")
    with pytest.raises(DomainError) as e:
        tick(world, h, "choice", choice="taxi")
    assert e.value.field == "choice"
    with pytest.raises(Conflict):
        tick(world, h, "address_phone", floor_address="x", phone="y")
    with pytest.raises(DomainError):
        tick(world, h, "no_such_step")
    with pytest.raises(NotAllowed):
        tick(world, h, "choice", actor=world.engineer, choice="care")


# --- referrals (R-HELP-14) and R-HELP-05 -------------------------------------------------------------


# R-HELP-14
def test_repair_help_creates_linked_repair_when_the_flow_exists(world, make_help, fake_flow):
    fake_flow("repair")
    h = make_help("repair", description="厨房水龙头漏水")
    tick(world, h, "referred")
    ref = h.referrals.get()
    linked = ref.linked_request
    assert linked.kind == "repair" and linked.unit == world.u1 and "QZ" in linked.description
    assert ref.department == Department.objects.get(property=world.p1, kind="eng")
    assert h.steps.get(key="referred").value["linked_request"] == linked.pk
    tick(world, h, "resident_told")
    services.help_resolve(actor=world.frontdesk, help=h, result="已转工程部维修")
    assert status(h) == HelpStatus.HELPED


# R-HELP-14
def test_repair_help_records_referral_when_no_repair_flow(world, make_help, no_flow):
    no_flow("repair")
    h = make_help("repair")
    tick(world, h, "referred")
    ref = h.referrals.get()
    assert ref.linked_request is None and "尚未启用" in ref.note
    assert not ServiceRequest.objects.filter(kind="repair").exists()


# R-HELP-14
def test_complaint_help_goes_into_the_complaint_flow(world, make_help, fake_flow, no_flow):
    fake_flow("complaint")
    h = make_help("complaint", description="楼上装修噪音")
    with pytest.raises(DomainError) as e:  # R-CMP-06: apologise first
        tick(world, h, "referred")
    assert e.value.field == "apologised"
    tick(world, h, "referred", apologised="yes")
    assert h.referrals.get().linked_request.kind == "complaint"
    no_flow("complaint")
    h2 = make_help("complaint")
    tick(world, h2, "referred", apologised="yes")
    assert h2.referrals.get().linked_request is None


# R-HELP-14
def test_a_registered_referral_creator_is_used(world, make_help, monkeypatch):
    made = []

    def creator(*, actor, help):
        r = sd.request_create(
            actor=actor,
            prop=help.request.property,
            kind="consultation",
            channel="phone",
            title="t",
            description="d",
            reporter_name="x",
        )
        made.append(r)
        return r

    monkeypatch.setitem(services.REFERRAL_CREATORS._entries, "repair", None)
    services.REFERRAL_CREATORS.register("repair", "报修", creator)
    h = make_help("repair")
    tick(world, h, "referred")
    assert h.referrals.get().linked_request == made[0]


# R-HELP-14
@pytest.mark.skipif(
    not __import__("django.apps").apps.apps.is_installed("repairs"), reason="repairs app absent"
)
def test_repair_help_enters_the_real_repair_flow(world, make_help):
    from repairs.models import RepairOrder

    h = make_help("repair", description="卫生间地漏堵塞")
    tick(world, h, "referred")
    linked = h.referrals.get().linked_request
    assert (
        linked is not None and linked.kind == "repair" and RepairOrder.objects.filter(pk=linked.pk).exists()
    )


# R-HELP-14
def test_a_refusing_flow_leaves_a_recorded_referral(world, make_help, monkeypatch):
    def refuse(*, actor, help):
        sd.request_create(
            actor=actor,
            prop=help.request.property,
            kind="consultation",
            channel="phone",
            title="t",
            description="d",
            reporter_name="x",
        )
        raise DomainError("户内报修须填写房号。")

    monkeypatch.setitem(services.REFERRAL_CREATORS._entries, "repair", None)
    services.REFERRAL_CREATORS.register("repair", "报修", refuse)
    h = make_help("repair", unit=None)
    tick(world, h, "referred")
    ref = h.referrals.get()
    assert ref.linked_request is None and "未能自动开单" in ref.note and "房号" in ref.note
    assert not ServiceRequest.objects.filter(kind="consultation").exists()  # rolled back to the savepoint


# R-HELP-05
def test_cannot_close_unsatisfiable_without_referral(world, make_help):
    h = make_help("other")
    with pytest.raises(DomainError) as e:
        services.help_close_unsatisfiable(actor=world.frontdesk, help=h, reason="超出服务范围")
    assert e.value.field == "referral"
    assert status(h) == HelpStatus.RECEIVED
    with pytest.raises(DomainError):
        services.help_refer(actor=world.frontdesk, help=h, kind="external", target=" ")
    services.help_refer(
        actor=world.frontdesk, help=h, kind="external", target="社区居委会", note="已给住户电话"
    )
    services.help_close_unsatisfiable(actor=world.frontdesk, help=h, reason="超出服务范围")
    assert status(h) == HelpStatus.UNSATISFIABLE and h.request.closed_at is not None


# R-HELP-04
def test_unsatisfiable_needs_a_reason(world, make_help):
    h = make_help("other")
    services.help_refer(
        actor=world.frontdesk,
        help=h,
        kind="department",
        target="",
        department=Department.objects.get(property=world.p1, kind="sec"),
    )
    with pytest.raises(DomainError) as e:
        services.help_close_unsatisfiable(actor=world.frontdesk, help=h, reason="")
    assert e.value.field == "reason"
    with pytest.raises(DomainError):
        services.help_refer(
            actor=world.frontdesk,
            help=h,
            kind="department",
            target="x",
            department=Department.objects.get(property=world.p2, kind="sec"),
        )


# --- consultation (R-HELP-09..12) -------------------------------------------------------------------


# R-HELP-10
def test_consultation_answered_or_escalated_then_answered(world, make_help):
    h = make_help("consultation", description="车位月卡怎么办?")
    with pytest.raises(DomainError):  # cannot close unanswered
        sd.request_transition(actor=world.frontdesk, request=h.request, name="respond")
        services.help_resolve(actor=world.frontdesk, help=h, result="x")
    h2 = make_help("consultation")
    tick(world, h2, "asked_supervisor", question="业主问能否减免物业费")
    assert status(h2) == HelpStatus.ESCALATED
    services.help_supervisor_reply(actor=world.supervisor, help=h2, reply="按公司规定不能减免,解释原因")
    tick(world, h2, "answered", answer="按规定不能减免,已解释")
    services.help_resolve(actor=world.frontdesk, help=h2, result="已答复")
    assert status(h2) == HelpStatus.HELPED


# R-HELP-09
def test_written_consultation_answered_by_supervisor(world, make_help):
    h = make_help("consultation", channel="written")
    with pytest.raises(DomainError):
        tick(world, h, "answered", answer="书面答复")
    assert not h.steps.exists()
    tick(world, h, "answered", actor=world.supervisor, answer="书面答复")


# R-HELP-11
def test_confidential_content_only_for_supervisor_and_manager(world, make_help):
    from assistance import selectors

    h = make_help("consultation", confidential=True)
    assert h.confidential
    assert selectors.may_read_confidential(world.supervisor, world.p1.pk)
    assert selectors.may_read_confidential(world.manager, world.p1.pk)
    assert not selectors.may_read_confidential(world.frontdesk, world.p1.pk)


# R-HELP-12
def test_promised_answer_is_a_clock_kept_by_the_answer(world, make_help):
    h = make_help("consultation")
    with pytest.raises(DomainError):
        services.help_promise_answer(
            actor=world.frontdesk, help=h, answer_by=timezone.now() - timedelta(hours=1)
        )
    dl = services.help_promise_answer(
        actor=world.frontdesk, help=h, answer_by=timezone.now() + timedelta(hours=2)
    )
    assert dl.kind == "answer" and dl.state == DeadlineState.RUNNING and dl.responsible == world.frontdesk
    tick(world, h, "answered", answer="已查明:周六办理")
    dl.refresh_from_db()
    assert dl.state == DeadlineState.MET


# R-HELP-13
def test_matter_of_principle_goes_to_supervisor_before_answer(world, make_help):
    h = make_help("consultation", description="开发商承诺的会所何时免费开放?")
    services.help_mark_principle(actor=world.frontdesk, help=h, note="涉及开发商承诺")
    assert status(h) == HelpStatus.ESCALATED
    assert Notification.objects.filter(recipient=world.supervisor, title__contains=h.request.number).exists()
    with pytest.raises(DomainError):
        tick(world, h, "answered", answer="下月开放")
    services.help_supervisor_reply(actor=world.supervisor, help=h, reply="与开发商协调后答复:待业委会决定")
    tick(world, h, "answered", answer="已协调,待业委会决定,向业主解释")
    services.help_resolve(actor=world.frontdesk, help=h, result="已解释")
    assert status(h) == HelpStatus.HELPED


# R-HELP-13
def test_principle_blocks_resolve_without_supervisor(world, make_help):
    h = make_help("other")
    tick(world, h, "best_effort", what="协助")
    h.refresh_from_db()
    HelpRequest.objects.filter(pk=h.pk).update(is_principle=True)
    with pytest.raises(DomainError):
        services.help_resolve(actor=world.frontdesk, help=h, result="完成")


# --- incidents (R-HELP-14) ---------------------------------------------------------------------------


# R-HELP-14
def test_disaster_opens_incident_and_notifies_security_supervisor_manager(world, make_help, secsup):
    h = make_help("disaster", description="楼上水管爆裂,水浸到 1201")
    tick(world, h, "incident_opened", incident_type="flood", place="3栋12楼")
    inc = Incident.objects.get()
    assert inc.help == h and inc.type == "flood" and inc.status == IncidentStatus.OPEN
    assert inc.number.startswith("SJ")
    assert inc.notified_security_at and inc.notified_supervisor_at and inc.notified_manager_at
    for who in (secsup, world.guard, world.supervisor, world.manager):
        assert Notification.objects.filter(recipient=who, title__contains=inc.number).exists()
    tick(world, h, "outcome", outcome="关闭总阀,清理积水")
    with pytest.raises(DomainError):  # the incident must be handled first
        services.help_resolve(actor=world.frontdesk, help=h, result="已处理")
    with pytest.raises(NotAllowed):
        services.incident_close(actor=world.frontdesk, incident=inc, note="")
    with pytest.raises(Conflict):  # handled before closed
        services.incident_close(actor=world.supervisor, incident=inc, note="")
    services.incident_handle(actor=world.guard, incident=inc, handling="关闭总阀,清理积水")
    services.help_resolve(actor=world.frontdesk, help=h, result="已处理")
    services.incident_close(actor=secsup, incident=inc, note="结案")
    inc.refresh_from_db()
    assert inc.status == IncidentStatus.CLOSED and inc.closed_by == secsup


# R-HELP-14
def test_crime_incident_type_must_match_category(world, make_help):
    h = make_help("crime", description="自行车被盗")
    with pytest.raises(DomainError) as e:
        tick(world, h, "incident_opened", incident_type="flood", place="车棚")
    assert e.value.field == "incident_type"
    assert not Incident.objects.exists() and not h.steps.exists()
    tick(world, h, "incident_opened", incident_type="theft", place="车棚")
    assert Incident.objects.get().type == "theft"
    h2 = make_help("other")
    with pytest.raises(DomainError):
        services.incident_open(actor=world.frontdesk, help=h2, type="theft", place="x")


# R-HELP-15
def test_other_requests_best_effort(world, make_help):
    h = make_help("other", description="帮忙叫出租车")
    with pytest.raises(DomainError):
        services.help_resolve(actor=world.frontdesk, help=h, result="x")  # not even responded
    tick(world, h, "best_effort", what="已电话叫车")
    services.help_resolve(actor=world.frontdesk, help=h, result="车已到")
    assert status(h) == HelpStatus.HELPED


# --- paid help (R-HELP-16) ---------------------------------------------------------------------------


# R-HELP-16
def test_paid_help_needs_fee_before_close(world, make_help):
    h = make_help("other", is_paid=True, description="疏通下水道")
    tick(world, h, "best_effort", what="工程部疏通")
    with pytest.raises(DomainError) as e:
        services.help_resolve(actor=world.frontdesk, help=h, result="已疏通")
    assert e.value.field == "fee"
    with pytest.raises(DomainError):
        services.help_set_fee(actor=world.frontdesk, help=h, is_paid=True, fee="-5")
    with pytest.raises(DomainError):
        services.help_set_fee(actor=world.frontdesk, help=h, is_paid=False, fee="30")
    services.help_set_fee(actor=world.frontdesk, help=h, is_paid=True, fee="30", note="管道疏通")
    h.refresh_from_db()
    assert h.fee == Decimal("30.00") and h.fee_note == "管道疏通"
    services.help_resolve(actor=world.frontdesk, help=h, result="已疏通")
    assert status(h) == HelpStatus.HELPED


# --- completion, reopen ------------------------------------------------------------------------------


# R-CB-15, R-CB-16
def test_resolve_announces_completion_once_and_unsatisfiable_does_not(world, make_help, monkeypatch):
    seen = []
    monkeypatch.setattr(engine, "COMPLETION_LISTENERS", [lambda r, a: seen.append((r.pk, a))])
    h = make_help("other")
    tick(world, h, "best_effort", what="x")
    services.help_resolve(actor=world.frontdesk, help=h, result="好了")
    assert seen == [(h.pk, world.frontdesk)]
    h2 = make_help("other")
    services.help_refer(actor=world.frontdesk, help=h2, kind="external", target="派出所")
    services.help_close_unsatisfiable(actor=world.frontdesk, help=h2, reason="非物业职责")
    assert len(seen) == 1


def test_reopen_by_supervisor_only(world, make_help):
    h = make_help("other")
    tick(world, h, "best_effort", what="x")
    services.help_resolve(actor=world.frontdesk, help=h, result="好了")
    assert engine.can_reopen(h.request)
    with pytest.raises(NotAllowed):
        sd.request_transition(actor=world.frontdesk, request=h.request, name="reopen", reason="不满意")
    sd.request_transition(actor=world.supervisor, request=h.request, name="reopen", reason="回访不满意")
    h.request.refresh_from_db()
    assert (h.request.status, h.request.reopen_count, h.request.closed_at) == ("handling", 1, None)
    with pytest.raises(Conflict):  # closed requests take no ticks; after reopen they do again
        services.help_resolve(actor=world.frontdesk, help=h, result="再次", expected_status="helped")


def test_closed_request_takes_no_more_steps(world, make_help):
    h = make_help("repair")
    services.help_refer(actor=world.frontdesk, help=h, kind="external", target="燃气公司")
    services.help_close_unsatisfiable(actor=world.frontdesk, help=h, reason="燃气归燃气公司")
    with pytest.raises(Conflict):
        tick(world, h, "referred")


# --- retention (R-HELP-17) ---------------------------------------------------------------------------


def _at(y, m, d, hh=10):
    return timezone.make_aware(datetime(y, m, d, hh, 0))


# R-HELP-17
def test_disposal_date_is_archiving_date_plus_two_years():
    from datetime import date

    assert services.disposal_date(date(2026, 1, 5)) == date(2028, 1, 5)
    assert services.disposal_date(date(2024, 2, 29)) == date(2026, 2, 28)


# R-HELP-17
def test_archive_the_year_at_the_start_of_next_year(world, make_help):
    y = timezone.localdate().year - 1
    a = make_help("other", received_at=_at(y, 3, 1))
    b = make_help("other", received_at=_at(y, 12, 30))
    c = make_help("other")  # this year
    # servicedesk numbers are per-property serials but unique across properties: keep p2's apart today
    for _i in range(5):
        next_number(world.p2, "QZ")
    p2 = make_help("other", actor=world.frontdesk2, prop=world.p2, received_at=_at(y, 5, 1))
    with pytest.raises(DomainError):  # the current year is not over
        services.help_register_archive(actor=world.clerk, prop=world.p1, year=y + 1)
    with pytest.raises(NotAllowed):
        services.help_register_archive(actor=world.guard, prop=world.p1, year=y)
    now = _at(y + 1, 1, 3)
    batch = services.help_register_archive(actor=world.clerk, prop=world.p1, year=y, now=now)
    assert batch.request_count == 2 and batch.dispose_after == services.disposal_date(now.date())
    assert set(HelpRequest.objects.filter(batch=batch)) == {a, b}
    assert HelpRequest.objects.get(pk=c.pk).batch is None and HelpRequest.objects.get(pk=p2.pk).batch is None
    again = services.help_register_archive(actor=world.supervisor, prop=world.p1, year=y)
    assert again.pk == batch.pk and HelpRegisterBatch.objects.count() == 1


# R-HELP-17
def test_periodic_archive_is_idempotent(world, make_help):
    y = timezone.localdate().year
    make_help("other", received_at=_at(y - 1, 6, 1))
    jan = _at(y, 1, 2)
    assert services.help_register_archive_due(now=jan) == {"cuihu": 1, "guomao": 0}
    assert services.help_register_archive_due(now=jan + timedelta(days=1)) == {"cuihu": 0, "guomao": 0}
    b = HelpRegisterBatch.objects.get(property=world.p1)
    assert b.year == y - 1 and b.request_count == 1 and b.archived_by is None
    # a late entry of that year joins the same batch
    make_help("other", received_at=_at(y - 1, 7, 1))
    assert services.help_register_archive_due(now=jan + timedelta(days=2))["cuihu"] == 1
    b.refresh_from_db()
    assert b.request_count == 2 and HelpRegisterBatch.objects.filter(property=world.p1).count() == 1


def test_huey_task_runs_the_service(world, make_help):
    from assistance.tasks import help_register_archive_task

    make_help("other", received_at=_at(timezone.localdate().year - 1, 6, 1))
    help_register_archive_task.call_local()
    assert HelpRegisterBatch.objects.filter(property=world.p1).exists()


# R-HELP-17
def test_disposal_only_after_the_date_by_the_supervisor_and_it_voids(world, make_help):
    y = timezone.localdate().year - 1
    h = make_help("other", received_at=_at(y, 3, 1))
    archived = _at(y + 1, 1, 3)
    batch = services.help_register_archive(actor=world.clerk, prop=world.p1, year=y, now=archived)
    early = archived + timedelta(days=300)
    with pytest.raises(DomainError) as e:
        services.help_batch_dispose(actor=world.supervisor, batch=batch, reason="到期", now=early)
    assert "保存期未满" in str(e.value.message)
    late = _at(y + 3, 1, 3)
    with pytest.raises(NotAllowed):
        services.help_batch_dispose(actor=world.manager, batch=batch, reason="到期", now=late)
    with pytest.raises(NotAllowed):
        services.help_batch_dispose(actor=world.clerk, batch=batch, reason="到期", now=late)
    with pytest.raises(DomainError):
        services.help_batch_dispose(actor=world.supervisor, batch=batch, reason=" ", now=late)
    services.help_batch_dispose(actor=world.supervisor, batch=batch, reason="保存期满,销毁", now=late)
    batch.refresh_from_db()
    h.refresh_from_db()
    assert batch.status == BatchStatus.DISPOSED and batch.disposed_by == world.supervisor
    assert h.voided_at is not None
    assert HelpRequest.objects.filter(pk=h.pk).exists() and ServiceRequest.objects.filter(pk=h.pk).exists()
    with pytest.raises(Conflict):
        services.help_batch_dispose(actor=world.supervisor, batch=batch, reason="again", now=late)
    with pytest.raises(Conflict):
        tick(world, h, "best_effort", what="x")


# --- permissions matrix ------------------------------------------------------------------------------

EXPECTED = {
    "assistance.view": {
        "manager",
        "cs_supervisor",
        "cs_admin",
        "front_desk",
        "clerk",
        "sec_supervisor",
        "guard",
    },
    "assistance.create": {
        "manager",
        "cs_supervisor",
        "cs_admin",
        "front_desk",
        "clerk",
        "sec_supervisor",
        "guard",
    },
    "assistance.handle": {
        "manager",
        "cs_supervisor",
        "cs_admin",
        "front_desk",
        "clerk",
        "sec_supervisor",
        "guard",
    },
    "assistance.register": {"manager", "cs_supervisor", "cs_admin", "front_desk", "clerk"},
    "assistance.export": {"manager", "cs_supervisor", "cs_admin", "clerk"},
    "assistance.archive": {"manager", "cs_supervisor", "cs_admin", "clerk"},
    "assistance.dispose": {"cs_supervisor"},
    "assistance.incident": {
        "manager",
        "cs_supervisor",
        "cs_admin",
        "front_desk",
        "clerk",
        "sec_supervisor",
        "guard",
    },
    "assistance.incident.close": {"manager", "cs_supervisor", "sec_supervisor"},
}


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_permission_matrix(action):
    for role in Role:
        assert (role in ACTIONS[action]) == (role.value in EXPECTED[action]), (action, role)


def test_personas_against_the_table(world):
    assert can(world.clerk, "assistance.archive", world.p1.pk)
    assert not can(world.clerk, "assistance.dispose", world.p1.pk)
    assert not can(world.engineer, "assistance.view", world.p1.pk)
    assert not can(world.frontdesk2, "assistance.handle", world.p1.pk)


def test_workflow_shape():
    flow = engine.workflow_for("help")
    assert flow.by_name["reopen"].reopens and flow.by_name["reopen"].action == "request.supervise"
    assert {t.name for t in flow.transitions if not t.generic} == {
        "instruct",
        "resolve",
        "close_unsatisfiable",
    }
    assert flow.closed == {"helped", "unsatisfiable"}
