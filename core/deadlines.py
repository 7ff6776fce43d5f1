"""due_at clocks over a business calendar, and quiet hours.

A clock's due_at is computed when it starts and stored, so "overdue" is `due_at < now` — a query.
Business clocks count only the property's working windows (several a day: the lunch break is not
counted) on working days: Monday–Friday unless a CalendarDay says otherwise (public holidays; make-up
working days, 调休, seeded from chinese-calendar and editable by the office). Paused time is not counted.
"""

from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .choices import DeadlineState, Role
from .errors import DomainError
from .models import CalendarDay, Deadline, Property


def _parse(t) -> time:
    if isinstance(t, time):
        return t
    h, m = str(t).split(":")[:2]
    return time(int(h), int(m))


def parse_windows(text) -> list[list[str]]:
    """ "08:30-12:00,13:30-17:30" (or a list of pairs) → [["08:30", "12:00"], ["13:30", "17:30"]].

    Several windows a day (the lunch break is not office time); each start before its end, the windows
    in order of the day and not overlapping. Raises DomainError(field="office_windows") otherwise."""
    err = "office_windows"
    if isinstance(text, list | tuple):
        pairs = [tuple(p) if isinstance(p, list | tuple) else (p,) for p in text]
    else:
        raw = str(text or "").replace(",", ",").replace("、", ",").replace(";", ",").replace(";", ",")
        pairs = []
        for chunk in raw.split(","):
            chunk = chunk.strip().replace("—", "-").replace("–", "-").replace("~", "-").replace("~", "-")
            if not chunk:
                continue
            parts = [p.strip() for p in chunk.split("-")]
            if len(parts) != 2:
                raise DomainError(
                    f"办公时段格式错误:“{chunk}”,应为 08:30-12:00。(Bad office window “{chunk}”: use 08:30-12:00.)",
                    field=err,
                )
            pairs.append(tuple(parts))
    if not pairs:
        raise DomainError("请至少填写一个办公时段。(Enter at least one office window.)", field=err)
    if len(pairs) > 6:
        raise DomainError("办公时段最多 6 段。(At most 6 office windows.)", field=err)
    out, prev_end = [], None
    for pair in pairs:
        if len(pair) != 2:
            raise DomainError("办公时段格式错误。(Bad office window.)", field=err)
        start, end = (_parse_hhmm(v, err) for v in pair)
        if start >= end:
            raise DomainError(
                f"办公时段 {start:%H:%M}-{end:%H:%M} 的开始时间必须早于结束时间。"
                f"(Window {start:%H:%M}-{end:%H:%M}: start must be before end.)",
                field=err,
            )
        if prev_end is not None and start < prev_end:
            raise DomainError(
                "办公时段须按时间先后填写且互不重叠。(Office windows must be in order and must not overlap.)",
                field=err,
            )
        prev_end = end
        out.append([f"{start:%H:%M}", f"{end:%H:%M}"])
    return out


def format_windows(windows) -> str:
    """[["08:30", "12:00"], ["13:30", "17:30"]] → "08:30-12:00,13:30-17:30"."""
    return ",".join(f"{a}-{b}" for a, b in (windows or []))


def _parse_hhmm(value, field: str) -> time:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    try:
        h, m = str(value).strip().split(":")
        return time(int(h), int(m))
    except (ValueError, TypeError):
        raise DomainError(
            f"时间格式错误:“{value}”,应为 HH:MM。(Bad time “{value}”: use HH:MM.)", field=field
        ) from None


def working_windows(prop: Property) -> list[tuple[time, time]]:
    wins = sorted((_parse(a), _parse(b)) for a, b in (prop.office_windows or []))
    return [(a, b) for a, b in wins if a < b]


