"""Pages of the errands area: one menu entry, a tab per register (《票务预定登记表》, 代办, 《衣物送洗登记表》,
《备用金使用登记表》, 电话接听记录). Every write calls a service; every queryset starts from restrict()."""

from dataclasses import dataclass, field

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

from core.attachments import attachments_for
from core.errors import DomainError
from core.history import history_for
from core.permissions import can
from core.views.decorators import needs
from core.views.generic import ServiceStepView, apply_domain_error, paginate, requested_property

from . import forms as f
from . import rules, selectors, services
from .choices import CallOutcome, CashUseStatus, ErrandStatus, LaundryStatus, TicketKind, TicketStatus
from .models import (
    ConciergeErrand,
    LaundryOrder,
    LaundryRound,
    PettyCashReplenishment,
    PettyCashUse,
    PhoneCall,
    TicketBooking,
)

TABS = [
    ("tickets", "票务预定", "errands:tickets", "errands.view"),
    ("errands", "代办事项", "errands:errands", "errands.view"),
    ("laundry", "客衣洗涤", "errands:laundry_list", "errands.view"),
    ("cash", "备用金", "errands:cash", "errands.cash_view"),
    ("calls", "电话记录", "errands:calls", "errands.view"),
]


def _tabs(request, active):
    from django.urls import reverse

    return [
        {"key": k, "label": label, "url": reverse(url), "active": k == active}
        for k, label, url, action in TABS
        if can(request.user, action)
    ]


def _ctx(request, tab, **kw):
    return {"tabs": _tabs(request, tab), "tab": tab, **kw}


@needs("errands.view")
def index(request):
    return redirect("errands:tickets")


# --- registers (list + print) ----------------------------------------------------------------------------


def _d(v, fmt="%Y-%m-%d %H:%M"):
    return timezone.localtime(v).strftime(fmt) if v else ""


REGISTERS = {
    "tickets": {
        "title": gettext_lazy("《票务预定登记表》"),
        "action": "errands.view",
        "rows": lambda req: selectors.ticket_list(user=req.user, status=req.GET.get("status", "")),
        "create": "errands:ticket_new",
        "columns": [
            (gettext_lazy("编号"), lambda t: t.number),
            (gettext_lazy("房间"), lambda t: t.unit.label),
            (gettext_lazy("乘客"), lambda t: t.passenger_name),
            (gettext_lazy("证件"), lambda t: t.masked_id()),
            (gettext_lazy("航空公司/铁路"), lambda t: t.carrier),
            (gettext_lazy("航班/车次"), lambda t: t.flight_no),
            (gettext_lazy("出发"), lambda t: _d(t.departure_at)),
            (gettext_lazy("舱位"), lambda t: t.cabin_class),
            (gettext_lazy("目的地"), lambda t: t.destination),
            (gettext_lazy("票价"), lambda t: t.quoted_price or ""),
            (gettext_lazy("预付"), lambda t: t.prepaid_amount),
            (gettext_lazy("确认编号"), lambda t: t.confirmation_no),
            (gettext_lazy("状态"), lambda t: t.get_status_display()),
        ],
    },
    "errands": {
        "title": gettext_lazy("代办事项"),
        "action": "errands.view",
        "rows": lambda req: selectors.errand_list(
            user=req.user, status=req.GET.get("status", ""), kind=req.GET.get("kind", "")
        ),
        "create": "errands:errand_new",
        "columns": [
            (gettext_lazy("编号"), lambda e: e.number),
            (gettext_lazy("类别"), lambda e: e.get_kind_display()),
            (gettext_lazy("房间"), lambda e: e.unit.label),
            (gettext_lazy("业主"), lambda e: e.resident.name),
            (
                gettext_lazy("内容"),
                lambda e: (
                    e.item_name or e.venue or e.programme or e.destination or e.service or e.description[:30]
                ),
            ),
            (gettext_lazy("费用"), lambda e: e.cost if e.cost is not None else ""),
            (gettext_lazy("登记时间"), lambda e: _d(e.created_at)),
            (gettext_lazy("状态"), lambda e: e.get_status_display()),
        ],
    },
    "laundry": {
        "title": gettext_lazy("《衣物送洗登记表》"),
        "action": "errands.view",
        "rows": lambda req: selectors.laundry_register(user=req.user, status=req.GET.get("status", "")),
        "create": "errands:laundry_new",
        "columns": [
            (gettext_lazy("洗衣单号"), lambda o: o.slip_no),
            (gettext_lazy("类别"), lambda o: o.get_kind_display()),
            (gettext_lazy("姓名"), lambda o: o.resident.name),
            (gettext_lazy("房号"), lambda o: o.unit.label),
            (gettext_lazy("日期"), lambda o: _d(o.received_at)),
            (gettext_lazy("件数"), lambda o: o.count_label),
            (gettext_lazy("经手人"), lambda o: str(o.handler)),
            (gettext_lazy("送洗班次"), lambda o: str(o.round or "")),
            (gettext_lazy("特别要求"), lambda o: o.special),
            (gettext_lazy("已取"), lambda o: _d(o.picked_up_at, "%m-%d")),
            (gettext_lazy("已付款"), lambda o: gettext_lazy("是") if o.paid else gettext_lazy("否")),
            (gettext_lazy("状态"), lambda o: o.get_status_display()),
        ],
    },
    "calls": {
        "title": gettext_lazy("电话接听记录"),
        "action": "errands.view",
        "rows": lambda req: selectors.call_list(
            user=req.user, q=req.GET.get("q", ""), pending_only=req.GET.get("pending") == "1"
        ),
        "create": "errands:call_new",
        "columns": [
            (gettext_lazy("时间"), lambda c: _d(c.at)),
            (gettext_lazy("来电人"), lambda c: c.caller_name),
            (gettext_lazy("号码"), lambda c: c.masked_phone()),
            (gettext_lazy("事由"), lambda c: c.subject[:40]),
            (gettext_lazy("处理"), lambda c: c.get_outcome_display()),
            (gettext_lazy("转接"), lambda c: c.get_transferred_to_display() if c.transferred_to else ""),
            (
                gettext_lazy("三声内"),
                lambda c: gettext_lazy("是") if c.answered_within_three_rings else gettext_lazy("否"),
            ),
            (gettext_lazy("接听人"), lambda c: str(c.handled_by)),
            (gettext_lazy("覆电期限"), lambda c: _d(c.callback_due_at)),
            (gettext_lazy("已覆电"), lambda c: _d(c.callback_done_at)),
        ],
    },
}


