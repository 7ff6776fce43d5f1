"""Every write of the callbacks area: scheduling (on completion of a request, special-service contracts,
activities, ad hoc), the 《回访记录表》 steps (issue → record → review → escalate/decide), the chaser, owner
visit plans and the 《建议/意见登记表》, the quarterly analysis report and the owner survey."""

import calendar
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from core import deadlines, notify
from core.choices import DepartmentKind, HistoryAction, Role
from core.errors import Conflict, DomainError
from core.history import record, record_transition, snapshot
from core.models import Department, Membership, Property, Unit, User
from core.permissions import can, require

from .choices import (
    OPEN_STATUSES,
    CallbackMethod,
    CallbackSource,
    CallbackStatus,
    CallerLead,
    Decision,
    ReportStatus,
    Satisfaction,
    SurveyStatus,
    VisitStatus,
)
from .models import (
    Activity,
    Callback,
    OwnerVisit,
    QuarterlyReport,
    SpecialServiceContract,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    VisitPlan,
    VisitPlanEntry,
)

# --- rule constants ------------------------------------------------------------------------------------
CALLBACK_AFTER_COMPLAINT = timedelta(days=3)  # R-CB-11 (and R-CB-06/07: the 3-day default)
CALLBACK_AFTER_REPAIR = timedelta(weeks=1)  # R-CB-12
CALLBACK_AFTER_OTHER_SERVICE = timedelta(weeks=1)  # R-CB-15: help requests and other service work
CALLBACK_DEFAULT = timedelta(days=3)  # R-CB-06/07: any callback without its own deadline
ACTIVITY_CALLBACK_MONTHS = 1  # R-CB-14 reading B: due no later than 1 month after the activity ends
CHASE_AFTER = timedelta(days=3)  # R-CB-18 reading A: 3 days after the 《回访记录表》 was issued
REPORT_FILE_DAY = 10  # R-CB-23: filed by the 10th of the next quarter (inclusive)
REPEATED_COMPLAINTS = 2  # R-CB-21/22: inclusive, per unit + category, within the quarter
REPEATED_REPAIRS = 3  # R-CB-21/22

# Request kind → (callback source, delay). Consultations have no entry: an answered enquiry is not
# service work done for the resident, so no callback is scheduled for it (documented choice; an ad hoc
# callback can still be created for one).
KIND_CALLBACKS = {
    "complaint": (CallbackSource.COMPLAINT, CALLBACK_AFTER_COMPLAINT),
    "repair": (CallbackSource.REPAIR, CALLBACK_AFTER_REPAIR),
    "help": (CallbackSource.HELP, CALLBACK_AFTER_OTHER_SERVICE),
}
MAJOR_SEVERITIES = {"major", "serious", "critical", "重大", "重大投诉"}
# R-CB-16: the head of each department (for a general complaint's callback with 客服).
DEPARTMENT_HEAD = {
    DepartmentKind.ENGINEERING: Role.ENG_SUPERVISOR,
    DepartmentKind.SECURITY: Role.SEC_SUPERVISOR,
    DepartmentKind.CUSTOMER_SERVICE: Role.CS_SUPERVISOR,
    DepartmentKind.MANAGEMENT: Role.MANAGER,
}


def _now():
    return timezone.now()


def _local_end_of_day(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(23, 59, 59)))


def add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def callback_delay(request) -> tuple[str, timedelta] | None:
    """(source, delay) of the callback a completed request gets, or None (R-CB-07, R-CB-11/12/15)."""
    return KIND_CALLBACKS.get(str(request.kind))


def is_major_complaint(request) -> bool:
    """The complaint's severity from the complaints app's detail model, when that app is installed."""
    detail = getattr(request, "complaint", None)
    if detail is None:
        return False
    if getattr(detail, "is_major", False) is True:
        return True
    return str(getattr(detail, "severity", "") or "").strip().lower() in MAJOR_SEVERITIES


# --- choosing the callers (R-CB-16) ----------------------------------------------------------------------


def _role_users(prop_id: int, roles) -> list[User]:
    ids = notify.users_with_roles(prop_id, roles)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("username"))


def _least_busy_cs_admin(prop_id: int) -> User | None:
    ids = notify.users_with_roles(prop_id, [Role.CS_ADMIN])
    return (
        User.objects.filter(pk__in=ids, is_active=True)
        .annotate(
            open_n=Count(
                "callbacks",
                filter=Q(callbacks__status__in=OPEN_STATUSES, callbacks__property_id=prop_id),
            )
        )
        .order_by("open_n", "username")
        .first()
    )


def _customer_service_caller(prop_id: int, resident=None) -> User | None:
    """The resident's own administrator (R-CUST-03) if any, else the least busy 客服管理员."""
    if resident is not None:
        from residents.models import CustomerAssignment

        a = (
            CustomerAssignment.objects.filter(resident=resident, ended_at__isnull=True)
            .select_related("administrator")
            .first()
        )
        if a and a.administrator.is_active:
            return a.administrator
    user = _least_busy_cs_admin(prop_id)
    if user is None:
        sups = _role_users(prop_id, [Role.CS_SUPERVISOR])
        user = sups[0] if sups else None
    return user


