"""/api/v1/repairs/…: the same services as the pages. Another property's order is a 404.

Every step of the 《工程维修单》 is a POST on the order (…/orders/{id}/collect/ and so on); reopen and cancel
are the engine's generic transitions (/api/v1/requests/{id}/transition/)."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api.base import ScopedViewSetMixin
from core.models import Location, Property, Unit, User
from core.permissions import can
from residents.models import Resident

from .. import selectors, services
from ..models import AccidentReport, DailyReturn, PriceItem, RepairOrder, SpareKeyEntry
from . import serializers as s


def _prop(user, action, pk) -> Property:
    found = Property.objects.restrict(user, action).filter(pk=pk).first()
    if found is None:
        get_object_or_404(Property.objects.restrict(user, "view"), pk=pk)  # another property: 404
        raise PermissionDenied()
    return found


def _user(pk):
    return get_object_or_404(User, pk=pk) if pk else None


def _in(model, pk, prop):
    return get_object_or_404(model, pk=pk, property=prop) if pk else None


def _entry(req):
    entry = SpareKeyEntry.objects.filter(order_id=req.pk, left_at__isnull=True).first()
    if entry is None:
        raise serializers.ValidationError({"detail": "没有未离开的入户记录。(No open entry.)"})
    return entry


def _report(req):
    return get_object_or_404(AccidentReport, order_id=req.pk)


def _price_item(pk, req):
    return get_object_or_404(PriceItem, pk=pk, property_id=req.property_id) if pk else None


def _kw(service):
    """perform() for a step whose body's fields are the service's own keywords."""
    return lambda u, r, d: service(actor=u, request=r, **d)


# name → (url path, serializer, perform(user, request, data))
STEPS = {
    "notify": (
        "notify",
        s.NotifySerializer,
        lambda u, r, d: services.repair_notify(
            actor=u, request=r, method=d["method"], assignee=_user(d["assignee"]), at=d["at"]
        ),
    ),
    "collect": (
        "collect",
        s.CollectSerializer,
        lambda u, r, d: services.repair_collect(
            actor=u, request=r, collector=_user(d["collector"]), signature=d["signature"], at=d["at"]
        ),
    ),
    "arrive": ("arrive", s.ArriveSerializer, _kw(services.repair_arrive)),
    "hold": ("hold", s.HoldSerializer, _kw(services.repair_hold)),
    "reschedule": ("reschedule", s.RescheduleSerializer, _kw(services.repair_reschedule)),
    "follow_up": ("follow-up", s.TextSerializer, _kw(services.repair_follow_up)),
    "resume": ("resume", s.NoteSerializer, _kw(services.repair_resume)),
    "complete": ("complete", s.CompleteSerializer, _kw(services.repair_complete)),
    "sign": ("sign", s.SignSerializer, _kw(services.repair_sign)),
    "report": ("report-done", s.AtSerializer, _kw(services.repair_report_done)),
    "confirm": ("confirm", s.NoteSerializer, _kw(services.repair_confirm)),
    "reconfirm": ("reconfirm-spare-key", s.NoteSerializer, _kw(services.repair_spare_key_reconfirm)),
    "key_enter": (
        "spare-key-enter",
        s.KeyEnterSerializer,
        lambda u, r, d: services.spare_key_enter(
            actor=u,
            request=r,
            cs_person=_user(d["cs_person"]),
            security_person=_user(d["security_person"]),
            engineering_person=_user(d["engineering_person"]),
            key_reference=d["key_reference"],
            note=d["note"],
            entered_at=d["entered_at"],
        ),
    ),
    "key_leave": (
        "spare-key-leave",
        s.KeyLeaveSerializer,
        lambda u, r, d: services.spare_key_leave(actor=u, entry=_entry(r), **d),
    ),
    "charge": (
        "charges",
        s.ChargeCreateSerializer,
        lambda u, r, d: services.repair_charge_add(
            actor=u,
            request=r,
            kind=d["kind"],
            price_item=_price_item(d["price_item"], r),
            description=d["description"],
            quantity=d["quantity"],
            unit_price=d["unit_price"],
        ),
    ),
    "charges_confirm": ("charges-confirm", s.ChargesConfirmSerializer, _kw(services.repair_charges_confirm)),
    "payment": ("payment", s.PaymentSerializer, _kw(services.repair_set_payment)),
    "loss": ("losses", s.LossCreateSerializer, _kw(services.repair_loss_add)),
    "accident_report": (
        "accident-report",
        s.AccidentReportSaveSerializer,
        _kw(services.accident_report_save),
    ),
    "accident_submit": (
        "accident-report-submit",
        None,
        lambda u, r, d: services.accident_report_submit(actor=u, report=_report(r)),
    ),
    "accident_ack": (
        "accident-report-acknowledge",
        s.NoteSerializer,
        lambda u, r, d: services.accident_report_acknowledge(actor=u, report=_report(r), note=d["note"]),
    ),
}


class RepairOrderViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """《工程维修单》: every repair with its steps, charges, spare-key entries, losses, accident report and
    clocks. Filter with ?property=&status=&scope=&date_from=&date_to= (dates of the report)."""

    permission_action = "repairs.view"
    queryset = RepairOrder.objects.select_related("request").order_by("-request__received_at", "-pk")
    serializer_class = s.RepairOrderSerializer
    filterset_fields = ["scope", "is_paid"]

    def get_serializer_class(self):
        return s.RepairListSerializer if self.action == "list" else s.RepairOrderSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("property", OpenApiTypes.INT),
            OpenApiParameter("status", OpenApiTypes.STR),
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "list":
            p = self.request.query_params
            if p.get("property"):
                qs = qs.filter(request__property_id=p["property"])
            if p.get("status"):
                qs = qs.filter(request__status=p["status"])
            if p.get("date_from"):
                qs = qs.filter(request__received_at__date__gte=p["date_from"])
            if p.get("date_to"):
                qs = qs.filter(request__received_at__date__lte=p["date_to"])
            qs = qs.select_related("request__unit", "request__location")
        return qs

    def _reply(self, order_pk, status=200):
        order = RepairOrder.objects.select_related("request").get(pk=order_pk)
        return Response(s.RepairOrderSerializer(order).data, status=status)

    @extend_schema(request=s.RepairCreateSerializer, responses={201: s.RepairOrderSerializer})
    def create(self, request, *args, **kwargs):
        d = s.RepairCreateSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        v = dict(d.validated_data)
        prop = _prop(request.user, "repairs.create", v.pop("property"))
        v["unit"] = _in(Unit, v.get("unit"), prop)
        v["location"] = _in(Location, v.get("location"), prop)
        v["reporter"] = _in(Resident, v.get("reporter"), prop)
        req = services.repair_create(actor=request.user, prop=prop, **v)
        return self._reply(req.pk, 201)

    @extend_schema(request=s.EmergencySerializer, responses={201: s.RepairOrderSerializer})
    @action(detail=False, methods=["post"])
    def emergency(self, request):
        """R-REP-25/26: an emergency (e.g. a leak) — engineering and the 客服主管 told at once, 5 minutes to arrive."""
        d = s.EmergencySerializer(data=request.data)
        d.is_valid(raise_exception=True)
        v = dict(d.validated_data)
        prop = _prop(request.user, "repairs.create", v.pop("property"))
        v["unit"] = _in(Unit, v.get("unit"), prop)
        v["location"] = _in(Location, v.get("location"), prop)
        req = services.repair_emergency_create(actor=request.user, prop=prop, **v)
        return self._reply(req.pk, 201)

    @extend_schema(
        parameters=[OpenApiParameter("property", OpenApiTypes.INT)],
        responses=s.RepairListSerializer(many=True),
    )
    @action(detail=False, url_path="pending-return")
    def pending_return(self, request):
        """R-REP-23: orders whose first copy is still out."""
        prop = _prop(request.user, "repairs.view", request.query_params.get("property") or 0)
        qs = services.pending_return_orders(prop, timezone.now())
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.RepairListSerializer(page, many=True).data)


def _make_step(name, path, ser, perform):
    def step(self, request, pk=None):
        order = self.get_object()
        perform(request.user, order.request, self.validated(ser) if ser is not None else {})
        return self._reply(order.pk)

    step.__name__ = name
    step.__doc__ = f"Step {path} of the 《工程维修单》 (repairs.services)."
    step = extend_schema(
        request=ser, responses=s.RepairOrderSerializer, operation_id=f"repairs_orders_{name}"
    )(step)
    return action(detail=True, methods=["post"], url_path=path)(step)


for _name, (_path, _ser, _perform) in STEPS.items():
    setattr(RepairOrderViewSet, _name, _make_step(_name, _path, _ser, _perform))


class PriceItemViewSet(ScopedViewSetMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """R-PAID-06: the engineering fee schedule (labour only). PATCH price/active (客服主管/经理)."""

    permission_action = "repairs.view"
    queryset = PriceItem.objects.order_by("property_id", "category", "seq")
    serializer_class = s.PriceItemSerializer
    filterset_fields = ["property", "category", "active"]
    http_method_names = ["get", "patch", "head", "options"]

    def update(self, request, *args, **kwargs):
        item = self.get_object()
        d = s.PriceItemSerializer(item, data=request.data, partial=True)
        d.is_valid(raise_exception=True)
        v = d.validated_data
        services.price_item_update(
            actor=request.user,
            item=item,
            price=v.get("price", item.price),
            active=v.get("active", item.active),
        )
        item.refresh_from_db()
        return Response(s.PriceItemSerializer(item).data)


class DailyReturnViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """R-REP-23/24: the daily return of the first copies; `unfinished` is the 《未完成工程维修记录》."""

    permission_action = "repairs.view"
    queryset = DailyReturn.objects.prefetch_related("lines__order__request").order_by("-date", "-id")
    serializer_class = s.DailyReturnSerializer
    filterset_fields = ["property", "date"]

    @extend_schema(request=s.DailyReturnCreateSerializer, responses={201: s.DailyReturnSerializer})
    def create(self, request, *args, **kwargs):
        d = s.DailyReturnCreateSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        v = d.validated_data
        prop = _prop(request.user, "repairs.return", v["property"])
        try:
            reasons = {int(k): r for k, r in v["reasons"].items()}
        except ValueError:
            raise serializers.ValidationError(
                {"reasons": ["键须为维修单编号(id)。(Keys must be order ids.)"]}
            ) from None
        ret = services.daily_return_record(
            actor=request.user, prop=prop, returned_by=_user(v["returned_by"]), reasons=reasons
        )
        return Response(s.DailyReturnSerializer(DailyReturn.objects.get(pk=ret.pk)).data, status=201)

    @extend_schema(request=s.UnfinishedHandOverSerializer, responses=s.DailyReturnSerializer)
    @action(detail=True, methods=["post"], url_path="hand-over")
    def hand_over(self, request, pk=None):
        ret = self.get_object()
        d = s.UnfinishedHandOverSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        if not can(request.user, "repairs.dispatch", ret.property_id):
            raise PermissionDenied()
        services.unfinished_hand_over(
            actor=request.user, daily_return=ret, supervisor=_user(d.validated_data["supervisor"])
        )
        return Response(s.DailyReturnSerializer(DailyReturn.objects.get(pk=ret.pk)).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("property", OpenApiTypes.INT),
            OpenApiParameter("date", OpenApiTypes.DATE),
        ],
        responses=s.ReturnLineSerializer(many=True),
    )
    @action(detail=False)
    def unfinished(self, request):
        prop = _prop(request.user, "repairs.view", request.query_params.get("property") or 0)
        try:
            from datetime import date

            day = date.fromisoformat(request.query_params.get("date") or "")
        except ValueError:
            raise serializers.ValidationError({"date": ["日期格式 YYYY-MM-DD。(Use YYYY-MM-DD.)"]}) from None
        _, lines = selectors.unfinished_record(user=request.user, prop=prop, day=day)
        return Response(s.ReturnLineSerializer(lines, many=True).data)
