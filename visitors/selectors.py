"""Reads of the visitors area that carry a rule. Every queryset starts from restrict().

Performance (bench: desk page p95 ≤ 100 ms with 1,000,000 visitor entries): the open visits are a handful
of rows reached through the (property, status, expected_leave_at) index, whatever the history's size;
"today" goes through (property, arrived_at). Counts and lists are bounded queries on those indexes.
"""

from datetime import date, datetime, time, timedelta

from django.shortcuts import get_object_or_404
from django.utils import timezone

from core import selectors as core_selectors
from core.models import Property

from .choices import KeyStatus, SpareKeyStatus, VisitStatus
from .models import (
    KeyForVisitor,
    SpareKeyEntry,
    VisitorContactLookup,
    VisitorEntry,
    VisitorPreauthorization,
)

DESK_LIST = 10  # rows of each short list on the front-desk screen
ENTRY_RELATED = ("unit", "resident", "registered_by", "confirmed_by")


def visitor_properties(*, user, action: str = "visitor.view") -> list[Property]:
    return core_selectors.user_properties(user=user, action=action)


def current_property(*, user, requested=None, action: str = "visitor.view") -> Property | None:
    """?property=<id> if allowed, else the user's first property for `action` (core.selectors)."""
    return core_selectors.current_property(user=user, requested=requested, action=action)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def _entries(user, action="visitor.view"):
    return VisitorEntry.objects.restrict(user, action)


def in_building(*, user, prop, limit: int | None = None):
    """Admitted and not yet left (R-VIS-01), soonest expected departure first."""
    qs = (
        _entries(user)
        .filter(property=prop, status=VisitStatus.ADMITTED)
        .select_related(*ENTRY_RELATED)
        .order_by("expected_leave_at", "id")
    )
    return list(qs[:limit]) if limit else qs


def overstaying(*, user, prop, now=None, limit: int | None = None):
    """R-VIS-03: in the building past the registered time."""
    now = now or timezone.now()
    qs = (
        _entries(user)
        .filter(property=prop, status=VisitStatus.ADMITTED, expected_leave_at__lt=now)
        .select_related(*ENTRY_RELATED)
        .order_by("expected_leave_at", "id")
    )
    return list(qs[:limit]) if limit else qs


def waiting(*, user, prop) -> list[VisitorEntry]:
    """Registered, the owner not yet reached (R-VIS-04/06), in arrival order. Fetched in the order of the
    (property, status, expected_leave_at) index and sorted here: ordering by arrived_at would tempt the
    planner into walking (property, arrived_at) across the whole history to skip a sort of a few rows."""
    rows = list(
        _entries(user)
        .filter(property=prop, status=VisitStatus.PENDING)
        .select_related(*ENTRY_RELATED, "preauthorization")
        .order_by("expected_leave_at", "id")[:500]
    )
    return sorted(rows, key=lambda e: (e.arrived_at, e.pk))


def closed_on(*, user, prop, day: date, limit: int = 200):
    """The day's visits that are over (left, refused, message left, given up), newest first."""
    start, end = day_bounds(day)
    return list(
        _entries(user)
        .filter(property=prop, arrived_at__gte=start, arrived_at__lt=end)
        .exclude(status__in=[VisitStatus.PENDING, VisitStatus.ADMITTED])
        .select_related(*ENTRY_RELATED)
        .order_by("-arrived_at", "-id")[:limit]
    )


def desk_summary(*, user, prop, now=None) -> dict:
    """The front desk's visitor block: counts and short lists. Five indexed queries, whatever the
    register's size; empty (zeros) for a user who may not see visitors of `prop`."""
    now = now or timezone.now()
    base = _entries(user).filter(property=prop)
    start, end = day_bounds(timezone.localtime(now).date())
    in_bldg = base.filter(status=VisitStatus.ADMITTED)
    over = in_bldg.filter(expected_leave_at__lt=now)
    return {
        "in_building": in_bldg.count(),
        "overstaying": over.count(),
        "waiting": base.filter(status=VisitStatus.PENDING).count(),
        "today": base.filter(arrived_at__gte=start, arrived_at__lt=end).count(),
        "in_building_list": list(
            in_bldg.select_related("unit").order_by("expected_leave_at", "id")[:DESK_LIST]
        ),
        "overstaying_list": list(over.select_related("unit").order_by("expected_leave_at", "id")[:DESK_LIST]),
        "now": now,
    }


