"""The page's flash messages follow the chosen language (English catalog)."""

import pytest

from core.testing.i18n import english

pytestmark = pytest.mark.django_db


def test_seal_message_in_english(world, client_as, deposit):
    item = deposit()
    c = english(client_as(world.frontdesk))
    page = c.post(
        f"/storage/{item.pk}/seal/", {"supervisor": world.supervisor.pk}, follow=True
    ).content.decode()
    assert "Sealed." in page and "已封条。" not in page


def test_holding_message_in_english(world, client_as):
    from datetime import timedelta

    from django.utils import timezone

    from storage.models import HeldItem

    c = english(client_as(world.frontdesk))
    assert "Register holding (业主物品临时存放记录表)" in c.get("/storage/holding/new/").content.decode()
    data = {
        "case": "owner_for_other",
        "unit_label": "3-1201",
        "owner_name": "王芳",
        "depositor_name": "王芳",
        "description": "入户门钥匙",
        "count": "1",
        "is_key": "on",
        "collector_name": "李师傅",
        "collect_by": (timezone.localtime() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "envelope_sealed": "on",
        "envelope_marking": "pencil",
    }
    page = c.post("/storage/holding/new/", data, follow=True).content.decode()
    held = HeldItem.objects.get()
    assert f"Holding {held.record_no} registered. Print and attach the holding label" in page