def choose_callers(prop: Property, source: str, *, request=None, resident=None):
    """R-CB-16 → (lead, department, [callers])."""
    cs_dept = Department.objects.filter(property=prop, kind=DepartmentKind.CUSTOMER_SERVICE).first()
    if source == CallbackSource.COMPLAINT and request is not None:
        if is_major_complaint(request):
            # 重大投诉: the service centre organises it — the 客服主管 and the manager.
            return (
                CallerLead.SERVICE_CENTRE,
                cs_dept,
                _role_users(prop.pk, [Role.CS_SUPERVISOR]) + _role_users(prop.pk, [Role.MANAGER])[:1],
            )
        dept = request.department or cs_dept
        callers = []
        head_role = DEPARTMENT_HEAD.get(dept.kind) if dept else None
        if head_role:
            members = Membership.objects.filter(
                property=prop, role=head_role, active=True, user__is_active=True
            ).select_related("user")
            heads = [m.user for m in members if m.department_id in (None, dept.pk)]
            callers += sorted(heads, key=lambda u: u.username)[:1]
        cs = _customer_service_caller(prop.pk, resident)
        if cs and cs not in callers:
            callers.append(cs)
        return CallerLead.DEPARTMENT_WITH_CS, dept, callers
    cs = _customer_service_caller(prop.pk, resident)
    return CallerLead.CUSTOMER_SERVICE, cs_dept, [cs] if cs else []


# --- creating callbacks ------------------------------------------------------------------------------------


def _start_clock(cb: Callback, start: datetime | None = None):
    """The callback's due time as a clock: on the request (shown on its page, timeline entry) when tied to
    one, else on the callback itself."""
    start = start or _now()
    duration = max(cb.due_at - start, timedelta(seconds=1))
    responsible = cb.callers.order_by("username").first()
    if cb.request_id:
        from servicedesk import services as sd

        return sd.clock_start(
            cb.request, kind="callback", label="回访", duration=duration, responsible=responsible, start=start
        )
    return deadlines.clock_start(
        cb,
        prop=cb.property,
        kind="callback",
        label=f"回访:{cb.subject}"[:200],
        duration=duration,
        responsible=responsible,
        link=cb.get_absolute_url(),
        start=start,
    )


def _stop_clock(cb: Callback):
    if cb.request_id:
        from servicedesk import services as sd

        sd.clock_stop(cb.request, kind="callback")
    else:
        deadlines.clock_stop(cb, kind="callback")


def _notify_callers(cb: Callback, title: str, users=None):
    ids = [u.pk for u in (users if users is not None else cb.callers.all())]
    if ids:
        notify.notify_users(ids, prop=cb.property, title=title, link=cb.get_absolute_url(), level="info")


def _create(
    *,
    actor,
    prop: Property,
    source: str,
    subject: str,
    contact_name: str,
    due_at: datetime,
    request=None,
    contract=None,
    activity=None,
    resident=None,
    unit=None,
    contact_phone: str = "",
    method: str = CallbackMethod.PHONE,
    callers=None,
    start: datetime | None = None,
) -> Callback:
    lead, dept, chosen = choose_callers(prop, source, request=request, resident=resident)
    cb = Callback.objects.create(
        property=prop,
        source=source,
        request=request,
        contract=contract,
        activity=activity,
        resident=resident,
        unit=unit,
        contact_name=contact_name[:100],
        contact_phone=contact_phone or "",
        subject=subject[:200],
        is_key_customer=bool(resident and resident.is_key_customer),
        method=method,
        due_at=due_at,
        lead=lead,
        department=dept,
        created_by=actor if actor and actor.is_authenticated else None,
    )
    cb.callers.set(callers if callers is not None else chosen)
    record(cb, actor=actor, action=HistoryAction.CREATE)
    _start_clock(cb, start)
    # R-CB-17: 客服 notifies the assigned callers according to the plan.
    _notify_callers(cb, f"新回访任务:{cb.subject}(期限 {timezone.localtime(cb.due_at):%m-%d %H:%M})")
    return cb


def schedule_for_request(request, actor) -> Callback | None:
    """servicedesk.engine.on_completed listener: the request's work is done → its 回访 (R-CB-11/12/15),
    in the caller's transaction. Idempotent: a request with a callback in progress gets no second one."""
    rule = callback_delay(request)
    if rule is None:
        return None
    if Callback.objects.filter(request_id=request.pk, status__in=OPEN_STATUSES).exists():
        return None
    source, delay = rule
    now = _now()
    try:
        with transaction.atomic():
            return _create(
                actor=actor,
                prop=request.property,
                source=source,
                subject=f"{request.number} {request.title}",
                contact_name=request.reporter_name,
                contact_phone=request.contact_phone,
                due_at=now + delay,
                request=request,
                resident=request.reporter,
                unit=request.unit,
                start=now,
            )
    except IntegrityError:  # a concurrent completion scheduled it first
        return None


@transaction.atomic
def callback_create(
    *,
    actor,
    prop: Property,
    subject: str,
    contact_name: str,
    source: str = CallbackSource.PERIODIC,
    due_at: datetime | None = None,
    resident=None,
    unit=None,
    request=None,
    contact_phone: str = "",
    method: str = CallbackMethod.PHONE,
    callers=None,
) -> Callback:
    """An ad hoc or periodic callback (R-CB-01/02, R-CB-10: the supervisor schedules callbacks)."""
    require(actor, "callback.plan", prop.pk)
    if not (subject or "").strip():
        raise DomainError("请填写回访事项。(The subject is required.)", field="subject")
    if not (contact_name or "").strip() and resident is None:
        raise DomainError("请填写回访对象。(Whom to call back is required.)", field="contact_name")
    if source not in CallbackSource.values:
        raise DomainError("回访类别无效。(Invalid callback type.)", field="source")
    if method not in CallbackMethod.values:
        raise DomainError("回访方式无效。(Invalid method.)", field="method")
    for obj, field in ((resident, "resident"), (unit, "unit"), (request, "request")):
        if obj is not None and obj.property_id != prop.pk:
            raise DomainError("不属于本项目。(Not in this property.)", field=field)
    if request is not None and Callback.objects.filter(request=request, status__in=OPEN_STATUSES).exists():
        raise Conflict("该请求已有进行中的回访。(This request already has a callback in progress.)")
    now = _now()
    due_at = due_at or now + CALLBACK_DEFAULT
    if due_at <= now:
        raise DomainError("回访期限须晚于现在。(The due time must be in the future.)", field="due_at")
    _check_callers(prop, callers)
    return _create(
        actor=actor,
        prop=prop,
        source=source,
        subject=subject.strip(),
        contact_name=(contact_name or "").strip() or resident.name,
        contact_phone=contact_phone or (resident.phone if resident else ""),
        due_at=due_at,
        request=request,
        resident=resident,
        unit=unit,
        method=method,
        callers=callers or None,
    )


