from django.utils import timezone

from .choices import DeadlineState
from .models import Deadline, Notification


def my_open_deadlines(*, user, limit: int = 50):
    return list(
        Deadline.objects.restrict(user)
        .filter(responsible=user, state__in=[DeadlineState.RUNNING, DeadlineState.PAUSED])
        .select_related("property")
        .order_by("due_at")[:limit]
    )


def overdue_deadlines(*, user, now=None, limit: int = 50):
    """Overdue clocks of the user's properties: a query on stored due_at, not a scan."""
    return list(
        Deadline.objects.restrict(user)
        .filter(state=DeadlineState.RUNNING, due_at__lt=now or timezone.now())
        .select_related("property", "responsible")
        .order_by("due_at")[:limit]
    )


def unread_notifications(*, user, limit: int = 20):
    return list(
        Notification.objects.filter(recipient=user, read_at__isnull=True).order_by("-created_at")[:limit]
    )
