"""The page's flash messages follow the chosen language (English catalog)."""

import pytest

from core.testing.i18n import english
from visitors.models import VisitorEntry

from .test_views import register_post

pytestmark = pytest.mark.django_db


def test_register_and_leave_messages_in_english(world, folks, admitted, client_as):
    c = english(client_as(world.frontdesk))
    page = c.post("/visitors/new/", register_post(folks, world), follow=True).content.decode()
    e = VisitorEntry.objects.get()
    assert f"{e.number} registered; contact the owner to confirm." in page
    assert "请联系业主确认。" not in page
    out = admitted()
    page = c.post(f"/visitors/{out.pk}/leave/", follow=True).content.decode()
    assert "Signed out." in page
