"""Reads of 寄存, 暂存 and 捡拾物品 that carry a rule. Every queryset starts from restrict()."""

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from core import selectors as core_selectors
from core.models import Property

from .choices import FoundStatus, HeldStatus, StoredStatus
from .models import CustodyCheck, FoundItem, HeldItem, LostTicketAlert, StorageCollection, StoredItem


def storage_properties(*, user, action: str = "storage.view") -> list[Property]:
    return core_selectors.user_properties(user=user, action=action)


def current_property(*, user, requested=None, action: str = "storage.view") -> Property | None:
    """?property=<id> if allowed, else the user's first property for `action` (core.selectors)."""
    return core_selectors.current_property(user=user, requested=requested, action=action)


def stored_item_list(*, user, prop: Property | None = None, status: str = "", q: str = ""):
    qs = StoredItem.objects.restrict(user, "storage.view").select_related("unit", "deposited_by")
    if prop is not None:
        qs = qs.filter(property=prop)
    if status == "in_custody":
        qs = qs.exclude(status=StoredStatus.COLLECTED)
    elif status in StoredStatus.values:
        qs = qs.filter(status=status)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(ticket_no__icontains=q)
            | Q(depositor_name__icontains=q)
            | Q(description__icontains=q)
            | Q(unit__label=q)
        )
    return qs.order_by("-deposited_at", "-id")


def stored_item_by_ticket(*, user, prop: Property, ticket_no: str, action="storage.release"):
    """R-STOR-13: the 登记表 entry with the number on the presented 下联."""
    return (
        StoredItem.objects.restrict(user, action)
        .filter(property=prop, ticket_no=(ticket_no or "").strip().upper())
        .select_related("unit", "property")
        .first()
    )


def storeroom_overdue(*, user, prop: Property, now: datetime | None = None):
    """R-STOR-07: items past their 24 h (large) / 1 week (small) mark still at the desk."""
    now = now or timezone.now()
    return (
        StoredItem.objects.restrict(user, "storage.view")
        .filter(property=prop, storeroom_due_at__lte=now)
        .exclude(status=StoredStatus.COLLECTED)
    )


def held_item_list(*, user, prop: Property | None = None, status: str = "", q: str = "", now=None):
    qs = HeldItem.objects.restrict(user, "storage.view").select_related("unit", "handled_by")
    if prop is not None:
        qs = qs.filter(property=prop)
    if status == "overdue":
        qs = qs.filter(status=HeldStatus.HELD, collect_by__lt=now or timezone.now())
    elif status in HeldStatus.values:
        qs = qs.filter(status=status)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(record_no__icontains=q)
            | Q(owner_name__icontains=q)
            | Q(collector_name__icontains=q)
            | Q(description__icontains=q)
            | Q(unit__label=q)
        )
    return qs.order_by("-held_at", "-id")


def found_item_list(*, user, prop: Property | None = None, status: str = "", q: str = "", today=None):
    qs = FoundItem.objects.restrict(user, "lostfound.view").select_related("registered_by")
    if prop is not None:
        qs = qs.filter(property=prop)
    if status == "awaiting_disposal":
        qs = qs.filter(status=FoundStatus.IN_CUSTODY, retention_until__lt=today or timezone.localdate())
    elif status == "high_value":
        qs = qs.filter(status=FoundStatus.IN_CUSTODY, high_value=True)
    elif status in FoundStatus.values:
        qs = qs.filter(status=status)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(record_no__icontains=q)
            | Q(name__icontains=q)
            | Q(features__icontains=q)
            | Q(found_where__icontains=q)
        )
    return qs.order_by("-found_at", "-id")


def collection_for(item: StoredItem) -> StorageCollection | None:
    return StorageCollection.objects.filter(item=item).select_related("released_by", "filed_by").first()


