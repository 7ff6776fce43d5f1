"""Helpers of the browser tests (Debian chromium through playwright, the live server in the test process)."""

from datetime import datetime, timedelta

from django.utils import timezone

from .personas import PASSWORD


def local(y, m, d, hh=0, mm=0, ss=0) -> datetime:
    return timezone.make_aware(datetime(y, m, d, hh, mm, ss))


def moving_clock(monkeypatch):
    """clock(moment) sets "now" for the server and the test alike (it then runs on in real time);
    clock.now() reads it. No freezegun: the live server runs in this process."""
    real = timezone.now
    state = {"offset": timedelta(0)}
    monkeypatch.setattr(timezone, "now", lambda: real() + state["offset"])

    def set_to(moment):
        state["offset"] = moment - real()

    set_to.now = timezone.now
    return set_to


def login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def ok(page, text):
    """A successful POST redirects back with a message."""
    page.locator("#flash [role=status]").filter(has_text=text).first.wait_for()


def timeline(page):
    """The request page's 处理记录 rows: [time, kind, actor, text]."""
    rows = page.locator("section.card:has(h2:text-is('处理记录')) tbody tr")
    return [[c.strip() for c in r.locator("td").all_inner_texts()] for r in rows.all()]


def in_order(rows, expected):
    """Each (time, kind, actor, text fragment) of `expected` is a row of the timeline, in that order."""
    i = 0
    for at, kind, actor, fragment in expected:
        while i < len(rows) and not (rows[i][:3] == [at, kind, actor] and fragment in rows[i][3]):
            i += 1
        assert i < len(rows), f"{at} {kind} {actor} «{fragment}» missing or out of order in {rows}"
        i += 1


def open_forms(page):
    """Open every closed step form of a record's page ({% lazyform %}: drawn when opened) and wait until each
    has arrived. A clerk opens the one she needs; the tests open them all."""
    closed = page.locator("details.lazy-form:not([open]) > summary")
    while closed.count():
        closed.first.click()
    page.wait_for_function("!document.querySelector('details.lazy-form .lazy-pending')")
