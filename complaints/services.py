"""Every write of the complaints area (《客户投诉登记表》, R-CMP). Views, the API and the demo call these;
each checks the actor's permission, validates, writes, records history and the request timeline, and
starts or stops the clocks. The workflow itself is in complaints.workflow (run by servicedesk)."""

import calendar
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import deadlines, notify
from core.choices import ROLE_DEPARTMENT, HistoryAction, Role
from core.errors import Conflict, DomainError, NotAllowed
from core.history import record, snapshot
from core.models import Department, Membership, Property
from core.numbering import next_number
from core.permissions import can, require, roles_of
from core.rule_settings import setting
from servicedesk import services as sd
from servicedesk.choices import Channel, EventKind, Priority, RequestKind

from . import workflow as wf
from .choices import (
    FINAL_STATES,
    UNRESOLVED_STATES,
    AnalysisCategory,
    BasicType,
    ComplaintStatus,
    Definition,
    Emotion,
    Judgment,
    RefusalBasis,
    Severity,
    Step,
)
from .models import Complaint, HandlingProposal

# R-CMP-01: the three channels of a complaint.
COMPLAINT_CHANNELS = (Channel.VISIT, Channel.PHONE, Channel.WRITTEN)
# R-CMP-20: prefix of the 收文登记薄 numbers (incoming documents).
INCOMING_DOC_PREFIX = "SW"
# R-CMP-15 "及时作出批示": business hours the 主管领导 has for a 批示 (default of 规则参数 complaints.instruction_within).
INSTRUCTION_WITHIN_HOURS = 4
# R-CMP-14: the investigation time asked of the resident is given in business hours; sane bounds.
MAX_INVESTIGATION_HOURS = 400
# Intake may tick only what happens at the desk (R-CMP-27).
INTAKE_STEPS = {Step.HEAR, Step.ASK, Step.RECORD}
LEAD_ROLES = {Role.CS_SUPERVISOR, Role.MANAGER}


# --- helpers -----------------------------------------------------------------------------------------


def end_of_day(moment: datetime) -> datetime:
    """R-CMP-24: the last second of the calendar day of `moment`, local time."""
    local = timezone.localtime(moment)
    return datetime.combine(local.date(), time(23, 59, 59), tzinfo=local.tzinfo)


def add_month(moment: datetime) -> datetime:
    """The same time one calendar month later (31 January → 28/29 February)."""
    local = timezone.localtime(moment)
    y, m = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    d = min(local.day, calendar.monthrange(y, m)[1])
    return local.replace(year=y, month=m, day=d)


def tick(complaint: Complaint, step: str, actor) -> bool:
    """Mark a 五清楚一报告 step done (who/when); False if it already was."""
    step = str(step)
    if step in complaint.checklist:
        return False
    complaint.checklist = {
        **complaint.checklist,
        step: {
            "by": actor.pk if actor and actor.is_authenticated else None,
            "name": str(actor) if actor and actor.is_authenticated else "系统",
            "at": timezone.localtime().isoformat(timespec="minutes"),
        },
    }
    Complaint.objects.filter(pk=complaint.pk).update(checklist=complaint.checklist)
    return True


def _lock(complaint: Complaint) -> Complaint:
    c = (
        Complaint.objects.select_for_update()
        .select_related("request", "request__property")
        .get(pk=complaint.pk)
    )
    return c


def _is_lead(actor, prop_id) -> bool:
    return bool(roles_of(actor, prop_id) & LEAD_ROLES)


def _leads(prop_id, *, manager: bool) -> list[int]:
    roles = [Role.CS_SUPERVISOR] + ([Role.MANAGER] if manager else [])
    return notify.users_with_roles(prop_id, roles)


def _notify(prop, user_ids, title, link, level="warning", dedupe_key=None):
    notify.notify_users(user_ids, prop=prop, title=title, link=link, level=level, dedupe_key=dedupe_key)


def _check_open(c: Complaint):
    if c.request.status in FINAL_STATES:
        raise Conflict(_("投诉已归档或关闭。(The complaint is closed.)"))


def _department_members(dept: Department) -> list[int]:
    """People of a department: by their membership's department, or by their role's own department."""
    role_kinds = [str(r) for r, k in ROLE_DEPARTMENT.items() if k == dept.kind]
    return list(
        Membership.objects.filter(property_id=dept.property_id, active=True)
        .filter(Q(department=dept) | Q(role__in=role_kinds))
        .values_list("user_id", flat=True)
        .distinct()
    )


def _report_major(c: Complaint, actor) -> None:
    """R-CMP-29/30: a 重大投诉 is reported at once to the 客服主管 and the 主任(经理)."""
    if c.major_reported_at:
        return
    now = timezone.now()
    c.major_reported_at = now
    Complaint.objects.filter(pk=c.pk).update(major_reported_at=now)
    req = c.request
    _notify(
        req.property,
        _leads(req.property_id, manager=True),
        f"重大投诉:{req.number} {req.title}",
        req.get_absolute_url(),
        level="danger",
        dedupe_key=f"complaint-major-{req.pk}",
    )
    sd.add_event(req, actor=actor, kind=EventKind.ESCALATION, text=_("重大投诉,已即时报告客服主管及经理"))
    tick(c, Step.REPORT, actor)


