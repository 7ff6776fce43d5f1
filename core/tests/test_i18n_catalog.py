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