def _register(request, key, print_view=False):
    reg = REGISTERS[key]
    qs = reg["rows"](request)
    cols = reg["columns"]
    if print_view:
        objs = list(qs[:500])
        rows = [[fn(o) for _, fn in cols] for o in objs]
        return render(
            request,
            "errands/register_print.html",
            {"title": reg["title"], "headers": [c for c, _ in cols], "rows": rows, "now": timezone.now()},
        )
    page, query_string = paginate(request, qs)
    rows = [(o.get_absolute_url(), [fn(o) for _, fn in cols]) for o in page.object_list]
    extra = {}
    if key == "laundry":
        extra["rounds"] = list(selectors.laundry_rounds(user=request.user)[:10])
        extra["can_round"] = can(request.user, "errands.laundry_round")
    if key == "calls":
        extra["pending"] = request.GET.get("pending") == "1"
    return render(
        request,
        "errands/register.html",
        _ctx(
            request,
            key,
            title=reg["title"],
            headers=[c for c, _ in cols],
            rows=rows,
            page_obj=page,
            query_string=query_string,
            create_url=reg["create"],
            can_write=can(request.user, "errands.write"),
            print_url=f"{request.path}print/",
            **extra,
        ),
    )


def _register_page(key, print_view=False):
    @needs("errands.view")
    def page(request):
        return _register(request, key, print_view=print_view)

    return page


tickets, tickets_print = _register_page("tickets"), _register_page("tickets", print_view=True)
errands, errands_print = _register_page("errands"), _register_page("errands", print_view=True)
laundry_list, laundry_print = _register_page("laundry"), _register_page("laundry", print_view=True)
calls, calls_print = _register_page("calls"), _register_page("calls", print_view=True)


# --- create pages ----------------------------------------------------------------------------------------

