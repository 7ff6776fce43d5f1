"""Shared list / detail / action views. An area's page is a few attributes on these.

- ScopedMixin: login required; the queryset is `Model.objects.restrict(user, action)`.
- ObjectListView: filterset + pagination + `?export=xlsx`; htmx requests get the table fragment only.
- ObjectDetailView: one record plus its history tab.
- ServiceFormView: a form whose valid data is handed to a service; a DomainError re-renders with its status.
- ServiceStepView: one step on a record (form → service → message → redirect, or the record's page again).
- ServiceCreateView: a page that records something new in the property the user works in.
- requested_property / apply_domain_error / hx_redirect: the small pieces function views share.
- render_page: a record's page whose step forms are drawn when opened ({% lazyform %}, `?form=<key>`).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, TemplateView

from core import selectors as core_selectors
from core.errors import DomainError
from core.exports import xlsx_response
from core.history import history_for
from core.permissions import can


def requested_property(request, action: str):
    """The property a page works in: the one asked for (?property= or a posted `property`) if the user may
    do `action` there, else their first such property. A user who may do it nowhere is refused (403)."""
    prop = core_selectors.current_property(
        user=request.user,
        requested=request.POST.get("property") or request.GET.get("property"),
        action=action,
    )
    if prop is None:
        raise PermissionDenied
    return prop


def apply_domain_error(form, exc: DomainError) -> None:
    """A refusal's message on the field it names, or on the form as a whole when the form has no such field."""
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


def service_kwargs(form) -> dict:
    """What a valid form hands its service: form.service_kwargs() where the form maps its fields itself."""
    return form.service_kwargs() if hasattr(form, "service_kwargs") else form.cleaned_data


