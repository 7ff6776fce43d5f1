"""The front desk's screen: every register's waiting work at a glance, scoped, at a fixed query cost."""

from core.choices import Role
from core.permissions import can
from core.testing.queries import assert_max_queries


def test_who_sees_the_desk(world):
    for role_user, allowed in [
        (world.frontdesk, True),
        (world.supervisor, True),
        (world.manager, True),
        (world.engineer, False),
        (world.guard, False),
    ]:
        assert can(role_user, "desk.view") is allowed
    assert Role.FRONT_DESK  # the desk is the front desk's own page


def test_desk_page_fixed_queries_and_counts(world, client_as):
    c = client_as(world.frontdesk)
    # Each register answers with a fixed handful of counts; the total does not grow with the data.
    with assert_max_queries(70):
        resp = c.get("/desk/")
    assert resp.status_code == 200
    body = resp.content.decode()
    for title in ["访客", "信件快件", "寄存", "物品放行", "交接班清点"]:
        assert title in body
    frag = c.get("/desk/", HTTP_HX_REQUEST="true")
    assert frag.status_code == 200 and "<html" not in frag.content.decode()


def test_desk_other_property_404_and_roles(world, client, client_as, api_as):
    assert client.get("/desk/").status_code == 302
    assert client_as(world.engineer).get("/desk/").status_code == 403
    assert client_as(world.frontdesk2).get(f"/desk/?property={world.p1.pk}").status_code == 404
    api = api_as(world.frontdesk)
    data = api.get("/api/v1/desk/").json()
    assert data["property"] == world.p1.pk and "in_building" in data["visitors"] and "held" in data["parcels"]
    assert api_as(world.frontdesk2).get(f"/api/v1/desk/?property={world.p1.pk}").status_code == 404
    assert api_as(world.engineer).get("/api/v1/desk/").status_code == 403
