"""The shared step view (core.views.generic.ServiceStepView) and the small helpers function views share.

The module is its own URLconf: a throwaway step on a unit, declared the way the areas declare theirs."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from core.errors import Conflict, DomainError, NotAllowed
from core.models import Unit
from core.testing.queries import assert_max_queries
from core.views.generic import (
    ServiceCreateView,
    ServiceFormView,
    ServiceStepView,
    apply_domain_error,
    hx_redirect,
    requested_property,
    service_kwargs,
)
from propdesk.urls import urlpatterns as site_patterns

pytestmark = pytest.mark.urls(__name__)


def set_entrance(unit, entrance):
    """What the throwaway services write, after refusing some inputs the ways real services refuse."""
    refusals = {
        "field": DomainError("入口不存在。(No such entrance.)", field="entrance"),
        "other": DomainError("不能修改。(Cannot change.)", field="elsewhere"),
        "plain": DomainError("已封存。(Archived.)"),
        "forbid": NotAllowed(),
        "late": Conflict(),
    }
    if entrance in refusals:
        raise refusals[entrance]
    Unit.objects.filter(pk=unit.pk).update(entrance=entrance)
    unit.entrance = entrance


def unit_entrance_set(*, actor, unit, entrance):
    set_entrance(unit, entrance)
    return unit


class EntranceForm(forms.Form):
    entrance = forms.CharField(max_length=10)


class MappedEntranceForm(EntranceForm):
    """A form that maps its fields to the service's keywords itself."""

    def service_kwargs(self):
        return {"entrance": self.cleaned_data["entrance"].upper()}


class UnitStep(ServiceStepView):
    """The area's base: the record scoped to the user's properties, its page drawn again on error."""

    def get_object(self):
        return get_object_or_404(Unit.objects.restrict(self.request.user, "view"), pk=self.kwargs["pk"])

    def get_success_url(self, result=None):
        return f"/units/{self.object.pk}/"

    def render_form(self, form, status, error=None):
        errors = "|".join(f"{k}:{e}" for k, errs in form.errors.items() for e in errs)
        return HttpResponse(f"PAGE {self.form_key} {errors} error={error}", status=status)


def _touch(actor, unit, data):
    return unit_entrance_set(actor=actor, unit=unit, entrance="touched")


def _refuse(actor, unit, data):
    return unit_entrance_set(actor=actor, unit=unit, entrance="late")


class Rename(ServiceFormView):
    action = "property.manage"
    form_class = EntranceForm

    def perform(self, form):
        self.new = form.cleaned_data["entrance"]
        return "/done/"

    def success_message(self, result):
        return f"已改名 {self.new}。"


CREATED = []


def building_note(*, actor, prop, code):
    """A throwaway 'create' service: answers where to go next."""
    if code == "taken":
        raise DomainError("楼号已存在。(Building code already exists.)", field="code")
    CREATED.append((actor.username, prop.code, code))
    return f"/buildings/{prop.code}/{code}/"


class BuildingForm(forms.Form):
    code = forms.CharField(max_length=10)

    def __init__(self, *args, prop, **kwargs):
        super().__init__(*args, **kwargs)
        self.prop = prop


class BuildingNew(ServiceCreateView):
    action = "resident.edit"
    form_class = BuildingForm
    service = staticmethod(building_note)
    title = "新楼座"

    def success_message(self, url):
        return f"已登记 {url}"

    def render_to_response(self, context, **kwargs):
        form = context["form"]
        errors = "|".join(f"{k}:{e}" for k, errs in form.errors.items() for e in errs)
        body = f"NEW {context['prop'].code} {context['title']} bound={form.is_bound} form-prop={form.prop.code} {errors}"
        return HttpResponse(body, status=kwargs.get("status", 200))


def property_page(request):
    return HttpResponse(requested_property(request, "resident.edit").code)


urlpatterns = [
    path(
        "_g/units/<int:pk>/service/",
        UnitStep.as_view(form_class=EntranceForm, service=unit_entrance_set, record_kwarg="unit"),
    ),
    path(
        "_g/units/<int:pk>/mapped/",
        UnitStep.as_view(form_class=MappedEntranceForm, service=unit_entrance_set, record_kwarg="unit"),
    ),
    path(
        "_g/units/<int:pk>/call/",
        UnitStep.as_view(
            action="property.manage",
            form_class=EntranceForm,
            form_key="entrance_form",
            call=lambda actor, unit, d: unit_entrance_set(
                actor=actor, unit=unit, entrance=d["entrance"] + "!"
            ),
            success_message=lambda unit: f"入口已改为 {unit.entrance}",
        ),
    ),
    path("_g/units/<int:pk>/touch/", UnitStep.as_view(call=_touch, success_message="已登记。")),
    path("_g/units/<int:pk>/refuse/", UnitStep.as_view(call=_refuse)),
    path(
        "_g/units/<int:pk>/page/",
        UnitStep.as_view(
            form_class=EntranceForm, service=unit_entrance_set, record_kwarg="unit", page_refusals=True
        ),
    ),
    path(
        "_g/units/<int:pk>/strict/",
        UnitStep.as_view(
            form_class=EntranceForm,
            service=unit_entrance_set,
            record_kwarg="unit",
            refusal_status=400,
            raise_forbidden=True,
        ),
    ),
    path(
        "_g/units/<int:pk>/htmx/",
        UnitStep.as_view(
            form_class=EntranceForm, service=unit_entrance_set, record_kwarg="unit", hx_redirect=True
        ),
    ),
    path("_g/rename/", Rename.as_view()),
    path("_g/buildings/new/", BuildingNew.as_view()),
    path("_g/property/", property_page),
    *site_patterns,
]


