from django.contrib.contenttypes.models import ContentType
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from core.attachments import attachments_for
from core.choices import DeadlineState
from core.history import history_for
from core.models import Deadline

from .models import ServiceRequest, TimelineEvent


def request_list(*, user, action: str = "request.view"):
    return (
        ServiceRequest.objects.restrict(user, action)
        .select_related("unit", "location", "department", "assignee")
        .order_by("-received_at", "-id")
    )


OVERDUE_LIST_LIMIT = 500


# What a row of the overdue page shows (the API serializes whole requests).
LIST_ROW_FIELDS = (
    "id",
    "property_id",
    "kind",
    "number",
    "title",
    "status",
    "received_at",
    "department__name",
    "assignee__username",
    "assignee__display_name",
)


def _with_running_clock(user, limit: int, rows_only: bool = False, **clock_filter) -> list[ServiceRequest]:
    """Requests with a running clock matching `clock_filter`, most urgent first. Starts from the clocks
    (indexed by state and due_at) so the cost follows the number of open clocks, never the number of
    requests (2,000,000 requests: still a few rows read)."""
    ct = ContentType.objects.get_for_model(ServiceRequest)
    clocks = list(
        Deadline.objects.restrict(user, "request.view")
        .filter(content_type=ct, state=DeadlineState.RUNNING, **clock_filter)
        .order_by("due_at", "id")
        .values_list("object_id", "label", "due_at")[:limit]
    )
    qs = request_list(user=user).filter(pk__in={c[0] for c in clocks})
    if rows_only:
        qs = qs.select_related(None).select_related("department", "assignee").only(*LIST_ROW_FIELDS)
    rows = {r.pk: r for r in qs}
    out = []
    for pk, label, due_at in clocks:  # the most urgent clock of each request names it on the list
        r = rows.pop(pk, None)
        if r is not None:
            r.clock_label, r.clock_due_at = label, due_at
            out.append(r)
    return out


def overdue_requests(
    *, user, now=None, limit: int = OVERDUE_LIST_LIMIT, rows_only: bool = False
) -> list[ServiceRequest]:
    """Requests with a clock past its stored due_at — a query on due_at, not a scan. `rows_only`: just the
    fields of a list row (LIST_ROW_FIELDS)."""
    return _with_running_clock(user, limit, rows_only, due_at__lt=now or timezone.now())


def about_to_breach(
    *, user, now=None, limit: int = OVERDUE_LIST_LIMIT, rows_only: bool = False
) -> list[ServiceRequest]:
    now = now or timezone.now()
    return _with_running_clock(user, limit, rows_only, warn_at__lte=now, due_at__gte=now)


def request_for_page(*, user, pk: int) -> ServiceRequest:
    return get_object_or_404(
        # Not the reporter: the page links it by id and shows the name kept on the request, and a join of
        # the (wide) residents table costs PostgreSQL more planning than it saves (make bench).
        ServiceRequest.objects.restrict(user, "request.view").select_related(
            "property", "unit", "location", "department", "assignee", "created_by"
        ),
        pk=pk,
    )


def request_page(*, request: ServiceRequest, timeline_limit: int = 500) -> dict:
    """What the request page shows, in a fixed number of queries whatever the timeline's length."""
    ct = ContentType.objects.get_for_model(ServiceRequest)
    return {
        "timeline": list(
            TimelineEvent.objects.filter(request=request).select_related("actor")[:timeline_limit]
        ),
        "clocks": list(
            Deadline.objects.filter(content_type=ct, object_id=request.pk)
            .select_related("responsible")
            .order_by("started_at")
        ),
        "photos": list(attachments_for(request)),
        # Read when the 变更记录 tab is opened (a {% lazyform %} of the page), not with every page.
        "history": SimpleLazyObject(lambda: history_for(request)),
    }
