"""Reads of the duty log and handover that carry a rule. Every queryset starts from restrict()."""

from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from core import selectors as core_selectors
from core.models import Property, User
from core.permissions import ACTIONS

from .choices import HandoverStatus
from .handover import counts_now
from .models import DutyDay, DutyEntry, Handover


def duty_properties(*, user, action: str = "duty.view") -> list[Property]:
    return core_selectors.user_properties(user=user, action=action)


def current_property(
    *, user, requested: str | int | None = None, action: str = "duty.view"
) -> Property | None:
    """?property=<id> if allowed, else the user's first property for `action` (core.selectors)."""
    return core_selectors.current_property(user=user, requested=requested, action=action)


def duty_day(*, user, prop: Property, day: date) -> tuple[DutyDay | None, list[DutyEntry]]:
    """R-DUTY-03: the day's page — its sign-off and its entries in time order (two queries in all)."""
    page = (
        DutyDay.objects.restrict(user, "duty.view")
        .filter(property=prop, date=day)
        .select_related("signed_by")
        .first()
    )
    if page is None:
        return None, []
    entries = list(
        DutyEntry.objects.restrict(user, "duty.view")
        .filter(day=page)
        .select_related("recorded_by", "voided_by", "unit", "location", "special_report")
        .order_by("occurred_at", "id")
    )
    return page, entries


def unsigned_days(*, user, prop: Property | None = None, today: date | None = None, limit: int = 60):
    """R-DUTY-14: pages before today still waiting for the 客服主管's signature, with their entry counts."""
    today = today or timezone.localdate()
    qs = DutyDay.objects.restrict(user, "duty.view").filter(signed_at__isnull=True, date__lt=today)
    if prop is not None:
        qs = qs.filter(property=prop)
    return list(
        qs.annotate(
            entry_count=Count("entries", filter=Q(entries__voided_at__isnull=True)),
        )
        .select_related("property")
        .order_by("date")[:limit]
    )


def open_handovers(*, user, prop: Property | None = None):
    qs = Handover.objects.restrict(user, "handover.do").filter(
        status__in=[HandoverStatus.DRAFT, HandoverStatus.HANDED_OVER]
    )
    if prop is not None:
        qs = qs.filter(property=prop)
    return list(qs.select_related("outgoing", "incoming", "property").order_by("-started_at"))


def handover_list(*, user, prop: Property | None = None):
    qs = Handover.objects.restrict(user, "handover.do")
    if prop is not None:
        qs = qs.filter(property=prop)
    return qs.select_related("outgoing", "incoming").annotate(
        item_count=Count("items"),
        open_important=Count("items", filter=Q(items__important=True, items__done=False)),
    )


def handover_counts(*, handover: Handover) -> list[dict]:
    """The counts handed over next to their current value: [{"key","label","snapshot","current","differs"}]."""
    current = {c["key"]: c for c in counts_now(handover.property)}
    rows = []
    for key, snap in (handover.counts_snapshot or {}).items():
        now_value = current.pop(key, {}).get("value")
        rows.append(
            {
                "key": key,
                "label": snap.get("label", key),
                "snapshot": snap.get("value"),
                "current": now_value,
                "differs": now_value is not None and now_value != snap.get("value"),
            }
        )
    for key, c in current.items():
        rows.append(
            {"key": key, "label": c["label"], "snapshot": None, "current": c["value"], "differs": False}
        )
    return rows


def shift_entries(*, user, handover: Handover) -> list[DutyEntry]:
    """R-DUTY-10: the outgoing shift's 台帐 entries, which the incoming reads (and signs on confirming)."""
    qs = DutyEntry.objects.restrict(user, "duty.view").select_related("recorded_by")
    if handover.status == HandoverStatus.CONFIRMED:
        qs = qs.filter(pk__in=handover.ledger_entry_ids or [])
    else:
        start, end = handover.shift_window()
        qs = qs.filter(
            property_id=handover.property_id, occurred_at__gte=start, occurred_at__lt=max(end, timezone.now())
        )
    return list(qs.order_by("occurred_at", "id"))


def handover_candidates(*, prop: Property, exclude: User | None = None) -> list[User]:
    """Staff of the property who can take over a shift (incoming)."""
    roles = [str(r) for r in ACTIONS["handover.do"]]
    qs = User.objects.filter(
        is_active=True, memberships__property=prop, memberships__active=True, memberships__role__in=roles
    ).distinct()
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs.order_by("username"))