def _entrance(unit):
    return Unit.objects.get(pk=unit.pk).entrance


def _messages(resp):
    return [str(m) for m in get_messages(resp.wsgi_request)]


def test_step_success_writes_messages_and_redirects(world, client_as):
    c = client_as(world.frontdesk)
    with assert_max_queries(12):
        r = c.post(f"/_g/units/{world.u1.pk}/service/", {"entrance": "东"})
    assert r.status_code == 302 and r["Location"] == f"/units/{world.u1.pk}/"
    assert _entrance(world.u1) == "东"
    assert _messages(r) == ["已保存。"]


def test_step_call_and_message_from_the_result(world, client_as):
    r = client_as(world.manager).post(f"/_g/units/{world.u1.pk}/call/", {"entrance": "西"})
    assert r.status_code == 302
    assert _entrance(world.u1) == "西!"
    assert _messages(r) == ["入口已改为 西!"]


def test_step_takes_the_forms_own_service_kwargs(world, client_as):
    r = client_as(world.frontdesk).post(f"/_g/units/{world.u1.pk}/mapped/", {"entrance": "ab"})
    assert r.status_code == 302 and _entrance(world.u1) == "AB"


def test_step_without_inputs(world, client_as):
    r = client_as(world.frontdesk).post(f"/_g/units/{world.u1.pk}/touch/")
    assert r.status_code == 302 and _entrance(world.u1) == "touched"
    assert _messages(r) == ["已登记。"]


def test_step_anonymous_get_other_property_and_wrong_role(world, client, client_as):
    url = f"/_g/units/{world.u1.pk}/service/"
    r = client.post(url, {"entrance": "东"})
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert client_as(world.frontdesk).get(url).status_code == 405  # POST only
    # another property's record does not exist for this user
    assert client_as(world.frontdesk2).post(url, {"entrance": "东"}).status_code == 404
    # a role that may nowhere do the step's action: 403 before the record is looked up
    r = client_as(world.frontdesk).post(f"/_g/units/{world.u1.pk}/call/", {"entrance": "西"})
    assert r.status_code == 403
    assert _entrance(world.u1) == ""


def test_step_invalid_form_redraws_page_with_400(world, client_as):
    r = client_as(world.manager).post(f"/_g/units/{world.u1.pk}/call/", {"entrance": ""})
    assert r.status_code == 400
    body = r.content.decode()
    assert body.startswith("PAGE entrance_form ") and "entrance:" in body
    assert _entrance(world.u1) == ""


@pytest.mark.parametrize(
    ("entrance", "status", "error"),
    [
        ("field", 400, "entrance:入口不存在"),
        ("other", 400, "__all__:不能修改"),  # the form has no such field: on the form as a whole
        ("plain", 400, "__all__:已封存"),
        ("forbid", 403, "__all__:您没有权限"),
        ("late", 409, "__all__:记录已被他人处理"),
    ],
)
def test_step_refusal_lands_on_the_right_field_with_its_status(world, client_as, entrance, status, error):
    r = client_as(world.frontdesk).post(f"/_g/units/{world.u1.pk}/service/", {"entrance": entrance})
    assert r.status_code == status
    assert error in r.content.decode()
    assert _messages(r) == []
    assert _entrance(world.u1) == ""


def test_step_fixed_refusal_status_and_forbidden_as_403_page(world, client_as):
    c = client_as(world.frontdesk)
    r = c.post(f"/_g/units/{world.u1.pk}/strict/", {"entrance": "late"})
    assert r.status_code == 400 and "记录已被他人处理" in r.content.decode()
    r = c.post(f"/_g/units/{world.u1.pk}/strict/", {"entrance": "forbid"})
    assert r.status_code == 403 and not r.content.decode().startswith("PAGE")


