"""/api/v1/ stored-items, lost-ticket-reports, held-items, found-items, custody-checks: the same services as
the pages. A lost 寄存 ticket presented at the desk answers 400 with the alarm text and security is alerted
(R-STOR-20); a second clerk releasing an item already released gets 409."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api.base import ScopedViewSetMixin
from core.models import Property
from core.permissions import can

from .. import selectors, services
from ..choices import CollectMethod, FoundStatus, HeldStatus, StoredStatus
from ..models import CustodyCheck, FoundItem, HeldItem, LostTicketReport, StoredItem
from . import serializers as s


class HasAction(permissions.BasePermission):
    """Refuse (403) a user whose roles nowhere allow the viewset's action."""

    def has_permission(self, request, view):
        return can(request.user, view.permission_action)


class _Base(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, HasAction]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def filter_common(self, qs):
        p = self.request.query_params
        if p.get("property", "").isdigit():
            qs = qs.filter(property_id=p["property"])
        return qs


def _need(request, action_name: str) -> None:
    """A create is refused (403) for a user whose roles allow reading but not this write."""
    if not can(request.user, action_name):
        raise PermissionDenied()


STATUS_PARAM = OpenApiParameter("status", str, description="状态")
PROPERTY_PARAM = OpenApiParameter("property", int, description="项目 id")
Q_PARAM = OpenApiParameter("q", str, description="单号 / 姓名 / 物品 / 房号")


@extend_schema(parameters=[STATUS_PARAM, PROPERTY_PARAM, Q_PARAM])
class StoredItemViewSet(_Base):
    """《寄存物品登记表》 (R-STOR): deposit, seal, collect (or present a ticket), file."""

    queryset = StoredItem.objects.select_related(
        "unit",
        "deposited_by",
        "seal_supervisor",
        "collection",
        "collection__released_by",
        "collection__filed_by",
    )
    serializer_class = s.StoredItemSerializer
    permission_action = "storage.view"

    def get_queryset(self):
        qs = self.filter_common(super().get_queryset())
        p = self.request.query_params
        if p.get("status") == "in_custody":
            qs = qs.exclude(status=StoredStatus.COLLECTED)
        elif p.get("status"):
            qs = qs.filter(status=p["status"])
        if p.get("q"):
            qs = qs.filter(ticket_no__icontains=p["q"].strip()) | qs.filter(
                depositor_name__icontains=p["q"].strip()
            )
        return qs.order_by("-deposited_at", "-id")

    def respond(self, item, status=200):
        return Response(s.StoredItemSerializer(self.get_queryset().get(pk=item.pk)).data, status=status)

    @extend_schema(request=s.StoredDepositSerializer, responses={201: s.StoredItemSerializer})
    def create(self, request):
        _need(request, "storage.deposit")
        return self.create_action(services.stored_item_deposit, s.StoredDepositSerializer)

    @extend_schema(request=s.StoredSealSerializer, responses=s.StoredItemSerializer)
    @action(detail=True, methods=["post"])
    def seal(self, request, pk=None):
        item = self.get_object()
        return self.service_action(
            services.stored_item_seal, s.StoredSealSerializer, item=item, respond_with=item
        )

    @extend_schema(
        request={
            "multipart/form-data": s.StoredCollectSerializer,
            "application/json": s.StoredCollectSerializer,
        },
        responses=s.StoredItemSerializer,
    )
    @action(detail=True, methods=["post"])
    def collect(self, request, pk=None):
        item = self.get_object()
        return self.service_action(
            services.stored_item_collect, s.StoredCollectSerializer, item=item, respond_with=item
        )

    @extend_schema(
        request={
            "multipart/form-data": s.StoredPresentTicketSerializer,
            "application/json": s.StoredPresentTicketSerializer,
        },
        responses=s.StoredItemSerializer,
    )
    @action(detail=False, methods=["post"])
    def present(self, request):
        """R-STOR-12/13/20: the collector presents a 下联 — found by its number, then released, or refused
        with the alarm if the ticket was reported lost."""
        _need(request, "storage.release")
        ser = s.StoredPresentTicketSerializer(data=request.data, context={"request": request})
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        prop, ticket_no = d.pop("property"), d.pop("ticket_no")
        item = selectors.stored_item_by_ticket(user=request.user, prop=prop, ticket_no=ticket_no)
        if item is None:
            raise NotFound("没有这个认领单号。(No such ticket number.)")
        services.stored_item_collect(
            actor=request.user, item=item, method=CollectMethod.TICKET, presented_ticket_no=ticket_no, **d
        )
        return self.respond(item)

    @extend_schema(request=None, responses=s.StoredItemSerializer)
    @action(detail=True, methods=["post"], url_path="file")
    def file_tickets(self, request, pk=None):
        item = self.get_object()
        return self.service_action(services.stored_item_file, item=item, respond_with=item)

    @extend_schema(parameters=[PROPERTY_PARAM], responses=s.StorageDeskSummarySerializer)
    @action(detail=False, methods=["get"])
    def summary(self, request):
        """Counts for the front-desk screen (storage.selectors.desk_summary)."""
        prop = selectors.current_property(user=request.user, requested=request.query_params.get("property"))
        if prop is None:
            raise NotFound()
        return Response(selectors.desk_summary(user=request.user, prop=prop, now=timezone.now()))


