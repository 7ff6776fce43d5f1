from django.urls import reverse

from .permissions import can
from .registry import MENU


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    items = []
    for e in MENU:
        if can(user, e.extra.get("action", "view")):
            url = reverse(e.extra["url"])
            items.append(
                {"label": e.label, "url": url, "active": request.path.startswith(url) and url != "/"}
            )
    unread = user.notifications.filter(read_at__isnull=True).count()
    return {"nav_items": items, "unread_count": unread}
