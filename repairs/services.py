"""Every write of the repairs area. Each service checks the permission first, validates, writes, records the
history and the timeline, and runs the clocks. Times of steps can be given (`at=`) when a clerk keys in a
paper order after the fact; they may not lie in the future nor before the previous step."""

from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import deadlines, notify
from core.choices import DeadlineState, HistoryAction, LocationKind, Role
from core.errors import Conflict, DomainError
from core.history import record, snapshot
from core.models import Deadline, Department, Property
from core.permissions import require, roles_of
from core.rule_settings import setting
from servicedesk import engine
from servicedesk import services as sd
from servicedesk.choices import Channel, EventKind, Priority, RequestKind
from servicedesk.models import ServiceRequest

from .choices import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    AccidentReportStatus,
    ChargeKind,
    HoldReason,
    NotifyMethod,
    PaymentMethod,
    PriceCategory,
    RepairScope,
    RepairStatus,
    Severity,
    SignerRole,
)
from .models import (
    AccidentReport,
    DailyReturn,
    DailyReturnLine,
    LossRecord,
    PriceItem,
    RepairCharge,
    RepairOrder,
    SpareKeyEntry,
)

S = RepairStatus

# --- rule numbers: fixed by the seed, or the defaults of 规则参数 (repairs/permissions.py, core.rule_settings)
COLLECT_WITHIN = timedelta(minutes=5)  # R-REP-07: engineering collects the order within 5 minutes
EMERGENCY_ARRIVE_WITHIN = timedelta(minutes=5)  # R-REP-25: on the scene within 5 minutes
# The seed sets no completion time for a repair; ours: one working day of office time from notification
# (business calendar of the property: windows, lunch break, holidays, 调休). Paused while on hold.
COMPLETE_WITHIN_BUSINESS = timedelta(hours=8)  # R-REP-10 (no time in the seed: 规则参数)
CONFIRM_WITHIN_BUSINESS = timedelta(hours=4)  # R-REP-11: the 管理员 confirms with the resident promptly
PARTS_FOLLOW_UP_BUSINESS = timedelta(hours=8)  # R-REP-12: an order waiting for parts is followed up daily
REMIND_LEAD = timedelta(minutes=30)  # R-REP-13: engineering is reminded this long before the agreed time
ACCIDENT_REPORT_WITHIN_BUSINESS = timedelta(hours=8)  # R-REP-28: the 《事故报告》 "as soon as possible"
DAILY_RETURN_BY = time(17, 0)  # R-REP-23: first copies back before 17:00
SERVICE_FEE_RATE = Decimal("0.20")  # R-REP-16: unlisted repairs: parts + 20% service fee
CENT = Decimal("0.01")

ENGINEERING_ROLES = {Role.ENG_SUPERVISOR, Role.ENGINEER}
SECURITY_ROLES = {Role.SEC_SUPERVISOR, Role.GUARD}
CS_ROLES = {Role.CS_SUPERVISOR, Role.CS_ADMIN, Role.FRONT_DESK, Role.CLERK}

CLOCK_KINDS = ("collect", "arrive", "complete", "confirm", "remind", "follow_up", "accident_report")

# R-PAID-06: the engineering repair fee schedule (labour only; prices blank in the seed).
PRICE_LIST = [
    (
        PriceCategory.INSTALL,
        [
            "日光灯(单管)",
            "日光灯(双管)",
            "导轨灯、普通灯、装饰灯",
            "电源插座、开关",
            "装锁",
            "柜台门",
            "布电源线",
        ],
    ),
    (
        PriceCategory.REPAIR,
        [
            "换灯泡或灯管",
            "修日光灯或吸顶吊灯",
            "修换开关或插座",
            "校准门铰链",
            "换阀门",
            "管道渗漏维修",
            "管道、地漏疏通",
            "换水龙头",
            "加装水龙头",
            "电话机点线路维修",
        ],
    ),
]


# --- helpers -----------------------------------------------------------------------------------------


def _when(
    at: datetime | None, field: str = "at", not_before: datetime | None = None, label: str = ""
) -> datetime:
    now = timezone.now()
    at = at or now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + timedelta(minutes=1):
        raise DomainError(_("时间不能晚于现在。(The time cannot be in the future.)"), field=field)
    if not_before and at < not_before:
        raise DomainError(
            _("时间不能早于%(label)s(%(t)s)。(The time cannot be before %(label)s.)")
            % {"label": label, "t": timezone.localtime(not_before).strftime("%m-%d %H:%M")},
            field=field,
        )
    return at


def _order(request) -> RepairOrder:
    if request.kind != RequestKind.REPAIR:
        raise DomainError(_("这不是报修单。(Not a repair request.)"))
    return RepairOrder.objects.select_for_update().select_related("request").get(pk=request.pk)


def _member_of(user, prop_id: int, roles: set, field: str, label: str):
    if user is None:
        raise DomainError(_("请选择%(label)s。(%(label)s is required.)") % {"label": label}, field=field)
    if not roles_of(user, prop_id) & set(roles):
        raise DomainError(
            _("%(who)s 不是本项目的%(label)s。(%(who)s is not %(label)s of this property.)")
            % {"who": user, "label": label},
            field=field,
        )


def _eng_department(prop_id: int):
    return Department.objects.filter(property_id=prop_id, kind="eng").first()


def _eng_responsible(req: ServiceRequest):
    if req.assignee_id:
        return req.assignee
    from core.models import User

    ids = notify.users_with_roles(req.property_id, [Role.ENG_SUPERVISOR])
    return User.objects.filter(pk__in=ids).order_by("id").first()


def _event(req, *, actor, text, kind=EventKind.NOTE, at=None, data=None):
    return sd.add_event(req, actor=actor, kind=kind, text=text, at=at, data=data)


def _pause(req, kind: str, at: datetime, reason: str):
    dl = deadlines.clock_pause(req, kind=kind, now=at)
    if dl:
        _event(req, actor=None, kind=EventKind.CLOCK, text=f"暂停计时:{reason}", at=at, data={"clock": kind})
    return dl


def _clock(req, kind: str):
    ct = ContentType.objects.get_for_model(ServiceRequest)
    return (
        Deadline.objects.filter(content_type=ct, object_id=req.pk, kind=kind)
        .exclude(state__in=[DeadlineState.MET, DeadlineState.CANCELLED])
        .first()
    )


def _resume(req, kind: str, at: datetime):
    open_clock = _clock(req, kind)
    if not open_clock or open_clock.state != DeadlineState.PAUSED:
        return open_clock
    dl = deadlines.clock_resume(req, kind=kind, now=at)
    if dl:
        _event(
            req,
            actor=None,
            kind=EventKind.CLOCK,
            text=f"恢复计时,新到期 {timezone.localtime(dl.due_at):%m-%d %H:%M}",
            at=at,
            data={"clock": kind},
        )
    return dl


