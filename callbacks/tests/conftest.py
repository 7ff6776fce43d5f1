from datetime import date, datetime, time

import pytest
from django.utils import timezone

from servicedesk import engine
from servicedesk.engine import Transition, Workflow
from servicedesk.models import ServiceRequest


def _flow(kind):
    from django.db import models

    class S(models.TextChoices):
        RECEIVED = "received", "已受理"
        HANDLED = "handled", "已处理"
        CLOSED = "closed", "已关闭"

    return Workflow(
        kind=kind,
        states=S,
        initial=S.RECEIVED,
        closed={S.CLOSED},
        transitions=[
            Transition("handle", {S.RECEIVED}, S.HANDLED, action="request.note", label="处理完成"),
            Transition("close", {S.HANDLED}, S.CLOSED, action="request.note", label="关闭"),
            Transition(
                "reopen",
                {S.HANDLED, S.CLOSED},
                S.RECEIVED,
                action="request.supervise",
                label="重新打开",
                reason_required=True,
                reopens=True,
            ),
        ],
    )


@pytest.fixture
def flows(monkeypatch):
    """A tiny workflow for the kinds built in parallel by other areas, restored after the test, so these
    tests do not depend on the complaints/repairs/assistance apps' state names."""
    for kind in ("complaint", "repair", "help"):
        monkeypatch.setitem(engine.WORKFLOWS, kind, _flow(kind))


@pytest.fixture
def make_request(world, flows):
    counter = {"n": 0}

    def make(
        kind="complaint", *, prop=None, unit=None, status="handled", category="", reporter=None, at=None, **kw
    ):
        counter["n"] += 1
        prop = prop or world.p1
        return ServiceRequest.objects.create(
            property=prop,
            kind=kind,
            number=f"T{kind[:2].upper()}-{counter['n']:05d}",
            channel="phone",
            status=status,
            unit=unit if unit is not None else (world.u1 if prop == world.p1 else world.u_p2),
            reporter=reporter,
            reporter_name="王先生",
            contact_phone="13812345678",
            title=f"{kind} 测试",
            description="测试",
            category=category,
            created_by=world.frontdesk,
            received_at=at or timezone.now(),
            **kw,
        )

    return make


@pytest.fixture
def local_dt():
    def mk(d: date, hh: int, mm: int = 0) -> datetime:
        return timezone.make_aware(datetime.combine(d, time(hh, mm)))

    return mk


@pytest.fixture
def resident(world):
    from residents import services as rs

    def make(name="王大明", prop=None, key=False, unit=None, role="owner", gender="M"):
        actor = world.supervisor if (prop or world.p1) == world.p1 else world.supervisor2
        r = rs.resident_create(
            actor=actor, prop=prop or world.p1, name=name, is_key_customer=key, gender=gender
        )
        if unit is not None:
            rs.occupancy_start(actor=actor, resident=r, unit=unit, role=role, start=date(2020, 1, 1))
        return r

    return make