def _report_serious(c: Complaint, actor, why: str) -> None:
    """R-CMP-02/19/30: what the desk cannot resolve, or a serious incident, goes to the 客服主管 at once."""
    req = c.request
    _notify(
        req.property,
        _leads(req.property_id, manager=False),
        f"投诉上报主管:{req.number} {req.title}",
        req.get_absolute_url(),
        level="danger" if c.is_serious else "warning",
        dedupe_key=f"complaint-serious-{req.pk}",
    )
    sd.add_event(req, actor=actor, kind=EventKind.ESCALATION, text=why)
    tick(c, Step.REPORT, actor)


def restart_month_clock(c: Complaint, *, reopened: bool = False) -> None:
    """R-CMP-10 (3): a 成立 complaint is to be resolved within one month of intake. A reopened complaint runs
    the clock again to the same due time; its label tells it apart from the first, met one."""
    req = c.request
    due = add_month(req.received_at)
    sd.clock_start(
        req,
        kind=wf.CLOCK_MONTH,
        label=_("一个月内解决(重开后)") if reopened else _("一个月内解决"),
        duration=due - req.received_at,
        start=req.received_at,
    )


def start_instruction_clock(req) -> None:
    sd.clock_start(
        req,
        kind=wf.CLOCK_INSTRUCTION,
        label=_("主管批示"),
        duration=setting(req.property, "complaints.instruction_within"),
        business_hours=True,
    )


# --- intake ------------------------------------------------------------------------------------------


@transaction.atomic
def complaint_create(
    *,
    actor,
    prop: Property,
    channel: str,
    title: str,
    description: str,
    reporter_name: str,
    basic_type: str,
    analysis_category: str,
    contact_phone: str = "",
    reporter=None,
    unit=None,
    location=None,
    location_detail: str = "",
    caller_company: str = "",
    occurred_at: datetime | None = None,
    occurred_place: str = "",
    subject_person: str = "",
    subject_department: Department | None = None,
    narrative: str = "",
    demand: str = "",
    emotion: str = "",
    our_fault: bool | None = None,
    severity: str = Severity.ORDINARY,
    is_serious: bool = False,
    lease_related: bool = False,
    is_engineering: bool = False,
    ask_supervisor: bool = False,
    apologised: bool = False,
    steps: list[str] | tuple = (),
    dispatch_to=None,
    received_at: datetime | None = None,
) -> Complaint:
    """投诉受理 (R-CMP-01..07, 17, 19, 20): register the 《客户投诉登记表》 and start the same-day clock."""
    require(actor, "complaints.create", prop.pk)
    if channel not in COMPLAINT_CHANNELS:
        raise DomainError(_("投诉受理方式为来访、电话或书面。(Visit, phone or written.)"), field="channel")
    if channel in (Channel.VISIT, Channel.PHONE) and not apologised:
        # R-CMP-06: whatever it concerns, first apologise to the customer, then register.
        raise DomainError(
            _("请先向客户表示歉意,再登记投诉。(Apologise to the customer first.)"), field="apologised"
        )
    if basic_type not in BasicType.values:
        raise DomainError(_("请选择投诉基本类型。(Choose the complaint type.)"), field="basic_type")
    if analysis_category not in AnalysisCategory.values:
        raise DomainError(_("请选择分析类别。(Choose the analysis category.)"), field="analysis_category")
    if emotion and emotion not in Emotion.values:
        raise DomainError(_("情绪选项无效。(Invalid emotional state.)"), field="emotion")
    if severity not in Severity.values:
        raise DomainError(_("投诉级别无效。(Invalid severity.)"), field="severity")
    if severity == Severity.MAJOR and not _is_lead(actor, prop.pk):
        # R-CMP-11: the 投诉级别 is the supervisor's call; the desk flags a serious incident instead.
        raise DomainError(
            _("投诉级别由客服主管判定;如属严重事故请勾选“严重事故”。(Severity is set by the supervisor.)"),
            field="severity",
        )
    if reporter is not None and not (contact_phone or "").strip():
        contact_phone = reporter.phone
    if not (contact_phone or "").strip():
        raise DomainError(_("请填写业户联系方式。(The contact phone is required.)"), field="contact_phone")
    if channel == Channel.PHONE and not (unit or (caller_company or "").strip()):
        # R-CMP-04 / §2.8.1.2(a): a phone complaint records the caller's 单位 and 姓名.
        raise DomainError(
            _("电话投诉须记录来电业户的单位(房号或公司)。(Record the caller's unit or company.)"),
            field="caller_company",
        )
    now = timezone.now()
    received_at = received_at or now
    if received_at > now + timedelta(minutes=1):
        raise DomainError(_("投诉时间不能晚于现在。(The time cannot be in the future.)"), field="received_at")
    if occurred_at and occurred_at > now + timedelta(minutes=1):
        raise DomainError(
            _("发生时间不能晚于现在。(The event cannot be in the future.)"), field="occurred_at"
        )
    if subject_department and subject_department.property_id != prop.pk:
        raise DomainError(
            _("部门不属于本项目。(The department is not in this property.)"), field="subject_department"
        )
    bad = {str(s) for s in steps} - {str(s) for s in INTAKE_STEPS}
    if bad:
        raise DomainError(_("受理时只能勾选听清楚、问清楚、记清楚。(Only the desk steps.)"), field="steps")
    req = sd.request_create(
        actor=actor,
        prop=prop,
        kind=RequestKind.COMPLAINT,
        channel=channel,
        title=title,
        description=description,
        reporter_name=reporter_name,
        contact_phone=contact_phone,
        reporter=reporter,
        unit=unit,
        location=location,
        location_detail=location_detail,
        category=basic_type,
        priority=Priority.HIGH if (is_serious or severity == Severity.MAJOR) else Priority.NORMAL,
        is_emergency=basic_type == BasicType.EMERGENCY,
        received_at=received_at,
        action="complaints.create",
    )
    c = Complaint.objects.create(
        request=req,
        caller_company=caller_company.strip(),
        occurred_at=occurred_at,
        occurred_place=occurred_place.strip(),
        subject_person=subject_person.strip(),
        subject_department=subject_department,
        narrative=narrative.strip(),
        demand=demand.strip(),
        emotion=emotion,
        our_fault=our_fault,
        basic_type=basic_type,
        analysis_category=analysis_category,
        severity=severity,
        is_serious=is_serious,
        lease_related=lease_related,
        is_engineering=is_engineering,
    )
    record(c, actor=actor, action=HistoryAction.CREATE)
    if apologised:
        sd.add_event(req, actor=actor, kind=EventKind.NOTE, text=_("已首先向客户表示歉意"), at=received_at)
    for step in steps:
        tick(c, step, actor)
    # R-CMP-24: a reply is due before the end of the calendar day of intake.
    sd.clock_start(
        req,
        kind=wf.CLOCK_SAME_DAY,
        label=_("当日回复业户"),
        duration=end_of_day(received_at) - received_at,
        start=received_at,
        responsible=actor,
    )
    if channel == Channel.WRITTEN:
        # R-CMP-20: 收文登记, then the whole complaint goes to the 客服主管.
        c.incoming_doc_no = next_number(prop, INCOMING_DOC_PREFIX)
        c.save(update_fields=["incoming_doc_no"])
        _notify(
            prop,
            _leads(prop.pk, manager=False),
            f"书面投诉待处理:{req.number}(收文 {c.incoming_doc_no})",
            req.get_absolute_url(),
            dedupe_key=f"complaint-written-{req.pk}",
        )
        sd.add_event(
            req,
            actor=actor,
            kind=EventKind.NOTE,
            text=_("已登记收文 %(no)s,书面投诉全文转客服主管") % {"no": c.incoming_doc_no},
        )
    if severity == Severity.MAJOR:
        _report_major(c, actor)
    elif is_serious:
        _report_serious(c, actor, _("严重事故,已即时通知客服主管"))
    elif ask_supervisor:
        _report_serious(c, actor, _("前台不能自行解决,已上报客服主管(请主管出面解释)"))
    if dispatch_to is not None:
        # R-CMP-17: what can be solved at once — someone is sent immediately.
        sd.request_assign(
            actor=actor,
            request=req,
            department=None,
            assignee=dispatch_to,
            note=_("立即派人处理"),
            action="complaints.create",
        )
    return c