@extend_schema(parameters=[PROPERTY_PARAM])
class LostTicketReportViewSet(_Base):
    """挂失 of a 下联 (R-STOR-18/19)."""

    queryset = LostTicketReport.objects.select_related("item", "recorded_by")
    serializer_class = s.LostTicketReportSerializer
    permission_action = "storage.view"

    def get_queryset(self):
        return self.filter_common(super().get_queryset()).order_by("-reported_at", "-id")

    @extend_schema(request=s.LostTicketCreateSerializer, responses={201: s.LostTicketReportSerializer})
    def create(self, request):
        _need(request, "storage.release")
        return self.create_action(services.lost_ticket_report, s.LostTicketCreateSerializer)


@extend_schema(parameters=[STATUS_PARAM, PROPERTY_PARAM])
class HeldItemViewSet(_Base):
    """《业主物品临时存放记录表》 (R-HOLD)."""

    queryset = HeldItem.objects.select_related("unit", "handled_by", "released_by")
    serializer_class = s.HeldItemSerializer
    permission_action = "storage.view"

    def get_queryset(self):
        qs = self.filter_common(super().get_queryset())
        st = self.request.query_params.get("status")
        if st == "overdue":
            qs = qs.filter(status=HeldStatus.HELD, collect_by__lt=timezone.now())
        elif st:
            qs = qs.filter(status=st)
        return qs.order_by("-held_at", "-id")

    def respond(self, held, status=200):
        return Response(s.HeldItemSerializer(self.get_queryset().get(pk=held.pk)).data, status=status)

    @extend_schema(request=s.HeldCreateSerializer, responses={201: s.HeldItemSerializer})
    def create(self, request):
        _need(request, "holding.write")
        return self.create_action(services.held_item_create, s.HeldCreateSerializer)

    @extend_schema(
        request={"multipart/form-data": s.HeldCollectSerializer, "application/json": s.HeldCollectSerializer},
        responses=s.HeldItemSerializer,
    )
    @action(detail=True, methods=["post"])
    def collect(self, request, pk=None):
        held = self.get_object()
        return self.service_action(
            services.held_item_collect, s.HeldCollectSerializer, item=held, respond_with=held
        )

    @extend_schema(request=s.StorageNoteSerializer, responses=s.HeldItemSerializer)
    @action(detail=True, methods=["post"])
    def chase(self, request, pk=None):
        held = self.get_object()
        return self.service_action(
            services.held_item_chase_note, s.StorageNoteSerializer, item=held, respond_with=held
        )


@extend_schema(parameters=[STATUS_PARAM, PROPERTY_PARAM])
class FoundItemViewSet(_Base):
    """《捡拾物品登记表》 (R-INC-15..21)."""

    queryset = FoundItem.objects.select_related("registered_by", "claim_confirmed_by", "disposal_approved_by")
    serializer_class = s.FoundItemSerializer
    permission_action = "lostfound.view"

    def get_queryset(self):
        qs = self.filter_common(super().get_queryset())
        st = self.request.query_params.get("status")
        if st == "awaiting_disposal":
            qs = qs.filter(status=FoundStatus.IN_CUSTODY, retention_until__lt=timezone.localdate())
        elif st:
            qs = qs.filter(status=st)
        return qs.order_by("-found_at", "-id")

    def respond(self, found, status=200):
        return Response(s.FoundItemSerializer(self.get_queryset().get(pk=found.pk)).data, status=status)

    @extend_schema(request=s.FoundCreateSerializer, responses={201: s.FoundItemSerializer})
    def create(self, request):
        _need(request, "lostfound.register")
        return self.create_action(services.found_item_register, s.FoundCreateSerializer)

    @extend_schema(request=s.StorageNoteSerializer, responses=s.FoundItemSerializer)
    @action(detail=True, methods=["post"], url_path="search-note")
    def search_note(self, request, pk=None):
        found = self.get_object()
        return self.service_action(
            services.found_item_note_search, s.StorageNoteSerializer, item=found, respond_with=found
        )

    @extend_schema(request=s.FoundClaimSerializer, responses=s.FoundItemSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        found = self.get_object()
        return self.service_action(
            services.found_item_claim, s.FoundClaimSerializer, item=found, respond_with=found
        )

    @extend_schema(request=s.FoundDisposeSerializer, responses=s.FoundItemSerializer)
    @action(detail=True, methods=["post"])
    def dispose(self, request, pk=None):
        found = self.get_object()
        return self.service_action(
            services.found_item_dispose, s.FoundDisposeSerializer, item=found, respond_with=found
        )


@extend_schema(parameters=[PROPERTY_PARAM])
class CustodyCheckViewSet(_Base):
    """The handover check of every stored, held and found item (R-STOR-11, R-HOLD-12, R-INC-19)."""

    queryset = CustodyCheck.objects.select_related("checked_by", "outgoing")
    serializer_class = s.CustodyCheckSerializer
    permission_action = "handover.do"

    def get_queryset(self):
        return self.filter_common(super().get_queryset()).order_by("-checked_at", "-id")

    @extend_schema(request=s.CustodyCheckCreateSerializer, responses={201: s.CustodyCheckSerializer})
    def create(self, request):
        return self.create_action(services.custody_check_record, s.CustodyCheckCreateSerializer)

    @extend_schema(parameters=[PROPERTY_PARAM], responses=s.CustodyRowSerializer(many=True))
    @action(detail=False, methods=["get"])
    def items(self, request):
        """Everything in custody now: the list the incoming clerk ticks."""
        pid = request.query_params.get("property", "")
        if not pid.isdigit():
            raise ValidationError({"property": ["请指定项目。(Give the property id.)"]})
        prop = get_object_or_404(Property.objects.restrict(request.user, "handover.do"), pk=pid)
        return Response(selectors.custody_items(prop))
