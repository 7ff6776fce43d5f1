"""The page's flash messages follow the chosen language (English catalog)."""

import pytest

from core.testing.i18n import english

from .conftest import MONDAY, at

pytestmark = pytest.mark.django_db


def test_exit_check_message_in_english(rel_world, client_as, issued):
    rel = issued()
    c = english(client_as(rel_world.guard))
    r = c.post(f"/releases/exit/{rel.pk}/", {"match": "0", "note": "少一箱"}, follow=True)
    page = r.content.decode()
    assert f"{rel.number} does not match; turned back to the carrier" in page
    assert "核对不符" not in page


def test_step_message_in_english(rel_world, client_as, apply):
    rel = apply(kind="move_out", planned_at=at(MONDAY.replace(day=6), 10))
    r = english(client_as(rel_world.frontdesk)).post(
        f"/releases/{rel.pk}/confirm/", {"confirmed_with": "林业主"}, follow=True
    )
    assert "Resident&#x27;s phone confirmation recorded." in r.content.decode()
