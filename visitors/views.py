"""Pages of the visitor register. Every write calls a service; every queryset starts from restrict()."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.attachments import attachments_for
from core.errors import DomainError
from core.history import history_for
from core.permissions import can
from core.views.decorators import needs
from core.views.generic import ObjectListView
from residents.selectors import resident_search

from . import selectors, services
from .choices import KeyStatus, SpareKeyStatus, VisitStatus
from .filtersets import VisitorEntryFilterSet
from .forms import (
    BorrowForm,
    ContactForm,
    DeclineForm,
    ExtendForm,
    KeyDepositForm,
    KeyHandoverForm,
    LetterForm,
    LockForm,
    LookupForm,
    MessageForm,
    PreauthForm,
    ReasonForm,
    RegisterForm,
)
from .models import VisitorEntry


def _property(request, action="visitor.view"):
    prop = selectors.current_property(
        user=request.user,
        requested=request.POST.get("property") or request.GET.get("property"),
        action=action,
    )
    if prop is None:
        raise PermissionDenied
    return prop


def _is_htmx(request) -> bool:
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-Boosted")


def _go(request, url):
    if _is_htmx(request):
        resp = HttpResponseRedirect(url)
        resp.status_code = 204
        resp["HX-Redirect"] = url
        return resp
    return redirect(url)


def _with_property(url, prop):
    return f"{url}?property={prop.pk}"


def _fail(form, exc):
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


# --- the desk: today's list (R-VIS-01/03) ----------------------------------------------------------


@needs("visitor.view")
def desk(request):
    prop = _property(request)
    now = timezone.now()
    today = timezone.localdate()
    in_bldg = list(selectors.in_building(user=request.user, prop=prop))
    ctx = {
        "prop": prop,
        "props": selectors.visitor_properties(user=request.user),
        "now": now,
        "today": today,
        "waiting": selectors.waiting(user=request.user, prop=prop),
        "in_building": in_bldg,
        "overstay_count": sum(1 for e in in_bldg if e.is_overstaying(now)),
        "closed": selectors.closed_on(user=request.user, prop=prop, day=today),
        "keys_held": list(selectors.keys_held(user=request.user, prop=prop)),
        "spare_keys": list(selectors.spare_keys_open(user=request.user, prop=prop)),
        "can_register": can(request.user, "visitor.register", prop.pk),
    }
    template = "visitors/_partials/desk_body.html" if _is_htmx(request) else "visitors/desk.html"
    return render(request, template, ctx)


class EntryListView(ObjectListView):
    """All registrations, filtered by day / status / name; Excel export of the 《访客登记表》 (masked)."""

    model = VisitorEntry
    action = "visitor.view"
    filterset_class = VisitorEntryFilterSet
    export_action = "visitor.view"
    export_filename = "访客登记表.xlsx"
    template_name = "visitors/entry_list.html"
    partial_template_name = "visitors/_partials/entry_table.html"
    columns = [
        ("编号", "number"),
        ("访客姓名", "visitor_name"),
        ("证件类型", "get_visitor_id_type_display"),
        ("证件号码", "masked_id_number"),
        ("电话", "masked_phone"),
        ("人数", "party_size"),
        ("被访房间", "unit.label"),
        ("被访住户", "resident.name"),
        ("事由", "purpose"),
        ("来访时间", "arrived_at"),
        ("预计离开", "expected_leave_at"),
        ("离开时间", "left_at"),
        ("确认方式", "get_confirm_method_display"),
        ("确认人", "confirmed_with"),
        ("确认结果", "get_confirm_result_display"),
        ("状态", "get_status_display"),
    ]

    def get_queryset(self):
        return selectors.entry_list(user=self.request.user)

    def export_rows(self, qs):
        for row in super().export_rows(qs):
            yield [
                timezone.localtime(v).strftime("%Y-%m-%d %H:%M") if hasattr(v, "tzinfo") and v else v
                for v in row
            ]


# --- lookup-as-you-type -------------------------------------------------------------------------------


@needs("visitor.view")
def occupant_lookup(request):
    """Residents and their current units as radio choices "resident:unit" (for the register forms)."""
    prop = _property(request)
    q = request.GET.get("q", "").strip()
    results = []
    if q and can(request.user, "resident.view", prop.pk):
        for r in resident_search(user=request.user, q=q, limit=15):
            if r.property_id != prop.pk:
                continue
            for o in r.current_occupancies:
                results.append({"value": f"{r.pk}:{o.unit_id}", "resident": r, "occ": o})
    return render(request, "visitors/_partials/occupant_results.html", {"q": q, "results": results})


def _occupant_ctx(form):
    if getattr(form, "resident", None) and getattr(form, "unit", None):
        return {
            "chosen": {
                "value": f"{form.resident.pk}:{form.unit.pk}",
                "resident": form.resident,
                "unit": form.unit,
            }
        }
    return {}


# --- register and one visit -----------------------------------------------------------------------------


@needs("visitor.register")
def register(request):
    prop = _property(request, "visitor.register")
    form = RegisterForm(request.POST or None, prop=prop)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                e = services.visitor_register(actor=request.user, prop=prop, **form.service_kwargs())
            except DomainError as exc:
                _fail(form, exc)
                status = exc.status_code
            else:
                messages.success(request, f"已登记 {e.number},请联系业主确认。")
                return _go(request, e.get_absolute_url())
        else:
            status = 400
    ctx = {
        "form": form,
        "prop": prop,
        "props": selectors.visitor_properties(user=request.user, action="visitor.register"),
        **_occupant_ctx(form),
    }
    return render(request, "visitors/register.html", ctx, status=status)


def _entry_ctx(request, e, **forms):
    user, pid = request.user, e.property_id
    can_reg = can(user, "visitor.register", pid)
    ctx = {
        "e": e,
        "now": timezone.now(),
        "attempts": list(e.attempts.select_related("by")),
        "spare_keys": list(e.spare_keys.select_related("key_holder").order_by("-letter_faxed_at")),
        "keys": list(e.keys.all()),
        "preauths": selectors.preauths_for_unit(user=user, unit=e.unit)
        if e.status == VisitStatus.PENDING
        else [],
        "history": history_for(e),
        "can_register": can_reg,
        "can_lookup": can(user, "visitor.contact_lookup", pid),
        "can_sparekey": can(user, "visitor.sparekey", pid),
        "contact_form": forms.get("contact_form") or ContactForm(),
        "message_form": forms.get("message_form") or MessageForm(),
        "lookup_form": forms.get("lookup_form") or LookupForm(),
        "extend_form": forms.get("extend_form") or ExtendForm(),
        "cancel_form": forms.get("cancel_form") or ReasonForm(),
        "error": forms.get("error"),
    }
    return ctx


@needs("visitor.view")
def entry_detail(request, pk):
    e = selectors.entry_for_page(user=request.user, pk=pk)
    return render(request, "visitors/entry.html", _entry_ctx(request, e))


def _entry_action(request, pk, form_cls, ctx_key, call, action="visitor.register", ok=""):
    """POST a small form on the visit page to one service; errors re-render the page with 400."""
    e = selectors.entry_for_page(user=request.user, pk=pk, action=action)
    form = form_cls(request.POST) if form_cls else None
    if form is not None and not form.is_valid():
        return render(request, "visitors/entry.html", _entry_ctx(request, e, **{ctx_key: form}), status=400)
    try:
        call(e, form.cleaned_data if form is not None else {})
    except DomainError as exc:
        if form is not None:
            _fail(form, exc)
            return render(
                request,
                "visitors/entry.html",
                _entry_ctx(request, e, **{ctx_key: form}),
                status=exc.status_code,
            )
        return render(
            request, "visitors/entry.html", _entry_ctx(request, e, error=exc.message), status=exc.status_code
        )
    if ok:
        messages.success(request, ok)
    return _go(request, e.get_absolute_url())


@needs("visitor.register")
@require_POST
def entry_contact(request, pk):
    def call(e, d):
        services.visitor_contact(actor=request.user, entry=e, **d)

    return _entry_action(request, pk, ContactForm, "contact_form", call, ok="已记录联系结果。")


@needs("visitor.register")
@require_POST
def entry_message(request, pk):
    def call(e, d):
        services.visitor_leave_message(actor=request.user, entry=e, **d)

    return _entry_action(request, pk, MessageForm, "message_form", call, ok="已代为留言。")


@needs("visitor.contact_lookup")
@require_POST
def entry_lookup(request, pk):
    """R-VIS-07: the owner's contact fields, shown once to the desk (never stored on the page); logged."""
    e = selectors.entry_for_page(user=request.user, pk=pk, action="visitor.contact_lookup")
    form = LookupForm(request.POST)
    form.is_valid()
    try:
        result = services.visitor_contact_lookup(
            actor=request.user, entry=e, reason=form.cleaned_data.get("reason", "")
        )
    except DomainError as exc:
        if _is_htmx(request):
            return render(
                request,
                "visitors/_partials/lookup_result.html",
                {"error": exc.message},
                status=exc.status_code,
            )
        return render(
            request, "visitors/entry.html", _entry_ctx(request, e, error=exc.message), status=exc.status_code
        )
    ctx = {"result": result, "e": e}
    if _is_htmx(request):
        return render(request, "visitors/_partials/lookup_result.html", ctx)
    return render(request, "visitors/entry.html", {**_entry_ctx(request, e), "lookup_result": result})


