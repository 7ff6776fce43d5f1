"""When to phone an owner who has not been reached about an item (R-EXP-10, R-EXP-11).

Hourly until 19:00, half-hourly until 21:00, at most one more call between 21:00 and 21:30, and none
in the property's quiet hours (default 21:30–08:00, core.deadlines.in_quiet_hours). R-EXP-11 leaves
the start of the day open: calls resume when the quiet hours end.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from core.deadlines import in_quiet_hours, next_call_time

HOURLY_UNTIL = time(19, 0)  # R-EXP-10: once every hour until 19:00
HALF_HOURLY_UNTIL = time(21, 0)  # R-EXP-10: once every half hour until 21:00
HOURLY = timedelta(hours=1)  # R-EXP-10
HALF_HOURLY = timedelta(minutes=30)  # R-EXP-10
# R-EXP-10/11: no calls after 21:30 — the property's quiet_start (default 21:30) is that boundary.


def first_call_at(prop, received_at: datetime) -> datetime:
    """R-EXP-08: urgent items — phone the owner at once (or when the quiet hours end)."""
    return next_call_time(prop, received_at)


def day_start(prop, day) -> datetime:
    """The first moment of `day` at which calls are allowed (end of the night's quiet hours)."""
    tz = timezone.get_current_timezone()
    return next_call_time(prop, datetime.combine(day, prop.quiet_end, tzinfo=tz))


def next_call_after(prop, last: datetime) -> datetime:
    """The next call after an unanswered one at `last`."""
    local = timezone.localtime(last)
    tz = local.tzinfo

    def at(t):
        return datetime.combine(local.date(), t, tzinfo=tz)

    if local >= at(HALF_HOURLY_UNTIL):
        # R-EXP-11: the one call allowed between 21:00 and 21:30 was this one; next, the next morning.
        return day_start(prop, local.date() + timedelta(days=1))
    if local < at(HOURLY_UNTIL):
        nxt = local + HOURLY
        if nxt > at(HOURLY_UNTIL):
            # Hourly turns half-hourly at 19:00.
            nxt = max(at(HOURLY_UNTIL), local + HALF_HOURLY)
    else:
        nxt = local + HALF_HOURLY
    if in_quiet_hours(prop, nxt):
        return next_call_time(prop, nxt)
    return nxt


def calls_allowed(prop, now: datetime) -> bool:
    """R-EXP-10: no calls while the owner rests."""
    return not in_quiet_hours(prop, now)
