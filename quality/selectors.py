"""Reads with a rule: the register, the overdue ones, the month's summary, the handover count."""

from datetime import datetime

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.models import Property

from .choices import OPEN_STATUSES, NonConformitySource, NonConformityStatus
from .models import NonConformity

LIST_RELATED = ("property", "department", "responsible", "found_by")


def nonconformity_list(*, user, prop: Property | None = None):
    qs = NonConformity.objects.restrict(user, "quality.view").select_related(*LIST_RELATED)
    if prop is not None:
        qs = qs.filter(property=prop)
    return qs.order_by("-found_at", "-id")


def overdue_filter(now: datetime | None = None) -> Q:
    """Overdue is a query on the stored due time: still being tracked (not corrected) and past due."""
    return Q(status=NonConformityStatus.TRACKING, due_at__lt=now or timezone.now())


def overdue_nonconformities(*, user, prop: Property | None = None, now: datetime | None = None):
    return nonconformity_list(user=user, prop=prop).filter(overdue_filter(now)).order_by("due_at", "id")


def nonconformity_detail(*, user, pk: int, action: str = "quality.view") -> NonConformity:
    return get_object_or_404(
        NonConformity.objects.restrict(user, action).select_related(
            *LIST_RELATED, "corrected_by", "verified_by", "voided_by", "created_by"
        ),
        pk=pk,
    )


def month_summary(*, user, prop: Property, now: datetime | None = None) -> dict:
    """The supervisor's monthly view: items found this month by source and by status, and overdue now."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    rows = (
        NonConformity.objects.restrict(user, "quality.view")
        .filter(property=prop, found_at__gte=start, found_at__lte=now)
        .values_list("source", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_source = {v: 0 for v in NonConformitySource.values}
    by_status = {v: 0 for v in NonConformityStatus.values}
    total = 0
    for source, status, n in rows:
        by_source[source] = by_source.get(source, 0) + n
        by_status[status] = by_status.get(status, 0) + n
        total += n
    return {
        "month": start.date(),
        "total": total,
        "by_source": [(label, by_source[v]) for v, label in NonConformitySource.choices],
        "by_status": [(label, by_status[v]) for v, label in NonConformityStatus.choices],
        "by_source_map": by_source,
        "by_status_map": by_status,
    }


def open_count(prop) -> int:
    """Handover count 未关闭不符合项: tracked or awaiting verification."""
    return NonConformity.objects.filter(property=prop, status__in=OPEN_STATUSES).count()
