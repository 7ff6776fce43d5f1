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
