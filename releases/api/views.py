"""/api/v1/goods-releases/: the same services as the pages; another property's slip is a 404."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api.base import ScopedViewSetMixin
from core.models import Property, Unit
from core.permissions import can
from residents.models import Resident

from .. import services
from ..models import GoodsRelease
from . import serializers as s


def prop_for(user, action, pk=None) -> Property:
    qs = Property.objects.restrict(user, action).order_by("id")
    if pk is not None:
        found = qs.filter(pk=pk).first()
        if found is None:
            get_object_or_404(Property.objects.restrict(user, "view"), pk=pk)
            raise PermissionDenied()
        return found
    props = list(qs[:2])
    if not props:
        raise PermissionDenied()
    if len(props) > 1:
        raise serializers.ValidationError({"property": ["请指定项目。(Specify the property.)"]})
    return props[0]


class GoodsReleaseViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """物品放行条 (携物出门条). POST creates an application; the steps are actions on one slip."""

    permission_action = "releases.view"
    queryset = (
        GoodsRelease.objects.select_related("unit", "resident")
        .prefetch_related("items")
        .order_by("-created_at", "-id")
    )
    serializer_class = s.GoodsReleaseSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self):
        qs = super().get_queryset()
        st = self.request.query_params.get("status")
        return qs.filter(status=st) if st else qs

    def _slip(self, pk, action_name):
        """Another property's slip is a 404; a slip the user may see but not act on is a 403."""
        rel = get_object_or_404(GoodsRelease.objects.restrict(self.request.user, "releases.view"), pk=pk)
        if not can(self.request.user, action_name, rel.property_id):
            raise PermissionDenied()
        return rel

    def respond(self, rel, status=200):
        rel = self.get_queryset().get(pk=rel.pk)
        return Response(s.GoodsReleaseSerializer(rel).data, status=status)

    @extend_schema(request=s.ReleaseApplySerializer, responses={201: s.GoodsReleaseSerializer})
    def create(self, request):
        d = self.validated(s.ReleaseApplySerializer)
        prop = prop_for(request.user, "releases.apply", d.pop("property", None))
        unit = Unit.objects.filter(property=prop, pk=d.pop("unit")).first()
        resident = Resident.objects.filter(property=prop, pk=d.pop("resident")).first()
        if unit is None:
            raise serializers.ValidationError({"unit": ["本项目没有这个房间。(No such unit.)"]})
        if resident is None:
            raise serializers.ValidationError({"resident": ["本项目没有这位住户。(No such resident.)"]})
        rel = services.release_apply(actor=request.user, prop=prop, unit=unit, resident=resident, **d)
        return self.respond(rel, status.HTTP_201_CREATED)

    @extend_schema(request=s.ConfirmPhoneSerializer, responses=s.GoodsReleaseSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-phone")
    def confirm_phone(self, request, pk=None):
        return self.service_action(
            services.release_confirm_phone, s.ConfirmPhoneSerializer, release=self._slip(pk, "releases.apply")
        )

    @extend_schema(request={"multipart/form-data": s.IdCopySerializer}, responses=s.GoodsReleaseSerializer)
    @action(detail=True, methods=["post"], url_path="id-copy")
    def id_copy(self, request, pk=None):
        rel = self._slip(pk, "releases.apply")
        upload = self.validated(s.IdCopySerializer)["file"]
        services.release_attach_id_copy(actor=request.user, release=rel, upload=upload)
        return self.respond(rel)

    @extend_schema(request=s.FeesSerializer, responses=s.GoodsReleaseSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-fees")
    def confirm_fees(self, request, pk=None):
        return self.service_action(
            services.release_confirm_fees, s.FeesSerializer, release=self._slip(pk, "releases.fees")
        )

    @extend_schema(request=s.IssueSerializer, responses=s.GoodsReleaseSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        return self.service_action(
            services.release_issue, s.IssueSerializer, release=self._slip(pk, "releases.issue")
        )

    @extend_schema(request=s.ExitCheckSerializer, responses=s.GoodsReleaseSerializer)
    @action(detail=True, methods=["post"], url_path="exit-check")
    def exit_check(self, request, pk=None):
        return self.service_action(
            services.release_exit_check, s.ExitCheckSerializer, release=self._slip(pk, "releases.exit")
        )

    @extend_schema(request=None, responses=s.GoodsReleaseSerializer)
    @action(detail=True, methods=["post"])
    def file(self, request, pk=None):
        return self.service_action(services.release_file, release=self._slip(pk, "releases.apply"))

    @extend_schema(request=None, responses={201: s.GoodsReleaseSerializer})
    @action(detail=True, methods=["post"])
    def reapply(self, request, pk=None):
        return self.service_action(
            services.release_reapply, release=self._slip(pk, "releases.apply"), status=201
        )
