"""R-ROLE-01/02: the role × action table, checked against an independent copy, and property scoping."""

import pytest
from django.contrib.auth.models import AnonymousUser

from core import services
from core.choices import Role
from core.errors import NotAllowed
from core.models import CalendarDay, Property, Unit, User
from core.permissions import ACTIONS, can, property_ids, require, roles_of

ALL = {r.value for r in Role}
CS_DESK = {"cs_supervisor", "cs_admin", "front_desk", "clerk"}
LEADS = {"manager", "cs_supervisor"}

# Written out by hand from the issue and RULES.md, not derived from ACTIONS: a change to the table in
# core/permissions.py must be mirrored here on purpose.
EXPECTED = {
    "view": ALL,
    "property.manage": {"manager"},
    "staff.manage": {"manager"},
    "calendar.manage": {"manager", "cs_supervisor"},
    "rule_settings.manage": LEADS,
    "resident.view": ALL - {"finance"},
    "resident.edit": {"manager"} | CS_DESK,
    "resident.import": {"manager", "cs_supervisor", "cs_admin"},
    "resident.export": {"manager", "cs_supervisor", "cs_admin"},
    "archive.view": {"manager"} | CS_DESK,
    "archive.request": {"manager"} | CS_DESK,
    "archive.approve": LEADS,
    "archive.audit": LEADS,
    "correspondence.edit": {"manager"} | CS_DESK,
    "assignment.manage": LEADS,
    "assignment.hold": {"cs_admin", "cs_supervisor"},
    "duty.view": {"manager"} | CS_DESK,
    "duty.write": CS_DESK,
    "duty.signoff": {"cs_supervisor"},  # R-DUTY-05, R-DUTY-14
    "duty.report.acknowledge": LEADS,
    "handover.do": CS_DESK,
    "post.view": {"manager"} | CS_DESK,
    "post.attend": CS_DESK,  # R-DUTY-16
    "post.manage": LEADS,
    "post.approve_leave": LEADS,  # R-DUTY-15
    "notification.view": ALL,
    "outbox.view": {"manager"} | CS_DESK,
    "attachment.add": ALL,
}


def test_the_table_declares_the_expected_core_actions():
    assert set(EXPECTED) <= set(ACTIONS)
    for action in EXPECTED:
        assert {str(r) for r in ACTIONS[action]} == EXPECTED[action], action
    for action, roles in ACTIONS.items():
        assert {str(r) for r in roles} <= ALL, action


def _staff(prop, role, username):
    return services.staff_create(
        actor=None, username=username, password="x-pass-123", display_name=username, prop=prop, role=role
    )


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_matrix_every_action_for_role(db, role):
    """ACTIONS × Role: can() follows the table, in the member's property only."""
    p1 = services.property_create(actor=None, name="一号", code="one", kind="residential")
    p2 = services.property_create(actor=None, name="二号", code="two", kind="office")
    user = _staff(p1, role, f"u_{role}")
    wrong = []
    for action, allowed in EXPECTED.items():
        expected = role in allowed
        if can(user, action, p1.pk) != expected:
            wrong.append((action, "p1", expected))
        if can(user, action) != expected:
            wrong.append((action, "any", expected))
        if can(user, action, p2.pk):
            wrong.append((action, "p2", False))
    assert wrong == []
    assert roles_of(user, p1.pk) == {role}
    assert roles_of(user, p2.pk) == set()


def test_require_raises_not_allowed(world):
    require(world.manager, "property.manage", world.p1.pk)
    with pytest.raises(NotAllowed):
        require(world.frontdesk, "property.manage", world.p1.pk)
    with pytest.raises(NotAllowed):
        require(world.manager, "property.manage", world.p2.pk)


def test_unknown_action_raises_for_everyone(world):
    su = User.objects.create_superuser("root", password="x-pass-123")
    for user in (world.frontdesk, su, AnonymousUser()):
        with pytest.raises(KeyError):
            can(user, "no.such.action")
    with pytest.raises(KeyError):
        Unit.objects.restrict(world.frontdesk, "no.such.action")


def test_restrict_scopes_rows_to_the_users_properties(world):
    assert set(Unit.objects.restrict(world.frontdesk)) == {world.u1, world.u2, world.u3}
    assert list(Unit.objects.restrict(world.frontdesk2)) == [world.u_p2]
    # property_path "self": Property itself
    assert list(Property.objects.restrict(world.frontdesk)) == [world.p1]
    # the action matters: the front desk manages no property
    assert not Property.objects.restrict(world.frontdesk, "property.manage").exists()
    assert list(Property.objects.restrict(world.manager, "property.manage")) == [world.p1]


def test_superuser_sees_all(world):
    su = User.objects.create_superuser("root", password="x-pass-123")
    assert property_ids(su, "property.manage") is None
    assert Unit.objects.restrict(su).count() == 4
    assert can(su, "duty.signoff", world.p2.pk)
    assert roles_of(su, world.p1.pk) == ALL


def test_two_memberships_see_both_properties(world):
    services.membership_grant(actor=None, user=world.frontdesk, prop=world.p2, role=Role.FRONT_DESK)
    user = User.objects.get(pk=world.frontdesk.pk)  # fresh object: memberships are cached per instance
    assert set(Unit.objects.restrict(user)) == {world.u1, world.u2, world.u3, world.u_p2}
    assert set(Property.objects.restrict(user)) == {world.p1, world.p2}


def test_inactive_membership_sees_nothing(world):
    m = world.clerk.memberships.get()
    services.membership_revoke(actor=world.manager, membership=m, reason="离职")
    user = User.objects.get(pk=world.clerk.pk)
    assert not Unit.objects.restrict(user).exists()
    assert not can(user, "view", world.p1.pk)
    assert not can(user, "view")


def test_inactive_account_and_anonymous_see_nothing(world):
    world.guard.is_active = False
    world.guard.save()
    user = User.objects.get(pk=world.guard.pk)
    assert not Unit.objects.restrict(user).exists()
    assert not Unit.objects.restrict(AnonymousUser()).exists()


def test_global_calendar_rows_are_not_property_rows(world):
    """CalendarDay.restrict keeps the property's own rows only; global rows are read separately."""
    g = CalendarDay.objects.create(property=None, date="2025-10-01", is_workday=False)
    own = CalendarDay.objects.create(property=world.p1, date="2025-10-02", is_workday=True)
    other = CalendarDay.objects.create(property=world.p2, date="2025-10-03", is_workday=True)
    rows = set(CalendarDay.objects.restrict(world.supervisor))
    assert own in rows and other not in rows and g not in rows


def test_an_area_declares_its_rows_once():
    from django.core.exceptions import ImproperlyConfigured

    from core.permissions import declare

    declare({"testarea.do": {"manager"}})
    try:
        declare({"testarea.do": {"manager"}})  # same rows again: fine (module re-import)
        with pytest.raises(ImproperlyConfigured):
            declare({"testarea.do": {"front_desk"}})
    finally:
        ACTIONS.pop("testarea.do")


def test_permission_matrix_page_for_manager_only(world, client_as):
    page = client_as(world.manager).get("/settings/permissions/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "resident.view" in body and "客服主管" in body
    assert client_as(world.frontdesk).get("/settings/permissions/").status_code == 403
