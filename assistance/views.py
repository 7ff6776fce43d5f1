"""Pages of the 求助 area: quick intake (category first, its checklist via htmx), the panel actions on the
shared request page, the 《住户求助登记表》 (filter, print, Excel), the archive/retention page and incidents.
Every write calls assistance.services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.exports import xlsx_response
from core.history import history_for
from core.masking import mask_phone
from core.models import Department
from core.permissions import can
from core.rule_settings import setting
from core.templatetags import lazyform
from core.views.decorators import needs
from core.views.generic import ServiceStepView, is_htmx
from servicedesk import selectors as sd_selectors
from servicedesk.engine import workflow_for

from . import checklists, selectors, services
from .choices import HelpCategory
from .forms import (
    ArchiveForm,
    DisposeForm,
    FeeForm,
    HelpIntakeForm,
    IncidentCloseForm,
    IncidentHandleForm,
    PrincipleForm,
    PromiseForm,
    ReferralForm,
    ResolveForm,
    SupervisorReplyForm,
    UnsatisfiableForm,
)
from .models import HelpRegisterBatch
from .panel import help_panel

# --- intake ----------------------------------------------------------------------------------------


def _intake_ctx(request, prop, form):
    cat = form["category"].value() or ""
    return {
        "form": form,
        "prop": prop,
        "props": selectors.help_properties(user=request.user),
        "category": cat,
        "steps": checklists.CHECKLISTS.get(cat, []),
        "first_aid": cat == HelpCategory.FIRST_AID,
        # R-HELP-03: the property's own quick-response time (规则参数).
        "quick_minutes": int(setting(prop, "assistance.quick_response").total_seconds() // 60)
        if prop
        else None,
    }


@needs("assistance.create")
def help_new(request):
    prop = selectors.pick_property(
        user=request.user, requested=request.POST.get("property") or request.GET.get("property")
    )
    if prop is None:
        raise PermissionDenied
    if request.method != "POST":
        form = HelpIntakeForm(prop=prop, initial={"category": request.GET.get("category", "")})
        return render(request, "assistance/new.html", _intake_ctx(request, prop, form))
    form = HelpIntakeForm(request.POST, prop=prop)
    if form.is_valid():
        try:
            help = services.help_create(actor=request.user, prop=prop, **form.service_kwargs())
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            status = exc.status_code
        else:
            messages.success(request, _("已登记求助 %(n)s。") % {"n": help.request.number})
            return redirect("servicedesk:detail", pk=help.pk)
    else:
        status = 400
    return render(request, "assistance/new.html", _intake_ctx(request, prop, form), status=status)


@needs("assistance.create")
def intake_checklist(request):
    """htmx: the chosen category's intake fields and handling checklist."""
    prop = selectors.pick_property(user=request.user, requested=request.GET.get("property"))
    if prop is None:
        raise PermissionDenied
    form = HelpIntakeForm(prop=prop, initial={"category": request.GET.get("category", "")})
    return render(request, "assistance/_partials/intake_category.html", _intake_ctx(request, prop, form))


# --- panel actions ---------------------------------------------------------------------------------


def _help_or_404(request, pk):
    return selectors.help_for(user=request.user, pk=pk)


def _back(request, help, exc: DomainError | None = None):
    """After a panel action: htmx gets the refreshed panel; a page post goes back to the request page
    (with the refusal shown, status 4xx, nothing written)."""
    req = sd_selectors.request_for_page(user=request.user, pk=help.pk)
    if is_htmx(request):
        ctx = {
            "p": help_panel(req, request.user),
            "error": str(exc.message) if exc else "",
            lazyform.URL: reverse("servicedesk:detail", args=[req.pk]),  # its forms open from the page
        }
        return render(request, "assistance/_panel.html", ctx, status=exc.status_code if exc else 200)
    if exc is None:
        messages.success(request, _("已保存。"))
        return redirect("servicedesk:detail", pk=help.pk)
    messages.error(request, str(exc.message))
    from servicedesk.views import render_request_page  # the one request page, re-rendered with the refusal

    return render_request_page(request, req, status=exc.status_code)


def _form_error(form) -> DomainError:
    first = next(iter(form.errors.items()))
    label = form.fields[first[0]].label if first[0] in form.fields else ""
    return DomainError(f"{label} {first[1][0]}".strip(), field=first[0])