def _stop(req, kind: str, at: datetime | None = None):
    return deadlines.clock_stop(req, kind=kind, now=at)


def stop_all_clocks(req, at: datetime | None = None):
    for kind in CLOCK_KINDS:
        _stop(req, kind, at)


def _save(order: RepairOrder, before: dict, actor, fields: list[str], reason: str = ""):
    order.save(update_fields=[*fields, "updated_at"])
    record(order, actor=actor, action=HistoryAction.UPDATE, before=before, reason=reason)


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _notify_engineering(req, title: str, *, dedupe_key: str | None = None, level: str = "info"):
    notify.notify_roles(
        req.property,
        ENGINEERING_ROLES,
        title=f"{title}:{req.number} {req.place()}",
        body=req.description[:300],
        link=req.get_absolute_url(),
        level=level,
        dedupe_key=dedupe_key,
    )


# --- the price list (R-PAID-06) -----------------------------------------------------------------------


def price_list_seed(*, prop: Property) -> int:
    """Put the R-PAID-06 items on a property's fee schedule (idempotent; prices stay blank to be entered)."""
    made = 0
    for category, names in PRICE_LIST:
        for seq, name in enumerate(names, start=1):
            _, created = PriceItem.objects.get_or_create(
                property=prop, category=category, seq=seq, defaults={"name": name}
            )
            made += created
    return made


@transaction.atomic
def price_item_update(*, actor, item: PriceItem, price, active: bool = True) -> PriceItem:
    require(actor, "repairs.price_list", item.property_id)
    price = _money(price, "price", allow_zero=True) if price not in (None, "") else None
    before = snapshot(item)
    item.price, item.active = price, active
    item.save(update_fields=["price", "active", "updated_at"])
    record(item, actor=actor, action=HistoryAction.UPDATE, before=before)
    return item


def _money(value, field: str, *, allow_zero: bool = False) -> Decimal:
    try:
        d = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("金额格式错误。(Invalid amount.)"), field=field) from None
    if d < 0 or (d == 0 and not allow_zero):
        raise DomainError(_("金额必须大于 0。(The amount must be positive.)"), field=field)
    return d


# --- intake (R-REP-03/04/17/20) -----------------------------------------------------------------------


@transaction.atomic
def repair_create(
    *,
    actor,
    prop: Property,
    scope: str,
    description: str,
    reporter_name: str,
    contact_phone: str = "",
    reporter=None,
    unit=None,
    location=None,
    location_detail: str = "",
    title: str = "",
    channel: str = Channel.PHONE,
    special_requests: str = "",
    available_times: str = "",
    appointment_at: datetime | None = None,
    spare_key_allowed: bool = False,
    accompany_requested: bool = False,
    reporter_department: str = "",
    is_paid: bool = False,
    received_at: datetime | None = None,
    notify_now: bool = True,
    notify_method: str = NotifyMethod.PHONE,
    assignee=None,
) -> ServiceRequest:
    """Record a repair and fill the 《工程维修单》; by default engineering is notified at once (R-REP-05)."""
    require(actor, "repairs.create", prop.pk)
    if scope not in RepairScope.values:
        raise DomainError(_("请选择报修范围。(Choose the scope.)"), field="scope")
    if scope == RepairScope.UNIT:
        if unit is None:  # R-REP-03: 房号
            raise DomainError(_("户内报修须填写房号。(An in-unit repair needs the unit.)"), field="unit")
        location = None
    else:
        spare_key_allowed = False
        if location is None and not (location_detail or "").strip():
            raise DomainError(_("请填写报修位置。(The location is required.)"), field="location")
        want = LocationKind.CLUBHOUSE if scope == RepairScope.CLUBHOUSE else LocationKind.PUBLIC_AREA
        if location is not None and location.kind != want:
            raise DomainError(
                _("所选位置不属于%(scope)s。(The location does not match the scope.)")
                % {"scope": RepairScope(scope).label},
                field="location",
            )
        if scope == RepairScope.PUBLIC and not (reporter_department or "").strip():
            # R-REP-17: 姓名、部门、报修的内容及位置
            raise DomainError(
                _("请填写报修人部门。(The reporter's department is required.)"), field="reporter_department"
            )
    received_at = _when(received_at, "received_at")
    req = sd.request_create(
        actor=actor,
        prop=prop,
        kind=RequestKind.REPAIR,
        channel=channel,
        title=(title or description)[:60],
        description=description,
        reporter_name=reporter_name,
        contact_phone=contact_phone,
        reporter=reporter,
        unit=unit,
        location=location,
        location_detail=location_detail,
        category=scope,
        received_at=received_at,
        action="repairs.create",
    )
    order = RepairOrder.objects.create(
        request=req,
        scope=scope,
        special_requests=(special_requests or "").strip(),
        available_times=(available_times or "").strip(),
        appointment_at=appointment_at,
        spare_key_allowed=bool(spare_key_allowed),
        accompany_requested=bool(accompany_requested),
        reporter_department=(reporter_department or "").strip(),
        is_paid=bool(is_paid),
    )
    record(order, actor=actor, action=HistoryAction.CREATE)
    if notify_now:
        repair_notify(actor=actor, request=req, method=notify_method, assignee=assignee, at=received_at)
    return req


@transaction.atomic
def repair_notify(
    *, actor, request, method: str = NotifyMethod.PHONE, assignee=None, at=None
) -> ServiceRequest:
    """R-REP-05: engineering is told by phone or walkie-talkie to collect the order; the 5-minute collection
    clock (R-REP-07) and the completion clock start now (an emergency: the 5-minute arrival clock, R-REP-25)."""
    require(actor, "repairs.dispatch", request.property_id)
    order = _order(request)
    if method not in NotifyMethod.values:
        raise DomainError(_("请选择通知方式。(Choose how engineering was told.)"), field="method")
    at = _when(at, "at", request.received_at, _("受理时间"))
    if assignee is not None:
        _member_of(assignee, request.property_id, ENGINEERING_ROLES, "assignee", _("工程部人员"))
    how = NotifyMethod(method).label
    sd.request_transition(
        actor=actor, request=request, name="notify", reason=f"已{how}通知工程部取单", data={"method": method}
    )
    sd.request_assign(
        actor=actor,
        request=request,
        department=_eng_department(request.property_id),
        assignee=assignee,
        action="repairs.dispatch",
    )
    before = snapshot(order)
    order.notified_at, order.notified_by, order.notify_method = at, actor, method
    _save(order, before, actor, ["notified_at", "notified_by", "notify_method"])
    responsible = _eng_responsible(request)
    if request.is_emergency:
        sd.clock_start(
            request,
            kind="arrive",
            label=_("紧急:5分钟内到场"),
            duration=EMERGENCY_ARRIVE_WITHIN,
            responsible=responsible,
            start=at,
        )
        _notify_engineering(request, "紧急报修,立即到场", level="danger")
    else:
        sd.clock_start(
            request,
            kind="collect",
            label=_("工程部5分钟内接单"),
            duration=COLLECT_WITHIN,
            responsible=responsible,
            start=at,
        )
        sd.clock_start(
            request,
            kind="complete",
            label=_("维修完成"),
            duration=setting(request.property, "repairs.complete_within"),
            business_hours=True,
            responsible=responsible,
            start=at,
        )
        _notify_engineering(request, "请到客服部领取工程维修单")
    return request


