"""Counts other areas hand over at each 交接班, and the default public-property checklist.

How a later area plugs in (e.g. parcels, storage) — in its AppConfig.ready():

    from duty.handover import HANDOVER_COUNTS

    def parcels_held(prop) -> int:
        return Parcel.objects.filter(property=prop, released_at__isnull=True).count()

    HANDOVER_COUNTS.register("parcels.held", "在库包裹", parcels_held, order=20)

Each entry's func(property) → int. At hand-over (duty.services.handover_hand_over) every registered count is
evaluated and stored in Handover.counts_snapshot; the incoming sees the snapshot next to the current value
and can query a difference before confirming (R-DUTY-09/11). Keys should be "<app>.<what>" and stable:
old snapshots keep showing them by their stored label even if an entry is later removed.
"""

from django.utils import timezone
from django.utils.translation import gettext

from core.registry import Registry

HANDOVER_COUNTS = Registry("handover")

# R-DUTY-09: the public property (公物) at the front-desk post counted at each handover. A new handover
# starts from the previous handover's actual counts; the very first one from this list.
DEFAULT_PUBLIC_PROPERTY = [
    ("对讲机", 2),
    ("对讲机充电器", 2),
    ("公用雨伞", 10),
    ("急救箱", 1),
    ("手电筒", 2),
    ("钥匙箱(已封存)", 1),
    ("各类登记本", 8),
    ("访客证", 20),
]


def counts_now(prop) -> list[dict]:
    """The current value of every registered count: [{"key", "label", "value"}]."""
    return [
        {"key": e.key, "label": gettext(str(e.label)), "value": int(e.func(prop))} for e in HANDOVER_COUNTS
    ]


def _entries_today(prop) -> int:
    from .models import DutyEntry

    return DutyEntry.objects.filter(
        property=prop, day__date=timezone.localdate(), voided_at__isnull=True
    ).count()


def _unsigned_days(prop) -> int:
    from .models import DutyDay

    return DutyDay.objects.filter(
        property=prop, signed_at__isnull=True, date__lt=timezone.localdate()
    ).count()


HANDOVER_COUNTS.register("duty.entries_today", "今日值班记录条数", _entries_today, order=10)
HANDOVER_COUNTS.register("duty.unsigned_days", "未签批的值班日(不含今天)", _unsigned_days, order=11)


def _empty_posts(prop) -> int:
    """R-DUTY-15: never-empty posts nobody is signed in on (a query on the open rows, not a scan)."""
    from .selectors import empty_posts_queryset

    return empty_posts_queryset(prop).count()


HANDOVER_COUNTS.register("duty.empty_posts", "空岗岗位数", _empty_posts, order=12)
