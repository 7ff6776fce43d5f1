import os

import pytest
from django.core.cache import cache

# Browser tests drive Debian's chromium through playwright (never a downloaded browser).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _restore_language():
    """A test client's request in English leaves English active in this thread; the next test starts in the
    language it started in."""
    from django.utils import translation

    with translation.override(translation.get_language()):
        yield


@pytest.fixture
def daytime(monkeypatch):
    """Freeze "now" at 10:00 today (a Shanghai morning: outside the quiet hours, after midnight's date change)
    for a test whose rules depend on the hour, whatever time the suite runs; `daytime(hours=2)` or
    `daytime(to=...)` moves it, `daytime.now()` reads it."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    state = {"now": timezone.make_aware(datetime.combine(timezone.localdate(), time(10)))}
    monkeypatch.setattr(timezone, "now", lambda: state["now"])

    def move(to=None, **delta):
        state["now"] = to if to is not None else state["now"] + timedelta(**delta)
        return state["now"]

    move.now = lambda: state["now"]
    return move


@pytest.fixture
def world(db):
    from core.testing.personas import build_world

    return build_world()


@pytest.fixture
def consultation(world):
    """A consultation (咨询) taken by the front desk at property 1: the simplest request on the shared page."""
    from servicedesk import services

    return services.request_create(
        actor=world.frontdesk,
        prop=world.p1,
        kind="consultation",
        channel="phone",
        title="停车卡办理咨询",
        description="想问停车卡怎么办",
        reporter_name="张三",
    )


@pytest.fixture
def client_as():
    """client_as(user) → a test client logged in as that user (a new client each call, so two users in
    one test act as themselves)."""
    from django.test import Client

    def login(user):
        c = Client()
        c.force_login(user)
        return c

    return login


@pytest.fixture
def api_as():
    from rest_framework.test import APIClient

    def login(user):
        c = APIClient()
        c.force_authenticate(user)
        return c

    return login


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        msg = "Debian chromium is missing: apt-get install -y chromium (.ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(msg)  # CI must run the browser tests, never skip them
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django's async-safety check must not trip over it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.set_default_timeout(15000)
    yield pg
    ctx.close()
