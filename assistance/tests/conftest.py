import pytest


@pytest.fixture
def secsup(world):
    """保安部 shift leader of property 1 (the shared personas have only a guard)."""
    from core import services
    from core.choices import Role

    return services.staff_create(
        actor=None,
        username="secsup",
        password="x-secsup-1",
        display_name="钱领班",
        prop=world.p1,
        role=Role.SEC_SUPERVISOR,
    )


@pytest.fixture
def make_help(world):
    from assistance import services

    def make(category="other", actor=None, prop=None, **kw):
        kw.setdefault("channel", "phone")
        kw.setdefault("reporter_name", "王先生")
        kw.setdefault("contact_phone", "13812345678")
        kw.setdefault("description", "住户求助")
        kw.setdefault("unit", world.u1 if (prop or world.p1) == world.p1 else None)
        return services.help_create(
            actor=actor or world.frontdesk, prop=prop or world.p1, category=category, **kw
        )

    return make


@pytest.fixture
def no_flow(monkeypatch):
    """Make a request kind look unregistered in the engine (its app not built yet)."""
    from assistance.services import REFERRAL_CREATORS
    from servicedesk.engine import WORKFLOWS

    def hide(kind):
        monkeypatch.delitem(WORKFLOWS, kind, raising=False)
        monkeypatch.delitem(REFERRAL_CREATORS._entries, kind, raising=False)

    return hide


@pytest.fixture
def fake_flow(monkeypatch):
    """Register a minimal workflow for a kind, as the repairs/complaints apps will."""
    from django.db import models

    from assistance.services import REFERRAL_CREATORS
    from servicedesk.engine import WORKFLOWS, Transition, Workflow

    class St(models.TextChoices):
        NEW = "new", "新"
        DONE = "done", "完成"

    from servicedesk.engine import PANELS

    def add(kind):
        monkeypatch.delitem(REFERRAL_CREATORS._entries, kind, raising=False)
        monkeypatch.delitem(PANELS._entries, kind, raising=False)
        monkeypatch.setitem(
            WORKFLOWS,
            kind,
            Workflow(
                kind=kind,
                states=St,
                initial=St.NEW,
                closed={St.DONE},
                transitions=[Transition("done", {St.NEW}, St.DONE, action="request.note", label="完成")],
            ),
        )

    return add