def _check_callers(prop: Property, callers):
    for u in callers or []:
        if not can(u, "callback.record", prop.pk):
            raise DomainError(
                f"{u} 不能在本项目做回访。({u} cannot make callbacks for this property.)", field="callers"
            )


@transaction.atomic
def contract_create(
    *, actor, prop: Property, title: str, start: date, end: date, resident=None, unit=None
) -> SpecialServiceContract:
    """特约服务: the callback falls due at start + 50% of the term (R-CB-13 reading A)."""
    require(actor, "callback.plan", prop.pk)
    if not (title or "").strip():
        raise DomainError("请填写服务内容。(The service is required.)", field="title")
    if end <= start:
        raise DomainError("合同结束日期须晚于开始日期。(The end must be after the start.)", field="end")
    for obj, field in ((resident, "resident"), (unit, "unit")):
        if obj is not None and obj.property_id != prop.pk:
            raise DomainError("不属于本项目。(Not in this property.)", field=field)
    c = SpecialServiceContract.objects.create(
        property=prop,
        title=title.strip(),
        start=start,
        end=end,
        resident=resident,
        unit=unit,
        created_by=actor,
    )
    record(c, actor=actor, action=HistoryAction.CREATE)
    midpoint = start + (end - start) / 2
    due = _local_end_of_day(midpoint)
    _create(
        actor=actor,
        prop=prop,
        source=CallbackSource.SPECIAL_SERVICE,
        subject=f"特约服务:{c.title}",
        contact_name=resident.name if resident else (unit.label if unit else c.title),
        contact_phone=resident.phone if resident else "",
        due_at=due,
        contract=c,
        resident=resident,
        unit=unit,
        # The callback becomes actionable from the midpoint; before it, the clock runs from now.
        start=min(_now(), due - timedelta(seconds=1)),
    )
    return c


@transaction.atomic
def activity_create(
    *, actor, prop: Property, title: str, start: date, end: date, place: str = "", participants: int = 0
) -> Activity:
    """文体活动: a callback due no later than 1 month after it ends (R-CB-14 reading B)."""
    require(actor, "callback.plan", prop.pk)
    if not (title or "").strip():
        raise DomainError("请填写活动名称。(The activity name is required.)", field="title")
    if end < start:
        raise DomainError("结束日期不能早于开始日期。(The end cannot be before the start.)", field="end")
    a = Activity.objects.create(
        property=prop,
        title=title.strip(),
        start=start,
        end=end,
        place=place or "",
        participants=max(int(participants or 0), 0),
        created_by=actor,
    )
    record(a, actor=actor, action=HistoryAction.CREATE)
    due = _local_end_of_day(add_months(end, ACTIVITY_CALLBACK_MONTHS))
    _create(
        actor=actor,
        prop=prop,
        source=CallbackSource.ACTIVITY,
        subject=f"文体活动:{a.title}",
        contact_name="活动参与业户",
        due_at=due,
        activity=a,
        method=CallbackMethod.FACE,
        start=min(_now(), due - timedelta(seconds=1)),
    )
    return a


# --- the 《回访记录表》 steps ----------------------------------------------------------------------------------


def _lock(cb: Callback) -> Callback:
    return Callback.objects.select_for_update().get(pk=cb.pk)


def _transition(cb: Callback, actor, old: str, reason: str = ""):
    record_transition(cb, actor=actor, from_state=old, reason=reason)


def _request_event(cb: Callback, *, actor, kind: str, text: str, data: dict | None = None):
    if cb.request_id:
        from servicedesk import services as sd

        sd.add_event(cb.request, actor=actor, kind=kind, text=text, data={"callback": cb.pk, **(data or {})})


@transaction.atomic
def callback_assign(*, actor, callback: Callback, callers, method: str | None = None) -> Callback:
    """R-CB-10: the supervisor (or an administrator) assigns the callers."""
    require(actor, "callback.plan", callback.property_id)
    cb = _lock(callback)
    if cb.status not in OPEN_STATUSES:
        raise Conflict("回访已完成,不能改派。(The callback is done.)")
    if not callers:
        raise DomainError("请选择回访人。(Choose at least one caller.)", field="callers")
    _check_callers(cb.property, callers)
    if method is not None and method not in CallbackMethod.values:
        raise DomainError("回访方式无效。(Invalid method.)", field="method")
    before = {"callers": sorted(cb.callers.values_list("pk", flat=True)), "method": cb.method}
    if method:
        cb.method = method
        cb.save(update_fields=["method", "updated_at"])
    cb.callers.set(callers)
    record(
        cb,
        actor=actor,
        action=HistoryAction.UPDATE,
        changes={
            "callers": [before["callers"], sorted(u.pk for u in callers)],
            "method": [before["method"], cb.method],
        },
    )
    _notify_callers(cb, f"回访任务:{cb.subject}", users=callers)
    return cb