def is_htmx(request) -> bool:
    """An htmx request for a fragment (a boosted navigation is an ordinary page load)."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-Boosted")


def hx_redirect(request, url: str):
    """Go to `url`: a 302 for the browser; htmx gets 204 with HX-Redirect, so it loads the whole page."""
    resp = HttpResponseRedirect(url)
    if is_htmx(request):
        resp.status_code = 204
        resp["HX-Redirect"] = url
    return resp


def render_page(request, template_name: str, context: dict, *, url: str, status: int = 200):
    """A record's page with its {% lazyform %} step forms closed; `?form=<key>` answers that form alone (what
    opening it fetches). A form the record no longer offers (its state moved on, the user's role) answers
    a short message instead. `url` is the record's page: the forms are fetched from it whatever URL drew it
    (a refused step re-draws the page from the step's URL)."""
    from core.templatetags.lazyform import ONLY, OUT, URL

    context[URL] = url
    key = request.GET.get("form")
    if not key:
        return HttpResponse(render_to_string(template_name, context, request), status=status)
    context[ONLY], context[OUT] = key, {}
    render_to_string(template_name, context, request)
    html = context[OUT].get(key)
    if html is None:
        html = format_html(
            '<p class="muted">{}</p>',
            _("此操作当前不可办理,请刷新页面。(Not available now: reload the page.)"),
        )
    return HttpResponse(html)


class ScopedMixin(LoginRequiredMixin):
    model = None
    action: str | None = "view"  # None: login only (the service checks the role in the record's property)

    def base_queryset(self):
        return self.model.objects.restrict(self.request.user, self.action)

    def dispatch(self, request, *args, **kwargs):
        if self.action and request.user.is_authenticated and not can(request.user, self.action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def paginate(request, qs, per_page: int = 50):
    """A list page's page of rows, and its query string without the page number (for the pager's links)."""
    page = Paginator(qs, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


class HtmxTemplateMixin:
    partial_template_name: str | None = None

    def get_template_names(self):
        if (
            self.partial_template_name
            and self.request.headers.get("HX-Request")
            and not self.request.headers.get("HX-Boosted")
        ):
            return [self.partial_template_name]
        return super().get_template_names()


class ObjectListView(ScopedMixin, HtmxTemplateMixin, TemplateView):
    filterset_class = None
    paginate_by = 50
    export_action: str | None = None  # permission needed for ?export=xlsx
    export_filename = "export.xlsx"
    columns: list[tuple[str, str]] = []  # (label, accessor) for the table and the export

    def get_queryset(self):
        return self.base_queryset()

    def filtered(self):
        qs = self.get_queryset()
        if self.filterset_class:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
            return self.filterset.qs
        self.filterset = None
        return qs

    def export_rows(self, qs):
        for obj in qs.iterator(chunk_size=2000):
            yield [resolve(obj, acc) for _, acc in self.columns]

    def get(self, request, *args, **kwargs):
        qs = self._filtered_qs = self.filtered()
        if request.GET.get("export") == "xlsx":
            if not self.export_action or not can(request.user, self.export_action):
                raise PermissionDenied
            return xlsx_response(self.export_filename, [c for c, _ in self.columns], self.export_rows(qs))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qs = getattr(self, "_filtered_qs", None)
        if qs is None:
            qs = self.filtered()
        if not qs.ordered:  # pages must not shuffle rows between requests
            qs = qs.order_by("-pk")
        page, query_string = paginate(self.request, qs, self.paginate_by)
        ctx.update(
            page_obj=page,
            object_list=page.object_list,
            filterset=self.filterset,
            columns=self.columns,
            query_string=query_string,
            can_export=bool(self.export_action and can(self.request.user, self.export_action)),
        )
        return ctx


def resolve(obj, accessor: str):
    cur = obj
    for part in accessor.split("."):
        cur = getattr(cur, part, None)
        if callable(cur):
            cur = cur()
        if cur is None:
            return ""
    return cur


class ObjectDetailView(ScopedMixin, HtmxTemplateMixin, DetailView):
    history_limit = 50

    def get_queryset(self):
        return self.base_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["history"] = history_for(self.object, self.history_limit)
        return ctx


class ServiceFormView(ScopedMixin, HtmxTemplateMixin, FormView):
    """A form whose valid data goes to one service.

    Subclasses implement perform(form) → where to go (a URL, or an object with get_absolute_url()); it
    calls one service. Then: success_message (if any) and a redirect (htmx: 204 + HX-Redirect unless
    hx_redirect is off). A refusal (DomainError) puts its message on the field it names (else on the form)
    and draws the form again with the error's status (400, 403, 409), or `refusal_status` where a page
    always answered one status; with `raise_forbidden` a 403 refusal is Django's 403 instead. An invalid
    form is drawn again with 400.
    """

    template_name = "partials/form_page.html"
    title = ""
    success_message = ""  # text, or a callable(result) → text
    refusal_status: int | None = None
    raise_forbidden = False
    hx_redirect = True

    def perform(self, form):
        raise TypeError(f"{type(self).__name__} must define perform(form)")

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except DomainError as exc:
            return self.refused(form, exc)
        return self.succeeded(result)

    def refused(self, form, exc: DomainError):
        if self.raise_forbidden and exc.status_code == 403:
            raise PermissionDenied from exc
        apply_domain_error(form, exc)
        return self.render_form(form, status=self.refusal_status or exc.status_code)

    def succeeded(self, result):
        message = self.success_message(result) if callable(self.success_message) else self.success_message
        if message:
            messages.success(self.request, message)
        url = self.get_success_url(result)
        return hx_redirect(self.request, url) if self.hx_redirect else HttpResponseRedirect(url)

    def get_success_url(self, result=None):
        return result if isinstance(result, str) else result.get_absolute_url()

    def form_invalid(self, form):
        return self.render_form(form, status=400)

    def render_form(self, form, status: int):
        return self.render_to_response(self.get_context_data(form=form), status=status)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("title", self.title)
        return ctx


class ServiceStepView(ServiceFormView):
    """One step on a record: a small form posted from the record's page to one service (POST only).

    An area writes one base class that says how to find the record (get_object: scoped, another property's
    record is a 404) and how its page is drawn again with the form in error (render_form, using form_key).
    Each step is then a few declarative lines:

        judge = ComplaintStep.as_view(
            form_class=f.JudgeForm,
            call=lambda actor, complaint, d: services.complaint_judge(actor=actor, complaint=complaint, …),
            success_message=_("已保存投诉判断。"),
        )

    `call(actor, record, data)` runs the service; where the form's fields are the service's keywords,
    `service=services.x, record_kwarg="item"` says the same (service(actor=…, item=record, **data), data
    from form.service_kwargs() where the form has it). `form_kwargs(record)` adds the form's own arguments
    (e.g. prop=record.property). Set these with as_view(…): a function put in a class body would be bound.
    A step without inputs keeps the empty form_class. `action` (None: login only) refuses a user whose
    roles nowhere allow it (403), before the record is looked up.

    Where a refusal shows: on the field it names, else above the form; a step without inputs has no form to
    show it on, so the page gets it (render_form(form, status, error=message)). With page_refusals, every
    refusal that names none of the form's fields goes to the page.
    """

    http_method_names = ["post"]
    action = None
    form_class = forms.Form
    form_key = "form"
    form_kwargs = None
    call = None
    service = None
    record_kwarg = ""
    success_message = _("已保存。")
    hx_redirect = False
    page_refusals = False

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        return self.form_valid(form) if form.is_valid() else self.form_invalid(form)

    def get_object(self):
        raise TypeError(f"{type(self).__name__} must define get_object()")

    def get_form_kwargs(self):
        kwargs = {"data": self.request.POST, "files": self.request.FILES}
        if self.form_kwargs is not None:
            kwargs.update(self.form_kwargs(self.object))
        return kwargs

    def perform(self, form):
        if self.call is not None:
            return self.call(self.request.user, self.object, form.cleaned_data)
        return self.service(
            actor=self.request.user, **{self.record_kwarg: self.object}, **service_kwargs(form)
        )

    def refused(self, form, exc: DomainError):
        if form.fields and not (self.page_refusals and exc.field not in form.fields):
            return super().refused(form, exc)
        if self.raise_forbidden and exc.status_code == 403:
            raise PermissionDenied from exc
        return self.render_form(form, status=self.refusal_status or exc.status_code, error=exc.message)

    def get_success_url(self, result=None):
        return self.object.get_absolute_url()

    def render_form(self, form, status: int, error=None):
        raise TypeError(f"{type(self).__name__} must define render_form(form, status, error=None)")


class ServiceCreateView(ServiceFormView):
    """A page that records something new in the property the user works in (requested_property: ?property=
    or a posted `property`, else their first one where they may do `action`; none at all: 403).

    GET shows the form; POST hands it to service(actor=…, prop=…, **data) (data: form.service_kwargs() where
    the form has it), then success_message and a redirect to what the service returned. The form gets
    prop=… unless form_takes_property is off; the context has `prop`. A POST with no fields at all is an
    unbound form (as Form(request.POST or None)): 400 without field errors. Put the service in the class
    body as staticmethod(…), or pass it to as_view().
    """

    service = None
    form_takes_property = True

    @cached_property
    def prop(self):
        return requested_property(self.request, self.action)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if "data" in kwargs and not self.request.POST:
            kwargs["data"] = kwargs["files"] = None
        if self.form_takes_property:
            kwargs["prop"] = self.prop
        return kwargs

    def perform(self, form):
        return self.service(actor=self.request.user, prop=self.prop, **service_kwargs(form))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["prop"] = self.prop
        return ctx
