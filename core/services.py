"""State changes of the organisation: properties, places, staff and roles, the calendar."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from .choices import ROLE_DEPARTMENT, DepartmentKind, HistoryAction, Role
from .errors import DomainError
from .history import record, snapshot
from .models import Building, CalendarDay, Department, Membership, Property, Unit, User
from .permissions import require


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


@transaction.atomic
def property_update(*, actor, prop: Property, **fields) -> Property:
    _require_manager(actor, prop.pk)
    before = snapshot(prop)
    for k, v in fields.items():
        setattr(prop, k, v)
    prop.full_clean()
    prop.save()
    record(prop, actor=actor, action=HistoryAction.UPDATE, before=before)
    return prop


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
) -> User:
    _require_staff_manager(actor, prop.pk)
    if User.objects.filter(username=username).exists():
        raise DomainError(_("用户名已存在。(Username already taken.)"), field="username")
    user = User(username=username, display_name=display_name, phone=phone)
    user.set_password(password)
    user.is_staff = role == Role.MANAGER  # managers may use the admin area for their properties
    user.save()
    membership_grant(actor=actor, user=user, prop=prop, role=role, capacity=capacity, ability=ability)
    return user


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


def calendar_seed(*, years: list[int]) -> int:
    """Public holidays and 调休 working days of the given years from chinese-calendar (global rows).
    Rows the office edited are kept. Returns how many rows were added."""
    import chinese_calendar

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
            continue  # the package does not know this year yet: the office enters it (announced in November)
        for d in holidays:
            name = chinese_calendar.get_holiday_detail(d)[1] or ""
            _, made = CalendarDay.objects.get_or_create(
                property=None, date=d, defaults={"is_workday": False, "name": str(name)}
            )
            added += made
        for d in workdays:
            _, made = CalendarDay.objects.get_or_create(
                property=None, date=d, defaults={"is_workday": True, "name": "调休上班"}
            )
            added += made
    return added


@transaction.atomic
def calendar_day_set(
    *, actor, prop: Property | None, day: date, is_workday: bool, name: str = ""
) -> CalendarDay:
    """The office edits its calendar (e.g. when next year's schedule is announced in November)."""
    if prop is None:
        if not actor.is_superuser:
            raise DomainError(
                _("只有系统管理员可以修改全局日历。(Only a system administrator edits the shared calendar.)")
            )
    else:
        require(actor, "calendar.manage", prop.pk)
    obj, created = CalendarDay.objects.update_or_create(
        property=prop, date=day, defaults={"is_workday": is_workday, "name": name}
    )
    return obj
