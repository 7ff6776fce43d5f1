"""Extension points: later areas plug into pages of earlier ones without editing them.

- MENU: the navigation. Each app registers its entries in AppConfig.ready().
- ARCHIVE_SECTIONS (residents.archive) and HANDOVER_COUNTS (duty.handover) are Registries too.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Entry:
    key: str
    label: str
    order: int = 100
    func: Callable[..., Any] | None = None
    extra: dict = field(default_factory=dict)


class Registry:
    def __init__(self, name: str):
        self.name = name
        self._entries: dict[str, Entry] = {}

    def register(
        self, key: str, label: str, func: Callable[..., Any] | None = None, *, order: int = 100, **extra
    ):
        self._entries[key] = Entry(key, label, order, func, extra)
        return func

    def __iter__(self):
        return iter(sorted(self._entries.values(), key=lambda e: (e.order, e.key)))

    def __contains__(self, key):
        return key in self._entries

    def get(self, key) -> Entry:
        return self._entries[key]


# Menu entries: extra = {"url": url name, "action": permission action}
MENU = Registry("menu")

# The sidebar in the order a desk works: the counter first, then requests, residents, the shift, settings.
# Entries not listed here follow, by their own `order`.
MENU_ORDER = [
    "desk",
    "visitors",
    "parcels",
    "storage",
    "lostfound",
    "releases",
    "releases-exit",
    "errands",
    "requests",
    "requests-overdue",
    "requests-phrases",
    "complaints-new",
    "complaints",
    "complaints-reports",
    "repairs",
    "repairs-unfinished",
    "repairs-prices",
    "help-new",
    "help-register",
    "help-incidents",
    "callbacks",
    "owner-visits",
    "callback-analysis",
    "surveys",
    "residents",
    "residents-assign",
    "residents-my-customers",
    "residents-developments",
    "residents-access",
    "duty",
    "handover",
    "quality",
    "duty-posts",
    "core.property_settings",
    "core.rule_settings",
    "core.calendar",
    "core.permissions",
]


def menu_entries():
    rank = {k: i for i, k in enumerate(MENU_ORDER)}
    return sorted(MENU, key=lambda e: (rank.get(e.key, len(rank)), e.order, e.key))
