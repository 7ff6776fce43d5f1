"""/api/v1/ duty-entries, special-reports, duty-days, handovers: the same services as the pages."""

from datetime import date

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api.base import ScopedViewSetMixin
from core.permissions import can

from .. import services
from ..models import DutyDay, DutyEntry, Handover, HandoverItem, Post, PostShift, SpecialIncidentReport
from ..selectors import day_bounds
from . import serializers as s


class HasAction(permissions.BasePermission):
    """Refuse (403) a user whose roles nowhere allow the viewset's action."""

    def has_permission(self, request, view):
        return can(request.user, view.permission_action)


class _Base(ScopedViewSetMixin):
    permission_classes = [permissions.IsAuthenticated, HasAction]


def _date_param(name, desc):
    return OpenApiParameter(name, str, description=desc)


def _valid_date(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValidationError({"date": ["日期格式应为 YYYY-MM-DD。(Date must be YYYY-MM-DD.)"]}) from None


@extend_schema(
    parameters=[
        _date_param("date", "值班日期 YYYY-MM-DD"),
        _date_param("category", "类别"),
        _date_param("property", "项目 id"),
    ]
)
class DutyEntryViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """《客服工作台帐》 entries (R-DUTY-03/04). Edits and voids are refused once the day is signed off."""

    queryset = DutyEntry.objects.select_related("day", "recorded_by")
    serializer_class = s.DutyEntrySerializer
    permission_action = "duty.view"

    def get_queryset(self):
        qs = super().get_queryset().order_by("occurred_at", "id")
        p = self.request.query_params
        if p.get("date"):
            qs = qs.filter(day__date=_valid_date(p["date"]))
        if p.get("category"):
            qs = qs.filter(category=p["category"])
        if p.get("property", "").isdigit():
            qs = qs.filter(property_id=p["property"])
        return qs

    @extend_schema(request=s.DutyEntryWriteSerializer, responses={201: s.DutyEntrySerializer})
    def create(self, request):
        ser = s.DutyEntryWriteSerializer(data=request.data, context={"request": request})
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        entry = services.duty_entry_create(actor=request.user, prop=data.pop("property"), **data)
        return Response(s.DutyEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.DutyEntryUpdateSerializer, responses=s.DutyEntrySerializer)
    def partial_update(self, request, pk=None):
        entry = self.get_object()
        ser = s.DutyEntryUpdateSerializer(data=request.data, context={"request": request})
        ser.is_valid(raise_exception=True)
        fields = {k: v for k, v in ser.validated_data.items() if k in request.data}
        entry = services.duty_entry_update(actor=request.user, entry=entry, **fields)
        return Response(s.DutyEntrySerializer(entry).data)

    @extend_schema(request=s.DutyEntryUpdateSerializer, responses=s.DutyEntrySerializer)
    def update(self, request, pk=None):
        return self.partial_update(request, pk)

    @extend_schema(request=s.DutyReasonSerializer, responses=s.DutyEntrySerializer)
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        entry = self.get_object()
        ser = s.DutyReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        entry = services.duty_entry_void(actor=request.user, entry=entry, reason=ser.validated_data["reason"])
        return Response(s.DutyEntrySerializer(entry).data)


@extend_schema(parameters=[_date_param("status", "draft / submitted / acknowledged")])
class SpecialReportViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """《特别事件报告》 (R-DUTY-02): create → upload photos → submit (≥1 photo) → acknowledge."""

    queryset = SpecialIncidentReport.objects.select_related("created_by", "acknowledged_by")
    serializer_class = s.SpecialReportSerializer
    permission_action = "duty.view"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        qs = super().get_queryset().order_by("-created_at", "-id")
        if self.request.query_params.get("status"):
            qs = qs.filter(status=self.request.query_params["status"])
        return qs

    @extend_schema(request=s.SpecialReportCreateSerializer, responses={201: s.SpecialReportSerializer})
    def create(self, request):
        ser = s.SpecialReportCreateSerializer(data=request.data, context={"request": request})
        ser.is_valid(raise_exception=True)
        report = services.special_report_create(actor=request.user, **ser.validated_data)
        return Response(s.SpecialReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": s.PhotoUploadSerializer}, responses={201: s.PhotoSerializer}
    )
    @action(detail=True, methods=["post"])
    def photos(self, request, pk=None):
        report = self.get_object()
        upload = request.FILES.get("photo")
        if upload is None:
            return Response({"photo": ["请上传照片文件。(Upload a photo file.)"]}, status=400)
        att = services.special_report_add_photo(actor=request.user, report=report, upload=upload)
        return Response(s.PhotoSerializer(att).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": s.PhotoUploadSerializer}, responses=s.SpecialReportSerializer
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit; photos sent along in the same multipart request (field `photo`, repeatable) are added first."""
        from django.db import transaction

        report = self.get_object()
        with transaction.atomic():
            for upload in request.FILES.getlist("photo"):
                services.special_report_add_photo(actor=request.user, report=report, upload=upload)
            report = services.special_report_submit(actor=request.user, report=report)
        return Response(s.SpecialReportSerializer(report).data)

    @extend_schema(request=s.CommentSerializer, responses=s.SpecialReportSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        report = self.get_object()
        ser = s.CommentSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        report = services.special_report_acknowledge(
            actor=request.user, report=report, comment=ser.validated_data["comment"]
        )
        return Response(s.SpecialReportSerializer(report).data)


@extend_schema(
    parameters=[
        OpenApiParameter("signed", bool, description="true / false"),
        _date_param("date", "YYYY-MM-DD"),
    ]
)
class DutyDayViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Pages of the 《客服工作台帐》 and their 客服主管 sign-off (R-DUTY-05/14)."""

    queryset = DutyDay.objects.select_related("signed_by")
    serializer_class = s.DutyDaySerializer
    permission_action = "duty.view"

    def get_queryset(self):
        qs = (
            super()
            .get_queryset()
            .annotate(entry_count=Count("entries", filter=Q(entries__voided_at__isnull=True)))
            .order_by("-date", "-id")
        )
        p = self.request.query_params
        if p.get("signed") in ("true", "false"):
            qs = qs.filter(signed_at__isnull=p["signed"] == "false")
        if p.get("date"):
            qs = qs.filter(date=_valid_date(p["date"]))
        return qs

    @extend_schema(request=s.DutyDaySignSerializer, responses=s.DutyDaySerializer)
    @action(detail=False, methods=["post"])
    def sign(self, request):
        ser = s.DutyDaySignSerializer(data=request.data, context={"request": request})
        if not can(request.user, "duty.signoff"):
            return Response({"detail": "只有客服主管可以签字。(Only the CS supervisor signs.)"}, status=403)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        page = services.duty_day_sign(
            actor=request.user, prop=d["property"], day=d["date"], comment=d["comment"]
        )
        page = self.get_queryset().get(pk=page.pk)
        return Response(s.DutyDaySerializer(page).data)


@extend_schema(parameters=[_date_param("status", "draft / handed_over / confirmed")])
class HandoverViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """交接班 (R-DUTY-08..13): start → edit counts/anomalies/items → hand over → confirm (or reject)."""

    queryset = Handover.objects.prefetch_related("items")
    serializer_class = s.HandoverSerializer
    permission_action = "handover.do"

    def get_queryset(self):
        qs = super().get_queryset().order_by("-shift_date", "-started_at", "-id")
        if self.request.query_params.get("status"):
            qs = qs.filter(status=self.request.query_params["status"])
        return qs

    def _out(self, handover, code=200):
        return Response(s.HandoverSerializer(Handover.objects.get(pk=handover.pk)).data, status=code)

    @extend_schema(request=s.HandoverCreateSerializer, responses={201: s.HandoverSerializer})
    def create(self, request):
        ser = s.HandoverCreateSerializer(data=request.data, context={"request": request})
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        handover = services.handover_start(
            actor=request.user,
            prop=d["property"],
            incoming=d["incoming"],
            shift_date=d["shift_date"],
            shift=d["shift"],
        )
        return self._out(handover, 201)

    @extend_schema(request=s.HandoverUpdateSerializer, responses=s.HandoverSerializer)
    def partial_update(self, request, pk=None):
        handover = self.get_object()
        ser = s.HandoverUpdateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.handover_update(actor=request.user, handover=handover, **ser.validated_data)
        return self._out(handover)

    @extend_schema(request=s.HandoverItemCreateSerializer, responses={201: s.HandoverSerializer})
    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        handover = self.get_object()
        ser = s.HandoverItemCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.handover_add_item(actor=request.user, handover=handover, **ser.validated_data)
        return self._out(handover, 201)

    @extend_schema(request=s.HandoverItemDoneSerializer, responses=s.HandoverSerializer)
    @action(detail=True, methods=["post"], url_path="item-done")
    def item_done(self, request, pk=None):
        handover = self.get_object()
        ser = s.HandoverItemDoneSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        item = get_object_or_404(HandoverItem, pk=ser.validated_data["item"], handover=handover)
        services.handover_item_set_done(actor=request.user, item=item, done=ser.validated_data["done"])
        return self._out(handover)

    @extend_schema(request=s.HandOverSerializer, responses=s.HandoverSerializer)
    @action(detail=True, methods=["post"], url_path="hand-over")
    def hand_over(self, request, pk=None):
        handover = self.get_object()
        ser = s.HandOverSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.handover_hand_over(
            actor=request.user, handover=handover, unfinished_reason=ser.validated_data["unfinished_reason"]
        )
        return self._out(handover)

    @extend_schema(request=None, responses=s.HandoverSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        handover = self.get_object()
        services.handover_confirm(actor=request.user, handover=handover)
        return self._out(handover)

    @extend_schema(request=s.DutyReasonSerializer, responses=s.HandoverSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        handover = self.get_object()
        ser = s.DutyReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.handover_reject(actor=request.user, handover=handover, reason=ser.validated_data["reason"])
        return self._out(handover)


# --- post attendance (岗位签到, R-DUTY-15/16) --------------------------------------------------------------


def _needs(user, action: str) -> None:
    """403 before the body is read for a user whose roles nowhere allow the write (not a 400 on `property`)."""
    if not can(user, action):
        raise PermissionDenied()


@extend_schema(
    parameters=[
        OpenApiParameter("property", int, description="项目 id"),
        OpenApiParameter("active", bool, description="true / false"),
    ]
)
class PostViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Posts of the 《岗位签到表》; set up by the 客服主管 or the 管理处经理, never deleted (deactivate)."""

    queryset = Post.objects.select_related("building", "department")
    serializer_class = s.PostSerializer
    permission_action = "post.view"

    def get_queryset(self):
        qs = super().get_queryset().order_by("property_id", "name", "pk")
        p = self.request.query_params
        if p.get("property", "").isdigit():
            qs = qs.filter(property_id=p["property"])
        if p.get("active") in ("true", "false"):
            qs = qs.filter(active=p["active"] == "true")
        return qs

    def respond(self, obj, status=200):
        return Response(s.PostSerializer(self.get_queryset().get(pk=obj.pk)).data, status=status)

    @extend_schema(request=s.PostCreateSerializer, responses={201: s.PostSerializer})
    def create(self, request):
        _needs(request.user, "post.manage")
        return self.create_action(services.post_create, s.PostCreateSerializer)

    @extend_schema(request=s.PostUpdateSerializer, responses=s.PostSerializer)
    def partial_update(self, request, pk=None):
        _needs(request.user, "post.manage")
        post = self.get_object()
        data = self.validated(s.PostUpdateSerializer)
        return self.respond(services.post_update(actor=request.user, post=post, **data))

    @extend_schema(request=s.PostUpdateSerializer, responses=s.PostSerializer)
    def update(self, request, pk=None):
        return self.partial_update(request, pk)


@extend_schema(
    parameters=[
        OpenApiParameter("property", int, description="项目 id"),
        OpenApiParameter("post", int, description="岗位 id"),
        _date_param("date", "签到表日期 YYYY-MM-DD(与该日有交集的签到)"),
        OpenApiParameter("open", bool, description="true: 当前在岗 / false: 已签退"),
    ]
)
class PostShiftViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """《岗位签到表》 rows: the front desk signs staff in and out (R-DUTY-16); sign-out follows R-DUTY-15."""

    queryset = PostShift.objects.select_related(
        "post", "staff", "signed_in_by", "signed_out_by", "approved_by"
    )
    serializer_class = s.PostShiftSerializer
    permission_action = "post.view"

    def get_queryset(self):
        qs = super().get_queryset().order_by("-signed_in_at", "-pk")
        p = self.request.query_params
        if p.get("property", "").isdigit():
            qs = qs.filter(property_id=p["property"])
        if p.get("post", "").isdigit():
            qs = qs.filter(post_id=p["post"])
        if p.get("open") in ("true", "false"):
            qs = qs.filter(signed_out_at__isnull=p["open"] == "true")
        if p.get("date"):
            start, end = day_bounds(date.fromisoformat(_valid_date(p["date"])))
            qs = qs.filter(signed_in_at__lt=end).filter(
                Q(signed_out_at__isnull=True) | Q(signed_out_at__gte=start)
            )
        return qs

    def respond(self, obj, status=200):
        return Response(s.PostShiftSerializer(self.queryset.get(pk=obj.pk)).data, status=status)

    @extend_schema(request=s.PostSignInSerializer, responses={201: s.PostShiftSerializer})
    @action(detail=False, methods=["post"], url_path="sign-in")
    def sign_in(self, request):
        _needs(request.user, "post.attend")
        return self.service_action(services.post_sign_in, s.PostSignInSerializer, status=201)

    @extend_schema(request=s.PostSignOutSerializer, responses=s.PostShiftSerializer)
    @action(detail=True, methods=["post"], url_path="sign-out")
    def sign_out(self, request, pk=None):
        return self.service_action(services.post_sign_out, s.PostSignOutSerializer, shift=self.get_object())
