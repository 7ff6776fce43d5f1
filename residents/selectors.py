"""Reads with a rule: the front-desk search, customer-assignment proposals, overdue first contacts."""

import heapq
import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.choices import Role
from core.errors import DomainError
from core.models import Membership, Property, Unit
from core.permissions import can, role_allows

from .choices import NeedStatus, ResidentKind
from .models import CustomerAssignment, Occupancy, Resident

# --- search --------------------------------------------------------------------------------------------

# "3-1201", "3栋1201", "3#1201", "3号楼1201", "A座2801", "3幢1201室"
ROOM_RE = re.compile(
    r"^([0-9A-Za-z]{1,6})\s*(?:-|－|#|＃|栋|幢|座|号楼|号)\s*-?\s*([0-9A-Za-z]{1,8})\s*(?:室|号)?$"
)
DIGITS_RE = re.compile(r"^\d+$")
LETTERS_RE = re.compile(r"^[a-z]+$")


def _upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix` (same-length bump of the
    last character). `col >= prefix AND col < bound` is a btree range on SQLite and PostgreSQL alike;
    SQLite would only use an index for LIKE 'x%' with case-sensitive LIKE, and PostgreSQL only with
    text_pattern_ops. Initials and pinyin are stored lowercase ASCII, so the range is exact under any
    collation; for Chinese names it relies on code-point order (true for the C / C.UTF-8 collation the
    databases are created with)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _prefix(field: str, q: str) -> dict:
    return {f"{field}__gte": q, f"{field}__lt": _upper_bound(q)}


def current_occupancies_prefetch():
    return Prefetch(
        "occupancies",
        queryset=Occupancy.objects.filter(end__isnull=True).select_related("unit").order_by("unit__label"),
        to_attr="current_occupancies",
    )


def parse_room(q: str) -> list[str] | None:
    """Unit labels ("3-1201") a typed room designation may mean, or None if it is not one."""
    m = ROOM_RE.match(q)
    if not m:
        return None
    b, n = m.group(1), m.group(2)
    return sorted({f"{b}-{n}", f"{b.upper()}-{n.upper()}", f"{b.lower()}-{n.lower()}"})


def resident_search(*, user, q: str, limit: int = 20, include_past: bool = False) -> list[Resident]:
    """The front-desk search. Each interpretation of `q` is one indexed query (no full scan):

    - name prefix ......................... (property, name) range
    - pinyin initials prefix (zs → 张三) .... (property, name_initials) range
    - full pinyin prefix (zhangs) ........... (property, name_pinyin) range
    - last 4 digits of a phone (4 digits) ... (property, phone_last4) equality
    - room: 3-1201 / 3栋1201 / 3#1201 ........ Unit.label equality → current occupancies (unit, end)
    - room number alone (1201) ............. (property, number) on Unit → current occupancies
    - company name (contains; companies) .... (property, kind) then a filter over companies only
    Results are merged in that order, deduplicated, limited, and fetched with their current units.
    """
    q = (q or "").strip()
    if not q or limit <= 0:
        return []
    q = q[:50]
    base = Resident.objects.restrict(user, "resident.view").filter(archived_at__isnull=True)
    # Each branch is a list of resident ids in display order, or a queryset of residents. Exact-match
    # branches order by id only, so the planner keeps the equality index instead of walking the
    # (property, name_initials) index for its order.
    branches = []
    labels = parse_room(q)
    low = q.lower().replace(" ", "")
    if labels:
        branches.append(_room_residents(user, {"label__in": labels}, include_past, limit))
    elif DIGITS_RE.match(q):
        if len(q) == 4:
            branches.append(base.filter(phone_last4=q).order_by("id"))
        if len(q) == 11:
            branches.append(base.filter(phone_last4=q[-4:], phone=q).order_by("id"))
        if 2 <= len(q) <= 6:
            branches.append(_room_residents(user, {"number": q}, include_past, limit))
    elif LETTERS_RE.match(low):
        branches.append(base.filter(**_prefix("name_initials", low)).order_by("name_initials", "id"))
        if len(low) >= 2:
            branches.append(base.filter(**_prefix("name_pinyin", low)).order_by("name_pinyin", "id"))
            branches.append(base.filter(kind=ResidentKind.COMPANY, name__icontains=q).order_by("id"))
    else:
        branches.append(base.filter(**_prefix("name", q)).order_by("name", "id"))
        if len(q) >= 2:
            branches.append(base.filter(kind=ResidentKind.COMPANY, name__icontains=q).order_by("id"))
    ids: list[int] = []
    for qs in branches:
        found = qs if isinstance(qs, list) else qs.values_list("pk", flat=True)[:limit]
        for pk in found:
            if pk not in ids:
                ids.append(pk)
        if len(ids) >= limit:
            break
    ids = ids[:limit]
    if not ids:
        return []
    rows = {
        r.pk: r for r in Resident.objects.filter(pk__in=ids).prefetch_related(current_occupancies_prefetch())
    }
    return [rows[pk] for pk in ids if pk in rows]


def _room_residents(user, unit_filter: dict, include_past: bool, limit: int) -> list[int]:
    """Residents of the units matching `unit_filter` (Unit.label / (property, number) indexes), then
    their occupancies through the (unit, end) index: current occupants only unless include_past."""
    unit_ids = list(
        Unit.objects.restrict(user, "resident.view")
        .filter(**unit_filter)
        .order_by("label")
        .values_list("pk", flat=True)[:50]
    )
    if not unit_ids:
        return []
    occ = Occupancy.objects.filter(unit_id__in=unit_ids)
    if not include_past:
        occ = occ.filter(end__isnull=True)
    order = {pk: i for i, pk in enumerate(unit_ids)}
    rows = list(occ.values_list("unit_id", "role", "resident_id")[: limit * 5])
    role_order = {"owner": 0, "company": 1, "tenant": 2, "member": 3}
    rows.sort(key=lambda t: (order[t[0]], role_order.get(t[1], 9), t[2]))
    out: list[int] = []
    for _u, _r, rid in rows:
        if rid not in out:
            out.append(rid)
    return out


# --- lists and pages -------------------------------------------------------------------------------


def resident_list(*, user, action: str = "resident.view"):
    return (
        Resident.objects.restrict(user, action)
        .select_related("property")
        .prefetch_related(current_occupancies_prefetch())
        .order_by("name_initials", "id")
    )


def with_current(qs, **occ):
    """Residents with a current occupancy matching `occ` (e.g. unit__building=3, role="owner")."""
    return qs.filter(Exists(Occupancy.objects.filter(resident=OuterRef("pk"), end__isnull=True, **occ)))


def resident_for_page(*, user, pk: int, action: str = "resident.view") -> Resident:
    return get_object_or_404(Resident.objects.restrict(user, action).select_related("property"), pk=pk)


def unit_for_page(*, user, pk: int) -> Unit:
    return get_object_or_404(
        Unit.objects.restrict(user, "resident.view").select_related("building", "property"), pk=pk
    )


def unit_occupancies(*, unit: Unit, limit: int = 200):
    rows = list(
        Occupancy.objects.filter(unit=unit).select_related("resident").order_by("-start", "-id")[:limit]
    )
    current = [o for o in rows if o.end is None]
    past = [o for o in rows if o.end is not None]
    return current, past


def primary_occupant(current: list[Occupancy]) -> Resident | None:
    """The resident whose archive summarises a unit: the owner or company first, then a tenant."""
    order = {"owner": 0, "company": 1, "tenant": 2, "member": 3}
    if not current:
        return None
    return sorted(current, key=lambda o: (order.get(o.role, 9), o.start, o.pk))[0].resident


def pending_grants(*, user):
    from .choices import GrantStatus
    from .models import ArchiveAccessGrant

    return (
        ArchiveAccessGrant.objects.restrict(user, "archive.approve")
        .filter(status=GrantStatus.PENDING)
        .select_related("resident", "requested_by")
        .order_by("created_at")
    )


def access_log(*, user):
    from .models import ArchiveAccessLog

    return (
        ArchiveAccessLog.objects.restrict(user, "archive.audit")
        .select_related("resident", "reader", "grant__decided_by")
        .order_by("-at", "-id")
    )


# --- customer assignment (R-CUST-03/04) ------------------------------------------------------------

HOLD_ROLES = [r for r in Role.values if role_allows(r, "assignment.hold")]


@dataclass
class Holder:
    user: object
    capacity: int
    ability: int
    current: int
    proposed: int = 0
    residents: list = field(default_factory=list)

    @property
    def weight(self) -> float:
        return self.capacity * self.ability / 3

    @property
    def total(self) -> int:
        return self.current + self.proposed

    @property
    def over_capacity(self) -> bool:
        return self.total > self.capacity


@dataclass
class Proposal:
    holders: list[Holder]
    pairs: list[tuple]  # (resident, user)

    @property
    def over_capacity(self) -> bool:
        return any(h.over_capacity for h in self.holders)


def assignment_holders(prop) -> list[Holder]:
    """Active administrators who may hold customers, with their current active customer count."""
    by_user: dict[int, Holder] = {}
    for m in (
        Membership.objects.filter(property=prop, active=True, role__in=HOLD_ROLES)
        .select_related("user")
        .order_by("user__username")
    ):
        h = by_user.get(m.user_id)
        if h is None:
            by_user[m.user_id] = Holder(
                user=m.user, capacity=m.capacity, ability=max(m.ability, 1), current=0
            )
        else:
            h.capacity, h.ability = max(h.capacity, m.capacity), max(h.ability, m.ability)
    counts = dict(
        CustomerAssignment.objects.filter(
            resident__property=prop, ended_at__isnull=True, administrator_id__in=list(by_user)
        )
        .values_list("administrator_id")
        .annotate(n=Count("id"))
        .values_list("administrator_id", "n")
    )
    for uid, h in by_user.items():
        h.current = counts.get(uid, 0)
    return list(by_user.values())


def propose_assignment(prop, residents) -> Proposal:
    """R-CUST-03: a balanced split that takes business ability into account.

    Formula. Each holder h has a weight w_h = capacity_h × ability_h / 3 (ability 1–5, 3 = standard:
    an able administrator carries proportionally more). Residents are handed out one at a time; each goes
    to the holder with the smallest load ratio (current_h + proposed_h + 1) / w_h among holders still
    under their capacity (ties: fewer customers in total, then username). If every holder is at capacity
    the smallest ratio still wins and the proposal is flagged over capacity for the supervisor to see.
    The result is balanced relative to weight: no holder gains one more customer while another, relative
    to weight, has room for it sooner.
    """
    holders = assignment_holders(prop)
    pairs: list[tuple] = []
    if not holders:
        return Proposal(holders=[], pairs=[])
    heap = [((h.total + 1) / h.weight, h.total, h.user.username, i) for i, h in enumerate(holders)]
    heapq.heapify(heap)
    for resident in residents:
        # Prefer holders under capacity: pop until one with room is found (or none has room).
        skipped, chosen = [], None
        while heap:
            item = heapq.heappop(heap)
            if holders[item[3]].total < holders[item[3]].capacity:
                chosen = item
                break
            skipped.append(item)
        if chosen is None:
            chosen = min(skipped)
            skipped.remove(chosen)
        for s in skipped:
            heapq.heappush(heap, s)
        h = holders[chosen[3]]
        h.proposed += 1
        h.residents.append(resident)
        pairs.append((resident, h.user))
        heapq.heappush(heap, ((h.total + 1) / h.weight, h.total, h.user.username, chosen[3]))
    return Proposal(holders=holders, pairs=pairs)


def unassigned_residents(*, user, prop, limit: int = 200):
    """Current residents of `prop` without an active assignment (the next batch to assign)."""
    return list(
        Resident.objects.restrict(user, "assignment.manage")
        .filter(property=prop, archived_at__isnull=True)
        .exclude(Exists(CustomerAssignment.objects.filter(resident=OuterRef("pk"), ended_at__isnull=True)))
        .filter(Exists(Occupancy.objects.filter(resident=OuterRef("pk"), end__isnull=True)))
        .exclude(Exists(Occupancy.objects.filter(resident=OuterRef("pk"), end__isnull=True, role="member")))
        .order_by("id")[:limit]
    )


def my_customers(*, user):
    return (
        CustomerAssignment.objects.restrict(user, "assignment.hold")
        .filter(administrator=user, ended_at__isnull=True)
        .select_related("resident")
        .prefetch_related(
            Prefetch(
                "resident__occupancies",
                queryset=Occupancy.objects.filter(end__isnull=True).select_related("unit"),
                to_attr="current_occupancies",
            )
        )
        .order_by("first_contacted_at", "first_contact_due", "id")
    )


def overdue_first_contacts(*, user, now=None):
    """R-CUST-04: assignments whose first contact is past due — a query on the stored due date.
    Supervisors/managers see their properties'; an administrator sees their own."""
    now = now or timezone.now()
    if can(user, "assignment.manage"):
        qs = CustomerAssignment.objects.restrict(user, "assignment.manage")
    else:
        qs = CustomerAssignment.objects.restrict(user, "assignment.hold").filter(administrator=user)
    return (
        qs.filter(ended_at__isnull=True, first_contacted_at__isnull=True, first_contact_due__lt=now)
        .select_related("resident", "administrator")
        .order_by("first_contact_due")
    )


# --- customer developments (R-CUST-01/02) and needs passed on (R-CUST-06) ------------------------------

DEFAULT_WINDOW = timedelta(hours=24)  # R-CUST-01 "every day": no review yet → the last 24 hours
MAX_WINDOW = timedelta(days=7)  # a long absence shows at most a week; older news is on the archive page


@dataclass
class CustomerRow:
    resident: Resident
    assignment: CustomerAssignment
    developments: list = field(default_factory=list)
    open_needs: list = field(default_factory=list)

    @property
    def by_area(self) -> list[tuple[str, list]]:
        """R-CUST-02 classified: the customer's developments grouped by area, in the registry's order."""
        from .developments import area_order

        groups: dict[str, list] = {}
        for d in self.developments:
            groups.setdefault(d.area, []).append(d)
        rank = {a: i for i, a in enumerate(area_order())}
        return sorted(groups.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))

    @property
    def attention(self) -> bool:
        return any(d.level == "warning" for d in self.developments) or bool(self.open_needs)


@dataclass
class DevelopmentsPage:
    prop: object
    administrator: object
    since: object
    until: object
    last_review: object
    rows: list
    quiet: int  # customers without developments in the window (not listed unless asked)
    total: int  # developments in the window

    @property
    def by_area(self) -> list[tuple[str, int]]:
        from .developments import area_order

        counts: dict[str, int] = {}
        for r in self.rows:
            for d in r.developments:
                counts[d.area] = counts.get(d.area, 0) + 1
        rank = {a: i for i, a in enumerate(area_order())}
        return sorted(counts.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))


def last_development_review(*, administrator, prop, before=None):
    from .models import DevelopmentReview

    qs = DevelopmentReview.objects.filter(administrator=administrator, property=prop)
    if before is not None:
        qs = qs.filter(reviewed_at__lte=before)
    return qs.order_by("-reviewed_at").first()


def development_window(*, administrator, prop, now=None, days: int | None = None):
    """(since, until, last review): since the administrator's last review on this property — the last 24 hours
    when there is none, at most MAX_WINDOW back; `days` asks for the last N days instead."""
    until = now or timezone.now()
    last = last_development_review(administrator=administrator, prop=prop, before=until)
    if days:
        since = until - timedelta(days=days)
    elif last is not None:
        since = max(last.reviewed_at, until - MAX_WINDOW)
    else:
        since = until - DEFAULT_WINDOW
    return since, until, last


def active_customers(*, administrator, prop):
    return (
        CustomerAssignment.objects.filter(
            administrator=administrator, ended_at__isnull=True, resident__property=prop
        )
        .select_related("resident")
        .prefetch_related(
            Prefetch(
                "resident__occupancies",
                queryset=Occupancy.objects.filter(end__isnull=True).select_related("unit"),
                to_attr="current_occupancies",
            )
        )
        .order_by("id")
    )


def customer_developments(
    *, administrator, prop, since, until, last_review=None, include_quiet: bool = False
) -> DevelopmentsPage:
    """R-CUST-01/02: the developments of the administrator's customers in the window, grouped by customer and
    classified by area; key customers first, then those needing attention, then the newest news. A fixed
    number of queries: the customers (2), one or two per registered area, the open needs (1)."""
    from .developments import collect
    from .models import CustomerNeed

    assignments = list(active_customers(administrator=administrator, prop=prop))
    ids = [a.resident_id for a in assignments]
    devs = collect(ids, since, until)
    by_resident: dict[int, list] = {}
    for d in devs:
        by_resident.setdefault(d.resident_id, []).append(d)
    needs: dict[int, list] = {}
    if ids:
        for n in (
            CustomerNeed.objects.filter(
                resident_id__in=ids, status__in=[NeedStatus.PENDING, NeedStatus.PASSED]
            )
            .select_related("department")
            .order_by("recorded_at", "id")
        ):
            needs.setdefault(n.resident_id, []).append(n)
    rows, quiet = [], 0
    for a in assignments:
        row = CustomerRow(
            resident=a.resident,
            assignment=a,
            developments=by_resident.get(a.resident_id, []),
            open_needs=needs.get(a.resident_id, []),
        )
        if row.developments or row.open_needs or include_quiet:
            rows.append(row)
        else:
            quiet += 1
    far_past = since - timedelta(days=36500)
    rows.sort(
        key=lambda r: (
            not r.resident.is_key_customer,
            not r.attention,
            -(r.developments[0].at if r.developments else far_past).timestamp(),
            r.resident.name_initials,
            r.resident.pk,
        )
    )
    return DevelopmentsPage(
        prop=prop,
        administrator=administrator,
        since=since,
        until=until,
        last_review=last_review,
        rows=rows,
        quiet=quiet,
        total=len(devs),
    )


def development_holders(*, prop) -> list:
    """Users who may hold customers at `prop` (the supervisor's select), one query."""
    from core.models import User

    return list(
        User.objects.filter(
            memberships__property=prop, memberships__active=True, memberships__role__in=HOLD_ROLES
        )
        .distinct()
        .order_by("username")
    )


def not_reviewed_today(*, prop, day=None) -> list:
    """R-CUST-02 "updated every day so nothing is missed": administrators with customers at `prop` who have not
    reviewed their customers' developments today (one query)."""
    from core.models import User

    from .models import DevelopmentReview

    day = day or timezone.localdate()
    return list(
        User.objects.filter(
            Exists(
                CustomerAssignment.objects.filter(
                    administrator=OuterRef("pk"), ended_at__isnull=True, resident__property=prop
                )
            )
        )
        .exclude(
            Exists(DevelopmentReview.objects.filter(administrator=OuterRef("pk"), property=prop, date=day))
        )
        .order_by("username")
    )


def customer_needs(*, user, action: str = "assignment.hold"):
    from .models import CustomerNeed

    return (
        CustomerNeed.objects.restrict(user, action)
        .select_related("resident", "department", "recorded_by")
        .order_by("-recorded_at", "-id")
    )


def developments_props(user):
    return list(
        (
            Property.objects.restrict(user, "assignment.hold")
            | Property.objects.restrict(user, "assignment.manage")
        ).order_by("id")
    )


def developments_scope(*, user, params) -> tuple:
    """(property, administrator, supervising, holders, properties) of the 客户动态 page or its API twin. An administrator sees their
    own customers; a supervisor (assignment.manage) any holder's of their properties. Another property, or
    another administrator's customers without the right, is a 404."""
    if not (can(user, "assignment.hold") or can(user, "assignment.manage")):
        raise PermissionDenied
    props = developments_props(user)
    wanted = params.get("property") or ""
    prop = (
        next((p for p in props if str(p.pk) == str(wanted)), None)
        if wanted
        else (props[0] if props else None)
    )
    if prop is None:
        raise Http404
    supervising = can(user, "assignment.manage", prop.pk)
    holders = development_holders(prop=prop) if supervising else []
    wanted = params.get("administrator") or ""
    if wanted and str(wanted) != str(user.pk):
        admin = next((h for h in holders if str(h.pk) == str(wanted)), None)
        if admin is None:
            raise Http404
    elif can(user, "assignment.hold", prop.pk):
        admin = user
    else:
        admin = holders[0] if holders else None
    return prop, admin, supervising, holders, props


def development_days(params) -> int | None:
    try:
        days = int(params.get("days") or 0)
    except ValueError:
        raise DomainError("天数必须是 1–7 的整数。(Days must be 1–7.)", field="days") from None
    if days and not 1 <= days <= 7:
        raise DomainError("天数必须是 1–7 的整数。(Days must be 1–7.)", field="days")
    return days or None
