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
            items.append({"label": e.label, "url": url, "active": False})
    # The entry whose URL is the longest prefix of this page is the one we are in (/duty/handovers/ is
    # 交接班, not 值班记录 at /duty/).
    matches = [i for i in items if i["url"] != "/" and request.path.startswith(i["url"])]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    unread = user.notifications.filter(read_at__isnull=True).count()
    return {"nav_items": items, "unread_count": unread}
