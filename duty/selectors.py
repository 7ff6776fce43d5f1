"""Reads of the duty log and handover that carry a rule. Every queryset starts from restrict()."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from core import selectors as core_selectors
from core.models import Property, User
from core.permissions import ACTIONS

from .choices import HandoverStatus
from .handover import counts_now
from .models import DutyDay, DutyEntry, Handover, Post, PostShift


def duty_properties(*, user, action: str = "duty.view") -> list[Property]:
    return core_selectors.user_properties(user=user, action=action)


def current_property(
    *, user, requested: str | int | None = None, action: str = "duty.view"
) -> Property | None:
    """?property=<id> if allowed, else the user's first property for `action` (core.selectors)."""
    return core_selectors.current_property(user=user, requested=requested, action=action)


def duty_day(*, user, prop: Property, day: date) -> tuple[DutyDay | None, list[DutyEntry]]:
    """R-DUTY-03: the day's page — its sign-off and its entries in time order (two queries in all)."""
    page = (
        DutyDay.objects.restrict(user, "duty.view")
        .filter(property=prop, date=day)
        .select_related("signed_by")
        .first()
    )
    if page is None:
        return None, []
    entries = list(
        DutyEntry.objects.restrict(user, "duty.view")
        .filter(day=page)
        .select_related("recorded_by", "voided_by", "unit", "location", "special_report")
        .order_by("occurred_at", "id")
    )
    return page, entries


def unsigned_days(*, user, prop: Property | None = None, today: date | None = None, limit: int = 60):
    """R-DUTY-14: pages before today still waiting for the 客服主管's signature, with their entry counts."""
    today = today or timezone.localdate()
    qs = DutyDay.objects.restrict(user, "duty.view").filter(signed_at__isnull=True, date__lt=today)
    if prop is not None:
        qs = qs.filter(property=prop)
    return list(
        qs.annotate(
            entry_count=Count("entries", filter=Q(entries__voided_at__isnull=True)),
        )
        .select_related("property")
        .order_by("date")[:limit]
    )


def open_handovers(*, user, prop: Property | None = None):
    qs = Handover.objects.restrict(user, "handover.do").filter(
        status__in=[HandoverStatus.DRAFT, HandoverStatus.HANDED_OVER]
    )
    if prop is not None:
        qs = qs.filter(property=prop)
    return list(qs.select_related("outgoing", "incoming", "property").order_by("-started_at"))


def handover_list(*, user, prop: Property | None = None):
    qs = Handover.objects.restrict(user, "handover.do")
    if prop is not None:
        qs = qs.filter(property=prop)
    return qs.select_related("outgoing", "incoming").annotate(
        item_count=Count("items"),
        open_important=Count("items", filter=Q(items__important=True, items__done=False)),
    )


def handover_counts(*, handover: Handover) -> list[dict]:
    """The counts handed over next to their current value: [{"key","label","snapshot","current","differs"}]."""
    current = {c["key"]: c for c in counts_now(handover.property)}
    rows = []
    for key, snap in (handover.counts_snapshot or {}).items():
        now_value = current.pop(key, {}).get("value")
        rows.append(
            {
                "key": key,
                "label": snap.get("label", key),
                "snapshot": snap.get("value"),
                "current": now_value,
                "differs": now_value is not None and now_value != snap.get("value"),
            }
        )
    for key, c in current.items():
        rows.append(
            {"key": key, "label": c["label"], "snapshot": None, "current": c["value"], "differs": False}
        )
    return rows


def shift_entries(*, user, handover: Handover) -> list[DutyEntry]:
    """R-DUTY-10: the outgoing shift's 台帐 entries, which the incoming reads (and signs on confirming)."""
    qs = DutyEntry.objects.restrict(user, "duty.view").select_related("recorded_by")
    if handover.status == HandoverStatus.CONFIRMED:
        qs = qs.filter(pk__in=handover.ledger_entry_ids or [])
    else:
        start, end = handover.shift_window()
        qs = qs.filter(
            property_id=handover.property_id, occurred_at__gte=start, occurred_at__lt=max(end, timezone.now())
        )
    return list(qs.order_by("occurred_at", "id"))


