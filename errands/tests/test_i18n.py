"""The page's flash messages follow the chosen language (English catalog)."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_cash_replenish_message_in_english(ew, client_as):
    sup = client_as(ew.supervisor)
    sup.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = sup.post("/errands/cash/replenish/", {"amount": "500"}, follow=True).content.decode()
    assert "Petty cash top-up requested from the management office." in page
    assert "已向管理处申请补充备用金" not in page
