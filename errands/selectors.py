"""Reads with a rule: the registers, the petty-cash ledger and balance, the laundry shelf order, calls
waiting for a call-back."""

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from core.models import Property

from . import services
from .choices import CallOutcome, CashUseStatus, GarmentFinish, LaundryStatus, ReplenishStatus
from .models import (
    ConciergeErrand,
    LaundryOrder,
    LaundryRound,
    PettyCashReplenishment,
    PettyCashUse,
    PhoneCall,
    TicketBooking,
)


def errand_properties(*, user, action: str = "errands.view") -> list[Property]:
    return list(Property.objects.restrict(user, action).order_by("id"))


def ticket_list(*, user, status: str = ""):
    qs = TicketBooking.objects.restrict(user, "errands.view").select_related("unit", "resident")
    return (qs.filter(status=status) if status else qs).order_by("-created_at", "-id")


def tickets_to_reconfirm(*, user, now: datetime | None = None):
    """R-TIX-06: air tickets not reconfirmed whose departure is within 24 h (or already due)."""
    from . import rules

    now = now or timezone.now()
    return (
        TicketBooking.objects.restrict(user, "errands.view")
        .filter(
            kind="air",
            reconfirmed_at__isnull=True,
            departure_at__gt=now,
            departure_at__lte=now + rules.TICKET_RECONFIRM_BEFORE,
        )
        .exclude(status__in=["refunded", "cancelled", "requested"])
        .order_by("departure_at")
    )


def errand_list(*, user, status: str = "", kind: str = ""):
    qs = ConciergeErrand.objects.restrict(user, "errands.view").select_related(
        "unit", "resident", "assigned_to"
    )
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def laundry_register(*, user, status: str = ""):
    """《衣物送洗登记表》 (R-LAUN-04)."""
    qs = LaundryOrder.objects.restrict(user, "errands.view").select_related(
        "unit", "resident", "handler", "round"
    )
    return (qs.filter(status=status) if status else qs).order_by("-received_at", "-id")


def laundry_waiting(*, user, prop: Property):
    return list(
        LaundryOrder.objects.restrict(user, "errands.laundry_round")
        .filter(property=prop, status=LaundryStatus.RECEIVED)
        .select_related("unit")
        .order_by("received_at", "id")
    )


def laundry_rounds(*, user):
    return (
        LaundryRound.objects.restrict(user, "errands.view")
        .select_related("supervisor")
        .order_by("-date", "-slot")
    )


def _room_key(o):
    number = o.unit.number
    return (int(number) if number.isdigit() else 10**9, number)


def laundry_shelf(orders) -> dict:
    """R-LAUN-10: folded and hung items apart, by building and in ascending room-number order."""
    out = {GarmentFinish.FOLDED: [], GarmentFinish.HUNG: []}
    for o in orders:
        for item in o.items.all():
            out[item.finish].append((o, item))
    for key in out:
        out[key].sort(key=lambda pair: (pair[0].unit.building.code, _room_key(pair[0]), pair[0].slip_no))
    return out


def cash_ledger(*, user, prop: Property):
    return (
        PettyCashUse.objects.restrict(user, "errands.cash_view")
        .filter(property=prop)
        .select_related("unit", "resident", "registered_by", "approved_by")
        .order_by("-created_at", "-id")
    )


def cash_summary(*, user, prop: Property) -> dict:
    from . import rules

    balance = services.cash_balance(prop)
    open_request = (
        PettyCashReplenishment.objects.restrict(user, "errands.cash_view")
        .filter(property=prop, status=ReplenishStatus.REQUESTED)
        .first()
    )
    return {
        "balance": balance,
        "low": balance < rules.PETTY_CASH_LOW_BALANCE,
        # R-CASH-06: a top-up of at least RMB 200 is proposed while the balance is below RMB 100.
        "propose_topup": balance < rules.PETTY_CASH_LOW_BALANCE and open_request is None,
        "min_topup": rules.PETTY_CASH_MIN_TOPUP,
        "open_request": open_request,
        "missing_invoices": PettyCashUse.objects.restrict(user, "errands.cash_view")
        .filter(property=prop, status=CashUseStatus.APPROVED)
        .count(),
        "replenishments": list(
            PettyCashReplenishment.objects.restrict(user, "errands.cash_view")
            .filter(property=prop)
            .select_related("requested_by", "received_by")
            .order_by("-created_at")[:20]
        ),
    }


def call_list(*, user, q: str = "", pending_only: bool = False):
    qs = PhoneCall.objects.restrict(user, "errands.view").select_related("handled_by", "unit")
    if pending_only:
        qs = qs.filter(outcome=CallOutcome.CALLBACK, callback_done_at__isnull=True)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(caller_name__startswith=q) | Q(subject__icontains=q))
    return qs.order_by("-at", "-id")


def callbacks_due(*, user, now: datetime | None = None):
    """R-TEL-04: call-backs not yet made, the overdue first."""
    return (
        PhoneCall.objects.restrict(user, "errands.view")
        .filter(outcome=CallOutcome.CALLBACK, callback_done_at__isnull=True)
        .order_by("callback_due_at", "id")
    )