CREATE = {
    "ticket": (
        "tickets",
        gettext_lazy("登记票务预定"),
        f.TicketForm,
        services.ticket_create,
        "errands.write",
    ),
    "errand": (
        "errands",
        gettext_lazy("登记代办事项"),
        f.ErrandForm,
        services.errand_create,
        "errands.write",
    ),
    "laundry": (
        "laundry",
        gettext_lazy("收衣登记(干洗单/湿洗单)"),
        f.LaundryForm,
        services.laundry_receive,
        "errands.write",
    ),
    "cash": (
        "cash",
        gettext_lazy("登记备用金使用"),
        f.CashUseForm,
        services.cash_use_register,
        "errands.cash_use",
    ),
    "call": ("calls", gettext_lazy("登记来电"), f.CallForm, services.phone_call_log, "errands.write"),
}


def _create(request, key):
    tab, title, form_class, service, action = CREATE[key]
    if not can(request.user, action):
        raise PermissionDenied
    prop = requested_property(request, action)
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, prop=prop)
        if form.is_valid():
            try:
                obj = service(actor=request.user, prop=prop, **form.service_kwargs())
            except DomainError as exc:
                apply_domain_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("已登记 %(obj)s。") % {"obj": obj})
                return redirect(obj)
        else:
            status = 400
    else:
        form = form_class(prop=prop)
    ctx = _ctx(request, tab, title=title, form=form, key=key, prop=prop)
    if key == "call":
        ctx["greeting"] = rules.phone_greeting(prop)
        ctx["guidance"] = rules.PHONE_GUIDANCE
    if key == "errand":
        ctx["ingestible_message"] = rules.INGESTIBLE_MESSAGE
    if key == "cash":
        ctx["max_per_use"] = rules.PETTY_CASH_MAX_PER_USE
    return render(request, "errands/create.html", ctx, status=status)


@login_required
def create(request, key):
    if key not in CREATE:
        raise Http404
    return _create(request, key)


# --- detail pages and their actions ----------------------------------------------------------------------


@dataclass
class Action:
    name: str
    label: str
    perm: str
    when: callable
    form: type
    call: callable
    help: str = ""
    files: bool = False
    extra: dict = field(default_factory=dict)


def _st(*states):
    return lambda o: o.status in states


