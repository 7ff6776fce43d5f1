"""Labels registered at run time (menu entries, handover counts, workflow buttons) have an English
translation: they are plain strings to makemessages, kept in the catalog through core/labels.py and the
areas' gettext_lazy calls, and fall out of it silently when extraction misses them."""

import re

from django.utils import translation

from core.registry import menu_entries
from duty.handover import HANDOVER_COUNTS
from servicedesk.engine import WORKFLOWS

CJK = re.compile(r"[\u4e00-\u9fff]")


def _untranslated(labels):
    with translation.override("en"):
        return sorted({str(lbl) for lbl in labels if CJK.search(translation.gettext(str(lbl)))})


def test_menu_labels_in_english():
    assert _untranslated(e.label for e in menu_entries()) == []


def test_handover_count_labels_in_english():
    assert _untranslated(e.label for e in HANDOVER_COUNTS) == []


def test_workflow_buttons_in_english():
    labels = [t.label for flow in WORKFLOWS.values() for t in flow.transitions]
    with translation.override("en"):
        assert sorted({str(lbl) for lbl in labels if CJK.search(str(lbl))}) == []


def test_no_translation_says_itself_twice():
    """A long English text once came out doubled ("Log out of…Log out of…") from a catalog merge."""
    import gettext
    from pathlib import Path

    from django.conf import settings

    mo = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog
    doubled = [v for v in catalog.values() if isinstance(v, str) and len(v) >= 30 and v.count(v[:25]) > 1]
    assert doubled == []


def test_pages_speak_the_office_language_whatever_the_browser_asks(client, world):
    """zh-hans is the default: a browser asking for English gets Chinese pages until the user switches."""
    from core.testing.i18n import english

    client.force_login(world.frontdesk)
    page = client.get("/servicedesk/phrases/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in page and "服务用语" in page
    page = english(client).get("/servicedesk/phrases/").content.decode()
    assert 'lang="en"' in page and "Service phrases" in page
    client.cookies.pop("django_language", None)
    # the language switch sets the cookie and the next page follows it
    client.post("/i18n/setlang/", {"language": "en", "next": "/servicedesk/phrases/"})
    assert "Service phrases" in client.get("/servicedesk/phrases/").content.decode()


def test_api_clients_choose_with_accept_language(api_as, world):
    api = api_as(world.frontdesk)
    zh = api.get("/api/v1/phrases/").json()
    en = api.get("/api/v1/phrases/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert zh[0]["label"] == "投诉处理规范用语" and en[0]["label"] == "Standard complaint-handling phrases"