class Calendar:
    """Working days of one property, with its overrides loaded once for a range of dates."""

    def __init__(self, prop: Property):
        self.prop = prop
        self.windows = working_windows(prop)
        self._overrides: dict[date, bool] = {}
        self._loaded: tuple[date, date] | None = None

    def _load(self, start: date, end: date):
        if self._loaded and self._loaded[0] <= start and end <= self._loaded[1]:
            return
        start, end = start - timedelta(days=7), end + timedelta(days=60)
        rows = CalendarDay.objects.filter(
            Q(property__isnull=True) | Q(property=self.prop), date__gte=start, date__lte=end
        ).values_list("date", "is_workday", "property_id")
        general, own = {}, {}
        for d, work, pid in rows:
            (own if pid else general)[d] = work
        self._overrides = {**general, **own}  # the property's own entry wins
        self._loaded = (start, end)

    def is_workday(self, d: date) -> bool:
        self._load(d, d)
        if d in self._overrides:
            return self._overrides[d]
        return d.weekday() < 5

    def _windows_on(self, d: date, tz):
        if not self.is_workday(d):
            return []
        return [
            (datetime.combine(d, a, tzinfo=tz), datetime.combine(d, b, tzinfo=tz)) for a, b in self.windows
        ]

    def add(self, start: datetime, seconds: float) -> datetime:
        """The moment `seconds` of business time after `start`."""
        if not self.windows:
            raise DomainError("项目未设置办公时段。(The property has no office hours set.)")
        tz = timezone.get_current_timezone()
        cur = timezone.localtime(start, tz)
        remaining = seconds
        d = cur.date()
        for _ in range(3660):  # at most ten years of days
            for ws, we in self._windows_on(d, tz):
                if we <= cur:
                    continue
                s = max(ws, cur)
                span = (we - s).total_seconds()
                if remaining <= span:
                    return s + timedelta(seconds=remaining)
                remaining -= span
            d += timedelta(days=1)
        raise DomainError("时限超出日历范围。(Deadline beyond the calendar.)")

    def between(self, a: datetime, b: datetime) -> float:
        """Business seconds between a and b."""
        if b <= a:
            return 0.0
        tz = timezone.get_current_timezone()
        a, b = timezone.localtime(a, tz), timezone.localtime(b, tz)
        total, d = 0.0, a.date()
        while d <= b.date():
            for ws, we in self._windows_on(d, tz):
                s, e = max(ws, a), min(we, b)
                if e > s:
                    total += (e - s).total_seconds()
            d += timedelta(days=1)
        return total


def in_quiet_hours(prop: Property, when: datetime | None = None) -> bool:
    """R-CB-03 / R-EXP-10: residents are not called while they rest."""
    t = timezone.localtime(when or timezone.now()).time()
    qs, qe = prop.quiet_start, prop.quiet_end
    return (qs <= t or t < qe) if qs > qe else (qs <= t < qe)


def next_call_time(prop: Property, when: datetime | None = None) -> datetime:
    """`when`, or the end of the quiet hours it falls in."""
    when = timezone.localtime(when or timezone.now())
    if not in_quiet_hours(prop, when):
        return when
    end = datetime.combine(when.date(), prop.quiet_end, tzinfo=when.tzinfo)
    if end <= when:
        end += timedelta(days=1)
    return end


def span_text(delta: timedelta) -> str:
    """How far a clock is from its due time, as a list shows it: 2天3小时 / 3小时15分 / 12分钟."""
    from django.utils.translation import gettext as _

    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)d天%(h)d小时") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d小时%(m)d分") % {"h": hours, "m": minutes}
    return _("%(m)d分钟") % {"m": minutes}


def _due(prop, start, seconds, business, calendar: Calendar | None = None):
    if business:
        return (calendar or Calendar(prop)).add(start, seconds)
    return start + timedelta(seconds=seconds)


def clock_start(
    target,
    *,
    prop: Property,
    kind: str,
    label: str,
    duration: timedelta,
    business_hours: bool = False,
    responsible=None,
    link: str = "",
    start: datetime | None = None,
) -> Deadline:
    """Start (or restart) the clock `kind` on `target`; due_at and warn_at are stored now."""
    start = start or timezone.now()
    seconds = duration.total_seconds()
    ct = ContentType.objects.get_for_model(type(target))
    cal = Calendar(prop) if business_hours else None
    share = max(1, min(prop.deadline_warn_share, 99)) / 100
    with transaction.atomic():
        Deadline.objects.filter(
            content_type=ct,
            object_id=target.pk,
            kind=kind,
            state__in=[DeadlineState.RUNNING, DeadlineState.PAUSED],
        ).update(state=DeadlineState.CANCELLED)
        return Deadline.objects.create(
            content_type=ct,
            object_id=target.pk,
            property=prop,
            kind=kind,
            label=label,
            responsible=responsible,
            started_at=start,
            due_at=_due(prop, start, seconds, business_hours, cal),
            # The warning comes at deadline_warn_share of the clock's own time (business time if business).
            warn_at=_due(prop, start, seconds * share, business_hours, cal),
            business_hours=business_hours,
            link=link,
        )


def _open(target, kind):
    ct = ContentType.objects.get_for_model(type(target))
    return (
        Deadline.objects.select_for_update()
        .filter(content_type=ct, object_id=target.pk, kind=kind)
        .exclude(state__in=[DeadlineState.MET, DeadlineState.CANCELLED])
        .first()
    )


