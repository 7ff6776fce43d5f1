"""Reads with a rule: the release register, what waits at the exit, the desk summary."""

from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone

from core.models import Property

from .choices import ReleaseStatus
from .models import GoodsRelease

LIST_RELATED = ("unit", "resident", "property")


def release_list(*, user, prop: Property | None = None, status: str = "", q: str = ""):
    qs = GoodsRelease.objects.restrict(user, "releases.view").select_related(*LIST_RELATED)
    if prop is not None:
        qs = qs.filter(property=prop)
    if status:
        qs = qs.filter(status=status)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(number__icontains=q) | Q(unit__label=q) | Q(resident__name__startswith=q) | Q(carrier_name=q)
        )
    return qs.annotate(item_count=Count("items")).order_by("-created_at", "-id")


def release_detail(*, user, pk: int, action: str = "releases.view") -> GoodsRelease:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        GoodsRelease.objects.restrict(user, action)
        .select_related(
            *LIST_RELATED,
            "confirmed_by",
            "fees_settled_confirmed_by",
            "issued_by",
            "checked_by",
            "filed_by",
            "created_by",
            "replaces",
        )
        .prefetch_related("items"),
        pk=pk,
    )


def releases_to_check(*, user, prop: Property | None = None):
    """R-REL-10: issued slips waiting at the exit, oldest planned first (the guard's phone page)."""
    qs = (
        GoodsRelease.objects.restrict(user, "releases.exit")
        .filter(status=ReleaseStatus.ISSUED)
        .select_related("unit", "resident")
        .prefetch_related("items")
    )
    if prop is not None:
        qs = qs.filter(property=prop)
    return qs.order_by("planned_at", "id")


def desk_summary(*, user, prop: Property, now: datetime | None = None) -> dict:
    """For the front-desk screen: counts per step, and the slips expected at the exit today."""
    now = now or timezone.now()
    qs = GoodsRelease.objects.restrict(user, "releases.view").filter(property=prop)
    counts = qs.aggregate(
        to_confirm=Count("id", filter=Q(status=ReleaseStatus.APPLIED)),
        to_issue=Count("id", filter=Q(status=ReleaseStatus.CONFIRMED)),
        to_check=Count("id", filter=Q(status=ReleaseStatus.ISSUED)),
        to_file=Count(
            "id", filter=Q(status__in=[ReleaseStatus.PASSED, ReleaseStatus.RETURNED], filed_at__isnull=True)
        ),
        returned=Count("id", filter=Q(status=ReleaseStatus.RETURNED, filed_at__isnull=True)),
    )
    today = timezone.localtime(now).date()
    counts["to_check_today"] = list(
        qs.filter(status=ReleaseStatus.ISSUED, planned_at__date__lte=today)
        .select_related("unit")
        .order_by("planned_at", "id")[:20]
    )
    return counts


def release_properties(*, user, action: str = "releases.view") -> list[Property]:
    return list(Property.objects.restrict(user, action).order_by("id"))


def open_issued_count(prop) -> int:
    """Handover count: slips issued but not yet through the exit."""
    return GoodsRelease.objects.filter(property=prop, status=ReleaseStatus.ISSUED).count()
