import django_filters
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.base import ScopedViewSetMixin
from core.errors import DomainError
from core.models import Department, Property, Unit, User

from .. import consultations, selectors, services
from ..engine import workflow_for
from ..language import check_text, phrase_groups
from ..models import ServiceRequest
from . import serializers as s


class RequestFilter(django_filters.FilterSet):
    received_after = django_filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="gte")
    received_before = django_filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="lt")

    class Meta:
        model = ServiceRequest
        fields = [
            "property",
            "kind",
            "status",
            "channel",
            "priority",
            "is_emergency",
            "unit",
            "assignee",
            "department",
            "number",
        ]


class ServiceRequestViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Every request of every kind. Kind-specific steps live under /complaints/, /repairs/, /help-requests/."""

    permission_action = "request.view"
    queryset = ServiceRequest.objects.order_by("-received_at", "-id")
    serializer_class = s.ServiceRequestSerializer
    filterset_class = RequestFilter

    def _reply(self, req):
        req.refresh_from_db()
        return Response(s.ServiceRequestSerializer(req).data)

    @extend_schema(responses=s.TimelineEventSerializer(many=True))
    @action(detail=True)
    def timeline(self, request, pk=None):
        req = self.get_object()
        return Response(
            s.TimelineEventSerializer(selectors.request_page(request=req)["timeline"], many=True).data
        )

    @extend_schema(request=s.TransitionSerializer, responses=s.ServiceRequestSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        req = self.get_object()
        d = s.TransitionSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        t = workflow_for(req.kind).by_name.get(d.validated_data["name"])
        if t is None or not t.generic:
            raise DomainError(
                "该操作需通过专用接口办理。(Use the kind's own endpoint for this step.)", field="name"
            )
        services.request_transition(
            actor=request.user,
            request=req,
            name=t.name,
            reason=d.validated_data["reason"],
            expected_status=d.validated_data["expected_status"] or None,
        )
        return self._reply(req)

    @extend_schema(request=s.NoteSerializer, responses=s.TimelineEventSerializer)
    @action(detail=True, methods=["post"])
    def note(self, request, pk=None):
        req = self.get_object()
        d = s.NoteSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        ev = services.request_note(actor=request.user, request=req, **d.validated_data)
        return Response(s.TimelineEventSerializer(ev).data, status=201)

    @extend_schema(request=s.AssignSerializer, responses=s.ServiceRequestSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        req = self.get_object()
        d = s.AssignSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        dept = d.validated_data.get("department")
        who = d.validated_data.get("assignee")
        department = get_object_or_404(Department, pk=dept, property_id=req.property_id) if dept else None
        assignee = get_object_or_404(User, pk=who) if who else None
        services.request_assign(
            actor=request.user,
            request=req,
            department=department,
            assignee=assignee,
            note=d.validated_data["note"],
        )
        return self._reply(req)

    @extend_schema(request=s.FeedbackSerializer, responses=s.ServiceRequestSerializer)
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        req = self.get_object()
        d = s.FeedbackSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        services.request_feedback(actor=request.user, request=req, **d.validated_data)
        return self._reply(req)

    @extend_schema(request=s.PhotoSerializer, responses=s.ServiceRequestSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photo(self, request, pk=None):
        req = self.get_object()
        d = s.PhotoSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        services.request_add_photo(
            actor=request.user,
            request=req,
            upload=d.validated_data["file"],
            caption=d.validated_data["caption"],
        )
        return self._reply(req)

    @extend_schema(responses=s.ClockedRequestSerializer(many=True))
    @action(detail=False)
    def overdue(self, request):
        qs = selectors.overdue_requests(user=request.user, now=timezone.now())
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.ClockedRequestSerializer(page, many=True).data)

    @extend_schema(responses=s.ClockedRequestSerializer(many=True))
    @action(detail=False, url_path="about-to-breach")
    def about_to_breach(self, request):
        qs = selectors.about_to_breach(user=request.user, now=timezone.now())
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.ClockedRequestSerializer(page, many=True).data)

    @extend_schema(request=s.ConsultationCreateSerializer, responses={201: s.ServiceRequestSerializer})
    @action(detail=False, methods=["post"], parser_classes=[JSONParser, FormParser])
    def consultation(self, request):
        """Register a consultation (咨询)."""
        d = s.ConsultationCreateSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        v = d.validated_data
        prop = get_object_or_404(Property.objects.restrict(request.user, "request.create"), pk=v["property"])
        unit = get_object_or_404(Unit, pk=v["unit"], property=prop) if v.get("unit") else None
        req = consultations.consultation_create(
            actor=request.user,
            prop=prop,
            channel=v["channel"],
            question=v["question"],
            reporter_name=v["reporter_name"],
            contact_phone=v["contact_phone"],
            unit=unit,
            confidential=v["confidential"],
        )
        return Response(s.ServiceRequestSerializer(req).data, status=201)


class LanguageCheckView(APIView):
    """R-LANG: the forbidden negative phrases in a draft and what to say instead (a help, never a block)."""

    @extend_schema(
        request=s.LanguageCheckSerializer,
        responses=inline_serializer(
            "LanguageFindings", {"findings": serializers.ListField(child=serializers.DictField())}
        ),
    )
    def post(self, request):
        d = s.LanguageCheckSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        return Response({"findings": [f.__dict__ for f in check_text(d.validated_data["text"])]})


class PhrasebookView(APIView):
    """R-LANG-01..13: the phrasebook (服务用语) — each group with its rule, hint and phrases."""

    @extend_schema(responses=s.PhraseGroupSerializer(many=True))
    def get(self, request):
        return Response(s.PhraseGroupSerializer(phrase_groups(), many=True).data)