# --- engineering's steps (R-REP-07..10) ----------------------------------------------------------------


@transaction.atomic
def repair_collect(*, actor, request, collector, signature: str = "", at=None) -> RepairOrder:
    """R-REP-08: the collector signs in the 工程部接单时间 column; more than 5 minutes after notification is late."""
    require(actor, "repairs.work", request.property_id)
    order = _order(request)
    _member_of(collector, request.property_id, ENGINEERING_ROLES, "collector", _("工程部取单人"))
    at = _when(at, "at", order.notified_at, _("通知时间"))
    waited = at - order.notified_at if order.notified_at else timedelta(0)
    late = waited > COLLECT_WITHIN
    sign = (signature or "").strip() or str(collector)
    text = f"{sign} 签字接单,通知后 {_minutes(waited)} 分钟" + (",超过5分钟" if late else "")
    sd.request_transition(actor=actor, request=request, name="collect", reason=text)
    before = snapshot(order)
    order.collected_at, order.collector, order.collector_signature, order.collect_late = (
        at,
        collector,
        sign,
        late,
    )
    _save(order, before, actor, ["collected_at", "collector", "collector_signature", "collect_late"])
    _stop(request, "collect", at)
    if request.assignee_id is None:
        sd.request_assign(
            actor=actor,
            request=request,
            department=_eng_department(request.property_id),
            assignee=collector,
            action="repairs.work",
        )
    return order


@transaction.atomic
def repair_arrive(*, actor, request, at=None, cs_on_site: bool = False) -> RepairOrder:
    """R-REP-09 / R-REP-25: the engineer (with the 管理员 when asked, or in an emergency) is on site."""
    require(actor, "repairs.work", request.property_id)
    order = _order(request)
    at = _when(at, "at", order.collected_at or order.notified_at, _("接单时间"))
    was_on_hold = request.status == S.ON_HOLD
    late = bool(
        request.is_emergency and order.notified_at and at - order.notified_at > EMERGENCY_ARRIVE_WITHIN
    )
    text = _("已到场")
    if request.is_emergency and order.notified_at:
        text += f",通知后 {_minutes(at - order.notified_at)} 分钟" + (",超过5分钟" if late else "")
    if cs_on_site:
        text += _(",管理员同到现场")
    sd.request_transition(actor=actor, request=request, name="arrive", reason=text)
    before = snapshot(order)
    order.arrived_at, order.cs_on_site, order.arrive_late = at, bool(cs_on_site), late
    _save(order, before, actor, ["arrived_at", "cs_on_site", "arrive_late"])
    _stop(request, "arrive", at)
    if was_on_hold:
        _leave_hold(request, order, at)
    return order


def _leave_hold(request, order, at):
    _resume(request, "complete", at)
    _stop(request, "remind", at)
    _stop(request, "follow_up", at)


@transaction.atomic
def repair_hold(
    *,
    actor,
    request,
    reason_kind: str,
    reason: str,
    resident_agreed: bool = False,
    rescheduled_for: datetime | None = None,
    at=None,
) -> RepairOrder:
    """R-REP-12: cannot finish now (e.g. parts missing) — the resident is told why and agrees, engineering
    is informed, the order stays followed. R-REP-13: the resident is not home — a new time is agreed and
    engineering is reminded before it. The completion clock is paused meanwhile."""
    require(actor, "repairs.dispatch", request.property_id)
    order = _order(request)
    if reason_kind not in HoldReason.values:
        raise DomainError(_("请选择暂停原因。(Choose the reason.)"), field="reason_kind")
    if not (reason or "").strip():
        raise DomainError(_("请填写未能立即维修的原因。(The reason is required.)"), field="reason")
    if reason_kind == HoldReason.PARTS and not resident_agreed:
        raise DomainError(
            _("须先告知业户原因并得到业户谅解。(Tell the resident why and get their agreement first.)"),
            field="resident_agreed",
        )
    at = _when(at, "at", order.collected_at or order.notified_at, _("接单时间"))
    if reason_kind == HoldReason.NOT_HOME and not rescheduled_for:
        raise DomainError(
            _("业户不在家时须与业户约定再次维修的时间。(Agree a new time with the resident.)"),
            field="rescheduled_for",
        )
    if rescheduled_for and rescheduled_for <= at:
        raise DomainError(_("约定时间须晚于现在。(The agreed time must be later.)"), field="rescheduled_for")
    label = HoldReason(reason_kind).label
    text = f"{label}:{reason.strip()}" + ("(业户已同意)" if resident_agreed else "")
    if rescheduled_for:
        text += f";约定 {timezone.localtime(rescheduled_for):%m-%d %H:%M} 再次维修"
    sd.request_transition(
        actor=actor, request=request, name="hold", reason=text, data={"reason_kind": reason_kind}
    )
    before = snapshot(order)
    order.hold_reason_kind, order.hold_reason, order.held_at = reason_kind, reason.strip(), at
    order.resident_agreed = bool(resident_agreed)
    order.reminded_at = None
    _set_reschedule(order, rescheduled_for, at, request.property)
    _save(
        order,
        before,
        actor,
        [
            "hold_reason_kind",
            "hold_reason",
            "held_at",
            "resident_agreed",
            "rescheduled_for",
            "remind_at",
            "reminded_at",
        ],
    )
    _pause(request, "complete", at, label)
    if rescheduled_for:
        _start_remind_clock(request, order, actor, at)
    else:
        sd.clock_start(
            request,
            kind="follow_up",
            label=_("缺料跟进"),
            duration=setting(request.property, "repairs.parts_follow_up"),
            business_hours=True,
            responsible=actor,
            start=at,
        )
    _notify_engineering(request, f"报修暂停({label})")  # R-REP-12: the result is passed to engineering
    return order


def _set_reschedule(order, rescheduled_for, at, prop):
    order.rescheduled_for = rescheduled_for
    lead = setting(prop, "repairs.remind_lead")  # R-REP-13
    order.remind_at = max(rescheduled_for - lead, at) if rescheduled_for else None


