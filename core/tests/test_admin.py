"""The admin area for properties, places and staff: scoped to the manager's properties, writes via services."""

from core.models import Building, HistoryEntry, Location, Membership, User


def test_anonymous_and_desk_staff_are_kept_out(world, client, client_as):
    assert client.get("/admin/core/property/").status_code == 302
    resp = client_as(world.frontdesk).get("/admin/")
    assert resp.status_code == 302  # not is_staff → admin login


def test_manager_sees_only_own_property(world, client_as):
    c = client_as(world.manager)
    page = c.get("/admin/core/property/")
    assert page.status_code == 200
    body = page.content.decode()
    assert world.p1.name in body and world.p2.name not in body
    assert c.get(f"/admin/core/property/{world.p2.pk}/change/").status_code == 302  # not found → redirect
    assert c.get(f"/admin/core/unit/{world.u_p2.pk}/change/").status_code == 302


def test_manager_adds_building_and_location_through_services(world, client_as):
    c = client_as(world.manager)
    resp = c.post(
        "/admin/core/building/add/",
        {"property": world.p1.pk, "code": "9", "name": "9栋", "floors": 20, "entrances": 2},
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    b = Building.objects.get(property=world.p1, code="9")
    assert HistoryEntry.objects.filter(object_id=b.pk, action="create", actor=world.manager).exists()
    resp = c.post(
        "/admin/core/location/add/", {"property": world.p1.pk, "kind": "clubhouse", "name": "会所泳池"}
    )
    assert resp.status_code == 302
    assert Location.objects.filter(property=world.p1, name="会所泳池").exists()


def test_manager_cannot_add_building_to_other_property(world, client_as):
    c = client_as(world.manager)
    resp = c.post(
        "/admin/core/building/add/",
        {"property": world.p2.pk, "code": "Z", "name": "Z座", "floors": 3, "entrances": 1},
    )
    assert resp.status_code == 200  # the form refuses the choice
    assert not Building.objects.filter(code="Z").exists()


def test_manager_creates_staff_with_role(world, client_as):
    c = client_as(world.manager)
    resp = c.post(
        "/admin/core/user/add/",
        {
            "username": "newdesk",
            "display_name": "新前台",
            "phone": "13900001111",
            "password": "a-long-password",
            "property": world.p1.pk,
            "role": "front_desk",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:3000]
    u = User.objects.get(username="newdesk")
    assert u.check_password("a-long-password")
    assert Membership.objects.filter(user=u, property=world.p1, role="front_desk", active=True).exists()