class HelpStep(ServiceStepView):
    """A form of the help panel: every outcome goes through _back (htmx: the panel again; a page post: the
    request page, with the refusal or the invalid form's first error, status 4xx)."""

    action = "assistance.handle"
    record_kwarg = "help"

    def get_object(self):
        return _help_or_404(self.request, self.kwargs["pk"])

    def succeeded(self, result):
        return _back(self.request, self.object)

    def form_invalid(self, form):
        return _back(self.request, self.object, _form_error(form))

    def refused(self, form, exc):
        return _back(self.request, self.object, exc)


@needs("assistance.handle")
@require_POST
def step_tick(request, pk, key):
    help = _help_or_404(request, pk)
    s = checklists.step(help.category, key)
    if s is None:
        raise Http404
    values = {f.name: request.POST.get(f.name, "") for f in s.fields}
    try:
        services.help_step_tick(
            actor=request.user, help=help, key=key, values=values, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        return _back(request, help, exc)
    return _back(request, help)


refer = HelpStep.as_view(
    form_class=ReferralForm,
    form_kwargs=lambda h: {"departments": Department.objects.filter(property_id=h.request.property_id)},
    service=services.help_refer,
)
promise = HelpStep.as_view(form_class=PromiseForm, service=services.help_promise_answer)
principle = HelpStep.as_view(form_class=PrincipleForm, service=services.help_mark_principle)
supervisor_reply = HelpStep.as_view(
    action="request.supervise", form_class=SupervisorReplyForm, service=services.help_supervisor_reply
)
fee = HelpStep.as_view(form_class=FeeForm, service=services.help_set_fee)
resolve = HelpStep.as_view(
    form_class=ResolveForm,
    call=lambda u, h, d: services.help_resolve(
        actor=u, help=h, result=d["result"], expected_status=d["expected_status"] or None
    ),
)
unsatisfiable = HelpStep.as_view(
    form_class=UnsatisfiableForm,
    call=lambda u, h, d: services.help_close_unsatisfiable(
        actor=u, help=h, reason=d["reason"], expected_status=d["expected_status"] or None
    ),
)


# --- the 《住户求助登记表》 ----------------------------------------------------------------------------

REGISTER_HEAD = [
    gettext_lazy("编号"),
    gettext_lazy("受理时间"),
    gettext_lazy("求助类别"),
    gettext_lazy("求助人"),
    gettext_lazy("房号/位置"),
    gettext_lazy("联系电话"),
    gettext_lazy("求助内容"),
    gettext_lazy("处理经过"),
    gettext_lazy("处理结果"),
    gettext_lazy("受理人"),
    gettext_lazy("状态"),
    gettext_lazy("有偿/收费"),
    gettext_lazy("办结时间"),
]


def _register_row(h, user) -> list:
    r = h.request
    show = not h.confidential or selectors.may_read_confidential(user, r.property_id)
    steps = ";".join(f"{timezone.localtime(s.done_at):%H:%M} {s.label}({s.done_by})" for s in h.steps.all())
    refs = ";".join(f"转介 {x.target}" for x in h.referrals.all())
    return [
        r.number,
        timezone.localtime(r.received_at).strftime("%Y-%m-%d %H:%M"),
        h.get_category_display(),
        r.reporter_name,
        r.place(),
        mask_phone(r.contact_phone),
        r.description if show else "(保密)",
        ";".join(x for x in (steps, refs) if x) if show else "(保密)",
        h.result if show else "(保密)",
        str(r.created_by),
        workflow_for(r.kind).label(r.status),
        (f"有偿 {h.fee if h.fee is not None else '待定'} 元" if h.is_paid else "—"),
        timezone.localtime(r.closed_at).strftime("%Y-%m-%d %H:%M") if r.closed_at else "",
    ]


def _year(value) -> int:
    try:
        y = int(value)
    except (TypeError, ValueError):
        return timezone.localdate().year
    return y if 2000 <= y <= 2100 else timezone.localdate().year


@needs("assistance.register")
def register(request):
    g = request.GET
    year = _year(g.get("year"))
    category = g.get("category", "") if g.get("category", "") in HelpCategory.values else ""
    props = selectors.help_properties(user=request.user, action="assistance.register")
    prop_id = g.get("property", "") if any(str(p.pk) == g.get("property") for p in props) else ""
    qs = selectors.register_rows(user=request.user, year=year, category=category, prop_id=prop_id)
    if g.get("export") == "xlsx":
        if not can(request.user, "assistance.export"):
            raise PermissionDenied
        return xlsx_response(
            f"住户求助登记表-{year}.xlsx",
            REGISTER_HEAD,
            (_register_row(h, request.user) for h in qs),
            sheet_title=f"{year}",
        )
    query = g.copy()
    query.pop("page", None)
    query.pop("print", None)
    ctx = {
        "year": year,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
        "category": category,
        "categories": HelpCategory.choices,
        "props": props,
        "prop_id": prop_id,
        "head": REGISTER_HEAD,
        "query_string": query.urlencode(),
        "can_export": can(request.user, "assistance.export"),
    }
    if g.get("print"):
        ctx["rows"] = [_register_row(h, request.user) for h in qs[:2000]]
        return render(request, "assistance/register_print.html", ctx)
    page = Paginator(qs, 100).get_page(g.get("page"))
    ctx.update(page_obj=page, rows=[(h, _register_row(h, request.user)) for h in page.object_list])
    return render(request, "assistance/register.html", ctx)


# --- archive and retention (R-HELP-17) -------------------------------------------------------------


def _archive_ctx(request, archive_form=None):
    return {
        "batches": list(selectors.batches(user=request.user)),
        "archive_form": archive_form or ArchiveForm(initial={"year": timezone.localdate().year - 1}),
        "dispose_form": DisposeForm(),
        "props": selectors.help_properties(user=request.user, action="assistance.archive"),
        "can_archive": can(request.user, "assistance.archive"),
        "can_dispose": can(request.user, "assistance.dispose"),
        "today": timezone.localdate(),
        "retention_years": services.RETENTION_YEARS,
    }


@needs("assistance.register")
def archive_page(request):
    return render(request, "assistance/archive.html", _archive_ctx(request))


@needs("assistance.archive")
@require_POST
def archive_run(request):
    prop = selectors.pick_property(
        user=request.user, requested=request.POST.get("property"), action="assistance.archive"
    )
    if prop is None:
        raise PermissionDenied
    form = ArchiveForm(request.POST)
    if form.is_valid():
        try:
            b = services.help_register_archive(actor=request.user, prop=prop, year=form.cleaned_data["year"])
        except DomainError as exc:
            form.add_error("year", str(exc.message))
            return render(
                request, "assistance/archive.html", _archive_ctx(request, form), status=exc.status_code
            )
        messages.success(
            request, _("%(y)s 年度登记表已归档,共 %(n)s 条。") % {"y": b.year, "n": b.request_count}
        )
        return redirect("assistance:archive")
    return render(request, "assistance/archive.html", _archive_ctx(request, form), status=400)


@needs("assistance.dispose")
@require_POST
def batch_dispose(request, pk):
    batch = get_object_or_404(HelpRegisterBatch.objects.restrict(request.user, "assistance.dispose"), pk=pk)
    form = DisposeForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_error(form)
        services.help_batch_dispose(actor=request.user, batch=batch, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return render(request, "assistance/archive.html", _archive_ctx(request), status=exc.status_code)
    messages.success(request, _("已销毁(作废)。"))
    return redirect("assistance:archive")


# --- incidents ---------------------------------------------------------------------------------------


@needs("assistance.view")
def incident_list(request):
    page = Paginator(selectors.incidents(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "assistance/incidents.html", {"page_obj": page, "query_string": ""})


def _incident_ctx(request, inc, **forms):
    pid = inc.property_id
    return {
        "inc": inc,
        "history": history_for(inc),
        "handle_form": forms.get("handle_form") or IncidentHandleForm(),
        "close_form": forms.get("close_form") or IncidentCloseForm(),
        "can_handle": can(request.user, "assistance.incident", pid) and inc.status == "open",
        "can_close": can(request.user, "assistance.incident.close", pid) and inc.status == "handled",
    }


@needs("assistance.view")
def incident_detail(request, pk):
    inc = selectors.incident_for(user=request.user, pk=pk)
    return render(request, "assistance/incident.html", _incident_ctx(request, inc))


class IncidentStep(ServiceStepView):
    record_kwarg = "incident"

    def get_object(self):
        return selectors.incident_for(user=self.request.user, pk=self.kwargs["pk"])

    def render_form(self, form, status, error=None):
        ctx = _incident_ctx(self.request, self.object, **{self.form_key: form})
        return render(self.request, "assistance/incident.html", ctx, status=status)


incident_handle = IncidentStep.as_view(
    action="assistance.incident",
    form_class=IncidentHandleForm,
    form_key="handle_form",
    service=services.incident_handle,
)
incident_close = IncidentStep.as_view(
    action="assistance.incident.close",
    form_class=IncidentCloseForm,
    form_key="close_form",
    service=services.incident_close,
)