def _start_remind_clock(request, order, actor, at):
    sd.clock_start(
        request,
        kind="remind",
        label=_("约定时间前提醒工程部"),
        duration=order.remind_at - at,
        responsible=actor,
        start=at,
    )


@transaction.atomic
def repair_reschedule(*, actor, request, rescheduled_for: datetime, note: str = "", at=None) -> RepairOrder:
    """R-REP-13: a (new) time agreed with the resident for an order on hold."""
    require(actor, "repairs.dispatch", request.property_id)
    order = _order(request)
    if request.status != S.ON_HOLD:
        raise Conflict(_("只有暂停中的报修可以改约时间。(Only an order on hold can be rescheduled.)"))
    at = _when(at)
    if not rescheduled_for or rescheduled_for <= at:
        raise DomainError(_("约定时间须晚于现在。(The agreed time must be later.)"), field="rescheduled_for")
    before = snapshot(order)
    _set_reschedule(order, rescheduled_for, at, request.property)
    order.reminded_at = None
    _save(order, before, actor, ["rescheduled_for", "remind_at", "reminded_at"], reason=note)
    _event(
        request,
        actor=actor,
        kind=EventKind.CALL,
        at=at,
        text=f"与业户约定 {timezone.localtime(rescheduled_for):%m-%d %H:%M} 再次维修 {note}".strip(),
    )
    _stop(request, "follow_up", at)
    _start_remind_clock(request, order, actor, at)
    _notify_engineering(request, f"报修改约 {timezone.localtime(rescheduled_for):%m-%d %H:%M}")
    return order


@transaction.atomic
def repair_follow_up(*, actor, request, text: str) -> None:
    """R-REP-12: the order waiting for parts keeps being followed; each follow-up restarts its clock."""
    require(actor, "repairs.dispatch", request.property_id)
    _order(request)
    if request.status != S.ON_HOLD:
        raise Conflict(_("只有暂停中的报修需要跟进。(Only an order on hold is followed up.)"))
    sd.request_note(actor=actor, request=request, text=text, kind=EventKind.CALL, action="repairs.dispatch")
    sd.clock_start(
        request,
        kind="follow_up",
        label=_("缺料跟进"),
        duration=setting(request.property, "repairs.parts_follow_up"),
        business_hours=True,
        responsible=actor,
    )


@transaction.atomic
def repair_resume(*, actor, request, note: str = "", at=None) -> RepairOrder:
    """Back to work after a hold (parts in, resident back): the completion clock runs again."""
    require(actor, "repairs.work", request.property_id)
    order = _order(request)
    at = _when(at, "at", order.held_at, _("暂停时间"))
    sd.request_transition(actor=actor, request=request, name="resume", reason=note or _("恢复维修"))
    _leave_hold(request, order, at)
    return order


def repairs_due_actions(now: datetime | None = None) -> dict:
    """Periodic (idempotent): R-REP-13 reminders before the agreed time, and the completion clock resumed at
    the agreed time (the paused time up to it is not counted)."""
    now = now or timezone.now()
    counts = {"reminded": 0, "resumed": 0}
    due = RepairOrder.objects.filter(
        request__status=S.ON_HOLD, remind_at__lte=now, reminded_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            if RepairOrder.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now) != 1:
                continue
            order = RepairOrder.objects.select_related("request__property", "request__assignee").get(pk=pk)
            req = order.request
            when = timezone.localtime(order.rescheduled_for)
            title = f"约定 {when:%m-%d %H:%M} 上门维修,请准时前往"
            _notify_engineering(
                req, title, dedupe_key=f"repair-remind-{pk}-{order.rescheduled_for:%Y%m%d%H%M}"
            )
            _event(req, actor=None, kind=EventKind.NOTE, text=f"已提醒工程部:{title}", at=now)
            _stop(req, "remind", now)
            counts["reminded"] += 1
    ct_orders = RepairOrder.objects.filter(
        request__status=S.ON_HOLD, rescheduled_for__lte=now
    ).select_related("request")
    for order in ct_orders:
        req = order.request
        with transaction.atomic():
            dl = _clock(req, "complete")
            if dl and dl.state == DeadlineState.PAUSED:
                _resume(req, "complete", order.rescheduled_for)
                counts["resumed"] += 1
    return counts


@transaction.atomic
def repair_complete(
    *,
    actor,
    request,
    result: str,
    repairer_signature: str,
    signer_name: str = "",
    signer_role: str = "",
    resident_comment: str = "",
    reported_to_cs: bool = False,
    at=None,
) -> RepairOrder:
    """R-REP-10: the result is checked and signed by the resident (R-REP-21: by the clubhouse staff for a
    clubhouse repair) and by the repairer, with the completion time and the result."""
    require(actor, "repairs.work", request.property_id)
    order = _order(request)
    if not (result or "").strip():
        raise DomainError(_("请填写维修结果。(The result is required.)"), field="result")
    if not (repairer_signature or "").strip():
        raise DomainError(_("请维修人签字。(The repairer must sign.)"), field="repairer_signature")
    signer_name = (signer_name or "").strip()
    if signer_name:
        signer_role = _check_signer_role(order, signer_role)
    _check_charges_settled(order)
    at = _when(at, "at", order.arrived_at, _("到场时间"))
    text = f"完工:{result.strip()};维修人 {repairer_signature.strip()}"
    if signer_name:
        text += f";{SignerRole(signer_role).label} {signer_name} 签字"
    sd.request_transition(actor=actor, request=request, name="complete", reason=text)
    before = snapshot(order)
    order.completed_at, order.result, order.repairer_signature = (
        at,
        result.strip(),
        repairer_signature.strip(),
    )
    order.signer_name, order.signer_role = signer_name, signer_role if signer_name else ""
    order.signed_at = at if signer_name else None
    order.resident_comment = (resident_comment or "").strip()
    if reported_to_cs:
        order.engineer_reported_at = at
    _save(
        order,
        before,
        actor,
        [
            "completed_at",
            "result",
            "repairer_signature",
            "signer_name",
            "signer_role",
            "signed_at",
            "resident_comment",
            "engineer_reported_at",
        ],
    )
    _stop(request, "complete", at)
    if reported_to_cs:
        _event(request, actor=actor, kind=EventKind.CALL, text=_("工程部电话通知客服:已完工"), at=at)
    sd.clock_start(
        request,
        kind="confirm",
        label=_("客服与业户确认维修结果"),
        duration=setting(request.property, "repairs.confirm_within"),
        business_hours=True,
        responsible=request.created_by,
        start=at,
    )
    if request.is_emergency:
        sd.clock_start(
            request,
            kind="accident_report",
            label=_("填写《事故报告》上报客服主管"),
            duration=setting(request.property, "repairs.accident_report_within"),
            business_hours=True,
            responsible=request.created_by,
            start=at,
        )
    return order


