from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.utils import timezone

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


def _open_clocks(now=None):
    ct = ContentType.objects.get_for_model(ServiceRequest)
    return Deadline.objects.filter(content_type=ct, object_id=OuterRef("pk"), state=DeadlineState.RUNNING)


def overdue_requests(*, user, now=None):
    """Requests with a clock past its stored due_at — a query, not a scan (habit: due_at stored)."""
    now = now or timezone.now()
    return request_list(user=user).filter(Exists(_open_clocks().filter(due_at__lt=now)))


def about_to_breach(*, user, now=None):
    now = now or timezone.now()
    return request_list(user=user).filter(Exists(_open_clocks().filter(warn_at__lte=now, due_at__gte=now)))


def request_for_page(*, user, pk: int) -> ServiceRequest:
    return get_object_or_404(
        ServiceRequest.objects.restrict(user, "request.view").select_related(
            "property", "unit", "location", "department", "assignee", "reporter", "created_by"
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
        "history": history_for(request),
    }