@transaction.atomic
def complaint_update(*, actor, complaint: Complaint, reason: str = "", **fields) -> Complaint:
    """Correct the complaint's own fields while it is open (every change recorded)."""
    allowed = {
        "caller_company",
        "occurred_at",
        "occurred_place",
        "subject_person",
        "subject_department",
        "narrative",
        "demand",
        "emotion",
        "our_fault",
        "basic_type",
        "analysis_category",
        "lease_related",
        "is_engineering",
        "follower",
        "is_paid",
        "charge_standard",
        "pay_consent",
        "owner_signed",
    }
    c = _lock(complaint)
    require(actor, "complaints.handle", c.request.property_id)
    _check_open(c)
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(_("不能修改这些字段。(These fields cannot be changed.)"), field=sorted(unknown)[0])
    if "basic_type" in fields and fields["basic_type"] not in BasicType.values:
        raise DomainError(_("请选择投诉基本类型。(Choose the complaint type.)"), field="basic_type")
    if "analysis_category" in fields and fields["analysis_category"] not in AnalysisCategory.values:
        raise DomainError(_("请选择分析类别。(Choose the analysis category.)"), field="analysis_category")
    if fields.get("emotion") and fields["emotion"] not in Emotion.values:
        raise DomainError(_("情绪选项无效。(Invalid emotional state.)"), field="emotion")
    follower = fields.get("follower")
    if (
        follower is not None
        and not follower.memberships.filter(property_id=c.request.property_id, active=True).exists()
    ):
        raise DomainError(
            _("跟单人员不在本项目任职。(The follower is not on this property.)"), field="follower"
        )
    before = snapshot(c)
    for k, v in fields.items():
        setattr(c, k, v)
    c.save()
    record(c, actor=actor, action=HistoryAction.UPDATE, before=before, reason=reason)
    complaint.__dict__.update({k: getattr(c, k) for k in fields})
    return c


@transaction.atomic
def complaint_check(*, actor, complaint: Complaint, step: str) -> Complaint:
    """Tick a 五清楚一报告 step (R-CMP-27) — who and when are kept."""
    c = _lock(complaint)
    require(actor, "complaints.handle", c.request.property_id)
    _check_open(c)
    if step not in Step.values:
        raise DomainError(_("步骤无效。(Invalid step.)"), field="step")
    before = snapshot(c)
    if tick(c, step, actor):
        record(c, actor=actor, action=HistoryAction.UPDATE, before=before, reason=str(Step(step).label))
    complaint.checklist = c.checklist
    return c