def _check_signer_role(order, signer_role):
    if order.scope == RepairScope.CLUBHOUSE:
        if signer_role not in ("", SignerRole.CLUBHOUSE):
            raise DomainError(
                _("会所维修须由会所服务人员签字认可。(A clubhouse repair is signed by clubhouse staff.)"),
                field="signer_role",
            )
        return SignerRole.CLUBHOUSE
    if order.scope == RepairScope.UNIT:
        return SignerRole.RESIDENT
    return signer_role if signer_role in SignerRole.values else SignerRole.REPORTER


def _check_charges_settled(order):
    """R-REP-15: every price told and agreed by the resident, and the payment method noted."""
    charges = list(order.charges.all())
    if any(c.resident_confirmed_at is None for c in charges):
        raise DomainError(
            _("有收费项目未经业户确认。(The resident has not agreed to every charge.)"), field="charges"
        )
    if charges and not order.payment_method:
        raise DomainError(_("有偿维修须注明交费方式。(Note the payment method.)"), field="payment_method")


@transaction.atomic
def repair_sign(*, actor, request, signer_name: str, signer_role: str = "", comment: str = "", at=None):
    """A signature obtained after the work (e.g. the resident was out during a spare-key repair)."""
    require(actor, "repairs.work", request.property_id)
    order = _order(request)
    if request.status != S.COMPLETED:
        raise Conflict(_("只有已完工的报修可以补签。(Only a completed order can be signed.)"))
    if not (signer_name or "").strip():
        raise DomainError(_("请填写签字人。(The signer is required.)"), field="signer_name")
    signer_role = _check_signer_role(order, signer_role)
    at = _when(at, "at", order.completed_at, _("完成时间"))
    before = snapshot(order)
    order.signer_name, order.signer_role, order.signed_at = signer_name.strip(), signer_role, at
    if comment:
        order.resident_comment = comment.strip()
    _save(order, before, actor, ["signer_name", "signer_role", "signed_at", "resident_comment"])
    _event(
        request,
        actor=actor,
        text=f"{SignerRole(signer_role).label} {order.signer_name} 签字确认 {comment}".strip(),
        at=at,
    )
    return order


@transaction.atomic
def repair_report_done(*, actor, request, at=None) -> RepairOrder:
    """R-REP-11 / R-REP-19 / R-REP-21: after the repair engineering phones the result to the 管理员."""
    require(actor, "repairs.work", request.property_id)
    order = _order(request)
    if request.status != S.COMPLETED:
        raise Conflict(_("报修尚未完工。(The repair is not completed.)"))
    at = _when(at, "at", order.completed_at, _("完成时间"))
    before = snapshot(order)
    order.engineer_reported_at = at
    _save(order, before, actor, ["engineer_reported_at"])
    _event(request, actor=actor, kind=EventKind.CALL, text=_("工程部电话通知客服:已完工"), at=at)
    return order


@transaction.atomic
def repair_confirm(*, actor, request, note: str, at=None) -> RepairOrder:
    """R-REP-11: the 管理员 confirms again with the resident that everything works; only then is it done.
    The callback (R-CB-12, within a week) is scheduled by whoever listens to announce_completed."""
    require(actor, "repairs.dispatch", request.property_id)
    order = _order(request)
    if not order.signer_name:
        raise DomainError(
            _("须有业户(或会所人员)签字后方可确认完成。(The resident's signature is required.)"),
            field="signer_name",
        )
    if not order.engineer_reported_at:
        raise DomainError(
            _("工程部尚未电话通知客服完工。(Engineering has not reported the completion.)"),
            field="engineer_reported",
        )
    if not (note or "").strip():
        raise DomainError(_("请记录与业户确认的情况。(Record what the resident said.)"), field="note")
    if request.is_emergency:
        report = AccidentReport.objects.filter(order=order).first()
        if report is None or report.status == AccidentReportStatus.DRAFT:
            raise DomainError(
                _("紧急维修须先填写《事故报告》并上报客服主管。(Submit the accident report first.)"),
                field="accident_report",
            )
    at = _when(at, "at", order.completed_at, _("完成时间"))
    sd.request_transition(actor=actor, request=request, name="confirm", reason=f"与业户确认:{note.strip()}")
    before = snapshot(order)
    order.cs_confirmed_at, order.cs_confirmed_by, order.cs_confirm_note = at, actor, note.strip()
    _save(order, before, actor, ["cs_confirmed_at", "cs_confirmed_by", "cs_confirm_note"])
    _stop(request, "confirm", at)
    engine.announce_completed(request, actor)
    return order


def after_reopen(req, actor):
    """A reopened order goes back to engineering: the step data is cleared (kept in history), clocks restart."""
    order = RepairOrder.objects.select_for_update().get(pk=req.pk)
    before = snapshot(order)
    now = timezone.now()
    for f in (
        "collected_at",
        "arrived_at",
        "completed_at",
        "signed_at",
        "engineer_reported_at",
        "cs_confirmed_at",
        "held_at",
        "rescheduled_for",
        "remind_at",
        "reminded_at",
    ):
        setattr(order, f, None)
    for f in (
        "collector_signature",
        "result",
        "repairer_signature",
        "signer_name",
        "signer_role",
        "resident_comment",
        "cs_confirm_note",
        "hold_reason_kind",
        "hold_reason",
    ):
        setattr(order, f, "")
    order.collector = order.cs_confirmed_by = None
    order.collect_late = order.arrive_late = order.resident_agreed = False
    order.notified_at, order.notified_by = now, actor
    order.save()
    record(order, actor=actor, action=HistoryAction.UPDATE, before=before, reason="reopen")
    stop_all_clocks(req, now)
    responsible = _eng_responsible(req)
    sd.clock_start(
        req, kind="collect", label=_("工程部5分钟内接单"), duration=COLLECT_WITHIN, responsible=responsible
    )
    sd.clock_start(
        req,
        kind="complete",
        label=_("维修完成"),
        duration=setting(req.property, "repairs.complete_within"),
        business_hours=True,
        responsible=responsible,
    )
    _notify_engineering(req, "报修重新打开,请领取工程维修单", level="warning")


# --- spare-key entry (R-REP-14) ------------------------------------------------------------------------


