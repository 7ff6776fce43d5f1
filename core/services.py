"""State changes of the organisation: properties, places, staff and roles, the calendar."""

from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .choices import ROLE_DEPARTMENT, DepartmentKind, HistoryAction, Role
from .errors import DomainError, NotAllowed
from .history import record, snapshot
from .models import Building, CalendarDay, Department, Location, Membership, Property, Unit, User
from .permissions import can, require


def _require_manager(actor, prop_id):
    if actor is not None:  # None = the system itself (demo loader, migrations)
        require(actor, "property.manage", prop_id)


@transaction.atomic
def property_create(*, actor, name: str, code: str, kind: str, **fields) -> Property:
    if actor is not None and not actor.is_superuser:
        raise DomainError(_("只有系统管理员可以新建项目。(Only a system administrator can add a property.)"))
    if Property.objects.filter(code=code).exists():
        raise DomainError(_("项目代码已存在。(Property code already exists.)"), field="code")
    prop = Property.objects.create(name=name, code=code, kind=kind, **fields)
    for kind_value, label in DepartmentKind.choices:
        Department.objects.create(property=prop, kind=kind_value, name=str(label))
    record(prop, actor=actor, action=HistoryAction.CREATE)
    return prop


# What the office may change on its own property (code and kind are fixed at creation).
PROPERTY_SETTINGS_FIELDS = (
    "name",
    "address",
    "phone",
    "office_windows",
    "shift_start",
    "shift_end",
    "quiet_start",
    "quiet_end",
    "deadline_warn_share",
    "archive_grant_hours",
    "first_contact_days",
)


def _as_time(value, field: str):
    from datetime import time

    if isinstance(value, time):
        return value
    try:
        h, m = str(value).strip().split(":")[:2]
        return time(int(h), int(m))
    except (TypeError, ValueError):
        raise DomainError(
            _("时间格式错误,应为 HH:MM。(Bad time: use HH:MM.)"),
            field=field,
        ) from None


def _as_int(value, field: str, low: int, high: int, label: str) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        n = None
    if n is None or not low <= n <= high:
        raise DomainError(
            _(
                "%(label)s必须是 %(low)s 到 %(high)s 之间的整数。(%(field)s must be an integer from %(low)s to %(high)s.)"
            )
            % {"label": label, "low": low, "high": high, "field": field},
            field=field,
        )
    return n


@transaction.atomic
def property_update(*, actor, prop: Property, **fields) -> Property:
    """The office's own settings: office windows (R-REL-08), the day shift (R-DUTY-07), quiet hours
    (R-CB-03, R-EXP-10), the deadline warning share, archive-grant hours and the first-contact period."""
    from .deadlines import parse_windows

    _require_manager(actor, prop.pk)
    unknown = set(fields) - set(PROPERTY_SETTINGS_FIELDS)
    if unknown:
        raise DomainError(
            _("不能修改这些字段:%(f)s。(These fields cannot be changed: %(f)s.)")
            % {"f": ", ".join(sorted(unknown))}
        )
    if "office_windows" in fields:
        fields["office_windows"] = parse_windows(fields["office_windows"])
    for f in ("shift_start", "shift_end", "quiet_start", "quiet_end"):
        if f in fields:
            fields[f] = _as_time(fields[f], f)
    if "deadline_warn_share" in fields:
        fields["deadline_warn_share"] = _as_int(
            fields["deadline_warn_share"], "deadline_warn_share", 1, 99, "预警比例"
        )
    if "archive_grant_hours" in fields:
        fields["archive_grant_hours"] = _as_int(
            fields["archive_grant_hours"], "archive_grant_hours", 1, 720, "档案查阅授权时长"
        )
    if "first_contact_days" in fields:
        fields["first_contact_days"] = _as_int(
            fields["first_contact_days"], "first_contact_days", 1, 365, "首次联系期限"
        )
    if "name" in fields and not str(fields["name"] or "").strip():
        raise DomainError(_("请填写项目名称。(Enter the property name.)"), field="name")
    before = snapshot(prop)
    for k, v in fields.items():
        setattr(prop, k, v)
    # R-DUTY-07: the day shift starts before it ends (it does not cross midnight).
    if prop.shift_start >= prop.shift_end:
        raise DomainError(
            _("值班开始时间必须早于结束时间。(The shift must start before it ends.)"), field="shift_start"
        )
    # R-EXP-10: quiet hours may cross midnight (21:30–08:00) but cannot be empty.
    if prop.quiet_start == prop.quiet_end:
        raise DomainError(
            _("免打扰开始和结束时间不能相同。(Quiet hours must not start and end at the same time.)"),
            field="quiet_start",
        )
    try:
        prop.full_clean()
    except ValidationError as exc:
        field, msgs = next(iter(exc.message_dict.items()))
        raise DomainError(" ".join(msgs), field=None if field == NON_FIELD_ERRORS else field) from None
    prop.save()
    record(prop, actor=actor, action=HistoryAction.UPDATE, before=before)
    return prop