@transaction.atomic
def callback_issue(*, actor, callback: Callback, callers=None) -> Callback:
    """R-CB-17: 客服 hands the 《回访记录表》 to the caller(s); the 3-day chase runs from now (R-CB-18 A)."""
    require(actor, "callback.issue", callback.property_id)
    cb = _lock(callback)
    if cb.status != CallbackStatus.SCHEDULED:
        raise Conflict("回访记录表已发出或回访已完成。(Already issued or done.)")
    if callers:
        _check_callers(cb.property, callers)
        cb.callers.set(callers)
    if not cb.callers.exists():
        raise DomainError("请先指定回访人。(Assign a caller first.)", field="callers")
    old = cb.status
    cb.status, cb.issued_at, cb.issued_by = CallbackStatus.ISSUED, _now(), actor
    cb.save(update_fields=["status", "issued_at", "issued_by", "updated_at"])
    _transition(cb, actor, old, "发放回访记录表")
    names = "、".join(str(u) for u in cb.callers.order_by("username"))
    _request_event(cb, actor=actor, kind="note", text=f"回访记录表已发给 {names}")
    _notify_callers(cb, f"请领取并完成回访记录表:{cb.subject}")
    callback.status, callback.issued_at = cb.status, cb.issued_at
    return cb


@transaction.atomic
def callback_agree_time(*, actor, callback: Callback, agreed_at: datetime) -> Callback:
    """R-CB-03/06: a convenient time agreed with the customer — never inside the quiet hours."""
    require(actor, "callback.record", callback.property_id)
    cb = _lock(callback)
    if cb.status not in OPEN_STATUSES:
        raise Conflict("回访已完成。(The callback is done.)")
    if agreed_at <= _now():
        raise DomainError("约定时间须晚于现在。(The agreed time must be in the future.)", field="agreed_at")
    if deadlines.in_quiet_hours(cb.property, agreed_at):
        raise DomainError(
            "约定时间在住户休息时段内,请另约。(That time is inside the residents' quiet hours.)",
            field="agreed_at",
        )
    before = snapshot(cb)
    cb.agreed_at = agreed_at
    cb.save(update_fields=["agreed_at", "updated_at"])
    record(cb, actor=actor, action=HistoryAction.UPDATE, before=before)
    _request_event(
        cb, actor=actor, kind="call", text=f"与业户约定回访时间 {timezone.localtime(agreed_at):%m-%d %H:%M}"
    )
    callback.agreed_at = cb.agreed_at
    return cb


@transaction.atomic
def callback_record(
    *,
    actor,
    callback: Callback,
    satisfaction: str,
    method: str,
    shortcomings: str = "",
    suggestions: str = "",
    resident_confirmed: bool = False,
    resident_signature: str = "",
    caller_signature: str = "",
    called_at: datetime | None = None,
) -> Callback:
    """The caller fills in the 《回访记录表》 (R-CB-05, R-CB-09, R-CB-17, R-CB-19)."""
    require(actor, "callback.record", callback.property_id)
    cb = _lock(callback)
    if cb.status not in OPEN_STATUSES:
        raise Conflict("回访已记录。(The callback is already recorded.)")
    now = _now()
    called_at = called_at or now
    if method not in CallbackMethod.values:
        raise DomainError("请选择回访方式。(Choose the method.)", field="method")
    if satisfaction not in Satisfaction.values:
        raise DomainError("请选择满意程度。(Choose the satisfaction.)", field="satisfaction")
    if called_at > now + timedelta(minutes=5):
        raise DomainError(
            "回访时间不能晚于现在。(The callback time cannot be in the future.)", field="called_at"
        )
    if method == CallbackMethod.PHONE and deadlines.in_quiet_hours(cb.property, called_at):
        # R-CB-03: no callback calls while residents rest.
        raise DomainError(
            "住户休息时段不得电话回访。(No callback calls during the residents' quiet hours.)",
            field="called_at",
        )
    if satisfaction != Satisfaction.SATISFIED and not (shortcomings or "").strip():
        # R-CB-05/08/09: the not-satisfied branch asks what to improve; the answer is recorded in full.
        raise DomainError(
            "请记录业户不满意的方面(缺点与不足)。(Record what the resident was not satisfied with.)",
            field="shortcomings",
        )
    if not resident_confirmed:
        raise DomainError(
            "请确认住户已确认回访内容。(The resident must confirm the record.)", field="resident_confirmed"
        )
    if method in (CallbackMethod.FACE, CallbackMethod.HOME) and not (resident_signature or "").strip():
        # R-CB-17: face-to-face callbacks are signed by the resident.
        raise DomainError("请住户签名确认。(The resident signs the record.)", field="resident_signature")
    if not (caller_signature or "").strip():
        raise DomainError("回访人请签名。(The caller signs the record.)", field="caller_signature")  # R-CB-19
    old = cb.status
    cb.status = CallbackStatus.DONE
    cb.method, cb.called_at, cb.recorded_by = method, called_at, actor
    cb.satisfaction, cb.shortcomings, cb.suggestions = satisfaction, shortcomings.strip(), suggestions.strip()
    cb.resident_confirmed = True
    cb.resident_signature, cb.caller_signature = resident_signature.strip(), caller_signature.strip()
    cb.save()
    _transition(cb, actor, old, f"回访结果:{Satisfaction(satisfaction).label}")
    _stop_clock(cb)
    if cb.request_id:
        from servicedesk import services as sd

        comment = "回访({}){}{}".format(
            CallbackMethod(method).label,
            f" 不足:{cb.shortcomings}" if cb.shortcomings else "",
            f" 建议:{cb.suggestions}" if cb.suggestions else "",
        )
        sd.request_feedback(
            actor=actor,
            request=cb.request,
            satisfaction=satisfaction,
            comment=comment,
            action="callback.record",
        )
    if satisfaction == Satisfaction.UNSATISFIED:
        notify.notify_roles(
            cb.property,
            [Role.CS_SUPERVISOR, Role.CS_ADMIN],
            title=f"回访不满意,待审核:{cb.subject}",
            link=cb.get_absolute_url(),
            level="warning",
            dedupe_key=f"callback-unsatisfied-{cb.pk}",
        )
    callback.status = cb.status
    return cb


