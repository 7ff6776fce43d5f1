"""Pages of the repairs area: intake (户内 / 公共区域 / 会所 / 紧急), the steps posted from the panel on the request
page, the work-order print, the 《工程报修记录台帐》, the daily return and the 《未完成工程维修记录》, the fee
schedule. Every write calls a service."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.exports import xlsx_response
from core.masking import mask_phone
from core.permissions import can
from core.views.decorators import needs
from core.views.generic import ServiceStepView, apply_domain_error, paginate, requested_property

from . import forms as f
from . import selectors, services
from .choices import FINISHED_STATUSES, RepairScope, RepairStatus
from .models import AccidentReport, PriceItem, SpareKeyEntry


def _day(value, default):
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        return default


# --- intake ----------------------------------------------------------------------------------------------

SCOPE_TITLES = {
    "unit": gettext_lazy("户内报修(R-REP-03)"),
    "public": gettext_lazy("公共区域报修(R-REP-17)"),
    "clubhouse": gettext_lazy("会所报修(R-REP-20)"),
}


@needs("repairs.create")
def intake(request, scope):
    if scope not in SCOPE_TITLES:
        raise Http404
    prop = requested_property(request, "repairs.create")
    form = f.IntakeForm(request.POST or None, prop=prop, scope=scope)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                req = services.repair_create(
                    actor=request.user,
                    prop=prop,
                    scope=scope,
                    channel=d.get("channel") or "phone",
                    unit=d.get("unit"),
                    location=d.get("location"),
                    location_detail=d.get("location_detail", ""),
                    reporter_name=d["reporter_name"],
                    reporter_department=d.get("reporter_department", ""),
                    contact_phone=d.get("contact_phone", ""),
                    reporter=_resident_of(d.get("unit"), d["reporter_name"]),
                    description=d["description"],
                    special_requests=d.get("special_requests", ""),
                    available_times=d.get("available_times", ""),
                    appointment_at=d.get("appointment_at"),
                    spare_key_allowed=d.get("spare_key_allowed", False),
                    accompany_requested=d.get("accompany_requested", False),
                    notify_method=d["notify_method"],
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("已登记报修 %(n)s,并已通知工程部取单。") % {"n": req.number})
                return redirect("servicedesk:detail", pk=req.pk)
        status = 400
    return render(
        request,
        "repairs/intake.html",
        {"form": form, "scope": scope, "title": SCOPE_TITLES[scope], "prop": prop, "scopes": SCOPE_TITLES},
        status=status,
    )


def _resident_of(unit, name):
    """The archive's resident of the unit with that name, if there is one (links the archive section (i))."""
    if unit is None:
        return None
    from residents.models import Occupancy

    occ = (
        Occupancy.objects.filter(unit=unit, end__isnull=True, resident__name=name.strip())
        .select_related("resident")
        .first()
    )
    return occ.resident if occ else None


@needs("repairs.create")
def emergency(request):
    prop = requested_property(request, "repairs.create")
    form = f.EmergencyForm(request.POST or None, prop=prop)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                req = services.repair_emergency_create(
                    actor=request.user,
                    prop=prop,
                    unit=d.get("unit"),
                    location=d.get("location"),
                    location_detail=d.get("location_detail", ""),
                    severity=d["severity"],
                    description=d["description"],
                    reporter_name=d["reporter_name"],
                    reporter=_resident_of(d.get("unit"), d["reporter_name"]),
                    contact_phone=d.get("contact_phone", ""),
                    method=d["method"],
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.warning(
                    request, _("紧急报修 %(n)s:已通知工程部与客服主管,5 分钟内到场。") % {"n": req.number}
                )
                return redirect("servicedesk:detail", pk=req.pk)
        status = 400
    return render(
        request,
        "repairs/intake.html",
        {
            "form": form,
            "scope": "emergency",
            "title": _("紧急报修(跑水等,R-REP-25)"),
            "prop": prop,
            "scopes": SCOPE_TITLES,
        },
        status=status,
    )


# --- the steps posted from the panel -----------------------------------------------------------------


def _entry(req):
    return SpareKeyEntry.objects.filter(order_id=req.pk, left_at__isnull=True).first()


def _report(req):
    report = AccidentReport.objects.filter(order_id=req.pk).first()
    if report is None:
        raise DomainError(_("尚未填写《事故报告》。(No accident report yet.)"))
    return report


class RepairStep(ServiceStepView):
    """A step posted from the repair panel on the request page. A refusal shows the step's form again (400);
    a role the step is not for is Django's 403."""

    record_kwarg = "request"
    refusal_status = 400
    raise_forbidden = True

    def get_object(self):
        return selectors.order_for(user=self.request.user, pk=self.kwargs["pk"]).request

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "prop": self.object.property}

    def render_form(self, form, status, error=None):
        ctx = {"form": form, "req": self.object, "name": self.kwargs["name"]}
        return render(self.request, "repairs/step.html", ctx, status=status)


