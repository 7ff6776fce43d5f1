"""/api/v1/help-requests/, help-incidents/, help-register-batches/: the same services as the pages."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.base import ScopedViewSetMixin
from core.models import Department, Property, Unit
from core.permissions import can

from .. import services
from ..models import HelpRegisterBatch, HelpRequest, HelpStep, Incident
from . import serializers as s


class HasAction(permissions.BasePermission):
    """403 for a user whose roles nowhere allow the viewset's action."""

    def has_permission(self, request, view):
        return can(request.user, getattr(view, "required_action", None) or view.permission_action)


class _Base(ScopedViewSetMixin):
    permission_classes = [permissions.IsAuthenticated, HasAction]


@extend_schema(
    parameters=[
        OpenApiParameter("category", str, description="求助类别"),
        OpenApiParameter("year", int, description="受理年度"),
        OpenApiParameter("status", str, description="状态"),
        OpenApiParameter("property", int, description="项目 id"),
    ]
)
class HelpRequestViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """住户求助 (R-HELP): list/detail, intake, checklist ticks, referrals, promises, principle, fee, close."""

    permission_action = "assistance.view"
    queryset = HelpRequest.objects.select_related("request").prefetch_related(
        Prefetch("steps", queryset=HelpStep.objects.select_related("done_by")), "referrals"
    )
    serializer_class = s.HelpRequestSerializer

    @property
    def required_action(self):
        return {"create": "assistance.create", "supervisor_reply": "request.supervise"}.get(
            self.action, "assistance.handle" if self.request.method == "POST" else "assistance.view"
        )

    def get_queryset(self):
        qs = super().get_queryset().order_by("-request__received_at", "-request_id")
        p = self.request.query_params
        if p.get("category"):
            qs = qs.filter(category=p["category"])
        if p.get("status"):
            qs = qs.filter(request__status=p["status"])
        if p.get("year", "").isdigit():
            qs = qs.filter(request__received_at__year=int(p["year"]))
        if p.get("property", "").isdigit():
            qs = qs.filter(request__property_id=p["property"])
        return qs

    def respond(self, help, status=200):
        fresh = self.get_queryset().get(pk=help.pk)
        return Response(s.HelpRequestSerializer(fresh, context={"request": self.request}).data, status=status)

    @extend_schema(request=s.HelpCreateSerializer, responses={201: s.HelpRequestSerializer})
    def create(self, request):
        v = self.validated(s.HelpCreateSerializer)
        prop = get_object_or_404(
            Property.objects.restrict(request.user, "assistance.create"), pk=v.pop("property")
        )
        unit_id = v.pop("unit", None)
        unit = get_object_or_404(Unit, pk=unit_id, property=prop) if unit_id else None
        help = services.help_create(actor=request.user, prop=prop, unit=unit, **v)
        return self.respond(help, status.HTTP_201_CREATED)

    @extend_schema(request=s.StepTickSerializer, responses=s.HelpRequestSerializer)
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        help = self.get_object()
        return self.service_action(
            services.help_step_tick, s.StepTickSerializer, help=help, respond_with=help
        )

    @extend_schema(request=s.ReferSerializer, responses=s.HelpRequestSerializer)
    @action(detail=True, methods=["post"])
    def refer(self, request, pk=None):
        help = self.get_object()
        v = self.validated(s.ReferSerializer)
        dept = (
            get_object_or_404(Department, pk=v["department"], property_id=help.request.property_id)
            if v.get("department")
            else None
        )
        services.help_refer(
            actor=request.user, help=help, kind=v["kind"], target=v["target"], department=dept, note=v["note"]
        )
        return self.respond(help)

    @extend_schema(request=s.PromiseSerializer, responses=s.HelpRequestSerializer)
    @action(detail=True, methods=["post"])
    def promise(self, request, pk=None):
        help = self.get_object()
        return self.service_action(
            services.help_promise_answer, s.PromiseSerializer, help=help, respond_with=help
        )

    @extend_schema(request=s.NoteSerializer, responses=s.HelpRequestSerializer)
    @action(detail=True, methods=["post"])
    def principle(self, request, pk=None):
        help = self.get_object()
        return self.service_action(
            services.help_mark_principle, s.NoteSerializer, help=help, respond_with=help
        )

    @extend_schema(request=s.ReplySerializer, responses=s.HelpRequestSerializer)
    @action(detail=True, methods=["post"], url_path="supervisor-reply")
    def supervisor_reply(self, request, pk=None):
        help = self.get_object()
        return self.service_action(
            services.help_supervisor_reply, s.ReplySerializer, help=help, respond_with=help
        )

    @extend_schema(request=s.FeeSerializer, responses=s.HelpRequestSerializer)
    @action(detail=True, methods=["post"])
    def fee(self, request, pk=None):
        help = self.get_object()
        return self.service_action(services.help_set_fee, s.FeeSerializer, help=help, respond_with=help)

    @extend_schema(request=s.ResolveSerializer, responses=s.HelpRequestSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        help = self.get_object()
        v = self.validated(s.ResolveSerializer)
        services.help_resolve(
            actor=request.user, help=help, result=v["result"], expected_status=v["expected_status"] or None
        )
        return self.respond(help)

    @extend_schema(request=s.UnsatisfiableSerializer, responses=s.HelpRequestSerializer)
    @action(detail=True, methods=["post"], url_path="close-unsatisfiable")
    def close_unsatisfiable(self, request, pk=None):
        help = self.get_object()
        v = self.validated(s.UnsatisfiableSerializer)
        services.help_close_unsatisfiable(
            actor=request.user, help=help, reason=v["reason"], expected_status=v["expected_status"] or None
        )
        return self.respond(help)


class IncidentViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """突发事件 opened from help requests (R-HELP-14): open → handled → closed."""

    permission_action = "assistance.view"
    queryset = Incident.objects.select_related("help__request").order_by("-occurred_at", "-id")
    serializer_class = s.IncidentSerializer

    @property
    def required_action(self):
        return {"handle": "assistance.incident", "close": "assistance.incident.close"}.get(self.action)

    @extend_schema(request=s.HandlingSerializer, responses=s.IncidentSerializer)
    @action(detail=True, methods=["post"])
    def handle(self, request, pk=None):
        return self.service_action(services.incident_handle, s.HandlingSerializer, incident=self.get_object())

    @extend_schema(request=s.CloseSerializer, responses=s.IncidentSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self.service_action(services.incident_close, s.CloseSerializer, incident=self.get_object())


class BatchViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Yearly archive batches of the 《住户求助登记表》 (R-HELP-17)."""

    permission_action = "assistance.register"
    queryset = HelpRegisterBatch.objects.order_by("-year", "property_id")
    serializer_class = s.BatchSerializer

    @property
    def required_action(self):
        return {"archive": "assistance.archive", "dispose": "assistance.dispose"}.get(self.action)

    @extend_schema(request=s.ArchiveSerializer, responses={201: s.BatchSerializer})
    @action(detail=False, methods=["post"])
    def archive(self, request):
        v = self.validated(s.ArchiveSerializer)
        prop = get_object_or_404(
            Property.objects.restrict(request.user, "assistance.archive"), pk=v["property"]
        )
        b = services.help_register_archive(actor=request.user, prop=prop, year=v["year"])
        return Response(s.BatchSerializer(b).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.DisposeSerializer, responses=s.BatchSerializer)
    @action(detail=True, methods=["post"])
    def dispose(self, request, pk=None):
        return self.service_action(services.help_batch_dispose, s.DisposeSerializer, batch=self.get_object())