@transaction.atomic
def callback_review(
    *, actor, callback: Callback, comment: str = "", unqualified: bool = False, handling_opinion: str = ""
) -> Callback:
    """R-CB-20: 客服 reviews the returned 《回访记录表》; 不合格 (always so when 不满意) is reported upward
    with the handling opinion written on the record."""
    require(actor, "callback.review", callback.property_id)
    cb = _lock(callback)
    if cb.status != CallbackStatus.DONE:
        raise Conflict("只能审核已回访的记录表。(Only a recorded callback can be reviewed.)")
    unqualified = bool(unqualified) or cb.satisfaction == Satisfaction.UNSATISFIED
    if unqualified and not (handling_opinion or "").strip():
        raise DomainError(
            "不合格的回访须填写处理意见。(An unqualified callback needs a handling opinion.)",
            field="handling_opinion",
        )
    now = _now()
    old = cb.status
    cb.reviewed_by, cb.reviewed_at, cb.review_comment = actor, now, (comment or "").strip()
    cb.unqualified, cb.handling_opinion = unqualified, (handling_opinion or "").strip()
    if unqualified:
        cb.status, cb.escalated_at = CallbackStatus.ESCALATED, now
    else:
        cb.status, cb.closed_at = CallbackStatus.CLOSED, now
    cb.save()
    _transition(cb, actor, old, cb.review_comment or ("不合格,上报" if unqualified else "审核通过"))
    if unqualified:
        _request_event(
            cb,
            actor=actor,
            kind="escalation",
            text=f"回访不合格,已上报客服主管。处理意见:{cb.handling_opinion}",
        )
        notify.notify_roles(
            cb.property,
            [Role.CS_SUPERVISOR],
            title=f"回访不合格,请决定处理:{cb.subject}",
            body=cb.handling_opinion,
            link=cb.get_absolute_url(),
            level="danger",
            dedupe_key=f"callback-escalated-{cb.pk}",
        )
    else:
        _request_event(cb, actor=actor, kind="note", text=f"回访记录表已审核:{cb.review_comment or '合格'}")
    callback.status = cb.status
    return cb


@transaction.atomic
def callback_decide(*, actor, callback: Callback, decision: str, note: str) -> Callback:
    """R-CB-20: the supervisor's decision on a 不合格 callback — reopen the request (when its workflow
    allows it from the current state) or follow the handling opinion without reopening."""
    require(actor, "callback.decide", callback.property_id)
    cb = _lock(callback)
    if cb.status != CallbackStatus.ESCALATED:
        raise Conflict("只有已上报的回访需要决定。(Only an escalated callback needs a decision.)")
    if decision not in Decision.values:
        raise DomainError("请选择处理决定。(Choose a decision.)", field="decision")
    if not (note or "").strip():
        raise DomainError("请填写主管意见。(The supervisor's opinion is required.)", field="note")
    if decision == Decision.REOPEN:
        from servicedesk import engine
        from servicedesk import services as sd

        if cb.request_id is None:
            raise DomainError("该回访没有关联的服务请求。(No request to reopen.)", field="decision")
        req = sd.lock(cb.request)
        if not engine.can_reopen(req):
            raise DomainError(
                "该请求当前状态不能重开。(The request cannot be reopened from its current state.)",
                field="decision",
            )
        sd.request_transition(
            actor=actor, request=req, name=engine.REOPEN, reason=f"回访不满意,重新处理:{note.strip()}"
        )
    now = _now()
    old = cb.status
    cb.status, cb.decision, cb.decision_note = CallbackStatus.CLOSED, decision, note.strip()
    cb.decided_by, cb.decided_at, cb.closed_at = actor, now, now
    cb.save()
    _transition(cb, actor, old, f"{Decision(decision).label}:{cb.decision_note}")
    if decision != Decision.REOPEN:
        _request_event(cb, actor=actor, kind="note", text=f"主管意见(回访不合格):{cb.decision_note}")
    callback.status = cb.status
    return cb


def chase_overdue_callbacks(now: datetime | None = None) -> int:
    """R-CB-18 (reading A): a 《回访记录表》 issued 3 days ago and not returned is chased, once.
    Safe to run twice or concurrently: each chase is claimed by a conditional UPDATE."""
    now = now or _now()
    due = Callback.objects.filter(
        status=CallbackStatus.ISSUED, issued_at__lte=now - CHASE_AFTER, chased_at__isnull=True
    ).select_related("property", "request")
    chased = 0
    for cb in due:
        with transaction.atomic():
            if (
                Callback.objects.filter(
                    pk=cb.pk, chased_at__isnull=True, status=CallbackStatus.ISSUED
                ).update(chased_at=now)
                != 1
            ):
                continue
            ids = set(cb.callers.values_list("pk", flat=True)) | set(
                notify.users_with_roles(cb.property_id, [Role.CS_SUPERVISOR])
            )
            notify.notify_users(
                ids,
                prop=cb.property,
                title=f"回访催办:{cb.subject}",
                body=f"回访记录表已于 {timezone.localtime(cb.issued_at):%m-%d %H:%M} 发出,3天内未完成。",
                link=cb.get_absolute_url(),
                level="warning",
                dedupe_key=f"callback-chase-{cb.pk}",
            )
            record(
                cb,
                actor=None,
                action=HistoryAction.UPDATE,
                changes={"chased_at": [None, now.isoformat()]},
                reason="回访记录表发出3天未完成,客服催办",
            )
            _request_event(cb, actor=None, kind="escalation", text="回访记录表发出3天未完成,已催办")
            chased += 1
    return chased