def handover_candidates(*, prop: Property, exclude: User | None = None) -> list[User]:
    """Staff of the property who can take over a shift (incoming)."""
    roles = [str(r) for r in ACTIONS["handover.do"]]
    qs = User.objects.filter(
        is_active=True, memberships__property=prop, memberships__active=True, memberships__role__in=roles
    ).distinct()
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs.order_by("username"))


# --- post attendance (岗位签到, R-DUTY-15/16) --------------------------------------------------------------


def _open_on_post():
    return PostShift.objects.filter(post=OuterRef("pk"), signed_out_at__isnull=True)


def empty_posts_queryset(prop: Property, *, user=None):
    """R-DUTY-15: the active never-empty posts nobody is signed in on — one query on the open rows."""
    qs = Post.objects.restrict(user, "post.view") if user is not None else Post.objects.all()
    return qs.filter(property=prop, active=True, never_empty=True).filter(~Exists(_open_on_post()))


def empty_posts(prop: Property, *, user=None) -> list[Post]:
    return list(empty_posts_queryset(prop, user=user).select_related("building").order_by("name"))


def post_board(*, user, prop: Property) -> list[dict]:
    """The 岗位签到 board: every active post with who is on it now and since when, the empty never-empty
    posts first (R-DUTY-15). Two queries whatever the number of posts or the length of the history."""
    posts = list(
        Post.objects.restrict(user, "post.view")
        .filter(property=prop, active=True)
        .select_related("building", "department")
        .order_by("name", "pk")
    )
    on_post: dict[int, list[PostShift]] = {}
    for shift in (
        PostShift.objects.restrict(user, "post.view")
        .filter(property=prop, signed_out_at__isnull=True)
        .select_related("staff", "signed_in_by")
        .order_by("signed_in_at", "pk")
    ):
        on_post.setdefault(shift.post_id, []).append(shift)
    rows = [
        {
            "post": p,
            "shifts": on_post.get(p.pk, []),
            "alert": p.never_empty and not on_post.get(p.pk),
        }
        for p in posts
    ]
    rows.sort(key=lambda r: not r["alert"])  # stable: by name within each group
    return rows


def day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time(0), tzinfo=tz)
    return start, start + timedelta(days=1)


def attendance_day(*, user, prop: Property, day: date, post: Post | None = None):
    """The day's 《岗位签到表》 for the supervisor's review and export: every sign-in that overlaps the day
    (a night shift shows on both of its dates), in time order."""
    start, end = day_bounds(day)
    qs = (
        PostShift.objects.restrict(user, "post.view")
        .filter(property=prop, signed_in_at__lt=end)
        .filter(Q(signed_out_at__isnull=True) | Q(signed_out_at__gte=start))
        .select_related("post", "staff", "signed_in_by", "signed_out_by", "approved_by", "relieved_by__staff")
        .order_by("signed_in_at", "pk")
    )
    if post is not None:
        qs = qs.filter(post=post)
    return qs


def attendance_staff(*, prop: Property) -> list[User]:
    """Who can be signed in on a post: the property's active staff (any role), one query."""
    return list(
        User.objects.filter(is_active=True, memberships__property=prop, memberships__active=True)
        .distinct()
        .order_by("username")
    )


def leave_approvers(*, prop: Property) -> list[User]:
    """R-DUTY-15: who may approve leaving a post — the property's 客服主管 and 管理处经理."""
    roles = [str(r) for r in ACTIONS["post.approve_leave"]]
    return list(
        User.objects.filter(
            is_active=True, memberships__property=prop, memberships__active=True, memberships__role__in=roles
        )
        .distinct()
        .order_by("username")
    )