# --- judgment ----------------------------------------------------------------------------------------


@transaction.atomic
def complaint_judge(
    *,
    actor,
    complaint: Complaint,
    judgment: str,
    reason: str,
    responsible_department: Department | None = None,
    responsible_external: str = "",
    investigation_hours: int | None = None,
    definition: str = "",
    severity: str | None = None,
    our_fault: bool | None = None,
    refusal_basis: str = "",
    assignee=None,
    follower=None,
) -> Complaint:
    """投诉判断 (R-CMP-12..16, 10, 11): 成立 with 责任部门 and the investigation time asked of the
    resident, or 不成立 with the reason (and the document a refusal rests on)."""
    c = _lock(complaint)
    req = c.request
    require(actor, "complaints.judge", req.property_id)
    if judgment not in Judgment.values:
        raise DomainError(_("请选择成立或不成立。(Choose upheld or not upheld.)"), field="judgment")
    if not (reason or "").strip():
        raise DomainError(_("请填写判断理由。(A reason is required.)"), field="reason")
    if definition and definition not in Definition.values:
        raise DomainError(_("投诉界定无效。(Invalid definition.)"), field="definition")
    if refusal_basis and refusal_basis not in RefusalBasis.values:
        raise DomainError(_("婉拒依据无效。(Invalid refusal basis.)"), field="refusal_basis")
    if severity is None or severity == "":
        severity = Severity.MAJOR if definition == Definition.MAJOR_LOSS else c.severity  # R-CMP-11
    if severity not in Severity.values:
        raise DomainError(_("投诉级别无效。(Invalid severity.)"), field="severity")
    if (
        severity != c.severity
        and not _is_lead(actor, req.property_id)
        and definition != Definition.MAJOR_LOSS
    ):
        raise DomainError(
            _("投诉级别由客服主管判定。(Only the supervisor sets the severity.)"), field="severity"
        )
    before = snapshot(c)
    if judgment == Judgment.VALID:
        if responsible_department is None and not (responsible_external or "").strip():
            # R-CMP-14: mandatory before a 成立 complaint can proceed.
            raise DomainError(
                _("投诉成立须确定责任部门。(Name the responsible department.)"),
                field="responsible_department",
            )
        if responsible_department is not None and responsible_department.property_id != req.property_id:
            raise DomainError(
                _("部门不属于本项目。(The department is not in this property.)"),
                field="responsible_department",
            )
        if not definition:
            raise DomainError(_("请选择投诉界定。(Choose the complaint definition.)"), field="definition")
        try:
            hours = int(investigation_hours or 0)
        except (TypeError, ValueError):
            hours = 0
        if not 0 < hours <= MAX_INVESTIGATION_HOURS:
            raise DomainError(
                _("请填写请业户给予的调查时间(1–400 工作小时)。(Investigation time: 1–400 business hours.)"),
                field="investigation_hours",
            )
        if c.is_engineering and follower is None and c.follower_id is None:
            # R-CMP-22: an engineering complaint gets a 跟单人员.
            raise DomainError(_("工程项目投诉须指定跟单人员。(Assign an order follower.)"), field="follower")
        if (
            follower is not None
            and not follower.memberships.filter(property_id=req.property_id, active=True).exists()
        ):
            raise DomainError(
                _("跟单人员不在本项目任职。(The follower is not on this property.)"), field="follower"
            )
        c.responsible_department = responsible_department
        c.responsible_external = (
            (responsible_external or "").strip() if responsible_department is None else ""
        )
        c.investigation_hours = hours
        c.definition = definition
        if follower is not None:
            c.follower = follower
        c.refusal_basis = ""
    else:
        c.responsible_department, c.responsible_external, c.investigation_hours = None, "", None
        c.definition = definition
        c.refusal_basis = refusal_basis
    c.judgment = judgment
    c.judgment_reason = reason.strip()
    c.judged_by, c.judged_at = actor, timezone.now()
    c.severity = severity
    if our_fault is not None:
        c.our_fault = our_fault
    c.save()
    record(c, actor=actor, action=HistoryAction.UPDATE, before=before, reason=reason)
    name = "judge_valid" if judgment == Judgment.VALID else "judge_invalid"
    sd.request_transition(
        actor=actor, request=req, name=name, reason=reason.strip(), data={"judgment": judgment}
    )
    if judgment == Judgment.VALID:
        if responsible_department is not None:
            # R-CMP-23: the complaint is forwarded to the responsible department.
            sd.request_assign(
                actor=actor,
                request=req,
                department=responsible_department,
                assignee=assignee,
                note=_("转责任部门处理"),
                action="complaints.judge",
            )
        due = deadlines.Calendar(req.property).add(timezone.now(), hours * 3600)
        sd.add_event(
            req,
            actor=actor,
            kind=EventKind.REPLY,
            text=_("已请业户给予 %(h)s 个工作小时调查,预计 %(due)s 前答复")
            % {"h": hours, "due": f"{timezone.localtime(due):%m-%d %H:%M}"},
        )
        sd.clock_start(
            req,
            kind=wf.CLOCK_INVESTIGATE,
            label=_("调查(请业户给予的时间)"),
            duration=timedelta(hours=hours),
            business_hours=True,
        )
        restart_month_clock(c)
    if c.severity == Severity.MAJOR:
        _report_major(c, actor)
    complaint.__dict__.update(
        {f: getattr(c, f) for f in ("judgment", "severity", "responsible_department_id", "definition")}
    )
    return c