@transaction.atomic
def rule_settings_update(*, actor, prop: Property, values: dict, reason: str = "") -> Property:
    """规则参数: change the property's values of the settings the seed leaves open (core.rule_settings).
    `values` maps keys to the new value in the setting's unit; None or "" puts a key back to its default.
    管理处经理 and 客服主管 (rule_settings.manage); one history row with each change's before/after."""
    from . import rule_settings

    if actor is not None:
        require(actor, "rule_settings.manage", prop.pk)
    if not isinstance(values, dict):
        raise DomainError(_("规则参数应为“键: 值”的对象。(Rule settings must be an object of key: value.)"))
    locked = Property.objects.select_for_update().get(pk=prop.pk)  # two editors at once: no lost update
    new, changes = rule_settings.merge(locked.rule_settings, values)
    if new != locked.rule_settings:
        locked.rule_settings = new
        locked.save(update_fields=["rule_settings", "updated_at"])
    if changes:
        record(
            locked, actor=actor, action=HistoryAction.UPDATE, changes=changes, reason=reason or _("规则参数")
        )
    prop.rule_settings = locked.rule_settings  # the caller's instance reads the new values too
    return locked


@transaction.atomic
def building_create(*, actor, prop: Property, code: str, name: str = "", floors: int = 1, entrances: int = 1):
    _require_manager(actor, prop.pk)
    if Building.objects.filter(property=prop, code=code).exists():
        raise DomainError(_("楼号已存在。(Building code already exists.)"), field="code")
    b = Building.objects.create(
        property=prop, code=code, name=name or f"{code}栋", floors=floors, entrances=entrances
    )
    record(b, actor=actor, action=HistoryAction.CREATE)
    return b


@transaction.atomic
def unit_create(
    *, actor, building: Building, number: str, floor: int, area, entrance: str = "", status=None
) -> Unit:
    _require_manager(actor, building.property_id)
    if Unit.objects.filter(building=building, number=number).exists():
        raise DomainError(_("房号已存在。(Unit number already exists.)"), field="number")
    u = Unit(
        property_id=building.property_id,
        building=building,
        number=number,
        floor=floor,
        area=area,
        entrance=entrance,
    )
    if status:
        u.status = status
    u.save()
    record(u, actor=actor, action=HistoryAction.CREATE)
    return u


@transaction.atomic
def unit_set_status(*, actor, unit: Unit, status: str, reason: str = "") -> Unit:
    """R-ARCH-09: vacancy, leasing and renovation status of units are kept current."""
    require(actor, "resident.edit", unit.property_id)
    from .history import record_transition

    old = unit.status
    if old == status:
        return unit
    unit.status = status
    unit.save(update_fields=["status", "updated_at"])
    record_transition(unit, actor=actor, from_state=old, reason=reason)
    return unit


