"""The shared API action helper (core.api.base.ServiceActionMixin): body → serializer → service → answer,
and a refusal mapped to 400 / 403 / 409 by core.api.base.exception_handler.

The module is its own URLconf: a throwaway viewset on units, declared the way the areas declare theirs."""

import pytest
from django.urls import include, path
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.api.base import ScopedViewSetMixin
from core.errors import DomainError
from core.models import Unit
from core.testing.queries import assert_max_queries
from core.tests.test_generic_views import set_entrance
from propdesk.urls import urlpatterns as site_patterns

pytestmark = pytest.mark.urls(__name__)


def unit_entrance_set(*, actor, unit, entrance, building=None):
    set_entrance(unit, entrance)
    return {"changed": unit.label, "by": actor.username, "building": building.code if building else None}


def unit_touch(*, actor, unit):
    Unit.objects.filter(pk=unit.pk).update(entrance="touched")


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "label", "entrance"]


class EntranceSerializer(serializers.Serializer):
    entrance = serializers.CharField(max_length=10)


class ScopedBuilding(serializers.PrimaryKeyRelatedField):
    """Needs the request in the serializer's context (as the areas' ScopedPK fields do)."""

    def get_queryset(self):
        from core.models import Building

        return Building.objects.restrict(self.context["request"].user, "view")


class EntranceInBuildingSerializer(EntranceSerializer):
    building = ScopedBuilding()


def building_note(*, actor, prop, code, note=""):
    if code == "taken":
        raise DomainError("楼号已存在。(Building code already exists.)", field="code")
    return {"property": prop.code, "code": code, "note": note, "by": actor.username}


class ScopedProperty(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        from core.models import Property

        return Property.objects.restrict(self.context["request"].user, "view")


class BuildingCreateSerializer(serializers.Serializer):
    property = ScopedProperty()
    code = serializers.CharField(max_length=10)


class UnitViewSet(ScopedViewSetMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Unit.objects.all()
    serializer_class = UnitSerializer

    def create(self, request):
        return self.create_action(building_note, BuildingCreateSerializer, note="api")

    @action(detail=True, methods=["post"])
    def entrance(self, request, pk=None):
        unit = self.get_object()
        return self.service_action(unit_entrance_set, EntranceSerializer, unit=unit, respond_with=unit)

    @action(detail=True, methods=["post"])
    def result(self, request, pk=None):
        return self.service_action(unit_entrance_set, EntranceInBuildingSerializer, unit=self.get_object())

    @action(detail=True, methods=["post"])
    def touch(self, request, pk=None):
        unit = self.get_object()
        return self.service_action(unit_touch, unit=unit, respond_with=unit, status=201)

    def respond(self, obj, status=200):
        if isinstance(obj, dict):
            return Response(obj, status=status)
        return Response(UnitSerializer(Unit.objects.get(pk=obj.pk)).data, status=status)


router = SimpleRouter()
router.register("units", UnitViewSet)

urlpatterns = [path("_g/api/", include(router.urls)), *site_patterns]


def test_action_runs_the_service_and_answers_the_fresh_record(world, api_as):
    with assert_max_queries(8):
        r = api_as(world.frontdesk).post(f"/_g/api/units/{world.u1.pk}/entrance/", {"entrance": "东"})
    assert r.status_code == 200
    assert r.json() == {"id": world.u1.pk, "label": "3-1201", "entrance": "东"}


def test_action_answers_the_services_result_with_the_request_in_context(world, api_as):
    r = api_as(world.frontdesk).post(
        f"/_g/api/units/{world.u1.pk}/result/", {"entrance": "西", "building": world.b1.pk}, format="json"
    )
    assert r.status_code == 200
    assert r.json() == {"changed": "3-1201", "by": "frontdesk", "building": "3"}
    # another property's building does not exist for this user
    r = api_as(world.frontdesk).post(
        f"/_g/api/units/{world.u1.pk}/result/", {"entrance": "西", "building": world.b2.pk}, format="json"
    )
    assert r.status_code == 400 and "building" in r.json()


def test_action_without_a_body_and_with_its_own_status(world, api_as):
    r = api_as(world.frontdesk).post(f"/_g/api/units/{world.u1.pk}/touch/")
    assert r.status_code == 201 and r.json()["entrance"] == "touched"


def test_action_invalid_body_is_400_and_nothing_written(world, api_as):
    r = api_as(world.frontdesk).post(f"/_g/api/units/{world.u1.pk}/entrance/", {"entrance": ""})
    assert r.status_code == 400 and "entrance" in r.json()
    assert Unit.objects.get(pk=world.u1.pk).entrance == ""


@pytest.mark.parametrize(
    ("entrance", "status", "key", "text"),
    [
        ("field", 400, "entrance", "入口不存在"),
        ("plain", 400, "detail", "已封存"),
        ("forbid", 403, "detail", "您没有权限"),
        ("late", 409, "detail", "记录已被他人处理"),
    ],
)
def test_action_refusals_map_to_their_status(world, api_as, entrance, status, key, text):
    r = api_as(world.frontdesk).post(f"/_g/api/units/{world.u1.pk}/entrance/", {"entrance": entrance})
    assert r.status_code == status
    assert text in str(r.json()[key])
    assert Unit.objects.get(pk=world.u1.pk).entrance == ""


def test_action_other_property_404_and_anonymous(world, api_as, client):
    r = api_as(world.frontdesk2).post(f"/_g/api/units/{world.u1.pk}/entrance/", {"entrance": "东"})
    assert r.status_code == 404
    r = client.post(f"/_g/api/units/{world.u1.pk}/entrance/", {"entrance": "东"})
    assert r.status_code in (401, 403)
    assert Unit.objects.get(pk=world.u1.pk).entrance == ""


def test_create_action_hands_the_property_as_prop_and_answers_201(world, api_as):
    api = api_as(world.frontdesk)
    r = api.post("/_g/api/units/", {"property": world.p1.pk, "code": "5"}, format="json")
    assert r.status_code == 201
    assert r.json() == {"property": "cuihu", "code": "5", "note": "api", "by": "frontdesk"}
    # another property does not exist for this user; a refusal lands on its field
    r = api.post("/_g/api/units/", {"property": world.p2.pk, "code": "5"}, format="json")
    assert r.status_code == 400 and "property" in r.json()
    r = api.post("/_g/api/units/", {"property": world.p1.pk, "code": "taken"}, format="json")
    assert r.status_code == 400 and "楼号已存在" in r.json()["code"][0]