# --- proposals and 批示 ------------------------------------------------------------------------------


@transaction.atomic
def proposal_add(
    *, actor, complaint: Complaint, text: str, department: Department | None = None
) -> HandlingProposal:
    """R-CMP-15: the departments concerned propose one or more solutions."""
    c = _lock(complaint)
    req = c.request
    require(actor, "complaints.handle", req.property_id)
    if req.status not in (ComplaintStatus.INVESTIGATING, ComplaintStatus.AWAITING_INSTRUCTION):
        raise Conflict(_("只能在调查或待批示阶段拟定方案。(Proposals are drafted while investigating.)"))
    if not (text or "").strip():
        raise DomainError(_("请填写方案内容。(The proposal text is required.)"), field="text")
    if department is not None and department.property_id != req.property_id:
        raise DomainError(
            _("部门不属于本项目。(The department is not in this property.)"), field="department"
        )
    p = HandlingProposal.objects.create(
        complaint=c, text=text.strip(), department=department, proposed_by=actor, proposed_at=timezone.now()
    )
    record(p, actor=actor, action=HistoryAction.CREATE)
    n = c.proposals.count()
    sd.add_event(req, actor=actor, kind=EventKind.NOTE, text=_("方案%(n)s:%(t)s") % {"n": n, "t": p.text})
    return p


@transaction.atomic
def complaint_instruct(
    *, actor, complaint: Complaint, proposal: HandlingProposal, instruction: str
) -> Complaint:
    """R-CMP-15: the 主管领导 reviews every proposal, chooses one and writes the 批示
    (a 重大投诉's 批示 is the 主任(经理)'s, R-CMP-29)."""
    c = _lock(complaint)
    req = c.request
    require(actor, "complaints.instruct", req.property_id)
    if proposal.complaint_id != c.pk:
        raise DomainError(_("方案不属于此投诉。(The proposal is not this complaint's.)"), field="proposal")
    if not (instruction or "").strip():
        raise DomainError(_("请填写批示。(The instruction is required.)"), field="instruction")
    if c.severity == Severity.MAJOR and Role.MANAGER not in roles_of(actor, req.property_id):
        raise NotAllowed(_("重大投诉须由管理处经理批示。(A major complaint is instructed by the manager.)"))
    now = timezone.now()
    c.proposals.exclude(pk=proposal.pk).update(chosen=False)
    before = snapshot(proposal)
    proposal.chosen = True
    proposal.instruction = instruction.strip()
    proposal.instructed_by, proposal.instructed_at = actor, now
    proposal.save()
    record(proposal, actor=actor, action=HistoryAction.UPDATE, before=before, reason=_("批示"))
    c.instructed_proposal = proposal
    c.save(update_fields=["instructed_proposal"])
    sd.request_transition(
        actor=actor, request=req, name="instruct", reason=_("批示:%s") % proposal.instruction
    )
    deadlines.clock_stop(req, kind=wf.CLOCK_INSTRUCTION, now=now)
    complaint.instructed_proposal = proposal
    return c


# --- handling ----------------------------------------------------------------------------------------


@transaction.atomic
def complaint_start_handling(*, actor, complaint: Complaint) -> Complaint:
    """Handling begins — only after a 批示 (R-CMP-15, guard in the workflow)."""
    sd.request_transition(actor=actor, request=complaint.request, name="start_handling")
    return complaint


@transaction.atomic
def complaint_complete(
    *, actor, complaint: Complaint, resolution: str, owner_signed: bool | None = None
) -> Complaint:
    """处理完成: the resolution is recorded (R-CMP-35), callbacks are scheduled (announce_completed)."""
    c = _lock(complaint)
    req = c.request
    require(actor, "complaints.handle", req.property_id)
    if not (resolution or "").strip():
        raise DomainError(_("请填写处理结果。(The resolution is required.)"), field="resolution")
    if owner_signed is not None:
        c.owner_signed = owner_signed
    if c.is_engineering and not c.owner_signed:
        # R-CMP-22: the owner signs on completion.
        raise DomainError(
            _("工程项目投诉完工须业户签字确认。(The owner signs on completion.)"), field="owner_signed"
        )
    before = snapshot(c)
    c.resolution = resolution.strip()
    c.save(update_fields=["resolution", "owner_signed"])
    record(c, actor=actor, action=HistoryAction.UPDATE, before=before, reason=_("处理完成"))
    sd.request_transition(actor=actor, request=req, name="complete", reason=c.resolution)
    complaint.resolution = c.resolution
    return c


@transaction.atomic
def complaint_urge(*, actor, complaint: Complaint, note: str = "") -> int:
    """R-CMP-23: keep urging the responsible department until it is handled."""
    c = _lock(complaint)
    req = c.request
    require(actor, "complaints.handle", req.property_id)
    _check_open(c)
    if c.responsible_department is None:
        raise DomainError(_("尚未确定内部责任部门。(No internal responsible department.)"))
    ids = set(_department_members(c.responsible_department))
    if req.assignee_id:
        ids.add(req.assignee_id)
    ids.discard(actor.pk)
    _notify(req.property, ids, f"催办投诉:{req.number} {req.title}", req.get_absolute_url())
    sd.add_event(
        req,
        actor=actor,
        kind=EventKind.NOTE,
        text=_("催办 %(d)s:%(n)s") % {"d": c.responsible_department, "n": note.strip() or _("请尽快处理")},
    )
    return len(ids)