# --- owner visits (R-CB-24..29) ----------------------------------------------------------------------------


@transaction.atomic
def visit_plan_create(
    *,
    actor,
    prop: Property,
    title: str,
    period_start: date,
    period_end: date,
    administrator: User,
    building=None,
) -> VisitPlan:
    """R-CB-24: a plan listing every current owner in scope (the whole property or one building)."""
    require(actor, "visit.plan", prop.pk)
    from residents.choices import OccupancyRole
    from residents.models import Occupancy

    if not (title or "").strip():
        raise DomainError("请填写计划名称。(The title is required.)", field="title")
    if period_end < period_start:
        raise DomainError(
            "结束日期不能早于开始日期。(The end cannot be before the start.)", field="period_end"
        )
    if not can(administrator, "visit.record", prop.pk):
        raise DomainError("该人员不能在本项目回访业主。(Not an administrator here.)", field="administrator")
    if building is not None and building.property_id != prop.pk:
        raise DomainError("楼座不属于本项目。(The building is not in this property.)", field="building")
    plan = VisitPlan.objects.create(
        property=prop,
        title=title.strip(),
        period_start=period_start,
        period_end=period_end,
        administrator=administrator,
        building=building,
        created_by=actor,
    )
    occ = Occupancy.objects.filter(
        unit__property=prop,
        end__isnull=True,
        role__in=[OccupancyRole.OWNER, OccupancyRole.COMPANY],
        resident__archived_at__isnull=True,
    )
    if building is not None:
        occ = occ.filter(unit__building=building)
    seen, entries = set(), []
    for rid, uid, key in occ.order_by("resident_id", "unit_id").values_list(
        "resident_id", "unit_id", "resident__is_key_customer"
    ):
        if rid in seen:
            continue
        seen.add(rid)
        entries.append(VisitPlanEntry(plan=plan, resident_id=rid, unit_id=uid, is_key_customer=key))
    VisitPlanEntry.objects.bulk_create(entries, batch_size=2000)
    record(plan, actor=actor, action=HistoryAction.CREATE, reason=f"{len(entries)} 户")
    notify.notify_users(
        [administrator.pk],
        prop=prop,
        title=f"业主回访计划:{plan.title}({len(entries)} 户)",
        link=plan.get_absolute_url(),
    )
    return plan


@transaction.atomic
def visit_record(
    *,
    actor,
    prop: Property,
    resident,
    visited_at: datetime | None = None,
    method: str = CallbackMethod.HOME,
    opinions: str = "",
    suggestions: str = "",
    needs: str = "",
    unit: Unit | None = None,
    plan_entry: VisitPlanEntry | None = None,
) -> OwnerVisit:
    """R-CB-25/26: the owner visit in the 《建议/意见登记表》, reported to the 客服主管 and the manager."""
    require(actor, "visit.record", prop.pk)
    if resident is None or resident.property_id != prop.pk:
        raise DomainError("请选择本项目的业主。(Choose an owner of this property.)", field="resident")
    if unit is not None and unit.property_id != prop.pk:
        raise DomainError("房间不属于本项目。(The unit is not in this property.)", field="unit")
    if method not in CallbackMethod.values:
        raise DomainError("回访方式无效。(Invalid method.)", field="method")
    if not any((x or "").strip() for x in (opinions, suggestions, needs)):
        raise DomainError(
            "请至少记录一条意见、建议或需求。(Record at least one opinion, suggestion or need.)",
            field="opinions",
        )
    now = _now()
    visited_at = visited_at or now
    if visited_at > now + timedelta(minutes=5):
        raise DomainError("回访时间不能晚于现在。(The visit cannot be in the future.)", field="visited_at")
    if plan_entry is not None:
        if plan_entry.plan.property_id != prop.pk or plan_entry.resident_id != resident.pk:
            raise DomainError("计划条目不匹配。(The plan entry does not match.)", field="plan_entry")
        unit = unit or plan_entry.unit
    v = OwnerVisit.objects.create(
        property=prop,
        resident=resident,
        unit=unit,
        plan_entry=plan_entry,
        visited_at=visited_at,
        visitor=actor,
        method=method,
        opinions=(opinions or "").strip(),
        suggestions=(suggestions or "").strip(),
        needs=(needs or "").strip(),
    )
    if plan_entry is not None and plan_entry.visited_at is None:
        VisitPlanEntry.objects.filter(pk=plan_entry.pk).update(visited_at=visited_at)
    record(v, actor=actor, action=HistoryAction.CREATE)
    notify.notify_roles(
        prop,
        [Role.CS_SUPERVISOR, Role.MANAGER],
        title=f"业主回访意见:{resident.name}",
        body=(v.opinions or v.suggestions or v.needs)[:300],
        link=v.get_absolute_url(),
    )
    return v


