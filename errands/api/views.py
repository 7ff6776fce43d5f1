"""/api/v1/ twins of the errands pages: create and every step call the same services, with input checked
by the same forms as the pages (the owner given as room label + name, like at the desk)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api.base import ScopedViewSetMixin
from core.permissions import can
from releases.api.views import prop_for

from .. import selectors, services, views
from ..models import ConciergeErrand, LaundryOrder, LaundryRound, PettyCashUse, PhoneCall, TicketBooking
from . import serializers as s


def _form_errors(form):
    return serializers.ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})


class RegisterViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Base: list/retrieve scoped; POST creates via the register's form + service; POST {id}/{step}/ runs
    one of the page's steps (same names as on the record page)."""

    key = ""
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def _create_config(self):
        return views.CREATE[self.key]

    @extend_schema(
        request=OpenApiTypes.OBJECT, parameters=[OpenApiParameter("property", int, required=False)]
    )
    def create(self, request):
        _tab, _title, form_class, service, perm = self._create_config()
        prop = prop_for(
            request.user, perm, request.query_params.get("property") or request.data.get("property")
        )
        form = form_class(request.data, prop=prop)
        if not form.is_valid():
            raise _form_errors(form)
        obj = service(actor=request.user, prop=prop, **form.service_kwargs())
        return Response(
            self.get_serializer(self.get_queryset().get(pk=obj.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["post"], url_path=r"step/(?P<step>[a-z_]+)")
    def step(self, request, pk=None, step=None):
        cfg = views.DETAILS[self.detail_key]
        act = next((a for a in cfg["actions"] if a.name == step), None)
        if act is None:
            raise serializers.ValidationError({"step": ["未知操作。(Unknown step.)"]})
        obj = get_object_or_404(cfg["model"].objects.restrict(request.user, self.permission_action), pk=pk)
        if not can(request.user, act.perm, obj.property_id):
            raise PermissionDenied()
        if not act.when(obj):
            raise serializers.ValidationError(
                {"detail": "当前状态不能执行此操作。(Not possible in this state.)"}
            )
        form = act.form(request.data, request.FILES)
        if not form.is_valid():
            raise _form_errors(form)
        act.call(request.user, obj, form.cleaned_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data)


class TicketViewSet(RegisterViewSet):
    """《票务预定登记表》. Steps: book, prepay, issue, deliver, reconfirm, change, cancel."""

    key, detail_key = "ticket", "ticket"
    permission_action = "errands.view"
    queryset = TicketBooking.objects.select_related("unit").order_by("-created_at", "-id")
    serializer_class = s.TicketSerializer


class ErrandViewSet(RegisterViewSet):
    """代办事项. Steps: complete, receipt, cancel."""

    key, detail_key = "errand", "errand"
    permission_action = "errands.view"
    queryset = ConciergeErrand.objects.select_related("unit").order_by("-created_at", "-id")
    serializer_class = s.ErrandSerializer


class LaundryViewSet(RegisterViewSet):
    """《衣物送洗登记表》 (干洗单/湿洗单). Steps: pickup, pay. Rounds: POST laundry-orders/collect/ and
    laundry-orders/return/ (客服主管)."""

    key, detail_key = "laundry", "laundry"
    permission_action = "errands.view"
    queryset = (
        LaundryOrder.objects.select_related("unit").prefetch_related("items").order_by("-received_at", "-id")
    )
    serializer_class = s.LaundrySerializer

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["post"])
    def collect(self, request):
        prop = prop_for(request.user, "errands.laundry_round", request.data.get("property"))
        rnd = services.laundry_collect(
            actor=request.user,
            prop=prop,
            slot=request.data.get("slot"),
            orders=request.data.get("orders") or [],
            laundry_staff=request.data.get("laundry_staff", ""),
        )
        return Response({"round": rnd.pk, "slot": rnd.slot, "due_back_at": rnd.due_back_at}, status=201)

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["post"], url_path="return")
    def return_round(self, request):
        rnd = get_object_or_404(
            LaundryRound.objects.restrict(request.user, "errands.laundry_round"), pk=request.data.get("round")
        )
        services.laundry_return(
            actor=request.user,
            round=rnd,
            returned_slip_nos=request.data.get("returned_slip_nos") or [],
            returned_counts=request.data.get("returned_counts") or {},
            laundry_staff=request.data.get("laundry_staff", ""),
        )
        return Response({"round": rnd.pk, "returned": True})


class CashUseViewSet(RegisterViewSet):
    """《备用金使用登记表》. Steps: sign, approve, reject, invoice (multipart), repay."""

    key, detail_key = "cash", "cash"
    permission_action = "errands.cash_view"
    queryset = PettyCashUse.objects.select_related("unit").order_by("-created_at", "-id")
    serializer_class = s.CashUseSerializer

    @extend_schema(
        responses=s.CashBalanceSerializer, parameters=[OpenApiParameter("property", int, required=False)]
    )
    @action(detail=False, methods=["get"])
    def balance(self, request):
        prop = prop_for(request.user, "errands.cash_view", request.query_params.get("property"))
        summ = selectors.cash_summary(user=request.user, prop=prop)
        return Response(
            {
                "property": prop.pk,
                "balance": summ["balance"],
                "propose_topup": summ["propose_topup"],
                "min_topup": summ["min_topup"],
            }
        )

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["post"])
    def replenish(self, request):
        prop = prop_for(request.user, "errands.cash_approve", request.data.get("property"))
        req = services.cash_replenish_request(
            actor=request.user,
            prop=prop,
            amount=request.data.get("amount"),
            note=request.data.get("note", ""),
        )
        return Response({"id": req.pk, "amount": req.amount, "status": req.status}, status=201)


class CallViewSet(RegisterViewSet):
    """电话接听记录. Step: callback."""

    key, detail_key = "call", "call"
    permission_action = "errands.view"
    queryset = PhoneCall.objects.order_by("-at", "-id")
    serializer_class = s.CallSerializer
