"""/api/v1/nonconformities/: the same services as the pages; another property's item is a 404."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api.base import ScopedViewSetMixin
from core.permissions import can

from .. import services
from ..filtersets import NonConformityFilterSet
from ..models import NonConformity
from . import serializers as s


class HasAction(permissions.BasePermission):
    """Refuse (403) a user whose roles nowhere allow the viewset's action."""

    def has_permission(self, request, view):
        return can(request.user, view.permission_action)


class NonConformityViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """《不符合项跟踪记录》 (R-ROLE-13, R-ROLE-09): raise (POST), then correct, verify and void."""

    permission_action = "quality.view"
    permission_classes = [permissions.IsAuthenticated, HasAction]
    queryset = NonConformity.objects.select_related(
        "department", "responsible", "found_by", "corrected_by", "verified_by", "voided_by"
    ).order_by("-found_at", "-id")
    serializer_class = s.NonConformitySerializer
    filterset_class = NonConformityFilterSet

    def respond(self, item, status=200):
        return Response(s.NonConformitySerializer(self.get_queryset().get(pk=item.pk)).data, status=status)

    @extend_schema(request=s.RaiseSerializer, responses={201: s.NonConformitySerializer})
    def create(self, request):
        if not can(request.user, "quality.raise"):
            raise PermissionDenied()
        return self.create_action(services.nonconformity_raise, s.RaiseSerializer)

    @extend_schema(request=s.CorrectSerializer, responses=s.NonConformitySerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        return self.service_action(
            services.nonconformity_correct, s.CorrectSerializer, item=self.get_object()
        )

    @extend_schema(request=s.VerifySerializer, responses=s.NonConformitySerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self.service_action(services.nonconformity_verify, s.VerifySerializer, item=self.get_object())

    @extend_schema(request=s.VoidSerializer, responses=s.NonConformitySerializer)
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        return self.service_action(services.nonconformity_void, s.VoidSerializer, item=self.get_object())