def test_step_htmx_redirect(world, client_as):
    c = client_as(world.frontdesk)
    url = f"/_g/units/{world.u1.pk}/htmx/"
    r = c.post(url, {"entrance": "1"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 204 and r["HX-Redirect"] == f"/units/{world.u1.pk}/"
    r = c.post(url, {"entrance": "2"}, HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true")
    assert r.status_code == 302
    # steps answer htmx with a plain redirect unless they ask for HX-Redirect
    r = c.post(f"/_g/units/{world.u1.pk}/service/", {"entrance": "3"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 302


def test_service_form_view_success_message_and_url(world, client_as):
    r = client_as(world.manager).post("/_g/rename/", {"entrance": "x"})
    assert r.status_code == 302 and r["Location"] == "/done/"
    assert _messages(r) == ["已改名 x。"]


def test_apply_domain_error_and_service_kwargs():
    form = EntranceForm({"entrance": "x"})
    assert form.is_valid()
    apply_domain_error(form, DomainError("坏了。", field="entrance"))
    apply_domain_error(form, DomainError("也坏了。", field="nope"))
    assert form.errors == {"entrance": ["坏了。"], "__all__": ["也坏了。"]}
    mapped = MappedEntranceForm({"entrance": "ab"})
    plain = EntranceForm({"entrance": "ab"})
    assert mapped.is_valid() and plain.is_valid()
    assert service_kwargs(mapped) == {"entrance": "AB"}
    assert service_kwargs(plain) == {"entrance": "ab"}


def test_hx_redirect(rf):
    assert hx_redirect(rf.get("/"), "/x/").status_code == 302
    r = hx_redirect(rf.get("/", HTTP_HX_REQUEST="true"), "/x/")
    assert r.status_code == 204 and r["HX-Redirect"] == "/x/"


def test_requested_property(world, client_as):
    c = client_as(world.supervisor)
    assert c.get("/_g/property/").content == b"cuihu"
    # a property the user does not work in is never chosen: their own instead
    assert c.get(f"/_g/property/?property={world.p2.pk}").content == b"cuihu"
    assert c.post("/_g/property/", {"property": str(world.p1.pk)}).content == b"cuihu"
    # a role without the action anywhere: 403
    assert client_as(world.guard).get("/_g/property/").status_code == 403


def test_step_without_inputs_shows_its_refusal_on_the_page(world, client_as):
    r = client_as(world.frontdesk).post(f"/_g/units/{world.u1.pk}/refuse/")
    assert r.status_code == 409
    body = r.content.decode()
    assert "__all__" not in body and "error=记录已被他人处理" in body


def test_page_refusals_keep_field_errors_on_the_form(world, client_as):
    c = client_as(world.frontdesk)
    r = c.post(f"/_g/units/{world.u1.pk}/page/", {"entrance": "field"})
    assert r.status_code == 400 and "entrance:入口不存在" in r.content.decode()
    assert "error=None" in r.content.decode()
    r = c.post(f"/_g/units/{world.u1.pk}/page/", {"entrance": "other"})  # names a field the form lacks
    assert (
        r.status_code == 400
        and "error=不能修改" in r.content.decode()
        and "__all__" not in r.content.decode()
    )
    r = c.post(f"/_g/units/{world.u1.pk}/page/", {"entrance": "late"})
    assert r.status_code == 409 and "error=记录已被他人处理" in r.content.decode()


def test_create_view_get_and_post_in_the_users_property(world, client, client_as):
    CREATED.clear()
    assert client.get("/_g/buildings/new/").status_code == 302  # login
    assert client_as(world.guard).get("/_g/buildings/new/").status_code == 403  # role without the action
    c = client_as(world.frontdesk)
    r = c.get(f"/_g/buildings/new/?property={world.p2.pk}")  # not theirs: their own property instead
    assert r.status_code == 200 and r.content.decode().startswith(
        "NEW cuihu 新楼座 bound=False form-prop=cuihu"
    )
    r = c.post("/_g/buildings/new/", {"code": "5"})
    assert r.status_code == 302 and r["Location"] == "/buildings/cuihu/5/"
    assert _messages(r) == ["已登记 /buildings/cuihu/5/"]
    assert CREATED == [("frontdesk", "cuihu", "5")]


def test_create_view_invalid_refused_and_empty_post(world, client_as):
    CREATED.clear()
    c = client_as(world.frontdesk)
    r = c.post("/_g/buildings/new/", {"code": "taken"})
    assert r.status_code == 400 and "code:楼号已存在" in r.content.decode()
    r = c.post("/_g/buildings/new/", {"code": "x" * 20})
    assert r.status_code == 400 and "code:" in r.content.decode()
    # a POST without any field is an unbound form (as Form(request.POST or None)): 400, no field errors
    r = c.post("/_g/buildings/new/", {})
    assert r.status_code == 400 and "bound=False" in r.content.decode() and "code:" not in r.content.decode()
    assert CREATED == []