@transaction.atomic
def visit_feedback(
    *, actor, visit: OwnerVisit, solution: str, satisfaction: str, further_suggestions: str = ""
) -> OwnerVisit:
    """R-CB-27/28: the agreed solution is fed back to the owner and the owner's satisfaction recorded."""
    require(actor, "visit.record", visit.property_id)
    v = OwnerVisit.objects.select_for_update().get(pk=visit.pk)
    if v.status != VisitStatus.RECORDED:
        raise Conflict("已反馈或已归档。(Already fed back or filed.)")
    if not (solution or "").strip():
        raise DomainError("请填写解决方案。(The solution is required.)", field="solution")
    if satisfaction not in Satisfaction.values:
        raise DomainError("请选择业主满意度。(Choose the owner's satisfaction.)", field="satisfaction")
    old = v.status
    v.solution, v.satisfaction = solution.strip(), satisfaction
    v.further_suggestions, v.fed_back_at = (further_suggestions or "").strip(), _now()
    v.status = VisitStatus.FED_BACK
    v.save()
    record_transition(v, actor=actor, from_state=old, reason="解决方案已反馈业主")
    visit.status = v.status
    return v


@transaction.atomic
def visit_review(*, actor, visit: OwnerVisit, signature: str, comment: str = "") -> OwnerVisit:
    """R-CB-29: the 客服主管 reviews and signs; the form is then filed in the owner's archive."""
    require(actor, "visit.review", visit.property_id)
    v = OwnerVisit.objects.select_for_update().get(pk=visit.pk)
    if v.status != VisitStatus.FED_BACK:
        raise Conflict("须先反馈解决方案。(Feed back the solution first.)")
    if not (signature or "").strip():
        raise DomainError("请签名。(The supervisor signs.)", field="signature")
    old = v.status
    v.status, v.reviewed_by, v.reviewed_at = VisitStatus.FILED, actor, _now()
    v.review_comment, v.supervisor_signature = (comment or "").strip(), signature.strip()
    v.save()
    record_transition(v, actor=actor, from_state=old, reason="主管审核签字,归入业主档案")
    visit.status = v.status
    return v


# --- quarterly analysis (R-CB-21..23) -------------------------------------------------------------------


def quarter_bounds(year: int, quarter: int) -> tuple[datetime, datetime]:
    if quarter not in (1, 2, 3, 4):
        raise DomainError("季度应为 1-4。(Quarter must be 1-4.)", field="quarter")
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    mk = timezone.make_aware
    return mk(datetime.combine(start, time.min)), mk(datetime.combine(end, time.min))


def report_file_due(year: int, quarter: int) -> datetime:
    """R-CB-23: the 10th of the next quarter's first month, inclusive → due at the start of the 11th."""
    _, end = quarter_bounds(year, quarter)
    d = timezone.localtime(end).date().replace(day=REPORT_FILE_DAY) + timedelta(days=1)
    return timezone.make_aware(datetime.combine(d, time.min))


@transaction.atomic
def report_generate(*, actor, prop: Property, year: int, quarter: int, analysis: str = "") -> QuarterlyReport:
    """R-CB-21: the quarter's statistical analysis report, from the analysis selector (refreshable until
    the supervisor has reviewed it); the filing deadline is a clock (R-CB-23)."""
    from .selectors import analysis_as_data, quarterly_analysis

    require(actor, "callback.analysis", prop.pk)
    _, end = quarter_bounds(year, quarter)
    now = _now()
    if now < end:
        raise DomainError("季度尚未结束。(The quarter has not ended yet.)", field="quarter")
    data = analysis_as_data(quarterly_analysis(prop=prop, year=year, quarter=quarter))
    rep = (
        QuarterlyReport.objects.select_for_update().filter(property=prop, year=year, quarter=quarter).first()
    )
    if rep is not None:
        if rep.status != ReportStatus.GENERATED:
            raise Conflict("报告已审核,不能重新生成。(The report is already reviewed.)")
        before = snapshot(rep)
        rep.data, rep.generated_by, rep.generated_at = data, actor, now
        if analysis:
            rep.analysis = analysis.strip()
        rep.save()
        record(rep, actor=actor, action=HistoryAction.UPDATE, before=before, reason="重新统计")
        return rep
    rep = QuarterlyReport.objects.create(
        property=prop,
        year=year,
        quarter=quarter,
        data=data,
        analysis=(analysis or "").strip(),
        generated_by=actor,
        generated_at=now,
        file_due_at=report_file_due(year, quarter),
    )
    record(rep, actor=actor, action=HistoryAction.CREATE)
    deadlines.clock_start(
        rep,
        prop=prop,
        kind="file",
        label=f"{rep} 归档",
        duration=max(rep.file_due_at - now, timedelta(seconds=1)),
        responsible=actor,
        link=rep.get_absolute_url(),
        start=now,
    )
    return rep


def _report_step(report, actor, action, from_status, to_status, reason, **fields):
    require(actor, action, report.property_id)
    rep = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
    if rep.status != from_status:
        raise Conflict()
    old = rep.status
    rep.status = to_status
    for k, v in fields.items():
        setattr(rep, k, v)
    rep.save()
    record_transition(rep, actor=actor, from_state=old, reason=reason)
    report.status = rep.status
    return rep


@transaction.atomic
def report_review(*, actor, report: QuarterlyReport, opinion: str) -> QuarterlyReport:
    """R-CB-21: reviewed in writing by the 客服主管."""
    if not (opinion or "").strip():
        raise DomainError("请填写书面审核意见。(The written review is required.)", field="opinion")
    return _report_step(
        report,
        actor,
        "callback.report.review",
        ReportStatus.GENERATED,
        ReportStatus.REVIEWED,
        opinion.strip(),
        review_opinion=opinion.strip(),
        reviewed_by=actor,
        reviewed_at=_now(),
    )