@transaction.atomic
def staff_create(
    *,
    actor,
    username: str,
    password: str,
    display_name: str,
    phone: str = "",
    prop: Property,
    role: str,
    capacity: int = 300,
    ability: int = 3,
    password_hash: str | None = None,
) -> User:
    """A staff account with its first role. `password_hash` (from make_password) lets a loader hash one
    shared demo password once instead of once per account."""
    _require_staff_manager(actor, prop.pk)
    if User.objects.filter(username=username).exists():
        raise DomainError(_("用户名已存在。(Username already taken.)"), field="username")
    user = User(username=username, display_name=display_name, phone=phone)
    if password_hash:
        user.password = password_hash
    else:
        user.set_password(password)
    user.is_staff = role == Role.MANAGER  # managers may use the admin area for their properties
    user.save()
    record(user, actor=actor, action=HistoryAction.CREATE)
    membership_grant(actor=actor, user=user, prop=prop, role=role, capacity=capacity, ability=ability)
    return user


STAFF_EDITABLE = {"display_name", "phone", "is_active"}


@transaction.atomic
def staff_update(*, actor, user: User, fields, reason: str = "") -> User:
    """Edit a staff account's name, phone or active flag (the account is disabled, never deleted)."""
    ids = {m.property_id for m in user.memberships.all()}
    if not ids or not all(can(actor, "staff.manage", pid) for pid in ids):
        raise NotAllowed()
    changed = [f for f in fields if f in STAFF_EDITABLE]
    if not changed:
        return user
    before = snapshot(User.objects.get(pk=user.pk))
    user.save(update_fields=changed)
    record(user, actor=actor, action=HistoryAction.UPDATE, before=before, reason=reason)
    return user


@transaction.atomic
def location_save(*, actor, location: Location) -> Location:
    """Add or rename a public area (公共区域) or the clubhouse (会所) a request can point at."""
    _require_manager(actor, location.property_id)
    if not location.name.strip():
        raise DomainError(_("请填写名称。(Name is required.)"), field="name")
    before = snapshot(Location.objects.get(pk=location.pk)) if location.pk else None
    location.save()
    record(
        location, actor=actor, action=HistoryAction.UPDATE if before else HistoryAction.CREATE, before=before
    )
    return location


def _require_staff_manager(actor, prop_id):
    if actor is not None:
        require(actor, "staff.manage", prop_id)


@transaction.atomic
def membership_grant(*, actor, user: User, prop: Property, role: str, capacity: int = 300, ability: int = 3):
    _require_staff_manager(actor, prop.pk)
    if role not in Role.values:
        raise DomainError(_("未知岗位。(Unknown role.)"), field="role")
    dept = Department.objects.filter(property=prop, kind=ROLE_DEPARTMENT[Role(role)]).first()
    m, created = Membership.objects.update_or_create(
        user=user,
        property=prop,
        role=role,
        defaults={"department": dept, "active": True, "capacity": capacity, "ability": ability},
    )
    record(m, actor=actor, action=HistoryAction.CREATE if created else HistoryAction.UPDATE)
    return m


@transaction.atomic
def membership_revoke(*, actor, membership: Membership, reason: str = ""):
    _require_staff_manager(actor, membership.property_id)
    if not membership.active:
        return membership
    membership.active = False
    membership.save(update_fields=["active", "updated_at"])
    record(
        membership, actor=actor, action=HistoryAction.VOID, reason=reason, changes={"active": [True, False]}
    )
    return membership


class CalendarYearUnknown(DomainError):
    """chinese-calendar has no schedule for the year (it is announced each November)."""


def calendar_known_years() -> tuple[int, int]:
    """First and last year the installed chinese-calendar package knows."""
    import chinese_calendar

    years = sorted({d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays})
    return years[0], years[-1]


