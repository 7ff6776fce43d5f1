"""Reads with a rule: the 《工程报修记录台帐》, the 《未完成工程维修记录》, the fee schedule, the panel data."""

from datetime import date

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from core import selectors as core_selectors
from core.models import Property

from .choices import OPEN_STATUSES
from .models import DailyReturn, DailyReturnLine, PriceItem, RepairCharge, RepairOrder, SpareKeyEntry


def repair_properties(*, user, action: str = "repairs.view") -> list[Property]:
    return core_selectors.user_properties(user=user, action=action)


def current_property(*, user, requested=None, action: str = "repairs.view") -> Property | None:
    """?property=<id> if allowed, else the user's first property for `action` (core.selectors)."""
    return core_selectors.current_property(user=user, requested=requested, action=action)


def order_list(*, user, action: str = "repairs.view"):
    return (
        RepairOrder.objects.restrict(user, action)
        .select_related(
            "request", "request__unit", "request__location", "request__assignee", "collector", "return_line"
        )
        .order_by("-request__received_at", "-pk")
    )


def ledger(*, user, prop: Property, date_from: date | None = None, date_to: date | None = None, scope=""):
    """R-REP-06: every work order appears in the register view, by the day it was raised."""
    qs = (
        order_list(user=user)
        .filter(request__property=prop)
        .prefetch_related(Prefetch("charges", queryset=RepairCharge.objects.order_by("id")))
    )
    if date_from:
        qs = qs.filter(request__received_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(request__received_at__date__lte=date_to)
    if scope:
        qs = qs.filter(scope=scope)
    return qs


def order_for(*, user, pk: int, action: str = "repairs.view") -> RepairOrder:
    return get_object_or_404(order_list(user=user, action=action), pk=pk)


def order_panel(order: RepairOrder) -> dict:
    """The order's lines for the panel, in a fixed number of queries."""
    return {
        "charges": list(order.charges.select_related("price_item").order_by("id")),
        "key_entries": list(
            SpareKeyEntry.objects.filter(order=order).select_related(
                "cs_person", "security_person", "engineering_person"
            )
        ),
        "losses": list(order.losses.select_related("recorded_by").order_by("recorded_at", "id")),
        "report": getattr(order, "accident_report", None) if hasattr(order, "accident_report") else None,
    }


def price_list(*, prop: Property):
    return list(PriceItem.objects.filter(property=prop).order_by("category", "seq"))


def returns(*, user, prop: Property):
    return (
        DailyReturn.objects.restrict(user, "repairs.view")
        .filter(property=prop)
        .select_related("returned_by", "received_by", "handed_to")
    )


def unfinished_record(*, user, prop: Property, day: date):
    """R-REP-24: the 《未完成工程维修记录》 of a day's return — the unfinished and problem orders."""
    ret = returns(user=user, prop=prop).filter(date=day).first()
    if ret is None:
        return None, []
    lines = list(
        DailyReturnLine.objects.filter(daily_return=ret, finished=False)
        .select_related("order__request__unit", "order__request__location", "order__request__assignee")
        .order_by("order__request__received_at", "id")
    )
    return ret, lines


def open_orders(*, user, prop: Property):
    return order_list(user=user).filter(request__property=prop, request__status__in=OPEN_STATUSES)


def orders_for_resident(resident, limit: int):
    """(i) 报修记录: the resident's own reports and the repairs of the units they live or lived in."""
    unit_ids = resident.occupancies.values("unit_id")
    return (
        RepairOrder.objects.filter(Q(request__reporter=resident) | Q(request__unit_id__in=unit_ids))
        .select_related("request", "request__unit", "request__location")
        .order_by("-request__received_at", "-pk")[: limit + 1]
    )