def entry_for_page(*, user, pk: int, action: str = "visitor.view") -> VisitorEntry:
    return get_object_or_404(
        _entries(user, action).select_related(
            "property", "unit", "resident", "registered_by", "confirmed_by", "closed_by", "preauthorization"
        ),
        pk=pk,
    )


def entry_list(*, user):
    return _entries(user).select_related(*ENTRY_RELATED).order_by("-arrived_at", "-id")


def day_sheet(*, user, prop, day: date) -> list[VisitorEntry]:
    """The 《访客登记表》 of one day, in registration order (print view)."""
    start, end = day_bounds(day)
    return list(
        _entries(user)
        .filter(property=prop, arrived_at__gte=start, arrived_at__lt=end)
        .select_related(*ENTRY_RELATED)
        .order_by("arrived_at", "id")
    )


# --- standing instructions ---------------------------------------------------------------------------


def preauths(*, user, prop, now=None, include_inactive: bool = False):
    now = now or timezone.now()
    qs = VisitorPreauthorization.objects.restrict(user, "visitor.view").filter(property=prop)
    if not include_inactive:
        qs = qs.filter(revoked_at__isnull=True, valid_to__gte=now)
    return qs.select_related("unit", "resident", "recorded_by", "revoked_by").order_by("valid_to", "id")


def preauths_for_unit(*, user, unit, now=None):
    now = now or timezone.now()
    return list(
        VisitorPreauthorization.objects.restrict(user, "visitor.view")
        .filter(unit=unit, revoked_at__isnull=True, valid_from__lte=now, valid_to__gte=now)
        .select_related("resident")
        .order_by("valid_to", "id")
    )


def preauth_for_page(*, user, pk, action="visitor.view"):
    return get_object_or_404(VisitorPreauthorization.objects.restrict(user, action), pk=pk)


# --- keys and spare keys -----------------------------------------------------------------------------


def keys_held(*, user, prop):
    return (
        KeyForVisitor.objects.restrict(user, "visitor.view")
        .filter(property=prop, status=KeyStatus.HELD)
        .select_related("unit", "resident", "received_by")
        .order_by("deposited_at", "id")
    )


def keys_recent(*, user, prop, limit: int = 50):
    return list(
        KeyForVisitor.objects.restrict(user, "visitor.view")
        .filter(property=prop)
        .exclude(status=KeyStatus.HELD)
        .select_related("unit", "resident", "handed_over_by")
        .order_by("-deposited_at", "-id")[:limit]
    )


def key_for_page(*, user, pk, action="visitor.view"):
    return get_object_or_404(
        KeyForVisitor.objects.restrict(user, action).select_related(
            "property", "unit", "resident", "received_by", "handed_over_by", "entry"
        ),
        pk=pk,
    )


def key_candidate_entries(*, key: KeyForVisitor):
    """Visits to the key's unit that could collect it: admitted ones (R-VIS-10)."""
    return list(
        VisitorEntry.objects.filter(unit_id=key.unit_id, status=VisitStatus.ADMITTED).order_by("-arrived_at")[
            :20
        ]
    )


def spare_keys_open(*, user, prop):
    return (
        SpareKeyEntry.objects.restrict(user, "visitor.view")
        .filter(property=prop)
        .exclude(status__in=[SpareKeyStatus.DECLINED, SpareKeyStatus.LOCKED])
        .select_related("unit", "resident", "entry", "key_holder")
        .order_by("letter_faxed_at", "id")
    )


def spare_key_for_page(*, user, pk, action="visitor.view"):
    return get_object_or_404(
        SpareKeyEntry.objects.restrict(user, action).select_related(
            "property", "unit", "resident", "entry", "requested_by", "key_holder", "declined_by", "locked_by"
        ),
        pk=pk,
    )


def contact_lookups(*, user):
    """R-VIS-07 / R-ARCH-05: who read which owner's contact fields, why and when."""
    return (
        VisitorContactLookup.objects.restrict(user, "visitor.lookup_audit")
        .select_related("resident", "reader", "entry")
        .order_by("-at", "-id")
    )


# --- handover counts (duty.handover.HANDOVER_COUNTS) ------------------------------------------------------


def handover_in_building(prop) -> int:
    return VisitorEntry.objects.filter(property=prop, status=VisitStatus.ADMITTED).count()


def handover_keys_held(prop) -> int:
    return KeyForVisitor.objects.filter(property=prop, status=KeyStatus.HELD).count()