def custody_items(prop: Property) -> list[dict]:
    """Everything the desk holds right now (R-STOR-11, R-HOLD-12, R-INC-19): three queries, any size."""
    rows = []
    for it in (
        StoredItem.objects.filter(property=prop)
        .exclude(status=StoredStatus.COLLECTED)
        .select_related("unit")
        .order_by("deposited_at", "id")
    ):
        rows.append(
            {
                "kind": "stored",
                "id": it.pk,
                "no": it.ticket_no,
                "label": f"{it.description} ×{it.count}",
                "where": it.location,
                "who": f"{it.unit.label + ' ' if it.unit else ''}{it.depositor_name}",
                "flag": "挂失" if it.status == StoredStatus.LOST_TICKET else ("封条" if it.sealed else ""),
            }
        )
    for it in (
        HeldItem.objects.filter(property=prop, status=HeldStatus.HELD)
        .select_related("unit")
        .order_by("held_at", "id")
    ):
        rows.append(
            {
                "kind": "held",
                "id": it.pk,
                "no": it.record_no,
                "label": f"{it.description} ×{it.count}",
                "where": "前台(信封)" if it.is_key else "前台",
                "who": f"{it.unit.label} {it.owner_name}",
                "flag": "钥匙" if it.is_key else "",
            }
        )
    for it in FoundItem.objects.filter(property=prop, status=FoundStatus.IN_CUSTODY).order_by(
        "found_at", "id"
    ):
        rows.append(
            {
                "kind": "found",
                "id": it.pk,
                "no": it.record_no,
                "label": f"{it.name} ×{it.quantity}",
                "where": it.storage_location,
                "who": it.finder_name,
                "flag": "贵重" if it.high_value else "",
            }
        )
    return rows


def shift_movements(*, user, prop: Property, since: datetime) -> dict:
    """R-STOR-11/R-HOLD-12: what came in and went out during the shift, for the handover."""
    stored = StoredItem.objects.restrict(user, "storage.view").filter(property=prop)
    held = HeldItem.objects.restrict(user, "storage.view").filter(property=prop)
    return {
        "stored_in": list(stored.filter(deposited_at__gte=since).order_by("deposited_at")),
        "stored_out": list(
            stored.filter(collection__collected_at__gte=since).select_related("collection").order_by("-id")
        ),
        "held_in": list(held.filter(held_at__gte=since).select_related("unit").order_by("held_at")),
        "held_out": list(
            held.filter(collected_at__gte=since).select_related("unit").order_by("collected_at")
        ),
    }


def custody_checks(*, user, prop: Property):
    return (
        CustodyCheck.objects.restrict(user, "handover.do")
        .filter(property=prop)
        .select_related("checked_by", "outgoing")
        .order_by("-checked_at", "-id")
    )


def desk_summary(*, user, prop: Property, now: datetime | None = None) -> dict:
    """Counts for the front-desk screen; zeros for what the user may not see."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    stored = StoredItem.objects.restrict(user, "storage.view").filter(property=prop)
    held = HeldItem.objects.restrict(user, "storage.view").filter(property=prop, status=HeldStatus.HELD)
    found = FoundItem.objects.restrict(user, "lostfound.view").filter(
        property=prop, status=FoundStatus.IN_CUSTODY
    )
    in_custody = stored.exclude(status=StoredStatus.COLLECTED)
    return {
        "stored": in_custody.count(),
        "stored_storeroom_due": in_custody.filter(storeroom_due_at__lte=now).count(),  # R-STOR-07
        "lost_tickets": stored.filter(status=StoredStatus.LOST_TICKET).count(),  # R-STOR-18
        "lost_ticket_alerts_today": LostTicketAlert.objects.restrict(user, "storage.view")
        .filter(property=prop, raised_at__date=today)
        .count(),  # R-STOR-20
        "held": held.count(),
        "held_overdue": held.filter(collect_by__lt=now).count(),  # R-HOLD-13
        "found": found.count(),
        "found_high_value": found.filter(high_value=True).count(),  # R-INC-17
        "found_awaiting_disposal": found.filter(retention_until__lt=today).count(),  # R-INC-21
    }


# HANDOVER_COUNTS (duty.handover): func(property) → int.
def count_stored(prop) -> int:
    return StoredItem.objects.filter(property=prop).exclude(status=StoredStatus.COLLECTED).count()


def count_held(prop) -> int:
    return HeldItem.objects.filter(property=prop, status=HeldStatus.HELD).count()


def count_found(prop) -> int:
    return FoundItem.objects.filter(property=prop, status=FoundStatus.IN_CUSTODY).count()