@needs("visitor.register")
@require_POST
def entry_extend(request, pk):
    def call(e, d):
        services.visitor_extend(
            actor=request.user,
            entry=e,
            expected_leave_at=e.expected_leave_at + timedelta(minutes=d["minutes"]),
            notified_by=d["notified_by"],
            reason=d["reason"],
        )

    return _entry_action(request, pk, ExtendForm, "extend_form", call, ok="已登记延时。")


@needs("visitor.register")
@require_POST
def entry_leave(request, pk):
    def call(e, d):
        services.visitor_leave(actor=request.user, entry=e)

    resp = _entry_action(request, pk, None, "", call, ok="已登记离开。")
    if resp.status_code in (302, 204) and request.POST.get("next") == "desk":
        e = VisitorEntry.objects.get(pk=pk)
        return _go(request, _with_property(reverse("visitors:desk"), e.property))
    return resp


@needs("visitor.register")
@require_POST
def entry_cancel(request, pk):
    def call(e, d):
        services.visitor_cancel(actor=request.user, entry=e, reason=d["reason"])

    return _entry_action(request, pk, ReasonForm, "cancel_form", call, ok="已登记访客放弃。")


@needs("visitor.view")
def day_sheet(request, day):
    try:
        d = date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    prop = _property(request)
    rows = selectors.day_sheet(user=request.user, prop=prop, day=d)
    return render(request, "visitors/day_sheet.html", {"prop": prop, "day": d, "rows": rows})


