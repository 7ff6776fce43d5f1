"""Pages of the visitor register. Every write calls a service; every queryset starts from restrict()."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.attachments import attachments_for
from core.errors import DomainError
from core.history import history_for
from core.permissions import can
from core.views.decorators import needs
from core.views.generic import (
    ObjectListView,
    ServiceCreateView,
    ServiceStepView,
    hx_redirect,
    is_htmx,
    requested_property,
)
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


def _with_property(url, prop):
    return f"{url}?property={prop.pk}"


class VisitorStep(ServiceStepView):
    """A small form on a visitor-register page; htmx gets HX-Redirect."""

    hx_redirect = True


# --- the desk: today's list (R-VIS-01/03) ----------------------------------------------------------


@needs("visitor.view")
def desk(request):
    prop = requested_property(request, "visitor.view")
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
    template = "visitors/_partials/desk_body.html" if is_htmx(request) else "visitors/desk.html"
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
        (gettext_lazy("编号"), "number"),
        (gettext_lazy("访客姓名"), "visitor_name"),
        (gettext_lazy("证件类型"), "get_visitor_id_type_display"),
        (gettext_lazy("证件号码"), "masked_id_number"),
        (gettext_lazy("电话"), "masked_phone"),
        (gettext_lazy("人数"), "party_size"),
        (gettext_lazy("被访房间"), "unit.label"),
        (gettext_lazy("被访住户"), "resident.name"),
        (gettext_lazy("事由"), "purpose"),
        (gettext_lazy("来访时间"), "arrived_at"),
        (gettext_lazy("预计离开"), "expected_leave_at"),
        (gettext_lazy("离开时间"), "left_at"),
        (gettext_lazy("确认方式"), "get_confirm_method_display"),
        (gettext_lazy("确认人"), "confirmed_with"),
        (gettext_lazy("确认结果"), "get_confirm_result_display"),
        (gettext_lazy("状态"), "get_status_display"),
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
    prop = requested_property(request, "visitor.view")
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


class OccupantFormPage(ServiceCreateView):
    """A registration naming a resident of a unit (looked up as you type); htmx gets HX-Redirect."""

    template_name = "visitors/occupant_form.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        return {**ctx, **_occupant_ctx(ctx["form"])}


class Register(OccupantFormPage):
    action = "visitor.register"
    form_class = RegisterForm
    template_name = "visitors/register.html"
    service = staticmethod(services.visitor_register)

    def success_message(self, e):
        return _("已登记 %(number)s,请联系业主确认。") % {"number": e.number}

    def get_context_data(self, **kwargs):
        props = selectors.visitor_properties(user=self.request.user, action="visitor.register")
        return {**super().get_context_data(**kwargs), "props": props}


register = Register.as_view()


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


class EntryStep(VisitorStep):
    """POST a small form on the visit page to one service; errors re-render the page."""

    action = "visitor.register"
    record_kwarg = "entry"

    def get_object(self):
        return selectors.entry_for_page(user=self.request.user, pk=self.kwargs["pk"], action=self.action)

    def render_form(self, form, status, error=None):
        forms = {"error": error} if error is not None else {self.form_key: form}
        return render(
            self.request, "visitors/entry.html", _entry_ctx(self.request, self.object, **forms), status=status
        )


entry_contact = EntryStep.as_view(
    form_class=ContactForm,
    form_key="contact_form",
    service=services.visitor_contact,
    success_message=gettext_lazy("已记录联系结果。"),
)
entry_message = EntryStep.as_view(
    form_class=MessageForm,
    form_key="message_form",
    service=services.visitor_leave_message,
    success_message=gettext_lazy("已代为留言。"),
)


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
        if is_htmx(request):
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
    if is_htmx(request):
        return render(request, "visitors/_partials/lookup_result.html", ctx)
    return render(request, "visitors/entry.html", {**_entry_ctx(request, e), "lookup_result": result})


entry_extend = EntryStep.as_view(
    form_class=ExtendForm,
    form_key="extend_form",
    call=lambda u, e, d: services.visitor_extend(
        actor=u,
        entry=e,
        expected_leave_at=e.expected_leave_at + timedelta(minutes=d["minutes"]),
        notified_by=d["notified_by"],
        reason=d["reason"],
    ),
    success_message=gettext_lazy("已登记延时。"),
)


class EntryLeave(EntryStep):
    """From the desk's list (next=desk) the desk comes back; otherwise the visit's page."""

    service = staticmethod(services.visitor_leave)
    success_message = gettext_lazy("已登记离开。")

    def get_success_url(self, result=None):
        if self.request.POST.get("next") == "desk":
            return _with_property(reverse("visitors:desk"), self.object.property)
        return super().get_success_url(result)


entry_leave = EntryLeave.as_view()
entry_cancel = EntryStep.as_view(
    form_class=ReasonForm,
    form_key="cancel_form",
    service=services.visitor_cancel,
    success_message=gettext_lazy("已登记访客放弃。"),
)


@needs("visitor.view")
def day_sheet(request, day):
    try:
        d = date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    prop = requested_property(request, "visitor.view")
    rows = selectors.day_sheet(user=request.user, prop=prop, day=d)
    return render(request, "visitors/day_sheet.html", {"prop": prop, "day": d, "rows": rows})


@needs("visitor.view")
def today_sheet(request):
    prop = requested_property(request, "visitor.view")
    return redirect(_with_property(reverse("visitors:sheet", args=[timezone.localdate().isoformat()]), prop))


# --- standing instructions ------------------------------------------------------------------------------


@needs("visitor.view")
def preauth_list(request):
    prop = requested_property(request, "visitor.view")
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


class PreauthCreate(OccupantFormPage):
    action = "visitor.preauth"
    form_class = PreauthForm
    service = staticmethod(services.preauth_create)
    title = gettext_lazy("业主预先交代(访客预约)")
    success_message = gettext_lazy("已记录业主交代。")

    def get_initial(self):
        now = timezone.localtime().replace(second=0, microsecond=0)
        return {"valid_from": now, "valid_to": now + timedelta(days=1)}

    def get_success_url(self, result=None):
        return _with_property(reverse("visitors:preauths"), self.prop)


preauth_create = PreauthCreate.as_view()


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
    messages.success(request, _("已撤销。"))
    return hx_redirect(request, _with_property(reverse("visitors:preauths"), p.property))


# --- keys left for visitors (R-VIS-10) ---------------------------------------------------------------------


@needs("visitor.view")
def key_list(request):
    prop = requested_property(request, "visitor.view")
    ctx = {
        "prop": prop,
        "props": selectors.visitor_properties(user=request.user),
        "held": list(selectors.keys_held(user=request.user, prop=prop)),
        "recent": selectors.keys_recent(user=request.user, prop=prop),
        "can_edit": can(request.user, "visitor.key", prop.pk),
    }
    return render(request, "visitors/keys.html", ctx)


key_deposit = OccupantFormPage.as_view(
    action="visitor.key",
    form_class=KeyDepositForm,
    service=services.key_for_visitor_deposit,
    title=gettext_lazy("业主留存钥匙(交访客)"),
    success_message=lambda k: _("已登记 %(number)s。") % {"number": k.number},
)


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


class KeyStep(VisitorStep):
    action = "visitor.key"
    record_kwarg = "key"

    def get_object(self):
        return selectors.key_for_page(user=self.request.user, pk=self.kwargs["pk"], action=self.action)

    def render_form(self, form, status, error=None):
        ctx = _key_ctx(self.request, self.object, **{self.form_key: form})
        return render(self.request, "visitors/key.html", ctx, status=status)


class KeyHandover(KeyStep):
    """R-VIS-10: the visitor named by the owner collects the key (identity checked, signed)."""

    form_class = KeyHandoverForm
    success_message = gettext_lazy("钥匙已交付访客。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "entries": selectors.key_candidate_entries(key=self.object)}

    def perform(self, form):
        d = dict(form.cleaned_data)
        entry = form.entries.get(d.pop("entry"))
        return services.key_for_visitor_handover(actor=self.request.user, key=self.object, entry=entry, **d)


key_handover = KeyHandover.as_view()
key_return = KeyStep.as_view(
    form_class=ReasonForm,
    form_key="return_form",
    service=services.key_for_visitor_return,
    success_message=gettext_lazy("钥匙已退还业主。"),
)


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
    messages.success(request, _("已传真空白《确认函》给业主,请访客在大堂休息区等候。"))
    return hx_redirect(request, s.get_absolute_url())


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


class SpareKeyStep(VisitorStep):
    record_kwarg = "spare"
    success_message = gettext_lazy("已记录。")

    def get_object(self):
        return selectors.spare_key_for_page(user=self.request.user, pk=self.kwargs["pk"], action=self.action)

    def render_form(self, form, status, error=None):
        forms = {self.kwargs["step"]: form} if error is None else None
        ctx = _spare_ctx(self.request, self.object, forms, error=error)
        return render(self.request, "visitors/spare_key.html", ctx, status=status)


SPARE_STEPS = {
    "letter": SpareKeyStep.as_view(
        action="visitor.sparekey", form_class=LetterForm, service=services.spare_key_letter_received
    ),
    "decline": SpareKeyStep.as_view(
        action="visitor.sparekey.decline", form_class=DeclineForm, service=services.spare_key_decline
    ),
    "borrow": SpareKeyStep.as_view(
        action="visitor.sparekey", form_class=BorrowForm, service=services.spare_key_borrow
    ),
    "admit": SpareKeyStep.as_view(action="visitor.sparekey", service=services.spare_key_admit),
    "lock": SpareKeyStep.as_view(
        action="visitor.sparekey", form_class=LockForm, service=services.spare_key_lock
    ),
}


@login_required
@require_POST
def spare_key_step(request, pk, step):
    if step not in SPARE_STEPS:
        raise Http404
    return SPARE_STEPS[step](request, pk=pk, step=step)


# --- R-VIS-07 audit --------------------------------------------------------------------------------------


@needs("visitor.lookup_audit")
def lookup_log(request):
    from django.core.paginator import Paginator

    page = Paginator(selectors.contact_lookups(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "visitors/lookups.html", {"page_obj": page, "rows": page.object_list})
