"""The page's flash messages follow the chosen language (English catalog)."""

import pytest
from django.urls import reverse

from core.testing.i18n import english

pytestmark = pytest.mark.django_db


def test_receive_message_in_english(world, mail, client_as):
    c = client_as(world.frontdesk)
    english(c)
    r = c.post(
        reverse("parcels:receive"),
        {"recipient": "3-1201 李四", "courier": "顺丰", "consent_by": "同意", "tracking_no": "SF9"},
        follow=True,
    )
    page = r.content.decode()
    assert "Registered: 3-1201 李四 SF9" in page and "已登记:" not in page