@transaction.atomic
def repair_spare_key_reconfirm(*, actor, request, note: str, at=None) -> RepairOrder:
    """R-REP-14: the resident's permission to enter with the spare key is recorded and reconfirmed."""
    require(actor, "repairs.dispatch", request.property_id)
    order = _order(request)
    if order.scope != RepairScope.UNIT or not order.spare_key_allowed:
        raise DomainError(
            _("业户未允许户内无人时用备用钥匙进入。(The resident has not allowed entry with the spare key.)"),
            field="spare_key_allowed",
        )
    if not (note or "").strip():
        raise DomainError(_("请记录与业户复核的情况。(Record the reconfirmation.)"), field="note")
    at = _when(at)
    before = snapshot(order)
    order.spare_key_reconfirmed_at, order.spare_key_reconfirmed_by = at, actor
    order.spare_key_reconfirm_note = note.strip()
    _save(
        order,
        before,
        actor,
        ["spare_key_reconfirmed_at", "spare_key_reconfirmed_by", "spare_key_reconfirm_note"],
    )
    _event(
        request, actor=actor, kind=EventKind.CALL, text=f"与业户复核备用钥匙入户授权:{note.strip()}", at=at
    )
    return order


@transaction.atomic
def spare_key_enter(
    *,
    actor,
    request,
    cs_person,
    security_person,
    engineering_person,
    entered_at=None,
    key_reference: str = "",
    note: str = "",
) -> SpareKeyEntry:
    """R-REP-14: the 管理员 and 秩序维护部 staff accompany engineering; all three departments present."""
    require(actor, "repairs.spare_key", request.property_id)
    order = _order(request)
    pid = request.property_id
    _member_of(cs_person, pid, CS_ROLES, "cs_person", _("客服部人员"))
    _member_of(security_person, pid, SECURITY_ROLES, "security_person", _("秩序维护部人员"))
    _member_of(engineering_person, pid, ENGINEERING_ROLES, "engineering_person", _("工程部人员"))
    if not order.spare_key_allowed or not order.spare_key_reconfirmed_at:
        raise DomainError(
            _(
                "须有业户允许并经复核后方可用备用钥匙入户。(The resident's permission must be recorded and reconfirmed.)"
            ),
            field="spare_key_allowed",
        )
    if request.status not in {S.COLLECTED, S.ARRIVED, S.ON_HOLD}:
        raise Conflict(_("工程部接单后方可入户维修。(Engineering must have collected the order.)"))
    if order.key_entries.filter(left_at__isnull=True).exists():
        raise Conflict(_("已有人员在户内,请先登记离开。(An entry is still open.)"))
    entered_at = _when(entered_at, "entered_at", order.spare_key_reconfirmed_at, _("授权复核时间"))
    entry = SpareKeyEntry.objects.create(
        order=order,
        cs_person=cs_person,
        security_person=security_person,
        engineering_person=engineering_person,
        entered_at=entered_at,
        key_reference=(key_reference or "").strip(),
        note=(note or "").strip(),
        recorded_by=actor,
    )
    record(entry, actor=actor, action=HistoryAction.CREATE)
    _event(
        request,
        actor=actor,
        at=entered_at,
        text=f"备用钥匙入户:客服 {cs_person}、秩序维护 {security_person}、工程 {engineering_person} 三方同时在场",
    )
    return entry


@transaction.atomic
def spare_key_leave(*, actor, entry: SpareKeyEntry, left_at=None) -> SpareKeyEntry:
    """R-REP-14: when one department leaves, the other two leave too — one leaving time for all three."""
    entry = SpareKeyEntry.objects.select_for_update().select_related("order__request").get(pk=entry.pk)
    request = entry.order.request
    require(actor, "repairs.spare_key", request.property_id)
    if entry.left_at:
        raise Conflict(_("已登记离开。(Already left.)"))
    left_at = _when(left_at, "left_at", entry.entered_at, _("进入时间"))
    before = snapshot(entry)
    entry.left_at = left_at
    entry.save(update_fields=["left_at", "updated_at"])
    record(entry, actor=actor, action=HistoryAction.UPDATE, before=before)
    _event(request, actor=actor, at=left_at, text=_("三方人员同时离开业户房间,锁门"))
    return entry


# --- paid repairs (R-REP-15, R-REP-16, R-PAID-06) -----------------------------------------------------


def off_list_fee(amount: Decimal) -> Decimal:
    """R-REP-16: the service fee on the parts of a repair not on the fee schedule."""
    return (amount * SERVICE_FEE_RATE).quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def repair_charge_add(
    *,
    actor,
    request,
    kind: str,
    description: str = "",
    price_item: PriceItem | None = None,
    quantity=1,
    unit_price=None,
) -> RepairCharge:
    """A priced line told to the resident before the work (R-REP-15)."""
    require(actor, "repairs.charge", request.property_id)
    order = _order(request)
    if request.status in FINISHED_STATUSES:
        raise Conflict(_("完工后不能再增加收费项目。(No charges after completion.)"))
    if kind not in ChargeKind.values:
        raise DomainError(_("请选择收费类型。(Choose the kind of charge.)"), field="kind")
    qty = _money(quantity, "quantity")
    description = (description or "").strip()
    if kind == ChargeKind.LABOUR:
        if price_item is None or price_item.property_id != request.property_id or not price_item.active:
            raise DomainError(
                _("请选择收费标准项目。(Choose an item of the fee schedule.)"), field="price_item"
            )
        if price_item.price is None:
            raise DomainError(
                _("该项目尚未定价,请先在收费标准中填写价格。(This item has no price yet.)"),
                field="price_item",
            )
        price = price_item.price
        description = description or price_item.name
    else:
        if not description:
            raise DomainError(_("请填写材料/零部件名称。(Name the material or part.)"), field="description")
        if unit_price in (None, ""):
            raise DomainError(_("请填写单价。(The unit price is required.)"), field="unit_price")
        price = _money(unit_price, "unit_price")
        if kind == ChargeKind.OFF_LIST:
            price_item = None
    amount = (qty * price).quantize(CENT, rounding=ROUND_HALF_UP)
    fee = off_list_fee(amount) if kind == ChargeKind.OFF_LIST else Decimal("0.00")
    charge = RepairCharge.objects.create(
        order=order,
        kind=kind,
        price_item=price_item if kind != ChargeKind.OFF_LIST else None,
        description=description[:200],
        quantity=qty,
        unit_price=price,
        amount=amount,
        service_fee=fee,
        total=amount + fee,
        added_by=actor,
    )
    record(charge, actor=actor, action=HistoryAction.CREATE)
    if not order.is_paid:
        before = snapshot(order)
        order.is_paid = True
        _save(order, before, actor, ["is_paid"])
    text = f"收费项目:{ChargeKind(kind).label} {description} {qty}×{price} = {amount}"
    if fee:
        text += f" + 服务费 {fee}(20%)= {charge.total}"
    _event(request, actor=actor, text=text, data={"charge": charge.pk})
    return charge


