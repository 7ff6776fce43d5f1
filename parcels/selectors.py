"""Reads with a rule: who to phone now (R-EXP-10/11), the desk summary, the registers, the lookups."""

from datetime import datetime

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core import selectors as core_selectors
from core.masking import mask_phone
from core.models import Property, Unit
from core.rule_settings import setting
from residents.models import Occupancy
from residents.selectors import parse_room

from . import cadence
from .choices import LetterStatus, OwnerChoice, SlipStatus
from .models import Letter, MailboxFault, MailInstruction, NotificationSlip, NotifyAttempt, Parcel
from .services import SLIP_FOLLOWUP_AFTER

LONG_HELD_DAYS = 7  # R-LET-09 INTERPRETATION: a week by default (规则参数 parcels.long_held)


def parcel_properties(*, user, action: str = "parcels.view") -> list[Property]:
    return core_selectors.user_properties(user=user, action=action)


def current_property(*, user, requested=None, action: str = "parcels.view") -> Property | None:
    """?property=<id> if allowed, else the user's first property for `action` (core.selectors)."""
    return core_selectors.current_property(user=user, requested=requested, action=action)


def parcels_for(*, user, action: str = "parcels.view"):
    return Parcel.objects.restrict(user, action).select_related("unit", "resident")


def held_parcels(*, user, prop: Property):
    return parcels_for(user=user).held().filter(property=prop).order_by("received_at", "id")


def call_list(prop: Property, now: datetime | None = None, *, user=None, limit: int = 200) -> list[Parcel]:
    """R-EXP-10/11: the items whose owner should be phoned now, the most overdue call first; empty in the
    quiet hours (no calls after 21:30)."""
    now = now or timezone.now()
    if not cadence.calls_allowed(prop, now):
        return []
    qs = Parcel.objects.restrict(user, "parcels.view") if user is not None else Parcel.objects.all()
    return list(
        qs.held()
        .filter(property=prop, next_call_at__lte=now)
        .select_related("unit", "resident")
        .order_by("next_call_at", "id")[:limit]
    )


def call_list_rows(parcels) -> list[dict]:
    """The call list as the clerk works through it: phone masked (R-ARCH-06)."""
    return [
        {
            "parcel": p,
            "phone": mask_phone(p.resident.phone),
            "due": p.next_call_at,
        }
        for p in parcels
    ]


def slips_followup_due(*, user, prop: Property, now: datetime | None = None):
    """R-SLIP-10: open slips delivered 72 hours ago or more, not yet followed up."""
    now = now or timezone.now()
    return (
        NotificationSlip.objects.restrict(user, "parcels.view")
        .filter(
            property=prop,
            status=SlipStatus.ISSUED,
            followup_at__isnull=True,
            door_delivered_at__lte=now - SLIP_FOLLOWUP_AFTER,
        )
        .select_related("unit", "resident", "parcel")
        .order_by("serial")
    )