@transaction.atomic
def complaint_escalate(*, actor, complaint: Complaint, report: str, incident_report: str = "") -> Complaint:
    """R-CMP-18/21/31: what the 客服主管 cannot decide (or a lease complaint that cannot be solved) is
    reported in writing to the 主任(经理); a written complaint goes up with the 《事故报告》."""
    c = _lock(complaint)
    req = c.request
    require(actor, "complaints.handle", req.property_id)
    _check_open(c)
    if not (report or "").strip():
        raise DomainError(_("请填写书面报告内容。(The written report is required.)"), field="report")
    if req.channel == Channel.WRITTEN and not ((incident_report or "").strip() or c.incident_report):
        raise DomainError(
            _("书面投诉上报须附《事故报告》。(A written complaint goes up with the incident report.)"),
            field="incident_report",
        )
    before = snapshot(c)
    if (incident_report or "").strip():
        c.incident_report = incident_report.strip()
        c.save(update_fields=["incident_report"])
    record(c, actor=actor, action=HistoryAction.UPDATE, before=before, reason=report)
    text = _("书面上报经理:%s") % report.strip()
    if req.channel == Channel.WRITTEN:
        text += _("(附《事故报告》及业户书面投诉 %s)") % c.incoming_doc_no
    sd.add_event(req, actor=actor, kind=EventKind.ESCALATION, text=text)
    ids = set(_leads(req.property_id, manager=True))
    ids.discard(actor.pk)
    _notify(req.property, ids, f"投诉上报:{req.number} {req.title}", req.get_absolute_url(), level="danger")
    tick(c, Step.REPORT, actor)
    return c


# --- replies -----------------------------------------------------------------------------------------


def _record_reply(c: Complaint, actor, text: str, at: datetime) -> None:
    req = c.request
    sd.add_event(req, actor=actor, kind=EventKind.REPLY, text=text, at=at)
    local_day = timezone.localtime(at).date()
    if not c.same_day_replied_at and local_day == timezone.localtime(req.received_at).date():
        c.same_day_replied_at = at
        Complaint.objects.filter(pk=c.pk).update(same_day_replied_at=at)
        deadlines.clock_stop(req, kind=wf.CLOCK_SAME_DAY, now=at)
    if c.next_reply_at:
        deadlines.clock_stop(req, kind=wf.CLOCK_NEXT_REPLY, now=at)


@transaction.atomic
def complaint_reply(
    *,
    actor,
    complaint: Complaint,
    text: str,
    next_reply_at: datetime | None = None,
    at: datetime | None = None,
) -> Complaint:
    """答复业户 (R-CMP-24/28): whatever the state of handling, the complainant is answered the same day;
    what cannot be solved yet is explained tactfully and a 下次回复时间 fixed."""
    c = _lock(complaint)
    req = c.request
    require(actor, "complaints.reply", req.property_id)
    _check_open(c)
    if not (text or "").strip():
        raise DomainError(_("请填写答复内容。(The reply is required.)"), field="reply")
    now = timezone.now()
    at = at or now
    if at > now + timedelta(minutes=1) or at < req.received_at:
        raise DomainError(
            _("答复时间须在受理之后、现在之前。(The reply time is between intake and now.)"), field="at"
        )
    _record_reply(c, actor, text.strip(), at)
    if next_reply_at is not None:
        if next_reply_at <= now:
            raise DomainError(
                _("下次回复时间须晚于现在。(The next reply time must be in the future.)"),
                field="next_reply_at",
            )
        before = snapshot(c)
        c.next_reply_at = next_reply_at
        c.save(update_fields=["next_reply_at"])
        record(c, actor=actor, action=HistoryAction.UPDATE, before=before, reason=_("约定下次回复时间"))
        sd.clock_start(
            req,
            kind=wf.CLOCK_NEXT_REPLY,
            label=_("下次回复业户"),
            duration=next_reply_at - now,
            responsible=actor,
        )
    complaint.same_day_replied_at, complaint.next_reply_at = c.same_day_replied_at, c.next_reply_at
    return c


def _final_reply_text(c: Complaint, text: str) -> str:
    """R-CMP-20: a written complaint's reply is the text the 客服主管 approved."""
    if c.request.channel == Channel.WRITTEN:
        if not c.written_reply_approved_at or not c.written_reply.strip():
            raise DomainError(
                _("书面回复须经客服主管批准后发送。(The written reply needs the supervisor's approval.)"),
                field="reply",
            )
        if text.strip() and text.strip() != c.written_reply.strip():
            raise DomainError(_("发送内容须与批准的回复稿一致。(Send the approved text.)"), field="reply")
        return c.written_reply.strip()
    if not text.strip():
        raise DomainError(_("请填写答复内容。(The reply is required.)"), field="reply")
    return text.strip()


@transaction.atomic
def complaint_reply_result(*, actor, complaint: Complaint, text: str = "") -> Complaint:
    """复清楚 (R-CMP-27(e), R-CMP-25): the process and result are replied to the complainant."""
    c = _lock(complaint)
    require(actor, "complaints.reply", c.request.property_id)
    body = _final_reply_text(c, text or "")
    sd.request_transition(actor=actor, request=c.request, name="reply_result", reason=_("回复处理结果"))
    _record_reply(c, actor, body, timezone.now())
    tick(c, Step.REPLY, actor)
    complaint.request.status = c.request.status
    return c


