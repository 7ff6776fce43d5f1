from django.db.models import Count, Q
from django.utils import timezone

from .choices import DeadlineState
from .models import Building, CalendarDay, Deadline, Location, Notification, Property


def my_open_deadlines(*, user, limit: int = 50):
    return list(
        Deadline.objects.restrict(user)
        .filter(responsible=user, state__in=[DeadlineState.RUNNING, DeadlineState.PAUSED])
        .select_related("property", "responsible")
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


def manageable_properties(*, user, action: str):
    """Properties where `user` may do `action` (settings pages pick one of these)."""
    return Property.objects.restrict(user, action).order_by("name", "pk")


def property_structure(*, prop):
    """R-ROLE-15: buildings of the property with their unit counts; two queries whatever the size."""
    buildings = list(
        Building.objects.filter(property=prop).annotate(unit_count=Count("units")).order_by("code", "pk")
    )
    return {
        "buildings": buildings,
        "building_count": len(buildings),
        "unit_count": sum(b.unit_count for b in buildings),
        "location_count": Location.objects.filter(property=prop).count(),
    }


def calendar_year(*, prop, year: int) -> list[dict]:
    """The year's special days for one property: global rows (chinese-calendar or the administrator)
    merged with the property's own rows, which win for their date."""
    rows = CalendarDay.objects.filter(Q(property__isnull=True) | Q(property=prop), date__year=year).order_by(
        "date", "property_id"
    )
    by_date: dict = {}
    for row in rows:
        entry = by_date.setdefault(row.date, {"date": row.date, "global": None, "own": None})
        entry["own" if row.property_id else "global"] = row
    out = []
    for d in sorted(by_date):
        entry = by_date[d]
        effective = entry["own"] or entry["global"]
        entry.update(
            effective=effective,
            is_workday=effective.is_workday,
            name=effective.name or (entry["global"].name if entry["global"] else ""),
            weekday=d.weekday(),
        )
        out.append(entry)
    return out


def user_properties(*, user, action: str) -> list:
    """The properties where `user` may do `action`, in a stable order (for property switchers)."""
    from .models import Property

    return list(Property.objects.restrict(user, action).order_by("id"))


def current_property(*, user, requested=None, action: str):
    """?property=<id> if the user may do `action` there, else their first such property (None: none)."""
    props = user_properties(user=user, action=action)
    if requested not in (None, ""):
        for p in props:
            if str(p.pk) == str(requested):
                return p
    return props[0] if props else None
