"""The page's flash messages follow the chosen language (English catalog)."""

import pytest

from core.testing.i18n import english
from residents.models import ArchiveAccessGrant

pytestmark = pytest.mark.django_db


def test_access_request_messages_in_english(world, zhangsan, client_as):
    fd = english(client_as(world.frontdesk))
    r = fd.post(
        f"/residents/{zhangsan.pk}/access-request/",
        {"purpose": "read", "reason": "核对业主身份"},
        follow=True,
    )
    assert "Request submitted; awaiting CS supervisor approval." in r.content.decode()
    g = ArchiveAccessGrant.objects.get()
    sup = english(client_as(world.supervisor))
    r = sup.post(f"/residents/access/{g.pk}/decide/", {"approve": "1", "note": "同意"}, follow=True)
    page = r.content.decode()
    assert "Approved: 张三" in page and "已批准" not in page
