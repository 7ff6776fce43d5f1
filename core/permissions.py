"""The role × action table (R-ROLE) and property scoping.

Every view, viewset, export and search starts from `Model.objects.restrict(user, action)`, which keeps
only rows of the properties where the user holds a role allowing `action`. Another property's record is
therefore a 404, never a 403 that confirms it exists. Services call `require(user, action, property)`.
"""

from django.db import models

from .choices import Role
from .errors import NotAllowed

R = Role
CS_DESK = {R.CS_SUPERVISOR, R.CS_ADMIN, R.FRONT_DESK, R.CLERK}
CS_OFFICE = {R.CS_SUPERVISOR, R.CS_ADMIN}
LEADS = {R.MANAGER, R.CS_SUPERVISOR}
EVERYONE = set(Role)

# action -> roles allowed: the one table. Core's rows are here; each later area adds its own rows with
# declare() from `<area>/permissions.py`, and tests its rows as a matrix (core/tests/test_permissions.py
# checks these). The whole table is shown to managers at /settings/permissions/.
ACTIONS: dict[str, set[str]] = {
    "view": EVERYONE,  # property structure: buildings, units, locations
    "property.manage": {R.MANAGER},
    "staff.manage": {R.MANAGER},
    "calendar.manage": LEADS,
    # 规则参数: the values the seed leaves open (core.rule_settings) — the 客服主管 runs the rules day to day.
    "rule_settings.manage": LEADS,
    # Residents and the archive (R-ARCH, R-CUST). Phone/ID stay masked in every view.
    "resident.view": {R.MANAGER} | CS_DESK | {R.ENG_SUPERVISOR, R.ENGINEER, R.SEC_SUPERVISOR, R.GUARD},
    "resident.edit": LEADS | CS_DESK,  # R-ARCH-08: the front desk records move-ins and household changes
    "resident.import": LEADS | {R.CS_ADMIN},
    "resident.export": LEADS | {R.CS_ADMIN},  # masked export; a full export needs an archive grant
    "archive.view": {R.MANAGER} | CS_DESK,  # the archive page, sections masked
    "archive.request": {R.MANAGER} | CS_DESK,  # R-ARCH-05: ask to read an archive in full
    "archive.approve": LEADS,  # R-ARCH-05: the supervisor approves
    "archive.audit": LEADS,  # review the full-read log
    "correspondence.edit": LEADS | CS_DESK,
    "assignment.manage": LEADS,  # R-CUST-03
    "assignment.hold": {R.CS_ADMIN, R.CS_SUPERVISOR},  # may be assigned customers, records first contact
    # Duty log and handover (R-DUTY).
    "duty.view": {R.MANAGER} | CS_DESK,
    "duty.write": CS_DESK,
    "duty.signoff": {R.CS_SUPERVISOR},  # R-DUTY-05, R-DUTY-14
    "duty.report.acknowledge": LEADS,  # R-DUTY-02: the 《特别事件报告》 is read and acknowledged upward
    "handover.do": CS_DESK,
    # Post attendance 《岗位签到表》 (R-DUTY-15/16): the front desk signs every post in and out; the 客服主管
    # or the 管理处经理 sets up the posts and approves leaving a post early or for a meal.
    "post.view": {R.MANAGER} | CS_DESK,
    "post.attend": CS_DESK,  # R-DUTY-16
    "post.manage": LEADS,
    "post.approve_leave": LEADS,  # R-DUTY-15
    "notification.view": EVERYONE,
    "outbox.view": {R.MANAGER} | CS_DESK,
    "attachment.add": EVERYONE,
}


def declare(area_actions: dict[str, set]) -> None:
    """An area adds its rows to the one table (from `<area>/permissions.py`, imported by its AppConfig).
    Declaring an action twice with other roles is a configuration error, never a silent override."""
    from django.core.exceptions import ImproperlyConfigured

    for action, roles in area_actions.items():
        roles = {Role(r) for r in roles}
        if action in ACTIONS and set(ACTIONS[action]) != roles:
            raise ImproperlyConfigured(f"permission action {action!r} declared twice with different roles")
        ACTIONS[action] = roles


def role_allows(role: str, action: str) -> bool:
    return role in ACTIONS.get(action, set())


def _memberships(user) -> list[tuple[int, str]]:
    cache = getattr(user, "_propdesk_memberships", None)
    if cache is None:
        from .models import Membership

        cache = list(Membership.objects.filter(user=user, active=True).values_list("property_id", "role"))
        user._propdesk_memberships = cache
    return cache


def property_ids(user, action: str = "view") -> frozenset[int] | None:
    """Properties where `user` may do `action`. None means all (superuser). Worked out once per action and
    kept on the user object, like its memberships: a page asks for the menu's forty actions (make bench)."""
    # A typo in an action name must fail loudly for everyone, superusers and anonymous callers included.
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}: declare it in core.permissions.ACTIONS")
    if not user or not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return None
    memo = getattr(user, "_propdesk_action_ids", None)
    if memo is None or memo[0] is not _memberships(user):
        by_role: dict[str, list[int]] = {}
        for pid, role in _memberships(user):
            by_role.setdefault(role, []).append(pid)
        memo = user._propdesk_action_ids = (_memberships(user), by_role, {})
    ids = memo[2].get(action)
    if ids is None:
        ids = memo[2][action] = frozenset(
            pid for role, pids in memo[1].items() if role_allows(role, action) for pid in pids
        )
    return ids


def roles_of(user, property_id: int) -> set[str]:
    if not user or not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Role)
    return {role for pid, role in _memberships(user) if pid == property_id}


def can(user, action: str, property_id: int | None = None) -> bool:
    ids = property_ids(user, action)
    if ids is None:
        return True
    return bool(ids) if property_id is None else property_id in ids


def require(user, action: str, property_id: int | None) -> None:
    if not can(user, action, property_id):
        raise NotAllowed()


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        ids = property_ids(user, action)
        if ids is None:
            return self
        path = getattr(self.model, "property_path", None)
        if path is None:
            return self
        if path == "self":
            return self.filter(pk__in=ids)
        return self.filter(**{f"{path}__in": ids})