DETAILS = {
    "ticket": {
        "model": TicketBooking,
        "tab": "tickets",
        "template": "errands/ticket.html",
        "actions": [
            Action(
                "book",
                gettext_lazy("业主同意票价后订座"),
                "errands.write",
                _st(TicketStatus.REQUESTED),
                f.TicketBookForm,
                lambda u, o, d: services.ticket_book(actor=u, ticket=o, **d),
                gettext_lazy("向票务公司确认价格(R-TIX-03)"),
            ),
            Action(
                "prepay",
                gettext_lazy("收取现金预付款"),
                "errands.write",
                _st(TicketStatus.RESERVED),
                f.AmountForm,
                lambda u, o, d: services.ticket_prepay(actor=u, ticket=o, amount=d["amount"]),
                "R-TIX-09",
            ),
            Action(
                "issue",
                gettext_lazy("出票"),
                "errands.write",
                _st(TicketStatus.RESERVED),
                f.EmptyForm,
                lambda u, o, d: services.ticket_issue(actor=u, ticket=o),
                gettext_lazy("未预付只能订座,不能出票(R-TIX-10)"),
            ),
            Action(
                "deliver",
                gettext_lazy("票已送达管理处"),
                "errands.write",
                _st(TicketStatus.ISSUED),
                f.EmptyForm,
                lambda u, o, d: services.ticket_deliver(actor=u, ticket=o),
                "R-TIX-04",
            ),
            Action(
                "reconfirm",
                gettext_lazy("起飞前 24 小时再确认"),
                "errands.write",
                lambda o: (
                    o.kind == TicketKind.AIR
                    and not o.reconfirmed_at
                    and o.status in (TicketStatus.RESERVED, TicketStatus.ISSUED, TicketStatus.DELIVERED)
                ),
                f.ReconfirmForm,
                lambda u, o, d: services.ticket_reconfirm(actor=u, ticket=o, **d),
                "向航空公司提供姓名、航班、日期时间与定座记录编号(R-TIX-07)",
            ),
            Action(
                "change",
                gettext_lazy("改签/退票"),
                "errands.write",
                _st(TicketStatus.ISSUED, TicketStatus.DELIVERED),
                f.TicketChangeForm,
                lambda u, o, d: services.ticket_change(actor=u, ticket=o, **d),
                gettext_lazy("退票只能通过票务公司,改签/退票均收取手续费(R-TIX-08)"),
            ),
            Action(
                "cancel",
                gettext_lazy("取消订座"),
                "errands.write",
                _st(TicketStatus.REQUESTED, TicketStatus.RESERVED),
                f.ReasonForm,
                lambda u, o, d: services.ticket_cancel(actor=u, ticket=o, reason=d["reason"]),
            ),
        ],
    },
    "errand": {
        "model": ConciergeErrand,
        "tab": "errands",
        "template": "errands/errand.html",
        "actions": [
            Action(
                "complete",
                gettext_lazy("办理完成"),
                "errands.write",
                _st(ErrandStatus.OPEN),
                f.ErrandCompleteForm,
                lambda u, o, d: services.errand_complete(actor=u, errand=o, **d),
                gettext_lazy(
                    "订餐/订票须记录对方联系人姓名(R-ERR-04/05);代寄须收取邮资并按时送邮局(R-ERR-03)"
                ),
            ),
            Action(
                "receipt",
                gettext_lazy("上传票据"),
                "errands.write",
                _st(ErrandStatus.OPEN, ErrandStatus.DONE),
                f.FileForm,
                lambda u, o, d: services.errand_attach_receipt(actor=u, errand=o, upload=d["file"]),
                files=True,
            ),
            Action(
                "cancel",
                gettext_lazy("取消"),
                "errands.write",
                _st(ErrandStatus.OPEN),
                f.ReasonForm,
                lambda u, o, d: services.errand_cancel(actor=u, errand=o, reason=d["reason"]),
            ),
        ],
    },
    "laundry": {
        "model": LaundryOrder,
        "tab": "laundry",
        "template": "errands/laundry.html",
        "actions": [
            Action(
                "pickup",
                gettext_lazy("业主取衣"),
                "errands.write",
                _st(LaundryStatus.RETURNED),
                f.PickupForm,
                lambda u, o, d: services.laundry_pickup(actor=u, order=o, **d),
                gettext_lazy("业主在绿联签字(R-LAUN-11)"),
            ),
            Action(
                "pay",
                gettext_lazy("收取洗衣费"),
                "errands.write",
                lambda o: o.status == LaundryStatus.PICKED_UP and not o.paid,
                f.PriceForm,
                lambda u, o, d: services.laundry_pay(actor=u, order=o, price=d["price"]),
            ),
        ],
    },
    "cash": {
        "model": PettyCashUse,
        "tab": "cash",
        "template": "errands/cash_use.html",
        "view_action": "errands.cash_view",
        "actions": [
            Action(
                "sign",
                gettext_lazy("业主签字确认"),
                "errands.cash_use",
                _st(CashUseStatus.REGISTERED),
                f.SignForm,
                lambda u, o, d: services.cash_use_owner_sign(actor=u, use=o, **d),
                "R-CASH-03",
            ),
            Action(
                "approve",
                gettext_lazy("主管签字批准"),
                "errands.cash_approve",
                _st(CashUseStatus.OWNER_SIGNED),
                f.EmptyForm,
                lambda u, o, d: services.cash_use_approve(actor=u, use=o),
                "R-CASH-03/07",
            ),
            Action(
                "reject",
                gettext_lazy("驳回"),
                "errands.cash_approve",
                _st(CashUseStatus.REGISTERED, CashUseStatus.OWNER_SIGNED),
                f.ReasonForm,
                lambda u, o, d: services.cash_use_reject(actor=u, use=o, reason=d["reason"]),
            ),
            Action(
                "invoice",
                gettext_lazy("取得正式发票"),
                "errands.cash_use",
                _st(CashUseStatus.APPROVED),
                f.InvoiceForm,
                lambda u, o, d: services.cash_use_invoice(
                    actor=u,
                    use=o,
                    invoice_no=d["invoice_no"],
                    upload=d["file"],
                    handed_to_owner=d["handed_to_owner"],
                ),
                "每次使用须取得正式发票并交业主(R-CASH-05)",
                files=True,
            ),
            Action(
                "repay",
                gettext_lazy("业主归还垫付款"),
                "errands.cash_use",
                _st(CashUseStatus.APPROVED, CashUseStatus.INVOICED),
                f.AmountForm,
                lambda u, o, d: services.cash_use_repay(actor=u, use=o, amount=d["amount"]),
            ),
        ],
    },
    "call": {
        "model": PhoneCall,
        "tab": "calls",
        "template": "errands/call.html",
        "actions": [
            Action(
                "callback",
                gettext_lazy("已覆电"),
                "errands.write",
                lambda o: o.outcome == CallOutcome.CALLBACK and not o.callback_done_at,
                f.CallbackForm,
                lambda u, o, d: services.phone_callback_done(actor=u, call=o, note=d["note"]),
                "R-TEL-04",
            ),
        ],
    },
}