def clock_pause(target, *, kind: str, now: datetime | None = None) -> Deadline | None:
    """Waiting on the resident or on parts: the time from now until resume is not counted."""
    now = now or timezone.now()
    with transaction.atomic():
        dl = _open(target, kind)
        if not dl or dl.state == DeadlineState.PAUSED:
            return dl
        cal = Calendar(dl.property)
        left = cal.between(now, dl.due_at) if dl.business_hours else (dl.due_at - now).total_seconds()
        dl.state, dl.paused_at, dl.remaining_seconds = DeadlineState.PAUSED, now, int(left)
        dl.save(update_fields=["state", "paused_at", "remaining_seconds"])
        return dl


def clock_resume(target, *, kind: str, now: datetime | None = None) -> Deadline | None:
    now = now or timezone.now()
    with transaction.atomic():
        dl = _open(target, kind)
        if not dl or dl.state != DeadlineState.PAUSED:
            return dl
        left = max(dl.remaining_seconds or 0, 0)
        warn_left = None
        if dl.warn_at and not dl.warned_at:
            cal = Calendar(dl.property)
            warn_left = (
                cal.between(dl.paused_at, dl.warn_at)
                if dl.business_hours
                else (dl.warn_at - dl.paused_at).total_seconds()
            )
        cal = Calendar(dl.property) if dl.business_hours else None
        dl.due_at = _due(dl.property, now, left, dl.business_hours, cal)
        if warn_left is not None:
            dl.warn_at = _due(dl.property, now, max(warn_left, 0), dl.business_hours, cal)
        dl.state, dl.paused_at, dl.remaining_seconds = DeadlineState.RUNNING, None, None
        dl.save(update_fields=["state", "paused_at", "remaining_seconds", "due_at", "warn_at"])
        return dl


def clock_stop(target, *, kind: str, now: datetime | None = None) -> Deadline | None:
    now = now or timezone.now()
    # select_for_update needs a transaction (PostgreSQL refuses it in autocommit).
    with transaction.atomic():
        dl = _open(target, kind)
        if dl:
            dl.state, dl.met_at = DeadlineState.MET, now
            dl.save(update_fields=["state", "met_at"])
        return dl


def check_deadlines(now: datetime | None = None) -> dict:
    """Turn due and overdue clocks into notifications exactly once (safe to run twice, or concurrently):
    each notice is claimed by a conditional UPDATE; only the run whose update hit the row sends it."""
    from . import notify

    now = now or timezone.now()
    counts = {"warned": 0, "breached": 0}
    running = Deadline.objects.filter(state=DeadlineState.RUNNING)
    for dl in running.filter(warn_at__lte=now, warned_at__isnull=True, due_at__gt=now).select_related(
        "property"
    ):
        with transaction.atomic():
            if Deadline.objects.filter(pk=dl.pk, warned_at__isnull=True).update(warned_at=now) != 1:
                continue
            if dl.responsible_id:
                notify.notify_users(
                    [dl.responsible_id],
                    prop=dl.property,
                    title=f"即将超时:{dl.label}",
                    body=f"到期时间 {timezone.localtime(dl.due_at):%Y-%m-%d %H:%M}",
                    link=dl.link,
                    level="warning",
                    dedupe_key=f"deadline-warn-{dl.pk}",
                )
            counts["warned"] += 1
    for dl in running.filter(due_at__lte=now, breached_at__isnull=True).select_related("property"):
        with transaction.atomic():
            if Deadline.objects.filter(pk=dl.pk, breached_at__isnull=True).update(breached_at=now) != 1:
                continue
            Deadline.objects.filter(pk=dl.pk, warned_at__isnull=True).update(warned_at=now)
            recipients = set(notify.users_with_roles(dl.property_id, [Role.CS_SUPERVISOR]))
            if dl.responsible_id:
                recipients.add(dl.responsible_id)
            notify.notify_users(
                recipients,
                prop=dl.property,
                title=f"已超时:{dl.label}",
                body=f"应于 {timezone.localtime(dl.due_at):%Y-%m-%d %H:%M} 完成",
                link=dl.link,
                level="danger",
                dedupe_key=f"deadline-breach-{dl.pk}",
            )
            counts["breached"] += 1
    return counts


def overdue(qs, now: datetime | None = None):
    return qs.filter(state=DeadlineState.RUNNING, due_at__lt=now or timezone.now())


def about_to_breach(qs, now: datetime | None = None):
    now = now or timezone.now()
    return qs.filter(state=DeadlineState.RUNNING, warn_at__lte=now, due_at__gte=now)
