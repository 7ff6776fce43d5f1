"""Named constants and pure checks of the goods-release rules (no database writes here)."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from core.deadlines import Calendar

# R-REL-06: 大件物品 — furniture and electrical appliances named by the rules (the seed says "e.g.",
# so staff may also flag an item as large by hand).
LARGE_FURNITURE = (
    "大班台",
    "大班椅",
    "办公台",
    "办公椅",
    "文员椅",
    "保险柜",
    "沙发",
    "茶几",
    "文件柜",
    "电脑台",
    "餐台",
    "衣柜",
)
LARGE_APPLIANCES = ("电脑", "传真机", "复印机", "电视机", "音响", "饮水机", "投影仪", "扫描仪")
LARGE_ITEMS = LARGE_FURNITURE + LARGE_APPLIANCES  # R-REL-06

# R-MOVE-09 / R-REL-09: move-out formalities start 3 working days in advance (提前3个工作日).
MOVE_OUT_NOTICE_WORKING_DAYS = 3


def is_large_item(name: str) -> bool:
    """R-REL-06: the item's name names one of the listed furniture or appliances."""
    name = (name or "").strip()
    return any(term in name for term in LARGE_ITEMS)


def in_office_hours(prop, when: datetime, calendar: Calendar | None = None) -> bool:
    """R-REL-08: a working day (调休 aware) and inside one of the property's office windows."""
    cal = calendar or Calendar(prop)
    local = timezone.localtime(when)
    if not cal.is_workday(local.date()):
        return False
    t = local.time()
    return any(a <= t < b for a, b in cal.windows)


def working_days_between(prop, start: date, end: date, calendar: Calendar | None = None) -> int:
    """Working days d with start < d <= end (INTERPRETATION of 提前3个工作日: applying on Monday, the
    earliest move-out day is Thursday; holidays and make-up working days follow the property calendar)."""
    cal = calendar or Calendar(prop)
    n, d = 0, start + timedelta(days=1)
    while d <= end:
        if cal.is_workday(d):
            n += 1
        d += timedelta(days=1)
    return n


def earliest_move_out(prop, applied: date, calendar: Calendar | None = None) -> date:
    """The first day that is MOVE_OUT_NOTICE_WORKING_DAYS working days after `applied`."""
    cal = calendar or Calendar(prop)
    n, d = 0, applied
    while n < MOVE_OUT_NOTICE_WORKING_DAYS:
        d += timedelta(days=1)
        if cal.is_workday(d):
            n += 1
    return d


def office_hours_text(prop) -> str:
    return "、".join(f"{a}-{b}" for a, b in (prop.office_windows or []))