def _detail_ctx(request, key, obj, forms=None, error=None):
    cfg = DETAILS[key]
    forms = forms or {}
    actions = []
    for a in cfg["actions"]:
        if a.when(obj) and can(request.user, a.perm, obj.property_id):
            actions.append({"a": a, "form": forms.get(a.name) or a.form()})
    return _ctx(
        request,
        cfg["tab"],
        obj=obj,
        key=key,
        actions=actions,
        history=history_for(obj),
        attachments=list(attachments_for(obj)),
        error=error,
    )


def _get(request, key, pk, action=None):
    cfg = DETAILS[key]
    qs = cfg["model"].objects.restrict(request.user, action or cfg.get("view_action", "errands.view"))
    return get_object_or_404(qs.select_related("property"), pk=pk)


@login_required
def detail(request, key, pk):
    if key not in DETAILS:
        raise Http404
    cfg = DETAILS[key]
    if not can(request.user, cfg.get("view_action", "errands.view")):
        raise PermissionDenied
    obj = _get(request, key, pk)
    ctx = _detail_ctx(request, key, obj)
    if key == "laundry":
        ctx["items"] = list(obj.items.all())
    return render(request, cfg["template"], ctx)


class ErrandStep(ServiceStepView):
    """One Action of a register's record page. A refusal naming a field of the form shows on it; any other
    shows on the page (R-TIX-10 and the like); the record is read again for the page."""

    page_refusals = True
    key = ""

    def get_object(self):
        return _get(self.request, self.key, self.kwargs["pk"], self.action)

    def render_form(self, form, status, error=None):
        obj = self.object
        obj.refresh_from_db()
        ctx = _detail_ctx(self.request, self.key, obj, forms={self.form_key: form}, error=error)
        if self.key == "laundry":
            ctx["items"] = list(obj.items.all())
        return render(self.request, DETAILS[self.key]["template"], ctx, status=status)


STEP_VIEWS = {
    (key, a.name): ErrandStep.as_view(
        key=key,
        action=a.perm,
        form_class=a.form,
        form_key=a.name,
        call=a.call,
        success_message=lambda result, label=a.label: _("%(label)s:已完成。") % {"label": label},
    )
    for key, cfg in DETAILS.items()
    for a in cfg["actions"]
}


@login_required
@require_POST
def act(request, key, pk, name):
    if (key, name) not in STEP_VIEWS:
        raise Http404
    return STEP_VIEWS[key, name](request, key=key, pk=pk, name=name)


@needs("errands.view")
def ticket_print(request, pk):
    obj = _get(request, "ticket", pk)
    return render(request, "errands/ticket_print.html", {"t": obj})


@needs("errands.view")
def laundry_slip(request, pk):
    """R-LAUN-05: the slip in three copies — 白联 (owner), 绿联 and 黄联 (into the laundry bag)."""
    obj = _get(request, "laundry", pk)
    copies = [("白联", "业主留存取衣凭证"), ("绿联", "随衣物送洗衣房"), ("黄联", "随衣物送洗衣房")]
    return render(
        request, "errands/laundry_slip.html", {"o": obj, "items": list(obj.items.all()), "copies": copies}
    )


# --- laundry rounds (R-LAUN-06..10) ----------------------------------------------------------------------