def desk_summary(*, user, prop: Property, now: datetime | None = None) -> dict:
    """For the front-desk screen: parcels to notify now, calls due (respecting quiet hours), held count.
    One pass over the held rows only (the (property, status, received_at) index) and one over the open
    slips, whatever the size of the history."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    held = Parcel.objects.restrict(user, "parcels.view").held().filter(property=prop)
    quiet = not cadence.calls_allowed(prop, now)
    agg = held.aggregate(
        held=Count("pk"),
        to_notify=Count("pk", filter=Q(notified_at__isnull=True, reached_at__isnull=True)),
        to_deliver=Count("pk", filter=Q(owner_choice=OwnerChoice.DELIVER)),
        chased_today=Count("pk", filter=Q(chased_on=today)),
        reason_missing=Count("pk", filter=Q(chased_on=today, not_collected_reason="")),
        calls_due=Count("pk", filter=Q(next_call_at__lte=now)),
    )
    slips = (
        NotificationSlip.objects.restrict(user, "parcels.view")
        .filter(property=prop, status=SlipStatus.ISSUED)
        .aggregate(
            open=Count("pk"),
            due=Count(
                "pk", filter=Q(followup_at__isnull=True, door_delivered_at__lte=now - SLIP_FOLLOWUP_AFTER)
            ),
        )
    )
    return {
        "held": agg["held"],
        "to_notify": agg["to_notify"],
        "calls_due": 0 if quiet else agg["calls_due"],
        "quiet_hours": quiet,
        "to_deliver": agg["to_deliver"],
        "chased_today": agg["chased_today"],
        "reason_missing": agg["reason_missing"],
        "slips_open": slips["open"],
        "followups_due": slips["due"],
    }


def parcel_for_page(*, user, pk: int, action: str = "parcels.view") -> Parcel:
    return get_object_or_404(
        Parcel.objects.restrict(user, action).select_related(
            "unit", "resident", "received_by", "released_by", "property", "batch"
        ),
        pk=pk,
    )


def parcel_attempts(parcel: Parcel):
    return list(
        NotifyAttempt.objects.filter(parcel=parcel).select_related("by", "message").order_by("-at", "-id")
    )


def parcel_search(*, user, prop: Property, q: str, status: str = "", limit: int = 50):
    """Tracking number (scanner) or unit label, newest first."""
    qs = parcels_for(user=user).filter(property=prop)
    q = (q or "").strip()
    if q:
        labels = parse_room(q)
        if labels:
            qs = qs.filter(unit__label__in=labels)
        else:
            qs = qs.filter(tracking_no=q)
    if status == "held":
        qs = qs.held()
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-received_at", "-id")


def unit_lookup(*, user, prop: Property, q: str, limit: int = 15) -> list[dict]:
    """Lookup-as-you-type for the arrival grid: "3-12" → units 3-12xx and their current occupants, as
    "3-1201 张三" options. Exact-label and label-prefix queries on the (property, label) index."""
    q = (q or "").strip()
    if not q:
        return []
    head = q.split(" ")[0]
    labels = parse_room(head)
    units = Unit.objects.restrict(user, "parcels.view").filter(property=prop)
    if labels:
        units = units.filter(Q(label__in=labels) | Q(label__startswith=labels[0]))
    elif "-" in head:
        units = units.filter(label__startswith=head)
    else:
        units = units.filter(number__startswith=head)
    unit_list = list(units.order_by("label")[:limit])
    if not unit_list:
        return []
    occs = (
        Occupancy.objects.filter(unit__in=unit_list, end__isnull=True)
        .select_related("resident", "unit")
        .order_by("unit__label", "start", "id")
    )
    out = []
    for o in occs:
        out.append(
            {"value": f"{o.unit.label} {o.resident.name}", "unit": o.unit.label, "name": o.resident.name}
        )
        if len(out) >= limit:
            break
    return out


def slip_register(*, user, prop: Property):
    """《邮件接收通知单使用记录》: every slip in serial order, voided ones included (R-SLIP-03/08)."""
    return (
        NotificationSlip.objects.restrict(user, "parcels.view")
        .filter(property=prop)
        .select_related("unit", "resident", "issued_by", "closed_by", "followup_by", "parcel", "letter")
        .order_by("serial")
    )


def open_slips(*, user, prop: Property):
    return slip_register(user=user, prop=prop).filter(status=SlipStatus.ISSUED)


def slip_for_page(*, user, pk: int, action: str = "parcels.view") -> NotificationSlip:
    return get_object_or_404(
        NotificationSlip.objects.restrict(user, action).select_related(
            "unit", "resident", "parcel", "letter", "issued_by", "closed_by", "followup_by", "property"
        ),
        pk=pk,
    )


def letters_for(*, user, prop: Property, day=None, status: str = ""):
    qs = (
        Letter.objects.restrict(user, "parcels.view")
        .filter(property=prop)
        .select_related("unit", "resident", "registered_by")
    )
    if day:
        qs = qs.filter(received_on=day)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-received_on", "-id")


def letter_for_page(*, user, pk: int, action: str = "parcels.view") -> Letter:
    return get_object_or_404(
        Letter.objects.restrict(user, action).select_related("unit", "resident", "registered_by", "property"),
        pk=pk,
    )


def returns_to_hand_back(*, user, prop: Property, now: datetime | None = None):
    """R-LET-06: returned letters due to go back to the postman (the day after their return)."""
    today = timezone.localtime(now or timezone.now()).date()
    return letters_for(user=user, prop=prop).filter(
        status=LetterStatus.RETURNED, handed_back_at__isnull=True, return_due_on__lte=today
    )


def held_letters_to_call(*, user, prop: Property, now: datetime | None = None):
    """R-LET-07/09: held letters whose owner has not been phoned, or held a long time."""
    now = now or timezone.now()
    long_ago = timezone.localtime(now).date() - setting(prop, "parcels.long_held")
    qs = letters_for(user=user, prop=prop).filter(status=LetterStatus.HELD)
    return qs.filter(Q(attempts_log__isnull=True) | Q(received_on__lte=long_ago)).distinct()


def instructions_for(*, user, prop: Property):
    return (
        MailInstruction.objects.restrict(user, "parcels.view")
        .filter(property=prop, ended_at__isnull=True)
        .select_related("resident", "created_by")
        .order_by("-created_at")
    )


def faults_for(*, user, prop: Property):
    return (
        MailboxFault.objects.restrict(user, "parcels.view")
        .filter(property=prop)
        .select_related("unit", "found_by")
        .order_by("-created_at")
    )
