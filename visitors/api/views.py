"""/api/v1/visitors/…: the same services as the pages (R-VIS)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api.base import ScopedViewSetMixin
from core.permissions import can

from .. import selectors, services
from ..filtersets import VisitorEntryFilterSet
from ..models import KeyForVisitor, SpareKeyEntry, VisitorEntry, VisitorPreauthorization
from . import serializers as s


class HasAction(permissions.BasePermission):
    """Refuse (403) a user whose roles nowhere allow the viewset's action."""

    def has_permission(self, request, view):
        return can(request.user, view.permission_action)


class _Base(ScopedViewSetMixin):
    permission_classes = [permissions.IsAuthenticated, HasAction]


def _need(request, action, prop_id):
    if not can(request.user, action, prop_id):
        from core.errors import NotAllowed

        raise NotAllowed()


def _need_somewhere(request, action_name):
    """A user whose roles nowhere allow `action_name` is refused before the body is validated."""
    if not can(request.user, action_name):
        from core.errors import NotAllowed

        raise NotAllowed()


PROPERTY_PARAM = OpenApiParameter("property", int, description="项目 id")


@extend_schema(
    parameters=[
        OpenApiParameter("date", str, description="来访日期 YYYY-MM-DD"),
        OpenApiParameter(
            "status", str, description="pending / admitted / left / refused / message_left / cancelled"
        ),
        OpenApiParameter("q", str, description="访客姓名或登记编号开头"),
        OpenApiParameter("unit", str, description="房间,如 3-1201"),
        PROPERTY_PARAM,
    ]
)
class VisitorEntryViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """《访客登记表》 (R-VIS-02..06): register → contact the owner → admitted → left."""

    queryset = VisitorEntry.objects.select_related("unit", "resident", "registered_by", "confirmed_by")
    serializer_class = s.VisitorEntrySerializer
    permission_action = "visitor.view"

    def get_queryset(self):
        qs = super().get_queryset().order_by("-arrived_at", "-id")
        if self.action == "list":
            fs = VisitorEntryFilterSet(self.request.query_params, queryset=qs, request=self.request)
            if not fs.is_valid():
                raise ValidationError(fs.errors)
            return fs.qs
        return qs

    def get_serializer_class(self):
        return s.VisitorEntryDetailSerializer if self.action == "retrieve" else s.VisitorEntrySerializer

    def _entry(self, action_name):
        obj = self.get_object()
        _need(self.request, action_name, obj.property_id)
        return obj

    def respond(self, entry, status=200):
        entry = VisitorEntry.objects.select_related("unit", "resident", "registered_by", "confirmed_by").get(
            pk=entry.pk
        )
        return Response(s.VisitorEntrySerializer(entry).data, status=status)

    @extend_schema(request=s.RegisterSerializer, responses={201: s.VisitorEntrySerializer})
    def create(self, request):
        _need_somewhere(request, "visitor.register")
        return self.create_action(services.visitor_register, s.RegisterSerializer)

    @extend_schema(request=s.ContactSerializer, responses=s.VisitorEntrySerializer)
    @action(detail=True, methods=["post"])
    def contact(self, request, pk=None):
        return self.service_action(
            services.visitor_contact, s.ContactSerializer, entry=self._entry("visitor.register")
        )

    @extend_schema(request=s.LookupSerializer, responses=s.LookupResultSerializer)
    @action(detail=True, methods=["post"])
    def lookup(self, request, pk=None):
        """R-VIS-07: the owner's contact numbers for the desk to dial; every call is logged."""
        entry = self._entry("visitor.contact_lookup")
        result = self.run_service(services.visitor_contact_lookup, s.LookupSerializer, entry=entry)
        return Response(s.LookupResultSerializer(result).data)

    @extend_schema(request=s.MessageSerializer, responses=s.VisitorEntrySerializer)
    @action(detail=True, methods=["post"])
    def message(self, request, pk=None):
        return self.service_action(
            services.visitor_leave_message, s.MessageSerializer, entry=self._entry("visitor.register")
        )

    @extend_schema(request=s.ExtendSerializer, responses=s.VisitorEntrySerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        return self.service_action(
            services.visitor_extend, s.ExtendSerializer, entry=self._entry("visitor.register")
        )

    @extend_schema(request=s.LeaveSerializer, responses=s.VisitorEntrySerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        return self.service_action(
            services.visitor_leave, s.LeaveSerializer, entry=self._entry("visitor.register")
        )

    @extend_schema(request=s.ReasonSerializer, responses=s.VisitorEntrySerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.service_action(
            services.visitor_cancel, s.ReasonSerializer, entry=self._entry("visitor.register")
        )

    @extend_schema(request=None, responses={201: s.SpareKeySerializer})
    @action(detail=True, methods=["post"], url_path="spare-key")
    def spare_key(self, request, pk=None):
        """R-VIS-11: the owner asks for the spare key; a blank 《确认函》 is faxed."""
        entry = self._entry("visitor.sparekey")
        spare = services.spare_key_request(actor=request.user, entry=entry)
        return Response(s.SpareKeySerializer(spare).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[PROPERTY_PARAM], responses=s.DeskSummarySerializer)
    @action(detail=False, methods=["get"], url_path="desk-summary")
    def desk_summary(self, request):
        """Visitors in the building and overstaying (the front-desk screen)."""
        prop = selectors.current_property(user=request.user, requested=request.query_params.get("property"))
        if prop is None or (
            request.query_params.get("property") and str(prop.pk) != request.query_params["property"]
        ):
            raise NotFound()
        data = selectors.desk_summary(user=request.user, prop=prop, now=timezone.now())
        return Response(s.DeskSummarySerializer(data).data)


@extend_schema(parameters=[PROPERTY_PARAM, OpenApiParameter("all", bool, description="含已过期/已撤销")])
class PreauthorizationViewSet(
    _Base, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Owners' standing instructions for expected visitors (R-VIS-08/09)."""

    queryset = VisitorPreauthorization.objects.select_related("unit", "resident", "recorded_by")
    serializer_class = s.PreauthSerializer
    permission_action = "visitor.view"

    def get_queryset(self):
        qs = super().get_queryset().order_by("valid_to", "id")
        p = self.request.query_params
        if self.action == "list":
            if p.get("property", "").isdigit():
                qs = qs.filter(property_id=p["property"])
            if p.get("all") not in ("1", "true"):
                qs = qs.filter(revoked_at__isnull=True, valid_to__gte=timezone.now())
        return qs

    @extend_schema(request=s.PreauthWriteSerializer, responses={201: s.PreauthSerializer})
    def create(self, request):
        _need_somewhere(request, "visitor.preauth")
        return self.create_action(services.preauth_create, s.PreauthWriteSerializer)

    @extend_schema(request=s.ReasonSerializer, responses=s.PreauthSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        p = self.get_object()
        _need(request, "visitor.preauth", p.property_id)
        return self.service_action(services.preauth_revoke, s.ReasonSerializer, preauth=p)


@extend_schema(
    parameters=[PROPERTY_PARAM, OpenApiParameter("status", str, description="held / handed_over / returned")]
)
class KeyForVisitorViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Keys owners left at the desk for a visitor (R-VIS-10, 《业主物品临时存放记录表》)."""

    queryset = KeyForVisitor.objects.select_related("unit", "resident", "received_by", "handed_over_by")
    serializer_class = s.KeySerializer
    permission_action = "visitor.view"

    def get_queryset(self):
        qs = super().get_queryset().order_by("-deposited_at", "-id")
        p = self.request.query_params
        if self.action == "list":
            if p.get("property", "").isdigit():
                qs = qs.filter(property_id=p["property"])
            if p.get("status"):
                qs = qs.filter(status=p["status"])
        return qs

    @extend_schema(request=s.KeyWriteSerializer, responses={201: s.KeySerializer})
    def create(self, request):
        _need_somewhere(request, "visitor.key")
        return self.create_action(services.key_for_visitor_deposit, s.KeyWriteSerializer)

    @extend_schema(request=s.KeyHandoverSerializer, responses=s.KeySerializer)
    @action(detail=True, methods=["post"])
    def handover(self, request, pk=None):
        k = self.get_object()
        _need(request, "visitor.key", k.property_id)
        return self.service_action(services.key_for_visitor_handover, s.KeyHandoverSerializer, key=k)

    @extend_schema(request=s.ReasonSerializer, responses=s.KeySerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_owner(self, request, pk=None):
        k = self.get_object()
        _need(request, "visitor.key", k.property_id)
        return self.service_action(services.key_for_visitor_return, s.ReasonSerializer, key=k)


@extend_schema(parameters=[PROPERTY_PARAM])
class SpareKeyViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Spare-key entries (R-VIS-11/12/13): letter → borrow → admit (key back at once) → lock."""

    queryset = SpareKeyEntry.objects.select_related(
        "unit", "key_holder", "requested_by", "declined_by", "locked_by"
    )
    serializer_class = s.SpareKeySerializer
    permission_action = "visitor.view"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        qs = super().get_queryset().order_by("-letter_faxed_at", "-id")
        p = self.request.query_params
        if self.action == "list" and p.get("property", "").isdigit():
            qs = qs.filter(property_id=p["property"])
        return qs

    def _spare(self, action_name):
        obj = self.get_object()
        _need(self.request, action_name, obj.property_id)
        return obj

    def respond(self, spare, status=200):
        return Response(s.SpareKeySerializer(self.get_queryset().get(pk=spare.pk)).data, status=status)

    @extend_schema(request={"multipart/form-data": s.LetterSerializer}, responses=s.SpareKeySerializer)
    @action(detail=True, methods=["post"])
    def letter(self, request, pk=None):
        return self.service_action(
            services.spare_key_letter_received, s.LetterSerializer, spare=self._spare("visitor.sparekey")
        )

    @extend_schema(request=s.DeclineSerializer, responses=s.SpareKeySerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self.service_action(
            services.spare_key_decline, s.DeclineSerializer, spare=self._spare("visitor.sparekey.decline")
        )

    @extend_schema(request=s.BorrowSerializer, responses=s.SpareKeySerializer)
    @action(detail=True, methods=["post"])
    def borrow(self, request, pk=None):
        return self.service_action(
            services.spare_key_borrow, s.BorrowSerializer, spare=self._spare("visitor.sparekey")
        )

    @extend_schema(request=None, responses=s.SpareKeySerializer)
    @action(detail=True, methods=["post"])
    def admit(self, request, pk=None):
        return self.service_action(services.spare_key_admit, spare=self._spare("visitor.sparekey"))

    @extend_schema(request=s.LockSerializer, responses=s.SpareKeySerializer)
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        return self.service_action(
            services.spare_key_lock, s.LockSerializer, spare=self._spare("visitor.sparekey")
        )
