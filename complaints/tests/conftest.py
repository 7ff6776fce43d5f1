from contextlib import contextmanager
from datetime import date, datetime
from unittest import mock

import pytest
from django.utils import timezone

from complaints import services
from residents import services as residents_services
from residents.choices import OccupancyRole


@contextmanager
def frozen(moment: datetime):
    """Run services as if it were `moment` (every module reads django.utils.timezone.now at call time)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def local(y, m, d, hh=0, mm=0, ss=0) -> datetime:
    return timezone.make_aware(datetime(y, m, d, hh, mm, ss))


@pytest.fixture
def zhang(world):
    r = residents_services.resident_create(
        actor=world.frontdesk, prop=world.p1, name="张三", phone="13812345678"
    )
    residents_services.occupancy_start(
        actor=world.frontdesk, resident=r, unit=world.u1, role=OccupancyRole.OWNER, start=date(2023, 5, 1)
    )
    return r


@pytest.fixture
def make_complaint(world, zhang):
    """make_complaint(**overrides): a phone complaint from 张三 (3-1201) registered by the front desk."""

    def make(**kw):
        args = dict(
            actor=world.frontdesk,
            prop=world.p1,
            channel="phone",
            title="楼道灯坏了一周无人修",
            description="3栋12楼楼道灯坏了一周,报修两次无人处理。",
            reporter_name="张三",
            reporter=zhang,
            unit=world.u1,
            basic_type="quality",
            analysis_category="equipment",
            emotion="angry",
            apologised=True,
            steps=["hear", "ask", "record"],
        )
        args.update(kw)
        return services.complaint_create(**args)

    return make


@pytest.fixture
def eng(world):
    from core.models import Department

    return Department.objects.get(property=world.p1, kind="eng")


@pytest.fixture
def judged(world, make_complaint, eng):
    """A complaint judged 成立, responsible 工程部."""

    def make(**kw):
        c = make_complaint(**kw)
        services.complaint_judge(
            actor=world.supervisor,
            complaint=c,
            judgment="valid",
            reason="报修两次未处理,理由充分",
            responsible_department=eng,
            investigation_hours=7,
            definition="4",
        )
        return c

    return make


@pytest.fixture
def handled(world, judged):
    """A 成立 complaint taken through proposals, 批示 and handling to 已处理."""

    def make(**kw):
        c = judged(**kw)
        p = services.proposal_add(actor=world.admin1, complaint=c, text="工程部今天更换灯具")
        services.complaint_step(actor=world.admin1, complaint=c, name="submit_proposals")
        services.complaint_instruct(
            actor=world.supervisor, complaint=c, proposal=p, instruction="同意,今日完成"
        )
        services.complaint_reply(
            actor=world.frontdesk, complaint=c, text="您好,已安排工程部今天处理,我们会及时把处理结果通知您"
        )
        services.complaint_step(actor=world.admin1, complaint=c, name="start_handling")
        services.complaint_complete(actor=world.admin1, complaint=c, resolution="已更换LED灯具并试亮")
        c.refresh_from_db()
        c.request.refresh_from_db()
        return c

    return make