@transaction.atomic
def report_send(*, actor, report: QuarterlyReport, manager: User) -> QuarterlyReport:
    """R-CB-21: sent to the 主任 (the office manager) for action."""
    if manager is None or Role.MANAGER not in {
        m.role for m in Membership.objects.filter(user=manager, property_id=report.property_id, active=True)
    }:
        raise DomainError("请选择本项目的管理处经理。(Choose this property's manager.)", field="manager")
    rep = _report_step(
        report,
        actor,
        "callback.report.review",
        ReportStatus.REVIEWED,
        ReportStatus.SENT,
        f"报送 {manager}",
        sent_to=manager,
        sent_at=_now(),
    )
    notify.notify_users(
        [manager.pk],
        prop=rep.property,
        title=f"请阅处:{rep}",
        link=rep.get_absolute_url(),
        level="warning",
    )
    return rep


@transaction.atomic
def report_file(*, actor, report: QuarterlyReport) -> QuarterlyReport:
    """R-CB-23: the quarter's 《回访记录表》 are archived together with the report; the clock stops."""
    now = _now()
    rep = _report_step(
        report,
        actor,
        "callback.analysis",
        ReportStatus.SENT,
        ReportStatus.FILED,
        "按期归档" if now < report.file_due_at else "逾期归档",
        filed_by=actor,
        filed_at=now,
    )
    start, end = quarter_bounds(rep.year, rep.quarter)
    # One UPDATE for the quarter's finished records; the report's history row names the filing.
    Callback.objects.filter(
        property_id=rep.property_id,
        status=CallbackStatus.CLOSED,
        called_at__gte=start,
        called_at__lt=end,
        archived_at__isnull=True,
    ).update(archived_at=now)
    deadlines.clock_stop(rep, kind="file", now=now)
    return rep


# --- the owner survey (R-CB-30) --------------------------------------------------------------------------


@transaction.atomic
def survey_create(
    *, actor, prop: Property, title: str, distributed_on: date, collect_by: date, questions: list[str]
) -> Survey:
    require(actor, "survey.manage", prop.pk)
    questions = [q.strip() for q in questions or [] if q and q.strip()]
    if not (title or "").strip():
        raise DomainError("请填写调查名称。(The title is required.)", field="title")
    if not questions:
        raise DomainError("请至少填写一个调查项目。(Enter at least one question.)", field="questions")
    if collect_by < distributed_on:
        raise DomainError(
            "回收截止不能早于发放日期。(Collect-by is before distribution.)", field="collect_by"
        )
    s = Survey.objects.create(
        property=prop,
        title=title.strip(),
        distributed_on=distributed_on,
        collect_by=collect_by,
        created_by=actor,
    )
    SurveyQuestion.objects.bulk_create(
        [SurveyQuestion(survey=s, order=i, text=q[:200]) for i, q in enumerate(questions, 1)]
    )
    record(s, actor=actor, action=HistoryAction.CREATE)
    return s


@transaction.atomic
def survey_response_add(
    *,
    actor,
    survey: Survey,
    answers: dict,
    resident=None,
    unit=None,
    comment: str = "",
    collected_at: datetime | None = None,
) -> SurveyResponse:
    """One collected 《业户意见调查表》: a rating per question."""
    require(actor, "survey.manage", survey.property_id)
    if survey.status != SurveyStatus.OPEN:
        raise Conflict("调查已统计上报。(The survey is closed.)")
    for obj, field in ((resident, "resident"), (unit, "unit")):
        if obj is not None and obj.property_id != survey.property_id:
            raise DomainError("不属于本项目。(Not in this property.)", field=field)
    qids = set(survey.questions.values_list("pk", flat=True))
    clean = {}
    for k, v in (answers or {}).items():
        try:
            qid = int(k)
        except (TypeError, ValueError):
            qid = None
        if qid not in qids:
            raise DomainError("调查项目无效。(Unknown question.)", field="answers")
        if v in ("", None):
            continue
        if v not in Satisfaction.values:
            raise DomainError("评价无效。(Invalid rating.)", field="answers")
        clean[qid] = v
    if not clean:
        raise DomainError("请至少填写一项评价。(Rate at least one question.)", field="answers")
    r = SurveyResponse.objects.create(
        survey=survey,
        resident=resident,
        unit=unit,
        comment=(comment or "").strip(),
        collected_at=collected_at or _now(),
        recorded_by=actor,
    )
    SurveyAnswer.objects.bulk_create(
        [SurveyAnswer(response=r, question_id=q, rating=v) for q, v in clean.items()]
    )
    return r


@transaction.atomic
def survey_report(*, actor, survey: Survey, corrective_measures: str) -> Survey:
    """R-CB-30: the feedback counted and reported with proposed corrective measures."""
    require(actor, "survey.manage", survey.property_id)
    s = Survey.objects.select_for_update().get(pk=survey.pk)
    if s.status != SurveyStatus.OPEN:
        raise Conflict("调查已上报。(Already reported.)")
    if not (corrective_measures or "").strip():
        raise DomainError("请填写整改措施。(Corrective measures are required.)", field="corrective_measures")
    if not s.responses.exists():
        raise DomainError("尚未回收任何调查表。(No survey has been collected.)")
    old = s.status
    s.status, s.corrective_measures, s.reported_at = SurveyStatus.CLOSED, corrective_measures.strip(), _now()
    s.save()
    record_transition(s, actor=actor, from_state=old, reason="统计上报")
    notify.notify_roles(
        s.property,
        [Role.MANAGER, Role.CS_SUPERVISOR],
        title=f"业户意见调查统计:{s.title}",
        link=reverse("callbacks:survey", args=[s.pk]),
    )
    survey.status = s.status
    return s