def _no_entry():
    raise DomainError(_("没有未离开的入户记录。(No open entry.)"))


# The panel's forms carry the services' own keywords; `call` where the service works on another record.
STEPS = {
    "notify": RepairStep.as_view(form_class=f.NotifyForm, service=services.repair_notify),
    "collect": RepairStep.as_view(form_class=f.CollectForm, service=services.repair_collect),
    "arrive": RepairStep.as_view(form_class=f.ArriveForm, service=services.repair_arrive),
    "hold": RepairStep.as_view(form_class=f.HoldForm, service=services.repair_hold),
    "reschedule": RepairStep.as_view(form_class=f.RescheduleForm, service=services.repair_reschedule),
    "follow_up": RepairStep.as_view(form_class=f.FollowUpForm, service=services.repair_follow_up),
    "resume": RepairStep.as_view(form_class=f.ResumeForm, service=services.repair_resume),
    "complete": RepairStep.as_view(form_class=f.CompleteForm, service=services.repair_complete),
    "sign": RepairStep.as_view(form_class=f.SignForm, service=services.repair_sign),
    "report": RepairStep.as_view(form_class=f.EmptyForm, service=services.repair_report_done),
    "confirm": RepairStep.as_view(form_class=f.ConfirmForm, service=services.repair_confirm),
    "reconfirm": RepairStep.as_view(form_class=f.ReconfirmForm, service=services.repair_spare_key_reconfirm),
    "key_enter": RepairStep.as_view(form_class=f.KeyEnterForm, service=services.spare_key_enter),
    "key_leave": RepairStep.as_view(
        form_class=f.KeyLeaveForm,
        call=lambda u, r, d: services.spare_key_leave(actor=u, entry=_entry(r) or _no_entry(), **d),
    ),
    "charge": RepairStep.as_view(form_class=f.ChargeForm, service=services.repair_charge_add),
    "charges_confirm": RepairStep.as_view(
        form_class=f.ChargesConfirmForm, service=services.repair_charges_confirm
    ),
    "payment": RepairStep.as_view(form_class=f.PaymentForm, service=services.repair_set_payment),
    "loss": RepairStep.as_view(form_class=f.LossForm, service=services.repair_loss_add),
    "accident_report": RepairStep.as_view(
        form_class=f.AccidentReportForm, service=services.accident_report_save
    ),
    "accident_submit": RepairStep.as_view(
        form_class=f.EmptyForm,
        call=lambda u, r, d: services.accident_report_submit(actor=u, report=_report(r)),
    ),
    "accident_ack": RepairStep.as_view(
        form_class=f.AcknowledgeForm,
        call=lambda u, r, d: services.accident_report_acknowledge(actor=u, report=_report(r), **d),
    ),
}


@login_required
@require_POST
def step(request, pk, name):
    if name not in STEPS:
        raise Http404
    return STEPS[name](request, pk=pk, name=name)


