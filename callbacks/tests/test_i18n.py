"""The page's flash messages follow the chosen language (English catalog)."""

import pytest

from callbacks.models import Callback
from core.testing.i18n import english
from servicedesk import engine

pytestmark = pytest.mark.django_db


def test_issue_and_contract_messages_in_english(world, client_as, make_request):
    req = make_request("repair")
    engine.announce_completed(req, world.engineer)
    cb = Callback.objects.get(request=req)
    c = english(client_as(world.supervisor))
    page = c.post(f"/callbacks/{cb.pk}/issue/", follow=True).content.decode()
    assert "Follow-up form sent." in page and "回访记录表已发出" not in page
    r = c.post(
        "/callbacks/contracts/", {"title": "保洁", "start": "2030-01-01", "end": "2030-03-01"}, follow=True
    )
    assert "Registered; follow-up scheduled." in r.content.decode()