@transaction.atomic
def calendar_seed(*, years: list[int], actor=None, strict: bool = False) -> int:
    """Public holidays and 调休 working days of the given years from chinese-calendar (global rows:
    the State Council schedule is the same for every property). Rows already present — including ones
    the office edited — are kept. Returns how many rows were added.

    A year the package does not know is skipped; with strict=True (the calendar page) it is refused with
    a clear message instead: each year's schedule is announced in November and is entered by hand."""
    import chinese_calendar

    if actor is not None and not can(actor, "calendar.manage"):
        raise NotAllowed()
    added = 0
    for year in years:
        start, end = date(year, 1, 1), date(year, 12, 31)
        try:
            holidays = chinese_calendar.get_holidays(start, end, include_weekends=False)
            workdays = [
                d
                for d in chinese_calendar.get_workdays(start, end, include_weekends=True)
                if d.weekday() >= 5
            ]
        except NotImplementedError:
            if strict:
                first, last = calendar_known_years()
                raise CalendarYearUnknown(
                    _(
                        "日历数据包只包含 %(first)s–%(last)s 年,没有 %(year)s 年的放假安排。每年的放假安排于 11 月公布,"
                        "请手工录入该年的节假日和调休上班日。"
                        "(The calendar package knows %(first)s–%(last)s only, not %(year)s. Each year's schedule "
                        "is announced in November: enter it by hand.)"
                    )
                    % {"first": first, "last": last, "year": year},
                    field="year",
                ) from None
            continue
        for d in holidays:
            _row, made = CalendarDay.objects.get_or_create(
                property=None, date=d, defaults={"is_workday": False, "name": _holiday_name(d)}
            )
            added += made
        for d in workdays:
            _row, made = CalendarDay.objects.get_or_create(
                property=None, date=d, defaults={"is_workday": True, "name": _("调休上班")}
            )
            added += made
    return added


HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _holiday_name(d: date) -> str:
    import chinese_calendar

    name = chinese_calendar.get_holiday_detail(d)[1] or ""
    return HOLIDAY_NAMES.get(str(name), str(name))[:50]


@transaction.atomic
def calendar_day_set(
    *, actor, prop: Property | None, day: date, is_workday: bool, name: str = ""
) -> CalendarDay:
    """The office edits its calendar (e.g. when next year's schedule is announced in November).
    A row of the property overrides the global row of the same date for that property only."""
    if prop is None:
        if actor is not None and not actor.is_superuser:
            raise DomainError(
                _("只有系统管理员可以修改全局日历。(Only a system administrator edits the shared calendar.)")
            )
    elif actor is not None:
        require(actor, "calendar.manage", prop.pk)
    if not isinstance(day, date):
        raise DomainError(_("请填写日期。(Enter a date.)"), field="date")
    name = (name or "").strip()
    if len(name) > 50:
        raise DomainError(_("名称最多 50 个字。(Name: at most 50 characters.)"), field="name")
    existing = CalendarDay.objects.select_for_update().filter(property=prop, date=day).first()
    if existing is None:
        obj = CalendarDay.objects.create(property=prop, date=day, is_workday=bool(is_workday), name=name)
        record(obj, actor=actor, action=HistoryAction.CREATE)
        return obj
    before = snapshot(existing)
    existing.is_workday, existing.name = bool(is_workday), name
    existing.save(update_fields=["is_workday", "name"])
    record(existing, actor=actor, action=HistoryAction.UPDATE, before=before)
    return existing


@transaction.atomic
def calendar_day_remove(*, actor, day: CalendarDay, reason: str = "") -> None:
    """Remove a property's own entry: that date follows the global calendar again."""
    if day.property_id is None:
        if actor is not None and not actor.is_superuser:
            raise DomainError(
                _("只有系统管理员可以修改全局日历。(Only a system administrator edits the shared calendar.)")
            )
    elif actor is not None:
        require(actor, "calendar.manage", day.property_id)
    record(
        day,
        actor=actor,
        action=HistoryAction.VOID,
        reason=reason,
        changes={"date": [day.date.isoformat(), None], "is_workday": [day.is_workday, None]},
    )
    day.delete()