@needs("repairs.view")
def work_order_print(request, pk):
    """The 《工程维修单》 on A5: 第一联 (returned to CS, R-REP-23) and 第二联 (engineering), same number."""
    order = selectors.order_for(user=request.user, pk=pk)
    data = selectors.order_panel(order)
    copies = ["第一联 · 工程部交回客服部", "第二联 · 工程部留存"]
    return render(
        request,
        "repairs/print.html",
        {
            "order": order,
            "req": order.request,
            "copies": copies,
            "masked_phone": mask_phone(order.request.contact_phone),
            **data,
        },
    )


# --- 《工程报修记录台帐》 (R-REP-06) ----------------------------------------------------------------------

LEDGER_HEAD = [
    gettext_lazy("编号"),
    gettext_lazy("报修时间"),
    gettext_lazy("范围"),
    gettext_lazy("房号/位置"),
    gettext_lazy("报修人"),
    gettext_lazy("电话"),
    gettext_lazy("维修内容"),
    gettext_lazy("特殊要求"),
    gettext_lazy("通知工程部"),
    gettext_lazy("接单时间"),
    gettext_lazy("取单人"),
    gettext_lazy("接单超时"),
    gettext_lazy("到场"),
    gettext_lazy("完成时间"),
    gettext_lazy("维修结果"),
    gettext_lazy("签字"),
    gettext_lazy("客服确认"),
    gettext_lazy("有偿金额"),
    gettext_lazy("交费方式"),
    gettext_lazy("状态"),
    gettext_lazy("未完成原因"),
]


def _t(v):
    return timezone.localtime(v).strftime("%m-%d %H:%M") if v else ""


def ledger_row(o):
    r = o.request
    line = getattr(o, "return_line", None)
    total = sum((c.total for c in o.charges.all()), 0)
    row = [
        r.number,
        _t(r.received_at),
        o.get_scope_display(),
        r.place(),
        r.reporter_name,
        mask_phone(r.contact_phone),
        r.description,
        o.special_requests,
        _t(o.notified_at),
        _t(o.collected_at),
        o.collector_signature,
        gettext_lazy("是") if o.collect_late else "",
        _t(o.arrived_at),
        _t(o.completed_at),
        o.result,
        o.signer_name,
        _t(o.cs_confirmed_at),
        str(total) if total else "",
        o.get_payment_method_display() if o.payment_method else "",
        RepairStatus(r.status).label,
        line.unfinished_reason if line else "",
    ]
    return [v if isinstance(v, int) else str(v) for v in row]


@needs("repairs.view")
def ledger(request):
    prop = requested_property(request, "repairs.view")
    today = timezone.localdate()
    date_from = _day(request.GET.get("from"), today - timedelta(days=6))
    date_to = _day(request.GET.get("to"), today)
    scope = request.GET.get("scope") if request.GET.get("scope") in RepairScope.values else ""
    qs = selectors.ledger(user=request.user, prop=prop, date_from=date_from, date_to=date_to, scope=scope)
    if request.GET.get("export") == "xlsx":
        if not can(request.user, "request.export", prop.pk):
            raise PermissionDenied
        return xlsx_response(
            f"工程报修记录台帐_{date_from}_{date_to}.xlsx",
            LEDGER_HEAD,
            (ledger_row(o) for o in qs),
            gettext_lazy("报修记录台帐"),
        )
    printing = request.GET.get("print") == "1"
    page, query_string = paginate(request, qs, 500 if printing else 50)
    return render(
        request,
        "repairs/ledger.html",
        {
            "prop": prop,
            "props": selectors.repair_properties(user=request.user),
            "page_obj": page,
            "rows": [(o, ledger_row(o)) for o in page.object_list],
            "head": LEDGER_HEAD,
            "date_from": date_from,
            "date_to": date_to,
            "scope": scope,
            "scopes": RepairScope.choices,
            "query_string": query_string,
            "printing": printing,
            "can_export": can(request.user, "request.export", prop.pk),
            "can_create": can(request.user, "repairs.create", prop.pk),
        },
    )


# --- daily return and the unfinished record (R-REP-23/24) ----------------------------------------------