@transaction.atomic
def complaint_answer_invalid(*, actor, complaint: Complaint, text: str = "") -> Complaint:
    """R-CMP-13: a 不成立 complaint is answered tactfully (婉转) to obtain understanding."""
    c = _lock(complaint)
    require(actor, "complaints.reply", c.request.property_id)
    body = _final_reply_text(c, text or "")
    sd.request_transition(actor=actor, request=c.request, name="answer_invalid", reason=_("婉转答复"))
    _record_reply(c, actor, body, timezone.now())
    tick(c, Step.REPLY, actor)
    complaint.request.status = c.request.status
    return c


@transaction.atomic
def complaint_close_invalid(*, actor, complaint: Complaint, understanding: str) -> Complaint:
    """R-CMP-13: closed with the resident's understanding recorded."""
    c = _lock(complaint)
    require(actor, "complaints.reply", c.request.property_id)
    if not (understanding or "").strip():
        raise DomainError(
            _("请记录业户的谅解情况。(Record the resident's understanding.)"), field="understanding"
        )
    before = snapshot(c)
    c.understanding = understanding.strip()
    c.save(update_fields=["understanding"])
    record(c, actor=actor, action=HistoryAction.UPDATE, before=before, reason=_("业户谅解"))
    sd.request_transition(actor=actor, request=c.request, name="close_invalid", reason=c.understanding)
    complaint.request.status = c.request.status
    return c


@transaction.atomic
def written_reply_draft(*, actor, complaint: Complaint, text: str) -> Complaint:
    """R-CMP-20: the written reply is drafted; any change needs a new approval."""
    c = _lock(complaint)
    require(actor, "complaints.reply", c.request.property_id)
    _check_open(c)
    if c.request.channel != Channel.WRITTEN:
        raise DomainError(_("只有书面投诉需要书面回复稿。(Only written complaints.)"))
    if not (text or "").strip():
        raise DomainError(_("请填写回复稿。(The draft is required.)"), field="reply")
    before = snapshot(c)
    c.written_reply = text.strip()
    c.written_reply_approved_by, c.written_reply_approved_at = None, None
    c.save(update_fields=["written_reply", "written_reply_approved_by", "written_reply_approved_at"])
    record(c, actor=actor, action=HistoryAction.UPDATE, before=before, reason=_("书面回复稿"))
    _notify(
        c.request.property,
        _leads(c.request.property_id, manager=False),
        f"书面回复待批准:{c.request.number}",
        c.request.get_absolute_url(),
    )
    return c


@transaction.atomic
def written_reply_approve(*, actor, complaint: Complaint) -> Complaint:
    """R-CMP-20: the 客服主管 approves the reply's content before it is sent."""
    c = _lock(complaint)
    require(actor, "complaints.instruct", c.request.property_id)
    _check_open(c)
    if not c.written_reply.strip():
        raise DomainError(_("尚无回复稿。(No draft to approve.)"))
    before = snapshot(c)
    c.written_reply_approved_by, c.written_reply_approved_at = actor, timezone.now()
    c.save(update_fields=["written_reply_approved_by", "written_reply_approved_at"])
    record(c, actor=actor, action=HistoryAction.UPDATE, before=before, reason=_("批准书面回复"))
    sd.add_event(c.request, actor=actor, kind=EventKind.NOTE, text=_("客服主管已批准书面回复"))
    complaint.written_reply_approved_at = c.written_reply_approved_at
    return c


# --- apology letter ------------------------------------------------------------------------------------

APOLOGY_TEMPLATE = """尊敬的{name}:

    您好!首先,对您{date}反映的“{title}”一事,我们深表歉意。

    经调查核实,此事系我{office}{department}工作失误所致,给您的生活带来了不便,我们诚恳地向您致歉。{improvement}

    感谢您对我们工作的监督与支持。今后我们将进一步加强管理、提高服务质量,如您还有任何意见或建议,欢迎随时与我们联系(服务中心电话:{phone})。

    此致
敬礼!

{office}
{today}"""


def office_name(prop: Property) -> str:
    """R-CMP-26: the letter is issued in the name of the 管理中心."""
    return f"{prop.name}物业管理中心"


@transaction.atomic
def apology_generate(*, actor, complaint: Complaint, improvement: str) -> Complaint:
    """R-CMP-26: the 道歉信 in the office's name, showing that improvement is under way or done."""
    c = _lock(complaint)
    req = c.request
    require(actor, "complaints.reply", req.property_id)
    _check_open(c)
    if c.judgment != Judgment.VALID:
        raise DomainError(_("只有成立的投诉需要道歉信。(Only an upheld complaint.)"))
    if c.apology_issued_at:
        raise Conflict(_("道歉信已发出。(The letter has been issued.)"))
    if not (improvement or "").strip():
        raise DomainError(
            _("请说明已采取或正在采取的改进措施。(State the improvement.)"), field="improvement"
        )
    text = improvement.strip()
    if not text.endswith(("。", "!", ".", "!")):
        text += "。"
    before = snapshot(c)
    c.apology_text = APOLOGY_TEMPLATE.format(
        name=req.reporter_name,
        date=f"{timezone.localtime(req.received_at):%Y年%m月%d日}",
        title=req.title,
        office=office_name(req.property),
        department=str(c.responsible_department or ""),
        improvement=text,
        phone=req.property.phone or "",
        today=f"{timezone.localdate():%Y年%m月%d日}",
    )
    c.save(update_fields=["apology_text"])
    record(c, actor=actor, action=HistoryAction.UPDATE, before=before, reason=_("生成道歉信"))
    return c


