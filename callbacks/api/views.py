"""/api/v1/callbacks/…: the same services as the pages."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api.base import ScopedViewSetMixin
from core.permissions import can

from .. import selectors, services
from ..models import (
    Activity,
    Callback,
    OwnerVisit,
    QuarterlyReport,
    SpecialServiceContract,
    Survey,
    VisitPlan,
)
from . import serializers as s


class HasAction(permissions.BasePermission):
    def has_permission(self, request, view):
        return can(request.user, view.permission_action)


class _Base(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, HasAction]


@extend_schema(
    parameters=[OpenApiParameter("status", str, description="scheduled/issued/done/escalated/closed")]
)
class CallbackViewSet(_Base):
    """《回访记录表》 (R-CB): create (ad hoc) → assign → issue → agree a time → record → review → decide."""

    queryset = Callback.objects.select_related("property").prefetch_related("callers")
    serializer_class = s.CallbackSerializer
    permission_action = "callback.view"

    def get_queryset(self):
        qs = super().get_queryset().order_by("due_at", "id")
        st = self.request.query_params.get("status")
        if st:
            qs = qs.filter(status=st)
        return qs

    def respond(self, cb, status=200):
        return Response(s.CallbackSerializer(self.get_queryset().get(pk=cb.pk)).data, status=status)

    @extend_schema(request=s.CallbackCreateSerializer, responses={201: s.CallbackSerializer})
    def create(self, request):
        return self.create_action(services.callback_create, s.CallbackCreateSerializer)

    @extend_schema(request=None, responses=s.CallbackSerializer)
    @action(detail=False, methods=["get"], url_path="call-list")
    def call_list(self, request):
        """Due callbacks, earliest first, with the proposed call time outside the quiet hours."""
        rows = selectors.call_list(user=request.user)
        data = s.CallbackSerializer(rows, many=True).data
        for d, cb in zip(data, rows, strict=True):
            d["call_at"] = cb.call_at.isoformat()
        return Response({"count": len(data), "results": data})

    @extend_schema(request=s.AssignSerializer, responses=s.CallbackSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self.service_action(services.callback_assign, s.AssignSerializer, callback=self.get_object())

    @extend_schema(request=None, responses=s.CallbackSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        return self.service_action(services.callback_issue, callback=self.get_object())

    @extend_schema(request=s.AgreeSerializer, responses=s.CallbackSerializer)
    @action(detail=True, methods=["post"])
    def agree(self, request, pk=None):
        return self.service_action(
            services.callback_agree_time, s.AgreeSerializer, callback=self.get_object()
        )

    @extend_schema(request=s.RecordSerializer, responses=s.CallbackSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        return self.service_action(services.callback_record, s.RecordSerializer, callback=self.get_object())

    @extend_schema(request=s.ReviewSerializer, responses=s.CallbackSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self.service_action(services.callback_review, s.ReviewSerializer, callback=self.get_object())

    @extend_schema(request=s.DecideSerializer, responses=s.CallbackSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        return self.service_action(services.callback_decide, s.DecideSerializer, callback=self.get_object())


class ContractViewSet(_Base):
    queryset = SpecialServiceContract.objects.all()
    serializer_class = s.ContractSerializer
    permission_action = "callback.view"

    def get_queryset(self):
        return super().get_queryset().order_by("-start", "-id")

    @extend_schema(request=s.ContractCreateSerializer, responses={201: s.ContractSerializer})
    def create(self, request):
        return self.create_action(services.contract_create, s.ContractCreateSerializer)


class ActivityViewSet(_Base):
    queryset = Activity.objects.all()
    serializer_class = s.ActivitySerializer
    permission_action = "callback.view"

    def get_queryset(self):
        return super().get_queryset().order_by("-end", "-id")

    @extend_schema(request=s.ActivityCreateSerializer, responses={201: s.ActivitySerializer})
    def create(self, request):
        return self.create_action(services.activity_create, s.ActivityCreateSerializer)


class VisitPlanViewSet(_Base):
    queryset = VisitPlan.objects.all()
    serializer_class = s.VisitPlanSerializer
    permission_action = "visit.view"

    def get_queryset(self):
        return selectors.plan_list(user=self.request.user)

    @extend_schema(request=s.VisitPlanCreateSerializer, responses={201: s.VisitPlanSerializer})
    def create(self, request):
        return self.create_action(services.visit_plan_create, s.VisitPlanCreateSerializer)

    def respond(self, plan, status=200):
        return Response(s.VisitPlanSerializer(self.get_queryset().get(pk=plan.pk)).data, status=status)


class OwnerVisitViewSet(_Base):
    """《建议/意见登记表》 (R-CB-25..29)."""

    queryset = OwnerVisit.objects.all()
    serializer_class = s.OwnerVisitSerializer
    permission_action = "visit.view"

    def get_queryset(self):
        return super().get_queryset().order_by("-visited_at", "-id")

    @extend_schema(request=s.OwnerVisitCreateSerializer, responses={201: s.OwnerVisitSerializer})
    def create(self, request):
        return self.create_action(services.visit_record, s.OwnerVisitCreateSerializer)

    @extend_schema(request=s.VisitFeedbackSerializer, responses=s.OwnerVisitSerializer)
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        return self.service_action(
            services.visit_feedback, s.VisitFeedbackSerializer, visit=self.get_object()
        )

    @extend_schema(request=s.VisitReviewSerializer, responses=s.OwnerVisitSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self.service_action(services.visit_review, s.VisitReviewSerializer, visit=self.get_object())


class QuarterlyReportViewSet(_Base):
    """统计分析报告 (R-CB-21..23): generate → review → send → file."""

    queryset = QuarterlyReport.objects.all()
    serializer_class = s.QuarterlyReportSerializer
    permission_action = "callback.analysis"

    def get_queryset(self):
        return super().get_queryset().order_by("-year", "-quarter", "-id")

    @extend_schema(request=s.ReportGenerateSerializer, responses={201: s.QuarterlyReportSerializer})
    def create(self, request):
        return self.create_action(services.report_generate, s.ReportGenerateSerializer)

    @extend_schema(
        parameters=[
            OpenApiParameter("property", int, required=True),
            OpenApiParameter("year", int, required=True),
            OpenApiParameter("quarter", int, required=True),
        ],
        responses={200: dict},
    )
    @action(detail=False, methods=["get"])
    def analysis(self, request):
        """The live quarterly analysis (not stored)."""
        p = request.query_params
        try:
            year, quarter = int(p.get("year", "")), int(p.get("quarter", ""))
        except ValueError:
            raise ValidationError({"year": ["请提供年度和季度。(year and quarter are required.)"]}) from None
        if quarter not in (1, 2, 3, 4):
            raise ValidationError({"quarter": ["季度应为 1-4。(Quarter must be 1-4.)"]})
        prop = selectors.pick_property(user=request.user, requested=p.get("property"))
        if prop is None or str(prop.pk) != str(p.get("property")):
            return Response({"detail": "未找到。(Not found.)"}, status=404)
        a = selectors.quarterly_analysis(prop=prop, year=year, quarter=quarter)
        return Response(selectors.analysis_as_data(a))

    @extend_schema(request=s.OpinionSerializer, responses=s.QuarterlyReportSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self.service_action(services.report_review, s.OpinionSerializer, report=self.get_object())

    @extend_schema(request=s.SendSerializer, responses=s.QuarterlyReportSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        return self.service_action(services.report_send, s.SendSerializer, report=self.get_object())

    @extend_schema(request=None, responses=s.QuarterlyReportSerializer)
    @action(detail=True, methods=["post"], url_path="file")
    def file_report(self, request, pk=None):
        return self.service_action(services.report_file, report=self.get_object())


class SurveyViewSet(_Base):
    """《业户意见调查表》 (R-CB-30)."""

    queryset = Survey.objects.prefetch_related("questions")
    serializer_class = s.SurveySerializer
    permission_action = "survey.view"

    def get_queryset(self):
        return super().get_queryset().order_by("-distributed_on", "-id")

    @extend_schema(request=s.SurveyCreateSerializer, responses={201: s.SurveySerializer})
    def create(self, request):
        return self.create_action(services.survey_create, s.SurveyCreateSerializer)

    @extend_schema(request=None, responses=s.SurveyStatSerializer(many=True))
    @action(detail=True, methods=["get"])
    def stats(self, request, pk=None):
        rows = selectors.survey_stats(self.get_object())
        return Response([{**r, "question": r["question"].text} for r in rows])

    @extend_schema(request=s.SurveyResponseCreateSerializer, responses={201: s.SurveySerializer})
    @action(detail=True, methods=["post"])
    def responses(self, request, pk=None):
        sv = self.get_object()
        return self.service_action(
            services.survey_response_add,
            s.SurveyResponseCreateSerializer,
            survey=sv,
            respond_with=sv,
            status=201,
        )

    @extend_schema(request=s.SurveyReportSerializer, responses=s.SurveySerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        return self.service_action(services.survey_report, s.SurveyReportSerializer, survey=self.get_object())
