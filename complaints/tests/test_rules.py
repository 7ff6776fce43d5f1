"""Every rule of section 4 (R-CMP-01..38) and the service-language hints (R-LANG) on the complaint path."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints import services, workflow
from complaints.choices import ComplaintStatus
from complaints.models import Complaint, HandlingProposal
from core.choices import DeadlineState, Role
from core.errors import Conflict, DomainError, NotAllowed
from core.models import Deadline, Department, Notification
from core.permissions import ACTIONS, can
from servicedesk import services as sd
from servicedesk.models import ServiceRequest, TimelineEvent


def _clock(c, kind):
    return Deadline.objects.filter(object_id=c.pk, kind=kind).order_by("-id").first()


def _events(c, kind=None):
    qs = TimelineEvent.objects.filter(request_id=c.pk).order_by("at", "id")
    return list(qs.filter(kind=kind) if kind else qs)


def _notified(user, text):
    return Notification.objects.filter(recipient=user, title__contains=text).exists()


# R-CMP-01
def test_three_channels_only(world, make_complaint):
    for ch in ("phone", "visit"):
        assert make_complaint(channel=ch).request.channel == ch
    assert make_complaint(channel="written", apologised=False).request.channel == "written"
    with pytest.raises(DomainError) as e:
        make_complaint(channel="app")
    assert e.value.field == "channel"


# R-CMP-02
def test_front_desk_accepts_every_complaint_and_reports_what_it_cannot_solve(world, make_complaint):
    assert can(world.frontdesk, "complaints.create", world.p1.pk)
    c = make_complaint(ask_supervisor=True)
    assert _notified(world.supervisor, c.request.number)
    assert "report" in c.checklist


# R-CMP-03
def test_registration_needs_complainant_time_and_content(world, make_complaint):
    c = make_complaint()
    assert c.request.reporter_name == "张三" and c.request.received_at and c.request.description
    for field in ("reporter_name", "description"):
        with pytest.raises(DomainError) as e:
            make_complaint(**{field: " "})
        assert e.value.field == field
    assert Complaint.objects.count() == 1


# R-CMP-04
def test_record_holds_the_complaint_record_fields(world, make_complaint, eng):
    c = make_complaint(
        occurred_at=timezone.now() - timedelta(hours=2),
        occurred_place="3栋12楼楼道",
        subject_person="刘工",
        subject_department=eng,
        narrative="两次报修后无人上门",
        demand="今天修好并道歉",
        caller_company="",
    )
    c.refresh_from_db()
    assert (c.occurred_place, c.subject_person, c.subject_department, c.demand) == (
        "3栋12楼楼道",
        "刘工",
        eng,
        "今天修好并道歉",
    )
    assert c.request.contact_phone == "13812345678"  # taken from the archive when left blank
    # A phone complaint records the caller's 单位 (unit or company) and 姓名.
    with pytest.raises(DomainError) as e:
        make_complaint(unit=None, reporter=None, contact_phone="13900000000", caller_company="")
    assert e.value.field == "caller_company"
    ok = make_complaint(unit=None, reporter=None, contact_phone="13900000000", caller_company="华信科技")
    assert ok.caller_company == "华信科技"
    with pytest.raises(DomainError) as e:
        make_complaint(reporter=None, contact_phone="")
    assert e.value.field == "contact_phone"


# R-CMP-05
def test_one_record_type_with_handling_process_and_result(world, handled):
    c = handled()
    assert ServiceRequest.objects.get(pk=c.pk).complaint == c
    assert c.resolution and c.instructed_proposal.instruction


# R-CMP-06
def test_apologise_first_then_register(world, make_complaint):
    with pytest.raises(DomainError) as e:
        make_complaint(apologised=False)
    assert e.value.field == "apologised"
    c = make_complaint()
    assert _events(c, "note")[0].text == "已首先向客户表示歉意"


# R-CMP-07
def test_emotional_state_is_an_optional_enum(world, make_complaint):
    assert make_complaint(emotion="angry").get_emotion_display() == "愤怒"
    assert make_complaint(emotion="").emotion == ""
    with pytest.raises(DomainError):
        make_complaint(emotion="happy")


# R-CMP-08
def test_our_fault_is_recorded(world, make_complaint):
    c = make_complaint(our_fault=True)
    assert c.our_fault is True
    assert make_complaint().our_fault is None


# R-CMP-09, R-CMP-36
def test_basic_type_and_analysis_category_are_two_fields(world, make_complaint):
    c = make_complaint(basic_type="facilities", analysis_category="energy")
    assert (c.get_basic_type_display(), c.get_analysis_category_display()) == ("对设备设施", "能源")
    with pytest.raises(DomainError):
        make_complaint(basic_type="energy")
    with pytest.raises(DomainError):
        make_complaint(analysis_category="facilities")


# R-CMP-10
def test_definition_required_for_valid_and_kind_3_flagged_after_a_month(world, make_complaint, eng):
    c = make_complaint()
    with pytest.raises(DomainError) as e:
        services.complaint_judge(
            actor=world.supervisor,
            complaint=c,
            judgment="valid",
            reason="成立",
            responsible_department=eng,
            investigation_hours=7,
        )
    assert e.value.field == "definition"
    services.complaint_judge(
        actor=world.supervisor,
        complaint=c,
        judgment="valid",
        reason="成立",
        responsible_department=eng,
        investigation_hours=7,
        definition="1",
    )
    later = c.request.received_at + timedelta(days=32)
    assert services.complaints_escalate_unresolved(now=later) == 1
    assert services.complaints_escalate_unresolved(now=later) == 0  # idempotent
    c.refresh_from_db()
    assert (
        c.month_escalated_at
        and _notified(world.manager, "逾一个月")
        and _notified(world.supervisor, "逾一个月")
    )
    assert "投诉界定(3)" in _events(c, "escalation")[-1].text


# R-CMP-11
def test_severity_is_the_supervisors_field_defaulting_to_major_for_kind_2(world, make_complaint, eng):
    with pytest.raises(DomainError) as e:
        make_complaint(severity="major")  # the front desk cannot set it
    assert e.value.field == "severity"
    c = make_complaint()
    with pytest.raises(DomainError):
        services.complaint_judge(
            actor=world.admin1,
            complaint=c,
            judgment="valid",
            reason="x",
            responsible_department=eng,
            investigation_hours=7,
            definition="4",
            severity="major",
        )
    services.complaint_judge(
        actor=world.admin1,
        complaint=c,
        judgment="valid",
        reason="装修损坏业户财物",
        responsible_department=eng,
        investigation_hours=7,
        definition="2",
    )
    c.refresh_from_db()
    assert c.severity == "major"


# R-CMP-12
def test_judgment_upheld_or_not_with_reason(world, make_complaint):
    c = make_complaint()
    with pytest.raises(DomainError) as e:
        services.complaint_judge(actor=world.admin1, complaint=c, judgment="valid", reason="")
    assert e.value.field == "reason"
    with pytest.raises(DomainError):
        services.complaint_judge(actor=world.admin1, complaint=c, judgment="maybe", reason="x")
    with pytest.raises(NotAllowed):
        services.complaint_judge(actor=world.frontdesk, complaint=c, judgment="invalid", reason="x")
    services.complaint_judge(actor=world.admin1, complaint=c, judgment="invalid", reason="属业户自家设施")
    c.refresh_from_db()
    assert (c.judgment, c.judged_by, c.request.status) == ("invalid", world.admin1, "not_upheld")


# R-CMP-13, R-LANG-07
def test_not_upheld_answered_tactfully_and_closed_with_understanding(world, make_complaint):
    c = make_complaint()
    services.complaint_judge(actor=world.admin1, complaint=c, judgment="invalid", reason="责任不在管理处")
    with pytest.raises(Conflict):
        services.complaint_close_invalid(actor=world.frontdesk, complaint=c, understanding="理解")
    services.complaint_answer_invalid(
        actor=world.frontdesk,
        complaint=c,
        text="非常感谢您的反映,因为该设施属业主自有,我们可以协助您联系维修单位",
    )
    with pytest.raises(DomainError) as e:
        services.complaint_close_invalid(actor=world.frontdesk, complaint=c, understanding="")
    assert e.value.field == "understanding"
    services.complaint_close_invalid(actor=world.frontdesk, complaint=c, understanding="业户表示理解")
    c.refresh_from_db()
    assert c.request.status == "closed" and c.request.closed_at and c.understanding == "业户表示理解"
    assert "reply" in c.checklist


# R-CMP-14, R-CMP-23
def test_valid_needs_responsible_department_and_asks_time_for_investigation(world, make_complaint, eng):
    c = make_complaint()
    with pytest.raises(DomainError) as e:
        services.complaint_judge(
            actor=world.admin1,
            complaint=c,
            judgment="valid",
            reason="成立",
            investigation_hours=7,
            definition="4",
        )
    assert e.value.field == "responsible_department"
    with pytest.raises(DomainError) as e:
        services.complaint_judge(
            actor=world.admin1,
            complaint=c,
            judgment="valid",
            reason="成立",
            responsible_department=eng,
            definition="4",
        )
    assert e.value.field == "investigation_hours"
    other = Department.objects.get(property=world.p2, kind="eng")
    with pytest.raises(DomainError):
        services.complaint_judge(
            actor=world.admin1,
            complaint=c,
            judgment="valid",
            reason="成立",
            responsible_department=other,
            investigation_hours=7,
            definition="4",
        )
    services.complaint_judge(
        actor=world.admin1,
        complaint=c,
        judgment="valid",
        reason="成立",
        responsible_department=eng,
        investigation_hours=7,
        definition="4",
        assignee=world.engineer,
    )
    c.refresh_from_db()
    assert c.request.department == eng and c.request.assignee == world.engineer  # forwarded (R-CMP-23)
    assert _clock(c, workflow.CLOCK_INVESTIGATE).business_hours
    assert any("调查" in e.text for e in _events(c, "reply"))
    # External responsibility (e.g. the developer) also counts.
    c2 = make_complaint()
    services.complaint_judge(
        actor=world.admin1,
        complaint=c2,
        judgment="valid",
        reason="开发商遗留问题",
        responsible_external="开发商",
        investigation_hours=14,
        definition="1",
    )
    c2.refresh_from_db()
    assert c2.responsible_label == "开发商" and not c2.internal_fault


# R-CMP-15
def test_proposals_then_instruction_before_handling(world, judged):
    c = judged()
    with pytest.raises(DomainError):
        services.complaint_step(actor=world.admin1, complaint=c, name="submit_proposals")
    a = services.proposal_add(actor=world.admin1, complaint=c, text="方案一:今天更换灯具")
    b = services.proposal_add(actor=world.admin2, complaint=c, text="方案二:整层线路检修")
    services.complaint_step(actor=world.admin1, complaint=c, name="submit_proposals")
    assert _clock(c, workflow.CLOCK_INSTRUCTION).state == DeadlineState.RUNNING
    with pytest.raises(NotAllowed):
        services.complaint_instruct(actor=world.admin1, complaint=c, proposal=a, instruction="同意")
    with pytest.raises(DomainError):
        services.complaint_instruct(actor=world.supervisor, complaint=c, proposal=a, instruction=" ")
    with pytest.raises(Conflict):  # no handling before a 批示
        services.complaint_step(actor=world.admin1, complaint=c, name="start_handling")
    services.complaint_instruct(
        actor=world.supervisor, complaint=c, proposal=b, instruction="同意方案二,本周内完成"
    )
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.chosen, b.chosen, b.instructed_by) == (False, True, world.supervisor)
    assert _clock(c, workflow.CLOCK_INSTRUCTION).state == DeadlineState.MET
    services.complaint_step(actor=world.admin1, complaint=c, name="start_handling")
    assert c.request.status == "handling"


# R-CMP-15 (the guard holds even when the state is forced)
def test_start_handling_guard_without_instruction(world, judged):
    c = judged()
    ServiceRequest.objects.filter(pk=c.pk).update(status=ComplaintStatus.INSTRUCTED)
    c.request.refresh_from_db()
    with pytest.raises(DomainError):
        services.complaint_step(actor=world.admin1, complaint=c, name="start_handling")


# R-CMP-16
def test_refusal_records_the_document(world, make_complaint):
    c = make_complaint()
    services.complaint_judge(
        actor=world.admin1,
        complaint=c,
        judgment="invalid",
        reason="要求与装修规定相抵触",
        refusal_basis="renovation",
    )
    c.refresh_from_db()
    assert c.get_refusal_basis_display() == "《装修指南》"
    with pytest.raises(DomainError):
        services.complaint_judge(
            actor=world.admin1,
            complaint=make_complaint(),
            judgment="invalid",
            reason="x",
            refusal_basis="law",
        )


# R-CMP-17
def test_in_person_complaint_can_dispatch_someone_at_once(world, make_complaint):
    c = make_complaint(channel="visit", dispatch_to=world.engineer)
    assert c.request.assignee == world.engineer
    assert any("立即派人" in e.text for e in _events(c, "assigned"))
    assert _notified(world.engineer, c.request.number)


# R-CMP-18, R-CMP-31
def test_escalation_in_writing_to_the_manager(world, judged):
    c = judged(lease_related=True)
    with pytest.raises(DomainError):
        services.complaint_escalate(actor=world.supervisor, complaint=c, report=" ")
    services.complaint_escalate(actor=world.supervisor, complaint=c, report="租赁纠纷无法自行解决,请经理协调")
    assert _notified(world.manager, "投诉上报")
    assert "书面上报经理" in _events(c, "escalation")[-1].text
    c.refresh_from_db()
    assert "report" in c.checklist


# R-CMP-19, R-CMP-30
def test_serious_phone_complaint_notifies_supervisor_at_once(world, make_complaint):
    c = make_complaint(is_serious=True)
    assert _notified(world.supervisor, c.request.number)
    assert not _notified(world.manager, c.request.number)
    assert c.request.priority == "high"


# R-CMP-20
def test_written_complaint_registered_routed_and_reply_approved(world, make_complaint):
    c = make_complaint(channel="written", apologised=False)
    assert c.incoming_doc_no.startswith("SW")
    assert _notified(world.supervisor, "书面投诉")
    services.complaint_judge(actor=world.supervisor, complaint=c, judgment="invalid", reason="不属物业职责")
    with pytest.raises(DomainError):
        services.complaint_answer_invalid(actor=world.frontdesk, complaint=c, text="答复")
    services.written_reply_draft(actor=world.frontdesk, complaint=c, text="尊敬的业主:您好,经核实……")
    with pytest.raises(NotAllowed):
        services.written_reply_approve(actor=world.frontdesk, complaint=c)
    services.written_reply_approve(actor=world.supervisor, complaint=c)
    with pytest.raises(DomainError):
        services.complaint_answer_invalid(actor=world.frontdesk, complaint=c, text="另一段未批准的文字")
    services.complaint_answer_invalid(actor=world.frontdesk, complaint=c)
    assert _events(c, "reply")[-1].text == "尊敬的业主:您好,经核实……"
    # A changed draft needs a new approval.
    c2 = make_complaint(channel="written", apologised=False)
    services.written_reply_draft(actor=world.frontdesk, complaint=c2, text="稿一")
    services.written_reply_approve(actor=world.supervisor, complaint=c2)
    services.written_reply_draft(actor=world.frontdesk, complaint=c2, text="稿二")
    c2.refresh_from_db()
    assert c2.written_reply_approved_at is None


# R-CMP-21
def test_written_complaint_goes_up_with_incident_report(world, make_complaint):
    c = make_complaint(channel="written", apologised=False)
    with pytest.raises(DomainError) as e:
        services.complaint_escalate(actor=world.supervisor, complaint=c, report="严重投诉")
    assert e.value.field == "incident_report"
    services.complaint_escalate(
        actor=world.supervisor, complaint=c, report="严重投诉", incident_report="事故经过……"
    )
    assert c.incoming_doc_no in _events(c, "escalation")[-1].text


# R-CMP-22
def test_engineering_complaint_follower_paid_consent_and_sign_off(world, make_complaint, eng):
    c = make_complaint(is_engineering=True)
    with pytest.raises(DomainError) as e:
        services.complaint_judge(
            actor=world.admin1,
            complaint=c,
            judgment="valid",
            reason="x",
            responsible_department=eng,
            investigation_hours=7,
            definition="4",
        )
    assert e.value.field == "follower"
    services.complaint_judge(
        actor=world.admin1,
        complaint=c,
        judgment="valid",
        reason="x",
        responsible_department=eng,
        investigation_hours=7,
        definition="4",
        follower=world.admin2,
    )
    services.complaint_update(actor=world.admin1, complaint=c, is_paid=True, charge_standard="")
    p = services.proposal_add(actor=world.admin1, complaint=c, text="有偿更换水龙头")
    services.complaint_step(actor=world.admin1, complaint=c, name="submit_proposals")
    services.complaint_instruct(actor=world.supervisor, complaint=c, proposal=p, instruction="同意")
    with pytest.raises(DomainError):
        services.complaint_step(actor=world.admin1, complaint=c, name="start_handling")
    services.complaint_update(actor=world.admin1, complaint=c, charge_standard="材料费30元", pay_consent=True)
    services.complaint_step(actor=world.admin1, complaint=c, name="start_handling")
    with pytest.raises(DomainError) as e:
        services.complaint_complete(actor=world.admin1, complaint=c, resolution="已更换")
    assert e.value.field == "owner_signed"
    services.complaint_complete(actor=world.admin1, complaint=c, resolution="已更换", owner_signed=True)
    from complaints.selectors import engineering_follow_ups

    assert engineering_follow_ups(world.p1) == 1  # handed over in the 交接班本 until archived


# R-CMP-23
def test_urging_notifies_the_responsible_department(world, judged):
    c = judged()
    n = services.complaint_urge(actor=world.admin1, complaint=c, note="业户再次来电")
    assert n >= 1 and _notified(world.engineer, "催办")
    assert "催办" in _events(c, "note")[-1].text


# R-CMP-24
def test_same_day_reply_stops_clock_and_missing_ones_are_flagged(world, daytime, make_complaint):
    replied, silent = make_complaint(), make_complaint()
    dl = _clock(replied, workflow.CLOCK_SAME_DAY)
    assert timezone.localtime(dl.due_at).date() == timezone.localtime(replied.request.received_at).date()
    assert timezone.localtime(dl.due_at).strftime("%H:%M:%S") == "23:59:59"
    services.complaint_reply(actor=world.frontdesk, complaint=replied, text="您好,我们已安排人员处理")
    assert _clock(replied, workflow.CLOCK_SAME_DAY).state == DeadlineState.MET
    tomorrow = timezone.now() + timedelta(days=1, hours=1)
    assert services.complaints_check_same_day_replies(now=tomorrow)["flagged"] == 1
    assert services.complaints_check_same_day_replies(now=tomorrow)["flagged"] == 0
    silent.refresh_from_db()
    replied.refresh_from_db()
    assert silent.same_day_reply_missed and not replied.same_day_reply_missed
    assert _notified(world.supervisor, "当日未回复")


# R-CMP-24 (a reply entered through the shared note form counts too)
def test_reply_from_the_note_form_counts(world, daytime, make_complaint):
    c = make_complaint()
    sd.request_note(actor=world.frontdesk, request=c.request, text="已电话答复", kind="reply")
    assert services.complaints_check_same_day_replies()["replied"] == 1
    c.refresh_from_db()
    assert c.same_day_replied_at and _clock(c, workflow.CLOCK_SAME_DAY).state == DeadlineState.MET


# R-CMP-25
def test_reply_rate_and_no_archive_without_reply(world, handled, make_complaint):
    from complaints.selectors import monthly_summary

    c = handled()
    make_complaint()  # not replied
    data = monthly_summary(user=world.supervisor, month=timezone.localdate())
    assert data["total"] == 2 and data["reply_rate"] == 50.0
    with pytest.raises(Conflict):  # a handled complaint cannot skip the reply of its result
        services.complaint_step(actor=world.admin1, complaint=c, name="callback_done", reason="满意")


# R-CMP-26
def test_apology_letter_required_for_internal_fault(world, handled):
    c = handled()
    services.complaint_reply_result(actor=world.frontdesk, complaint=c, text="已更换灯具,感谢您的监督")
    sd.request_feedback(actor=world.admin1, request=c.request, satisfaction="satisfied")
    services.complaint_step(actor=world.admin1, complaint=c, name="callback_done", reason="回访满意")
    with pytest.raises(DomainError):
        services.complaint_step(actor=world.admin1, complaint=c, name="archive")
    with pytest.raises(DomainError):
        services.apology_issue(actor=world.frontdesk, complaint=c)
    services.apology_generate(actor=world.frontdesk, complaint=c, improvement="已建立楼道灯每周巡查制度")
    c.refresh_from_db()
    assert (
        "翠湖花园物业管理中心" in c.apology_text and "张三" in c.apology_text and "每周巡查" in c.apology_text
    )
    services.apology_issue(actor=world.frontdesk, complaint=c)
    services.complaint_step(actor=world.admin1, complaint=c, name="archive")
    c.request.refresh_from_db()
    assert c.request.status == "archived" and c.request.closed_at


# R-CMP-27
def test_five_clear_checklist_is_progress_and_binds_archiving(world, handled):
    c = handled(steps=["hear"])
    c.refresh_from_db()
    progress = {p["step"]: p for p in c.progress()}
    assert progress["hear"]["done"] and progress["hear"]["by"] == "陈前台"
    assert not progress["ask"]["done"] and progress["follow"]["done"]  # 跟清楚 on completion
    assert workflow.missing_steps(c) == ["ask", "record", "reply"]
    services.complaint_reply_result(actor=world.frontdesk, complaint=c, text="已处理完毕")
    services.complaint_step(actor=world.admin1, complaint=c, name="callback_done", reason="满意")
    services.apology_generate(actor=world.frontdesk, complaint=c, improvement="加强巡查")
    services.apology_issue(actor=world.frontdesk, complaint=c)
    with pytest.raises(DomainError) as e:
        services.complaint_step(actor=world.admin1, complaint=c, name="archive")
    assert "问清楚" in str(e.value.message)
    services.complaint_check(actor=world.admin1, complaint=c, step="ask")
    services.complaint_check(actor=world.admin1, complaint=c, step="record")
    services.complaint_step(actor=world.admin1, complaint=c, name="archive")


# R-CMP-28
def test_next_reply_time_is_a_clock(world, judged):
    c = judged()
    with pytest.raises(DomainError):
        services.complaint_reply(
            actor=world.frontdesk,
            complaint=c,
            text="正在协调",
            next_reply_at=timezone.now() - timedelta(hours=1),
        )
    when = timezone.now() + timedelta(days=2)
    services.complaint_reply(
        actor=world.frontdesk, complaint=c, text="正在协调厂家,后天答复您", next_reply_at=when
    )
    dl = _clock(c, workflow.CLOCK_NEXT_REPLY)
    assert dl.state == DeadlineState.RUNNING and abs((dl.due_at - when).total_seconds()) < 5
    services.complaint_reply(actor=world.frontdesk, complaint=c, text="厂家明天上门")
    assert _clock(c, workflow.CLOCK_NEXT_REPLY).state == DeadlineState.MET


# R-CMP-29, R-CMP-30
def test_major_complaint_reported_to_manager_at_once_and_instructed_by_manager(world, make_complaint, eng):
    c = make_complaint()
    services.complaint_judge(
        actor=world.supervisor,
        complaint=c,
        judgment="valid",
        reason="水管爆裂淹了业户家",
        responsible_department=eng,
        investigation_hours=7,
        definition="2",
        severity="major",
    )
    c.refresh_from_db()
    assert (
        c.major_reported_at
        and _notified(world.manager, "重大投诉")
        and _notified(world.supervisor, "重大投诉")
    )
    assert "report" in c.checklist
    p = services.proposal_add(actor=world.admin1, complaint=c, text="赔偿损失并维修")
    services.complaint_step(actor=world.admin1, complaint=c, name="submit_proposals")
    with pytest.raises(NotAllowed):
        services.complaint_instruct(actor=world.supervisor, complaint=c, proposal=p, instruction="同意")
    services.complaint_instruct(actor=world.manager, complaint=c, proposal=p, instruction="同意,我亲自跟进")
    # R-CMP-29: the reason and a reply time for the complainant.
    services.complaint_reply(
        actor=world.supervisor,
        complaint=c,
        text="经理已批示处理,明天上午答复您",
        next_reply_at=timezone.now() + timedelta(hours=20),
    )
    assert Notification.objects.filter(recipient=world.manager, title__contains="重大投诉").count() == 1


# R-CMP-32
def test_closed_loop_states(world, handled):
    flow = workflow.COMPLAINT_FLOW
    assert flow.initial == "received" and flow.closed == {"archived", "closed"}
    assert flow.by_name["archive"].sources == {"called_back"}  # not archived before the callback (R-CB-11)
    assert flow.by_name["reopen"].sources == {"handled", "replied", "called_back"}
    assert flow.by_name["reopen"].reopens and flow.by_name["reopen"].action == "request.supervise"
    c = handled()
    with pytest.raises(Conflict):
        services.complaint_step(actor=world.admin1, complaint=c, name="archive")


# R-CMP-33
def test_every_step_tracked_in_writing(world, handled):
    c = handled()
    moves = [(e.from_status, e.to_status) for e in _events(c, "status")]
    assert moves == [
        ("received", "investigating"),
        ("investigating", "awaiting_instruction"),
        ("awaiting_instruction", "instructed"),
        ("instructed", "handling"),
        ("handling", "handled"),
    ]
    assert all(e.actor for e in _events(c, "status"))


# R-CMP-34
def test_daily_review_outstanding_and_prominent(world, make_complaint):
    from complaints.selectors import daily_review

    old = make_complaint(received_at=timezone.now() - timedelta(days=2))
    make_complaint()
    make_complaint()  # same unit again within 30 days → prominent
    d = daily_review(user=world.supervisor, day=timezone.localdate())
    assert d["counts"]["received"] == 2 and d["counts"]["outstanding"] == 1
    assert d["outstanding"][0]["number"] == old.request.number
    assert d["counts"]["prominent"] == 3 and "同一房间" in d["prominent"][0]["reasons"]
    assert daily_review(user=world.supervisor2, day=timezone.localdate())["counts"]["received"] == 0


# R-CMP-35
def test_weekly_analysis_by_energy_equipment_service_with_resolution(world, handled, make_complaint):
    from complaints.selectors import weekly_analysis

    c = handled(analysis_category="energy")
    make_complaint(analysis_category="service")
    d = weekly_analysis(user=world.supervisor, start=timezone.localdate())
    groups = {g["key"]: g for g in d["groups"]}
    assert [g["label"] for g in d["groups"]] == ["能源", "设备", "服务"]
    assert groups["energy"]["count"] == 1 and groups["energy"]["rows"][0]["resolution"] == c.resolution
    assert groups["service"]["count"] == 1 and groups["equipment"]["count"] == 0
    assert sum(s["data"][-1] for s in d["trend"]["series"]) == 2


# R-CMP-37
def test_monthly_summary_user_opinion_sheet(world, handled, make_complaint):
    from complaints.selectors import monthly_summary

    handled()
    make_complaint(basic_type="attitude")
    d = monthly_summary(user=world.manager, month=timezone.localdate())
    assert d["total"] == 2 and d["valid"] == 1
    assert {x["name"]: x["value"] for x in d["by_type"]}["对服务态度"] == 1
    assert len(d["rows"]) == 2 and d["rows"][0]["phone"] == "138****5678"


# R-CMP-38
def test_reports_are_for_supervisor_clerk_and_admin(world):
    for u in (world.supervisor, world.clerk, world.admin1, world.manager):
        assert can(u, "complaints.report", world.p1.pk)
    for u in (world.frontdesk, world.engineer, world.guard):
        assert not can(u, "complaints.report", world.p1.pk)


# R-CB-11, R-CB-16: handling done announces completion so callbacks schedule the day-3 call.
def test_completion_announced_once(world, judged):
    from servicedesk import engine

    seen = []

    def listener(request, actor):
        seen.append((request.pk, request.status, actor))

    engine.on_completed(listener)
    try:
        c = judged()
        p = services.proposal_add(actor=world.admin1, complaint=c, text="更换")
        services.complaint_step(actor=world.admin1, complaint=c, name="submit_proposals")
        services.complaint_instruct(actor=world.supervisor, complaint=c, proposal=p, instruction="同意")
        services.complaint_step(actor=world.admin1, complaint=c, name="start_handling")
        assert seen == []
        services.complaint_complete(actor=world.admin1, complaint=c, resolution="已更换")
    finally:
        engine.COMPLETION_LISTENERS.remove(listener)
    assert seen == [(c.pk, "handled", world.admin1)]


# R-CB-20: a 不满意 callback cannot be marked done — the complaint is reopened and needs a new 批示.
def test_unsatisfied_callback_reopens_and_needs_new_instruction(world, handled):
    c = handled()
    services.complaint_reply_result(actor=world.frontdesk, complaint=c, text="已处理")
    sd.request_feedback(actor=world.admin1, request=c.request, satisfaction="unsatisfied", comment="灯又坏了")
    with pytest.raises(DomainError):
        services.complaint_step(actor=world.admin1, complaint=c, name="callback_done", reason="不满意")
    with pytest.raises(NotAllowed):
        services.complaint_step(actor=world.admin1, complaint=c, name="reopen", reason="业户不满意")
    services.complaint_step(actor=world.supervisor, complaint=c, name="reopen", reason="回访不满意:灯又坏了")
    c.refresh_from_db()
    assert (c.request.status, c.request.reopen_count, c.instructed_proposal) == ("investigating", 1, None)
    assert "follow" not in c.checklist and "reply" not in c.checklist
    assert not HandlingProposal.objects.filter(complaint=c, chosen=True).exists()
    assert _clock(c, workflow.CLOCK_MONTH).state == DeadlineState.RUNNING


def test_rejudge_after_not_upheld_answer(world, make_complaint):
    c = make_complaint()
    services.complaint_judge(actor=world.admin1, complaint=c, judgment="invalid", reason="x")
    services.complaint_answer_invalid(actor=world.frontdesk, complaint=c, text="感谢您的反映")
    services.complaint_step(actor=world.supervisor, complaint=c, name="rejudge", reason="业户不接受")
    c.request.refresh_from_db()
    assert c.request.status == "received" and c.request.reopen_count == 1


# R-LANG-02, R-LANG-06, R-LANG-07: a help, never a block.
def test_language_hints_never_block(world, handled):
    from complaints.api.serializers import findings

    c = handled()
    services.complaint_reply_result(actor=world.frontdesk, complaint=c, text="我不能保证,但是会尽量")
    c.request.refresh_from_db()
    assert c.request.status == "replied"
    assert [f["phrase"] for f in findings("我不能保证,但是会尽量")] == ["我不能", "但是"]


def test_other_property_cannot_touch(world, make_complaint):
    c = make_complaint()
    with pytest.raises(NotAllowed):
        services.complaint_judge(actor=world.supervisor2, complaint=c, judgment="invalid", reason="x")
    with pytest.raises(NotAllowed):
        services.complaint_create(
            actor=world.frontdesk2,
            prop=world.p1,
            channel="phone",
            title="x",
            description="x",
            reporter_name="x",
            contact_phone="1",
            basic_type="other",
            analysis_category="service",
            apologised=True,
            caller_company="x",
        )


def test_permission_matrix():
    from core.choices import Role as R

    expected = {
        "complaints.view": {
            R.CS_SUPERVISOR,
            R.CS_ADMIN,
            R.FRONT_DESK,
            R.CLERK,
            R.MANAGER,
            R.ENG_SUPERVISOR,
            R.SEC_SUPERVISOR,
        },
        "complaints.create": {R.CS_SUPERVISOR, R.CS_ADMIN, R.FRONT_DESK, R.CLERK, R.MANAGER},
        "complaints.judge": {R.CS_SUPERVISOR, R.CS_ADMIN, R.MANAGER},
        "complaints.handle": {
            R.CS_SUPERVISOR,
            R.CS_ADMIN,
            R.FRONT_DESK,
            R.CLERK,
            R.MANAGER,
            R.ENG_SUPERVISOR,
            R.SEC_SUPERVISOR,
        },
        "complaints.instruct": {R.CS_SUPERVISOR, R.MANAGER},
        "complaints.reply": {R.CS_SUPERVISOR, R.CS_ADMIN, R.FRONT_DESK, R.CLERK, R.MANAGER},
        "complaints.archive": {R.CS_SUPERVISOR, R.CS_ADMIN, R.MANAGER},
        "complaints.report": {R.CS_SUPERVISOR, R.MANAGER, R.CS_ADMIN, R.CLERK},
    }
    for action, roles in expected.items():
        for role in Role:
            assert (role in ACTIONS[action]) == (role in roles), (action, role)