@transaction.atomic
def apology_issue(*, actor, complaint: Complaint) -> Complaint:
    c = _lock(complaint)
    require(actor, "complaints.reply", c.request.property_id)
    _check_open(c)
    if not c.apology_text:
        raise DomainError(_("请先生成道歉信。(Generate the letter first.)"))
    if c.apology_issued_at:
        raise Conflict(_("道歉信已发出。(The letter has been issued.)"))
    before = snapshot(c)
    c.apology_issued_at, c.apology_issued_by = timezone.now(), actor
    c.save(update_fields=["apology_issued_at", "apology_issued_by"])
    record(c, actor=actor, action=HistoryAction.UPDATE, before=before, reason=_("发出道歉信"))
    sd.add_event(c.request, actor=actor, kind=EventKind.NOTE, text=_("已以管理中心名义发出道歉信"))
    complaint.apology_issued_at = c.apology_issued_at
    return c


# --- generic steps through the engine ---------------------------------------------------------------


@transaction.atomic
def complaint_step(*, actor, complaint: Complaint, name: str, reason: str = "") -> Complaint:
    """A plain workflow step (submit_proposals, return_proposals, start_handling, callback_done, archive,
    reopen, rejudge) — the engine checks state, permission and guards."""
    t = wf.COMPLAINT_FLOW.by_name.get(name)
    if t is None or not t.generic:
        raise DomainError(_("未知操作。(Unknown action.)"), field="name")
    sd.request_transition(actor=actor, request=complaint.request, name=name, reason=reason)
    return complaint


# --- periodic checks (idempotent) -------------------------------------------------------------------


def complaints_check_same_day_replies(now: datetime | None = None) -> dict:
    """R-CMP-24: a reply entered through the shared note form also counts; at the end of the day the
    complaints without a reply dated the day of intake are flagged and the 客服主管 told (once)."""
    from servicedesk.models import TimelineEvent

    now = now or timezone.now()
    counts = {"replied": 0, "flagged": 0}
    pending = Complaint.objects.filter(
        same_day_replied_at__isnull=True, same_day_reply_missed=False
    ).select_related("request", "request__property")
    for c in pending.iterator(chunk_size=500):
        req = c.request
        day = timezone.localtime(req.received_at).date()
        ev = (
            TimelineEvent.objects.filter(
                request=req,
                kind=EventKind.REPLY,
                at__gte=req.received_at,
                at__lte=end_of_day(req.received_at),
            )
            .order_by("at")
            .first()
        )
        with transaction.atomic():
            if ev is not None:
                if Complaint.objects.filter(pk=c.pk, same_day_replied_at__isnull=True).update(
                    same_day_replied_at=ev.at
                ):
                    deadlines.clock_stop(req, kind=wf.CLOCK_SAME_DAY, now=ev.at)
                    counts["replied"] += 1
                continue
            if timezone.localtime(now).date() <= day:
                continue
            if not Complaint.objects.filter(pk=c.pk, same_day_reply_missed=False).update(
                same_day_reply_missed=True
            ):
                continue
            _notify(
                req.property,
                _leads(req.property_id, manager=False),
                f"投诉当日未回复:{req.number} {req.title}",
                req.get_absolute_url(),
                level="danger",
                dedupe_key=f"complaint-noreply-{req.pk}",
            )
            sd.add_event(
                req, actor=None, kind=EventKind.ESCALATION, text=_("受理当日未回复业户,已报客服主管")
            )
            counts["flagged"] += 1
    return counts


def complaints_escalate_unresolved(now: datetime | None = None) -> int:
    """R-CMP-10 (3): a 成立 complaint not resolved one month after intake is escalated to the 客服主管
    and the 经理 — once per complaint (a conditional update claims it)."""
    now = now or timezone.now()
    made = 0
    candidates = Complaint.objects.filter(
        judgment=Judgment.VALID,
        month_escalated_at__isnull=True,
        request__status__in=[str(s) for s in UNRESOLVED_STATES],
        request__received_at__lte=now - timedelta(days=28),
    ).select_related("request", "request__property")
    for c in candidates.iterator(chunk_size=500):
        req = c.request
        if add_month(req.received_at) > now:
            continue
        with transaction.atomic():
            if not Complaint.objects.filter(pk=c.pk, month_escalated_at__isnull=True).update(
                month_escalated_at=now
            ):
                continue
            _notify(
                req.property,
                _leads(req.property_id, manager=True),
                f"投诉逾一个月未解决:{req.number} {req.title}",
                req.get_absolute_url(),
                level="danger",
                dedupe_key=f"complaint-month-{req.pk}",
            )
            sd.add_event(
                req,
                actor=None,
                kind=EventKind.ESCALATION,
                text=_("有效投诉一个月内未解决(投诉界定(3)),已升级至客服主管及经理"),
            )
            made += 1
    return made


def can_act(user, action, complaint) -> bool:
    return can(user, action, complaint.request.property_id)