@transaction.atomic
def repair_charges_confirm(*, actor, request, resident_name: str, at=None) -> int:
    """R-REP-15: the resident agrees to pay the prices told, before the work."""
    require(actor, "repairs.charge", request.property_id)
    order = _order(request)
    if request.status in FINISHED_STATUSES:
        raise Conflict(_("完工后不能再确认价格。(Prices are agreed before the work.)"))
    if not (resident_name or "").strip():
        raise DomainError(_("请填写确认的业户姓名。(Who agreed?)"), field="resident_name")
    at = _when(at)
    pending = list(order.charges.filter(resident_confirmed_at__isnull=True))
    if not pending:
        raise DomainError(_("没有待确认的收费项目。(Nothing to confirm.)"), field="charges")
    total = sum((c.total for c in pending), Decimal("0.00"))
    RepairCharge.objects.filter(pk__in=[c.pk for c in pending]).update(
        resident_confirmed_at=at, resident_confirmed_name=resident_name.strip()
    )
    _event(
        request,
        actor=actor,
        kind=EventKind.CALL,
        at=at,
        text=f"业户 {resident_name.strip()} 确认同意支付 {total} 元({len(pending)} 项)",
    )
    return len(pending)


@transaction.atomic
def repair_set_payment(*, actor, request, method: str) -> RepairOrder:
    """R-REP-15: the payment method (交费方式) noted on the order."""
    require(actor, "repairs.charge", request.property_id)
    order = _order(request)
    if method not in PaymentMethod.values:
        raise DomainError(_("请选择交费方式。(Choose the payment method.)"), field="method")
    before = snapshot(order)
    order.payment_method, order.is_paid = method, True
    _save(order, before, actor, ["payment_method", "is_paid"])
    _event(request, actor=actor, text=f"交费方式:{PaymentMethod(method).label}")
    return order


# --- emergencies (R-REP-25..28) ------------------------------------------------------------------------


@transaction.atomic
def repair_emergency_create(
    *,
    actor,
    prop: Property,
    description: str,
    severity: str,
    reporter_name: str,
    contact_phone: str = "",
    reporter=None,
    unit=None,
    location=None,
    location_detail: str = "",
    method: str = NotifyMethod.RADIO,
    at=None,
) -> ServiceRequest:
    """R-REP-25: no paper first — engineering is told at once with the room and the severity, the 5-minute
    arrival clock starts; R-REP-26: the 客服主管 is informed with the details."""
    require(actor, "repairs.create", prop.pk)
    if severity not in Severity.values:
        raise DomainError(_("请选择严重程度。(Choose the severity.)"), field="severity")
    if unit is None and location is None and not (location_detail or "").strip():
        raise DomainError(_("请填写房间号或位置。(The room or place is required.)"), field="unit")
    at = _when(at, "at")
    scope = (
        RepairScope.UNIT
        if unit
        else (
            RepairScope.CLUBHOUSE
            if location is not None and location.kind == LocationKind.CLUBHOUSE
            else RepairScope.PUBLIC
        )
    )
    req = sd.request_create(
        actor=actor,
        prop=prop,
        kind=RequestKind.REPAIR,
        channel=Channel.PHONE,
        title=f"紧急:{description}"[:60],
        description=description,
        reporter_name=reporter_name,
        contact_phone=contact_phone,
        reporter=reporter,
        unit=unit,
        location=location,
        location_detail=location_detail,
        category=scope,
        priority=Priority.URGENT,
        is_emergency=True,
        received_at=at,
        action="repairs.create",
    )
    order = RepairOrder.objects.create(
        request=req, scope=scope, paper_skipped=True, severity=severity, supervisor_informed_at=at
    )
    record(order, actor=actor, action=HistoryAction.CREATE)
    repair_notify(actor=actor, request=req, method=method, at=at)
    sev = Severity(severity).label
    notify.notify_roles(
        prop,
        [Role.CS_SUPERVISOR],
        title=f"紧急报修({sev}):{req.number} {req.place()}",
        body=description[:300],
        link=req.get_absolute_url(),
        level="danger",
    )
    _event(req, actor=actor, kind=EventKind.ESCALATION, at=at, text=f"已电话报告客服主管:{sev},{description}")
    return req


def _emergency_order(request) -> RepairOrder:
    order = _order(request)
    if not request.is_emergency:
        raise DomainError(_("只有紧急报修需要此记录。(Only for emergencies.)"))
    return order


@transaction.atomic
def repair_loss_add(
    *, actor, request, item: str, description: str, estimated_amount=None, at=None
) -> LossRecord:
    """R-REP-27: the losses on site recorded (photos go through servicedesk's request_add_photo)."""
    require(actor, "repairs.dispatch", request.property_id)
    order = _emergency_order(request)
    if not (item or "").strip():
        raise DomainError(_("请填写受损物品/部位。(What was damaged?)"), field="item")
    if not (description or "").strip():
        raise DomainError(_("请填写损失情况。(Describe the loss.)"), field="description")
    amount = (
        _money(estimated_amount, "estimated_amount", allow_zero=True)
        if estimated_amount not in (None, "")
        else None
    )
    at = _when(at)
    loss = LossRecord.objects.create(
        order=order,
        item=item.strip(),
        description=description.strip(),
        estimated_amount=amount,
        recorded_by=actor,
        recorded_at=at,
    )
    record(loss, actor=actor, action=HistoryAction.CREATE)
    _event(
        request,
        actor=actor,
        at=at,
        text=f"损失记录:{loss.item} {loss.description}" + (f"(约 {amount} 元)" if amount else ""),
    )
    return loss


@transaction.atomic
def accident_report_save(
    *, actor, request, facts: str, severity: str, impact: str = "", handling: str = "", occurred_at=None
) -> AccidentReport:
    """R-REP-28: the 《事故报告》 filled after the emergency repair (a draft until submitted)."""
    require(actor, "repairs.dispatch", request.property_id)
    order = _emergency_order(request)
    if not order.completed_at:
        raise DomainError(_("维修完成后填写《事故报告》。(Fill the report after the repair.)"))
    if not (facts or "").strip():
        raise DomainError(_("请填写事件经过。(The facts are required.)"), field="facts")
    if severity not in Severity.values:
        raise DomainError(_("请选择严重程度。(Choose the severity.)"), field="severity")
    report = AccidentReport.objects.select_for_update().filter(order=order).first()
    values = dict(
        facts=facts.strip(),
        severity=severity,
        impact=(impact or "").strip(),
        handling=(handling or "").strip(),
        occurred_at=occurred_at or request.received_at,
    )
    if report is None:
        report = AccidentReport.objects.create(order=order, filled_by=actor, **values)
        record(report, actor=actor, action=HistoryAction.CREATE)
        _event(request, actor=actor, text=_("已填写《事故报告》"))
        return report
    if report.status != AccidentReportStatus.DRAFT:
        raise Conflict(_("《事故报告》已上报,不能修改。(Already submitted.)"))
    before = snapshot(report)
    for k, v in values.items():
        setattr(report, k, v)
    report.save()
    record(report, actor=actor, action=HistoryAction.UPDATE, before=before)
    return report


