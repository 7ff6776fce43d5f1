"""URLconf for tests of the shared view machinery: the real site plus a few throwaway views."""

from django import forms
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from core.errors import Conflict, DomainError, NotAllowed
from core.models import Unit
from core.views.generic import ObjectDetailView, ObjectListView, ServiceFormView
from propdesk.urls import urlpatterns as site_patterns

FULL_PAGE = engines["django"].from_string(
    "FULL {% for u in object_list %}[{{ u.label }}]{% endfor %} page={{ page_obj.number }} export={{ can_export }}"
)


def raise_domain(request):
    raise DomainError("楼号已存在。(Building code already exists.)", field="code")


def raise_not_allowed(request):
    raise NotAllowed()


def raise_conflict(request):
    raise Conflict()


def ok(request):
    return HttpResponse("ok")


class UnitList(ObjectListView):
    model = Unit
    paginate_by = 2
    export_action = "resident.export"
    export_filename = "房间.xlsx"
    columns = [("房间", "label"), ("面积", "area"), ("楼座", "building.name"), ("状态", "get_status_display")]
    partial_template_name = "partials/pagination.html"

    def get_queryset(self):
        return super().get_queryset().order_by("label")

    def get_template_names(self):
        names = super().get_template_names() if self.request.headers.get("HX-Request") else []
        return names if names else FULL_PAGE


class UnitDetail(ObjectDetailView):
    model = Unit
    template_name = "partials/history.html"


class NumberForm(forms.Form):
    number = forms.CharField()


class UnitRename(ServiceFormView):
    """Throwaway service form: 'taken' is refused by the 'service', anything else goes to /done/."""

    action = "property.manage"
    form_class = NumberForm
    title = "改房号"

    def perform(self, form):
        if form.cleaned_data["number"] == "taken":
            raise DomainError("房号已存在。(Unit number already exists.)", field="number")
        return "/done/"


urlpatterns = [
    path("_t/domain/", raise_domain),
    path("_t/forbidden/", raise_not_allowed),
    path("_t/conflict/", raise_conflict),
    path("_t/ok/", ok),
    path("_t/units/", UnitList.as_view()),
    path("_t/units/<int:pk>/", UnitDetail.as_view()),
    path("_t/rename/", UnitRename.as_view()),
    *site_patterns,
]
