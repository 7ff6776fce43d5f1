"""The page's flash messages follow the chosen language (English catalog)."""

import pytest

from core.testing.i18n import english

from .test_views import entry_post

pytestmark = pytest.mark.django_db


def test_quick_entry_message_in_english(world, login_as):
    c = login_as(world.frontdesk)
    english(c)
    page = c.post("/duty/entries/add/", entry_post(world.p1), follow=True).content.decode()
    assert "Recorded." in page and "已记录。" not in page


# R-DUTY-15, R-DUTY-16: the post board and its refusals in English
def test_post_board_in_english(world, client_as, daytime):
    from duty import services

    lobby = services.post_create(actor=world.supervisor, prop=world.p1, name="3栋大堂岗")
    c = english(client_as(world.frontdesk))
    page = c.get("/duty/posts/").content.decode()
    assert "Post sign-in" in page and "Nobody is on this post" in page and "无人在岗" not in page
    page = c.post(
        "/duty/posts/sign-in/",
        {"property": world.p1.pk, "post": lobby.pk, "staff": world.guard.pk},
        follow=True,
    ).content.decode()
    assert "signed in on 3栋大堂岗" in page
    shift = lobby.shifts.get()
    resp = c.post(
        f"/duty/posts/shifts/{shift.pk}/sign-out/", {"reason": "meal", "approved_by": world.supervisor.pk}
    )
    assert resp.status_code == 400 and "must never be empty" in resp.content.decode()
