"""Shared list / detail / action views. An area's page is a few attributes on these.

- ScopedMixin: login required; the queryset is `Model.objects.restrict(user, action)`.
- ObjectListView: filterset + pagination + `?export=xlsx`; htmx requests get the table fragment only.
- ObjectDetailView: one record plus its history tab.
- ServiceFormView: a form whose valid data is handed to a service; a DomainError re-renders with 400.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.views.generic import DetailView, FormView, TemplateView

from core.errors import DomainError
from core.exports import xlsx_response
from core.history import history_for
from core.permissions import can


class ScopedMixin(LoginRequiredMixin):
    model = None
    action = "view"

    def base_queryset(self):
        return self.model.objects.restrict(self.request.user, self.action)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, self.action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


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
        page = Paginator(qs, self.paginate_by).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx.update(
            page_obj=page,
            object_list=page.object_list,
            filterset=self.filterset,
            columns=self.columns,
            query_string=query.urlencode(),
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
    """Subclasses implement perform(form) → the object (or URL) to go to; it calls one service."""

    template_name = "partials/form_page.html"
    title = ""

    def perform(self, form):
        raise TypeError(f"{type(self).__name__} must define perform(form)")

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            return self.render_to_response(self.get_context_data(form=form), status=exc.status_code)
        url = result if isinstance(result, str) else result.get_absolute_url()
        if self.request.headers.get("HX-Request"):
            resp = HttpResponseRedirect(url)
            resp.status_code = 204
            resp["HX-Redirect"] = url
            return resp
        return HttpResponseRedirect(url)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("title", self.title)
        return ctx
