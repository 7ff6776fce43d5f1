from django.urls import get_script_prefix, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext

from .permissions import can
from .registry import menu_entries

_HREFS: dict[tuple[str, str], str] = {}  # (script prefix, url name) → path: the menu's links never change


def _href(name: str) -> str:
    key = (get_script_prefix(), name)
    if key not in _HREFS:
        _HREFS[key] = reverse(name)
    return _HREFS[key]


def _nav_items(request):
    user = request.user
    items = []
    for e in menu_entries():
        if can(user, e.extra.get("action", "view")):
            items.append({"label": gettext(str(e.label)), "url": _href(e.extra["url"]), "active": False})
    # The entry whose URL is the longest prefix of this page is the one we are in (/duty/handovers/ is
    # 交接班, not 值班记录 at /duty/).
    matches = [i for i in items if i["url"] != "/" and request.path.startswith(i["url"])]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items


def navigation(request):
    """Menu and unread count, computed only when a template shows them (htmx fragments don't)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {
        "nav_items": SimpleLazyObject(lambda: _nav_items(request)),
        "unread_count": SimpleLazyObject(lambda: user.notifications.filter(read_at__isnull=True).count()),
    }