@needs("visitor.view")
def today_sheet(request):
    prop = _property(request)
    return redirect(_with_property(reverse("visitors:sheet", args=[timezone.localdate().isoformat()]), prop))


# --- standing instructions ------------------------------------------------------------------------------


@needs("visitor.view")
def preauth_list(request):
    prop = _property(request)
    show_all = request.GET.get("all") == "1"
    rows = list(selectors.preauths(user=request.user, prop=prop, include_inactive=show_all)[:300])
    ctx = {
        "prop": prop,
        "props": selectors.visitor_properties(user=request.user),
        "rows": rows,
        "now": timezone.now(),
        "show_all": show_all,
        "can_edit": can(request.user, "visitor.preauth", prop.pk),
        "revoke_form": ReasonForm(),
    }
    return render(request, "visitors/preauths.html", ctx)


@needs("visitor.preauth")
def preauth_create(request):
    prop = _property(request, "visitor.preauth")
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = PreauthForm(
        request.POST or None,
        prop=prop,
        initial={"valid_from": now, "valid_to": now + timedelta(days=1)},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.preauth_create(actor=request.user, prop=prop, **form.service_kwargs())
            except DomainError as exc:
                _fail(form, exc)
                status = exc.status_code
            else:
                messages.success(request, "已记录业主交代。")
                return _go(request, _with_property(reverse("visitors:preauths"), prop))
        else:
            status = 400
    ctx = {"form": form, "prop": prop, "title": "业主预先交代(访客预约)", **_occupant_ctx(form)}
    return render(request, "visitors/occupant_form.html", ctx, status=status)


@needs("visitor.preauth")
@require_POST
def preauth_revoke(request, pk):
    p = selectors.preauth_for_page(user=request.user, pk=pk, action="visitor.preauth")
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("请填写撤销原因。(Give a reason.)", field="reason")
        services.preauth_revoke(actor=request.user, preauth=p, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        url = _with_property(reverse("visitors:preauths"), p.property)
        return render(
            request, "visitors/error.html", {"message": exc.message, "back": url}, status=exc.status_code
        )
    messages.success(request, "已撤销。")
    return _go(request, _with_property(reverse("visitors:preauths"), p.property))


# --- keys left for visitors (R-VIS-10) ---------------------------------------------------------------------


@needs("visitor.view")
def key_list(request):
    prop = _property(request)
    ctx = {
        "prop": prop,
        "props": selectors.visitor_properties(user=request.user),
        "held": list(selectors.keys_held(user=request.user, prop=prop)),
        "recent": selectors.keys_recent(user=request.user, prop=prop),
        "can_edit": can(request.user, "visitor.key", prop.pk),
    }
    return render(request, "visitors/keys.html", ctx)


@needs("visitor.key")
def key_deposit(request):
    prop = _property(request, "visitor.key")
    form = KeyDepositForm(request.POST or None, prop=prop)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                k = services.key_for_visitor_deposit(actor=request.user, prop=prop, **form.service_kwargs())
            except DomainError as exc:
                _fail(form, exc)
                status = exc.status_code
            else:
                messages.success(request, f"已登记 {k.number}。")
                return _go(request, k.get_absolute_url())
        else:
            status = 400
    ctx = {"form": form, "prop": prop, "title": "业主留存钥匙(交访客)", **_occupant_ctx(form)}
    return render(request, "visitors/occupant_form.html", ctx, status=status)


def _key_ctx(request, k, form=None, return_form=None):
    entries = selectors.key_candidate_entries(key=k) if k.status == KeyStatus.HELD else []
    return {
        "k": k,
        "entries": entries,
        "form": form or KeyHandoverForm(entries=entries, initial={"signature_name": k.collector_name}),
        "return_form": return_form or ReasonForm(),
        "history": history_for(k),
        "can_edit": can(request.user, "visitor.key", k.property_id),
    }


@needs("visitor.view")
def key_detail(request, pk):
    k = selectors.key_for_page(user=request.user, pk=pk)
    return render(request, "visitors/key.html", _key_ctx(request, k))


@needs("visitor.key")
@require_POST
def key_handover(request, pk):
    k = selectors.key_for_page(user=request.user, pk=pk, action="visitor.key")
    entries = selectors.key_candidate_entries(key=k)
    form = KeyHandoverForm(request.POST, entries=entries)
    if not form.is_valid():
        return render(request, "visitors/key.html", _key_ctx(request, k, form=form), status=400)
    d = form.cleaned_data
    try:
        services.key_for_visitor_handover(
            actor=request.user,
            key=k,
            entry=form.entries.get(d["entry"]),
            checked_id_type=d["checked_id_type"],
            checked_id_number=d["checked_id_number"],
            identity_checked=d["identity_checked"],
            signature_name=d["signature_name"],
            signed=d["signed"],
        )
    except DomainError as exc:
        _fail(form, exc)
        return render(request, "visitors/key.html", _key_ctx(request, k, form=form), status=exc.status_code)
    messages.success(request, "钥匙已交付访客。")
    return _go(request, k.get_absolute_url())


@needs("visitor.key")
@require_POST
def key_return(request, pk):
    k = selectors.key_for_page(user=request.user, pk=pk, action="visitor.key")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return render(request, "visitors/key.html", _key_ctx(request, k, return_form=form), status=400)
    try:
        services.key_for_visitor_return(actor=request.user, key=k, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        _fail(form, exc)
        return render(
            request, "visitors/key.html", _key_ctx(request, k, return_form=form), status=exc.status_code
        )
    messages.success(request, "钥匙已退还业主。")
    return _go(request, k.get_absolute_url())


# --- spare-key entry (R-VIS-11/12/13) ---------------------------------------------------------------------


@needs("visitor.sparekey")
@require_POST
def spare_key_request(request, pk):
    e = selectors.entry_for_page(user=request.user, pk=pk, action="visitor.sparekey")
    try:
        s = services.spare_key_request(actor=request.user, entry=e)
    except DomainError as exc:
        return render(
            request, "visitors/entry.html", _entry_ctx(request, e, error=exc.message), status=exc.status_code
        )
    messages.success(request, "已传真空白《确认函》给业主,请访客在大堂休息区等候。")
    return _go(request, s.get_absolute_url())


SPARE_STEPS = {
    # step: (form class, permission action, service, allowed statuses for showing)
    "letter": (LetterForm, "visitor.sparekey"),
    "decline": (DeclineForm, "visitor.sparekey.decline"),
    "borrow": (BorrowForm, "visitor.sparekey"),
    "admit": (None, "visitor.sparekey"),
    "lock": (LockForm, "visitor.sparekey"),
}


def _spare_ctx(request, s, forms=None, error=None):
    forms = forms or {}
    user, pid = request.user, s.property_id
    return {
        "s": s,
        "e": s.entry,
        "history": history_for(s),
        "scans": list(attachments_for(s)),
        "letter_form": forms.get("letter") or LetterForm(initial={"signed_on": timezone.localdate()}),
        "decline_form": forms.get("decline") or DeclineForm(),
        "borrow_form": forms.get("borrow") or BorrowForm(),
        "lock_form": forms.get("lock") or LockForm(initial={"lent_by": s.lent_by}),
        "can_sparekey": can(user, "visitor.sparekey", pid),
        "can_decline": can(user, "visitor.sparekey.decline", pid),
        "is_holder": s.key_holder_id == user.pk,
        "S": SpareKeyStatus,
        "error": error,
    }


@needs("visitor.view")
def spare_key_detail(request, pk):
    s = selectors.spare_key_for_page(user=request.user, pk=pk)
    return render(request, "visitors/spare_key.html", _spare_ctx(request, s))


@login_required
@require_POST
def spare_key_step(request, pk, step):
    if step not in SPARE_STEPS:
        raise Http404
    form_cls, action = SPARE_STEPS[step]
    if not can(request.user, action):
        raise PermissionDenied
    s = selectors.spare_key_for_page(user=request.user, pk=pk, action=action)
    form = form_cls(request.POST, request.FILES) if form_cls else None
    if form is not None and not form.is_valid():
        return render(request, "visitors/spare_key.html", _spare_ctx(request, s, {step: form}), status=400)
    d = form.cleaned_data if form is not None else {}
    try:
        if step == "letter":
            services.spare_key_letter_received(
                actor=request.user, spare=s, signed_on=d["signed_on"], scan=d.get("scan")
            )
        elif step == "decline":
            services.spare_key_decline(actor=request.user, spare=s, note=d["note"])
        elif step == "borrow":
            services.spare_key_borrow(actor=request.user, spare=s, **d)
        elif step == "admit":
            services.spare_key_admit(actor=request.user, spare=s)
        else:
            services.spare_key_lock(actor=request.user, spare=s, lent_by=d.get("lent_by", ""))
    except DomainError as exc:
        if form is not None:
            _fail(form, exc)
        return render(
            request,
            "visitors/spare_key.html",
            _spare_ctx(request, s, {step: form} if form else None, error=None if form else exc.message),
            status=exc.status_code,
        )
    messages.success(request, "已记录。")
    return _go(request, s.get_absolute_url())


# --- R-VIS-07 audit --------------------------------------------------------------------------------------


@needs("visitor.lookup_audit")
def lookup_log(request):
    from django.core.paginator import Paginator

    page = Paginator(selectors.contact_lookups(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "visitors/lookups.html", {"page_obj": page, "rows": page.object_list})