@needs("repairs.view")
def returns(request):
    prop = requested_property(request, "repairs.view")
    now = timezone.now()
    pending = list(services.pending_return_orders(prop, now))
    for o in pending:
        o.finished_now = o.request.status in FINISHED_STATUSES
    can_return = can(request.user, "repairs.return", prop.pk)
    form = f.ReturnForm(request.POST or None, prop=prop, orders=pending)
    status = 200
    if request.method == "POST":
        if not can_return:
            raise PermissionDenied
        if form.is_valid():
            try:
                ret = services.daily_return_record(
                    actor=request.user,
                    prop=prop,
                    returned_by=form.cleaned_data["returned_by"],
                    reasons=form.reasons(),
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(
                    request, _("已登记交回 %(n)s 张工程维修单第一联。") % {"n": ret.lines.count()}
                )
                return redirect("repairs:returns")
        status = 400
    history = Paginator(selectors.returns(user=request.user, prop=prop), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "repairs/returns.html",
        {
            "prop": prop,
            "pending": pending,
            "form": form,
            "can_return": can_return,
            "page_obj": history,
            "deadline": services.DAILY_RETURN_BY,
        },
        status=status,
    )


@needs("repairs.view")
def unfinished(request):
    prop = requested_property(request, "repairs.view")
    today = timezone.localdate()
    day = _day(request.GET.get("date"), None)
    if day is None:
        latest = (
            selectors.returns(user=request.user, prop=prop).filter(date__lt=today).first()
            or selectors.returns(user=request.user, prop=prop).first()
        )
        day = latest.date if latest else today - timedelta(days=1)
    ret, lines = selectors.unfinished_record(user=request.user, prop=prop, day=day)
    form = f.HandOverForm(request.POST or None, prop=prop)
    status = 200
    if request.method == "POST":
        if ret is None:
            raise Http404
        if form.is_valid():
            try:
                services.unfinished_hand_over(
                    actor=request.user, daily_return=ret, supervisor=form.cleaned_data["supervisor"]
                )
            except DomainError as exc:
                if exc.status_code == 403:
                    raise PermissionDenied from exc
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("已转交工程部主管。"))
                return redirect(f"{request.path}?date={day:%Y-%m-%d}")
        status = 400
    return render(
        request,
        "repairs/unfinished.html",
        {
            "prop": prop,
            "day": day,
            "ret": ret,
            "lines": lines,
            "form": form,
            "prev_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "can_hand_over": ret is not None
            and not ret.handed_to_supervisor_at
            and can(request.user, "repairs.dispatch", prop.pk),
        },
        status=status,
    )


# --- the fee schedule (R-PAID-06) ---------------------------------------------------------------------


@needs("repairs.view")
def prices(request):
    prop = requested_property(request, "repairs.view")
    items = selectors.price_list(prop=prop)
    return render(
        request,
        "repairs/prices.html",
        {
            "prop": prop,
            "items": items,
            "can_edit": can(request.user, "repairs.price_list", prop.pk),
            "rate": int(services.SERVICE_FEE_RATE * 100),
        },
    )


@login_required
@require_POST
def price_edit(request, pk):
    item = get_object_or_404(PriceItem.objects.restrict(request.user, "repairs.view"), pk=pk)
    form = f.PriceForm(request.POST, prop=item.property)
    if form.is_valid():
        try:
            services.price_item_update(
                actor=request.user,
                item=item,
                price=form.cleaned_data["price"],
                active=form.cleaned_data["active"],
            )
        except DomainError as exc:
            if exc.status_code == 403:
                raise PermissionDenied from exc
            messages.error(request, str(exc.message))
            return redirect(f"/repairs/prices/?property={item.property_id}")
        messages.success(request, _("已更新 %(n)s。") % {"n": item.name})
        return redirect(f"/repairs/prices/?property={item.property_id}")
    messages.error(request, _("价格格式错误。(Invalid price.)"))
    return render(request, "repairs/step.html", {"form": form, "req": None, "name": "price"}, status=400)