@needs("errands.laundry_round")
def laundry_collect(request):
    prop = requested_property(request, "errands.laundry_round")
    waiting = selectors.laundry_waiting(user=request.user, prop=prop)
    status = 200
    if request.method == "POST":
        form = f.CollectForm(request.POST, orders=waiting)
        if form.is_valid():
            try:
                rnd = services.laundry_collect(
                    actor=request.user,
                    prop=prop,
                    slot=form.cleaned_data["slot"],
                    orders=form.cleaned_data["orders"],
                    laundry_staff=form.cleaned_data["laundry_staff"],
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
                status = exc.status_code
            else:
                messages.success(
                    request, _("%(round)s 班次已送洗 %(n)s 单。") % {"round": rnd, "n": rnd.orders.count()}
                )
                return redirect(rnd)
        else:
            status = 400
    else:
        _day, slot = rules.next_round(timezone.now())
        form = f.CollectForm(
            orders=waiting, initial={"slot": rules.slot_label(slot), "orders": [str(o.pk) for o in waiting]}
        )
    return render(
        request,
        "errands/laundry_collect.html",
        _ctx(request, "laundry", form=form, waiting=waiting, rounds=rules.LAUNDRY_ROUNDS),
        status=status,
    )


@needs("errands.view")
def laundry_round(request, pk):
    rnd = get_object_or_404(
        LaundryRound.objects.restrict(request.user, "errands.view").select_related(
            "supervisor", "return_checked_by"
        ),
        pk=pk,
    )
    orders = list(
        rnd.orders.select_related("unit__building", "resident").prefetch_related("items").order_by("slip_no")
    )
    can_round = can(request.user, "errands.laundry_round", rnd.property_id)
    status = 200
    form = f.ReturnForm(orders=orders, initial={f"count_{o.pk}": o.pieces for o in orders})
    if request.method == "POST":
        if not can_round:
            raise PermissionDenied
        form = f.ReturnForm(request.POST, orders=orders)
        if form.is_valid():
            try:
                services.laundry_return(actor=request.user, round=rnd, **form.service_kwargs())
            except DomainError as exc:
                apply_domain_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("送回单号与件数核对一致,双方已签字。"))
                return redirect(rnd)
        else:
            status = 400
    return render(
        request,
        "errands/laundry_round.html",
        _ctx(
            request,
            "laundry",
            rnd=rnd,
            orders=orders,
            form=form,
            can_round=can_round and not rnd.returned_at,
            shelf=selectors.laundry_shelf(orders) if rnd.returned_at else None,
            history=history_for(rnd),
        ),
        status=status,
    )


# --- petty cash (R-CASH) ---------------------------------------------------------------------------------


@needs("errands.cash_view")
def cash(request, print_view=False):
    prop = requested_property(request, "errands.cash_view")
    qs = selectors.cash_ledger(user=request.user, prop=prop)
    summary = selectors.cash_summary(user=request.user, prop=prop)
    if print_view:
        return render(
            request,
            "errands/cash_print.html",
            {"prop": prop, "rows": list(qs[:500]), "s": summary, "now": timezone.now()},
        )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "errands/cash.html",
        _ctx(
            request,
            "cash",
            prop=prop,
            page_obj=page,
            s=summary,
            can_use=can(request.user, "errands.cash_use", prop.pk),
            can_approve=can(request.user, "errands.cash_approve", prop.pk),
            can_topup=can(request.user, "errands.cash_topup", prop.pk),
            replenish_form=f.ReplenishForm(),
            receive_form=f.AmountForm(),
        ),
    )


@needs("errands.cash_view")
def cash_print(request):
    return cash(request, print_view=True)


@needs("errands.cash_approve")
@require_POST
def cash_replenish(request):
    prop = requested_property(request, "errands.cash_approve")
    form = f.ReplenishForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("请填写金额。(Enter the amount.)")
        services.cash_replenish_request(actor=request.user, prop=prop, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已向管理处申请补充备用金。"))
    return redirect("errands:cash")


@needs("errands.cash_topup")
@require_POST
def cash_receive(request, pk):
    req = get_object_or_404(
        PettyCashReplenishment.objects.restrict(request.user, "errands.cash_topup"), pk=pk
    )
    form = f.AmountForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("请填写金额。(Enter the amount.)")
        services.cash_replenish_receive(actor=request.user, request=req, amount=form.cleaned_data["amount"])
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("备用金已补充。"))
    return redirect("errands:cash")
