"""Set English translations in locale/en/LC_MESSAGES/django.po from a JSON map, after makemessages.

    .venv/bin/python scripts/po_set.py translations.json

The JSON maps msgid → msgstr; a msgid with a context is written "context\\u0004msgid"; a plural entry maps
to [singular, plural]. Each entry it sets loses its fuzzy mark and the previous-msgid comment (makemessages'
fuzzy guesses are usually wrong). Then compile: msgfmt -c --check-format … -o …/django.mo.
"""

import json
import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _quote(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _joined(lines: list[str], prefix: str) -> str:
    return "".join(json.loads(line[len(prefix) :] if line.startswith(prefix) else line) for line in lines)


def apply(translations: dict, po: Path = PO) -> set:
    blocks = po.read_text().split("\n\n")
    done = set()
    for i, block in enumerate(blocks):
        lines = block.split("\n")
        mi = next((j for j, line in enumerate(lines) if line.startswith("msgid ")), None)
        if mi is None:
            continue
        plural = next((j for j, line in enumerate(lines) if line.startswith("msgid_plural ")), None)
        mj = (
            plural
            if plural is not None
            else next((j for j, line in enumerate(lines) if line.startswith("msgstr ")), None)
        )
        if mj is None:
            continue
        msgid = _joined(lines[mi:mj], "msgid ")
        context = [json.loads(line[8:]) for line in lines[:mi] if line.startswith("msgctxt ")]
        key = f"{context[0]}\x04{msgid}" if context else msgid
        if key not in translations:
            continue
        head = [
            line for line in lines[:mi] if line.startswith(("#", "msgctxt")) and not line.startswith("#|")
        ]
        head = [
            re.sub(r"(, )?fuzzy(, )?", lambda m: ", " if m.group(1) and m.group(2) else "", h) for h in head
        ]
        head = [h for h in head if h not in ("#", "#,")]
        value = translations[key]
        if plural is not None:
            one, many = value
            tail = [lines[plural], f'msgstr[0] "{_quote(one)}"', f'msgstr[1] "{_quote(many)}"']
        else:
            tail = [f'msgstr "{_quote(value)}"']
        blocks[i] = "\n".join(head + lines[mi:mj] + tail)
        done.add(key)
    po.write_text("\n\n".join(blocks))
    return done


if __name__ == "__main__":
    wanted = json.loads(Path(sys.argv[1]).read_text())
    done = apply(wanted)
    missing = set(wanted) - done
    print(f"set {len(done)}" + (f"; not found: {sorted(missing)}" if missing else ""))
    sys.exit(1 if missing else 0)