@transaction.atomic
def accident_report_submit(*, actor, report: AccidentReport) -> AccidentReport:
    report = AccidentReport.objects.select_for_update().select_related("order__request").get(pk=report.pk)
    request = report.order.request
    require(actor, "repairs.dispatch", request.property_id)
    if report.status != AccidentReportStatus.DRAFT:
        raise Conflict(_("《事故报告》已上报。(Already submitted.)"))
    before = snapshot(report)
    report.status, report.submitted_at = AccidentReportStatus.SUBMITTED, timezone.now()
    report.save(update_fields=["status", "submitted_at", "updated_at"])
    record(
        report,
        actor=actor,
        action=HistoryAction.TRANSITION,
        before=before,
        from_state="draft",
        to_state=report.status,
    )
    _stop(request, "accident_report")
    notify.notify_roles(
        request.property,
        [Role.CS_SUPERVISOR],
        title=f"《事故报告》待阅:{request.number}",
        link=request.get_absolute_url(),
        level="warning",
    )
    _event(request, actor=actor, kind=EventKind.ESCALATION, text=_("《事故报告》已上报客服主管"))
    return report


@transaction.atomic
def accident_report_acknowledge(*, actor, report: AccidentReport, note: str = "") -> AccidentReport:
    report = AccidentReport.objects.select_for_update().select_related("order__request").get(pk=report.pk)
    request = report.order.request
    require(actor, "repairs.accident_ack", request.property_id)
    if report.status != AccidentReportStatus.SUBMITTED:
        raise Conflict(_("《事故报告》未上报或已阅。(Not submitted, or already acknowledged.)"))
    before = snapshot(report)
    report.status, report.acknowledged_by, report.acknowledged_at = (
        AccidentReportStatus.ACKNOWLEDGED,
        actor,
        timezone.now(),
    )
    report.supervisor_note = (note or "").strip()
    report.save(
        update_fields=["status", "acknowledged_by", "acknowledged_at", "supervisor_note", "updated_at"]
    )
    record(
        report,
        actor=actor,
        action=HistoryAction.TRANSITION,
        before=before,
        from_state="submitted",
        to_state=report.status,
    )
    _event(request, actor=actor, text=f"客服主管已阅《事故报告》 {report.supervisor_note}".strip())
    return report


# --- the daily return and the unfinished record (R-REP-23/24) ------------------------------------------


def pending_return_orders(prop: Property, until: datetime):
    """Orders whose first copy is still out: raised up to `until` and in no return yet — so an order raised
    after yesterday's return is in today's (R-REP-23 INTERPRETATION)."""
    return (
        RepairOrder.objects.filter(
            request__property=prop, request__received_at__lte=until, return_line__isnull=True
        )
        .exclude(request__status__in=[S.REPORTED, S.CANCELLED])
        .select_related("request")
        .order_by("request__received_at", "pk")
    )


@transaction.atomic
def daily_return_record(
    *, actor, prop: Property, returned_by, reasons: dict | None = None, at=None
) -> DailyReturn:
    """R-REP-23: the first copies of the day's orders come back; each unfinished one states why."""
    require(actor, "repairs.return", prop.pk)
    _member_of(returned_by, prop.pk, ENGINEERING_ROLES, "returned_by", _("工程部交单人"))
    at = _when(at)
    day = timezone.localtime(at).date()
    if DailyReturn.objects.filter(property=prop, date=day).exists():
        raise Conflict(_("今天的工程维修单已交回。(Today's orders were returned already.)"))
    reasons = {int(k): (v or "").strip() for k, v in (reasons or {}).items()}
    orders = list(pending_return_orders(prop, at))
    missing = [
        o.request.number for o in orders if o.request.status in OPEN_STATUSES and not reasons.get(o.pk)
    ]
    if missing:
        raise DomainError(
            _("未完成的维修单须注明原因:%(n)s。(State why each unfinished order is not finished.)")
            % {"n": "、".join(missing)},
            field="reasons",
        )
    ret = DailyReturn.objects.create(
        property=prop,
        date=day,
        returned_at=at,
        returned_by=returned_by,
        received_by=actor,
        late=timezone.localtime(at).time() > DAILY_RETURN_BY,
    )
    lines = []
    for o in orders:
        finished = o.request.status in FINISHED_STATUSES
        lines.append(
            DailyReturnLine(
                daily_return=ret,
                order=o,
                finished=finished,
                status_at_return=o.request.status,
                unfinished_reason="" if finished else reasons[o.pk],
            )
        )
        if not finished:
            _event(o.request, actor=actor, at=at, text=f"第一联交回(未完成):{reasons[o.pk]}")
    DailyReturnLine.objects.bulk_create(lines)
    record(ret, actor=actor, action=HistoryAction.CREATE)
    return ret


@transaction.atomic
def unfinished_hand_over(*, actor, daily_return: DailyReturn, supervisor) -> DailyReturn:
    """R-REP-24: the 《未完成工程维修记录》 passed to the 工程部主管 the next day."""
    ret = DailyReturn.objects.select_for_update().get(pk=daily_return.pk)
    require(actor, "repairs.dispatch", ret.property_id)
    _member_of(supervisor, ret.property_id, {Role.ENG_SUPERVISOR}, "supervisor", _("工程部主管"))
    if ret.handed_to_supervisor_at:
        raise Conflict(_("已转交工程部主管。(Already handed over.)"))
    before = snapshot(ret)
    ret.handed_to_supervisor_at, ret.handed_to = timezone.now(), supervisor
    ret.save(update_fields=["handed_to_supervisor_at", "handed_to", "updated_at"])
    record(ret, actor=actor, action=HistoryAction.UPDATE, before=before)
    notify.notify_users(
        [supervisor.pk],
        prop=ret.property,
        title=f"《未完成工程维修记录》{ret.date:%Y-%m-%d}",
        link=f"/repairs/unfinished/?date={ret.date:%Y-%m-%d}",
        level="warning",
    )
    return ret


def repairs_flag_unreturned(now: datetime | None = None) -> int:
    """Periodic at 17:00 (idempotent): a property whose day's first copies are not back is flagged to the
    engineering and CS supervisors, once per day."""
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    if timezone.localtime(now).time() < DAILY_RETURN_BY:
        return 0
    flagged = 0
    for prop in Property.objects.exclude(repair_returns__date=day):
        n = pending_return_orders(prop, now).count()
        if not n:
            continue
        flagged += notify.notify_roles(
            prop,
            [Role.ENG_SUPERVISOR, Role.CS_SUPERVISOR],
            title=f"17:00 前未交回工程维修单第一联({n} 张)",
            link="/repairs/returns/",
            level="warning",
            dedupe_key=f"repairs-unreturned-{prop.pk}-{day:%Y%m%d}",
        )
    return flagged
