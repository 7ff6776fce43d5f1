"""/api/v1/ parcels, parcel-batches, mail-slips, letters: the same services as the pages."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from core.api.base import ScopedViewSetMixin
from core.models import Property, Unit
from core.permissions import can
from residents.models import Resident

from .. import selectors, services
from ..choices import HELD_STATUSES
from ..models import Letter, NotificationSlip, Parcel, ParcelBatch
from . import serializers as s


class HasAction(permissions.BasePermission):
    def has_permission(self, request, view):
        return can(request.user, view.permission_action)


class _Base(ScopedViewSetMixin):
    permission_classes = [permissions.IsAuthenticated, HasAction]


def _prop(request, pk, action) -> Property:
    """The property named in the body, if the user may `action` there (another property → 404)."""
    prop = Property.objects.restrict(request.user, "parcels.view").filter(pk=pk).first()
    if prop is None:
        raise ValidationError({"property": ["未知项目。(Unknown property.)"]})
    if not can(request.user, action, prop.pk):
        raise PermissionDenied()
    return prop


def _unit(prop, text) -> Unit:
    text = str(text or "").strip()
    if text.isdigit() and "-" not in text:
        unit = Unit.objects.filter(property=prop, pk=int(text)).first()
    else:
        labels, _name = services.parse_recipient(text)
        unit = Unit.objects.filter(property=prop, label__in=labels).first() if labels else None
    if unit is None:
        raise ValidationError({"unit": [f"找不到房间“{text}”。(Unknown unit.)"]})
    return unit


LETTER_OPS = ["deliver", "hold", "verify", "call", "collect", "return"]

_list_params = [
    OpenApiParameter("property", int, description="项目 id"),
    OpenApiParameter("status", str, description="状态;held = 在库待领"),
    OpenApiParameter("q", str, description="运单号或房号"),
]


@extend_schema(parameters=_list_params)
class ParcelViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """快件/挂号信/包裹/包裹单/汇款单 (R-EXP). No update or delete: items change only through their actions."""

    queryset = Parcel.objects.select_related("unit", "resident")
    serializer_class = s.ParcelSerializer
    permission_action = "parcels.view"

    def get_queryset(self):
        qs = super().get_queryset().order_by("-received_at", "-id")
        p = self.request.query_params
        if p.get("property", "").isdigit():
            qs = qs.filter(property_id=p["property"])
        if p.get("status") == "held":
            qs = qs.filter(status__in=HELD_STATUSES)
        elif p.get("status"):
            qs = qs.filter(status=p["status"])
        if p.get("q"):
            from residents.selectors import parse_room

            labels = parse_room(p["q"])
            qs = qs.filter(unit__label__in=labels) if labels else qs.filter(tracking_no=p["q"])
        return qs

    def _handle(self, pk):
        return get_object_or_404(Parcel.objects.restrict(self.request.user, "parcels.handle"), pk=pk)

    @extend_schema(request=s.ParcelCreateSerializer, responses={201: s.ParcelSerializer})
    def create(self, request):
        d = self.validated(s.ParcelCreateSerializer)
        prop = _prop(request, d.pop("property"), "parcels.receive")
        unit = _unit(prop, d.pop("unit"))
        rid = d.pop("resident")
        resident = Resident.objects.filter(pk=rid, property=prop).first() if rid else None
        if rid and resident is None:
            raise ValidationError({"resident": ["未知住户。(Unknown resident.)"]})
        parcel = services.parcel_receive(actor=request.user, prop=prop, unit=unit, resident=resident, **d)
        return Response(s.ParcelSerializer(parcel).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.BulkSerializer, responses={201: s.BatchSerializer})
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        """Bulk arrival from one courier: all rows or none; errors come back per row as {"rows": {index: msg}}."""
        d = self.validated(s.BulkSerializer)
        prop = _prop(request, d.pop("property"), "parcels.receive")
        try:
            batch = services.parcels_bulk_receive(actor=request.user, prop=prop, **d)
        except services.BulkRowsError as exc:
            return Response(
                {"detail": str(exc.message), "rows": {str(k): v for k, v in exc.rows.items()}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(s.BatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.NotifySerializer, responses={201: s.AttemptSerializer})
    @action(detail=True, methods=["post"])
    def notify(self, request, pk=None):
        """R-EXP-10: a call (cadence), an SMS/WeChat through the outbox, or a notice in the mailbox."""
        v = self.validated(s.NotifySerializer)
        attempt = services.parcel_notify(actor=request.user, parcel=self._handle(pk), **v)
        return Response(s.AttemptSerializer(attempt).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReleaseSerializer, responses=s.ParcelSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """Collected or delivered; the second of two concurrent releases gets 409."""
        v = self.validated(s.ReleaseSerializer)
        parcel = services.parcel_release(actor=request.user, parcel=self._handle(pk), **v)
        return Response(s.ParcelSerializer(parcel).data)

    @extend_schema(request=s.ReasonSerializer, responses=s.ParcelSerializer)
    @action(detail=True, methods=["post"])
    def reason(self, request, pk=None):
        """R-EXP-13: the reason an item was not delivered the same day."""
        v = self.validated(s.ReasonSerializer)
        parcel = services.parcel_note_reason(actor=request.user, parcel=self._handle(pk), **v)
        return Response(s.ParcelSerializer(parcel).data)

    @extend_schema(request=s.ReasonSerializer, responses=s.ParcelSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        v = self.validated(s.ReasonSerializer)
        parcel = services.parcel_return(actor=request.user, parcel=self._handle(pk), **v)
        return Response(s.ParcelSerializer(parcel).data)

    @extend_schema(request=s.SlipIssueSerializer, responses={201: s.SlipSerializer})
    @action(detail=True, methods=["post"])
    def slip(self, request, pk=None):
        """R-SLIP-01/03: the next serial-numbered slip for an owner not reached by phone."""
        v = self.validated(s.SlipIssueSerializer)
        slip = services.slip_issue(actor=request.user, parcel=self._handle(pk), serial=v["serial"])
        return Response(s.SlipSerializer(slip).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.AttemptSerializer(many=True))
    @action(detail=True, methods=["get"])
    def attempts(self, request, pk=None):
        parcel = self.get_object()
        return Response(s.AttemptSerializer(selectors.parcel_attempts(parcel), many=True).data)

    @extend_schema(parameters=[OpenApiParameter("property", int)], responses=s.CallRowSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="call-list")
    def call_list(self, request):
        """R-EXP-10/11: whom to phone now (empty in the quiet hours); phones masked."""
        prop = self._query_prop(request)
        rows = selectors.call_list_rows(selectors.call_list(prop, timezone.now(), user=request.user))
        return Response(s.CallRowSerializer(rows, many=True).data)

    @extend_schema(parameters=[OpenApiParameter("property", int)], responses=s.DeskSummarySerializer)
    @action(detail=False, methods=["get"])
    def summary(self, request):
        prop = self._query_prop(request)
        return Response(s.DeskSummarySerializer(selectors.desk_summary(user=request.user, prop=prop)).data)

    def _query_prop(self, request):
        prop = selectors.current_property(user=request.user, requested=request.query_params.get("property"))
        if prop is None:
            raise PermissionDenied()
        return prop


class BatchViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = ParcelBatch.objects.prefetch_related("parcels").order_by("-received_at", "-id")
    serializer_class = s.BatchSerializer
    permission_action = "parcels.view"

    @extend_schema(request=None, responses={201: s.SlipSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def slips(self, request, pk=None):
        """Slips in one go for the batch's items not reached by phone."""
        batch = self.get_object()
        if not can(request.user, "parcels.handle", batch.property_id):
            raise PermissionDenied()
        parcels = [p for p in batch.parcels.filter(status__in=HELD_STATUSES, reached_at__isnull=True)]
        slips = services.slips_issue_bulk(actor=request.user, parcels=parcels)
        return Response(s.SlipSerializer(slips, many=True).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[OpenApiParameter("property", int), OpenApiParameter("status", str)])
class SlipViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """《邮件接收通知单使用记录》 (R-SLIP)."""

    queryset = NotificationSlip.objects.select_related("unit")
    serializer_class = s.SlipSerializer
    permission_action = "parcels.view"

    def get_queryset(self):
        qs = super().get_queryset().order_by("serial")
        p = self.request.query_params
        if p.get("property", "").isdigit():
            qs = qs.filter(property_id=p["property"])
        if p.get("status"):
            qs = qs.filter(status=p["status"])
        return qs

    def _obj(self, pk, act="parcels.handle"):
        return get_object_or_404(NotificationSlip.objects.restrict(self.request.user, act), pk=pk)

    @extend_schema(request=s.FollowupSerializer, responses=s.SlipSerializer)
    @action(detail=True, methods=["post"])
    def followup(self, request, pk=None):
        """R-SLIP-10: the 72-hour call, written on the 第二联."""
        v = self.validated(s.FollowupSerializer)
        slip = services.slip_followup_record(actor=request.user, slip=self._obj(pk), **v)
        return Response(s.SlipSerializer(slip).data)

    @extend_schema(request=s.ReasonSerializer, responses=s.SlipSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        v = self.validated(s.ReasonSerializer)
        return Response(
            s.SlipSerializer(services.slip_void(actor=request.user, slip=self._obj(pk), **v)).data
        )

    @extend_schema(request=None, responses=s.SlipSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        slip = services.slip_review(actor=request.user, slip=self._obj(pk, "parcels.review"))
        return Response(s.SlipSerializer(slip).data)


@extend_schema(parameters=[OpenApiParameter("property", int), OpenApiParameter("status", str)])
class LetterViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """《邮件投送记录表》 letters (R-LET). No update or delete (R-LET-02)."""

    queryset = Letter.objects.select_related("unit")
    serializer_class = s.LetterSerializer
    permission_action = "parcels.view"

    def get_queryset(self):
        qs = super().get_queryset().order_by("-received_on", "-id")
        p = self.request.query_params
        if p.get("property", "").isdigit():
            qs = qs.filter(property_id=p["property"])
        if p.get("status"):
            qs = qs.filter(status=p["status"])
        return qs

    @extend_schema(request=s.LetterCreateSerializer, responses={201: s.LetterSerializer})
    def create(self, request):
        d = self.validated(s.LetterCreateSerializer)
        prop = _prop(request, d.pop("property"), "parcels.receive")
        letter = services.letter_register(actor=request.user, prop=prop, **d)
        return Response(s.LetterSerializer(letter).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.LetterActionSerializer,
        responses=s.LetterSerializer,
        parameters=[OpenApiParameter("op", str, OpenApiParameter.PATH, enum=LETTER_OPS)],
    )
    @action(detail=True, methods=["post"], url_path=r"(?P<op>deliver|hold|verify|call|collect|return)")
    def act(self, request, pk=None, op=None):
        letter = get_object_or_404(Letter.objects.restrict(request.user, "parcels.handle"), pk=pk)
        d = self.validated(s.LetterActionSerializer)
        u = request.user
        if op == "deliver":
            services.letter_deliver(actor=u, letter=letter)
        elif op == "hold":
            services.letter_hold(actor=u, letter=letter, reason=d["reason"])
        elif op == "verify":
            resident = (
                Resident.objects.filter(pk=d["resident"], property_id=letter.property_id).first()
                if d["resident"]
                else None
            )
            services.letter_verify(
                actor=u, letter=letter, method=d["method"], resident=resident, not_ours=d["not_ours"]
            )
        elif op == "call":
            services.letter_call(actor=u, letter=letter, outcome=d["outcome"], note=d["note"])
        elif op == "collect":
            services.letter_collect(actor=u, letter=letter, collector_name=d["collector_name"])
        else:
            services.letter_return(actor=u, letter=letter, reason=d["reason"])
        return Response(s.LetterSerializer(Letter.objects.get(pk=letter.pk)).data)
