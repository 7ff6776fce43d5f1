"""规则参数 of 报修: changing the property's settings changes the clocks (core.rule_settings)."""

from datetime import timedelta

from django.utils import timezone

from core import services as core_services
from core.models import Deadline
from repairs import services

from .conftest import at


def _set(rw, **values):
    core_services.rule_settings_update(
        actor=rw.supervisor, prop=rw.p1, values={f"repairs.{k}": v for k, v in values.items()}
    )


def _due(req, kind):
    return Deadline.objects.filter(object_id=req.pk, kind=kind).latest("id").due_at


# R-REP-10: the seed sets no completion time; the property's 维修完成时限 (8 office hours by default)
# runs on its business calendar (lunch break not counted).
def test_completion_clock_follows_the_property_setting(rw, make_repair):
    r = make_repair(received_at=at(2025, 3, 12, 11, 0))  # Wed 11:00
    assert _due(r, "complete") == at(2025, 3, 13, 11, 30)
    _set(rw, complete_within=4)
    r = make_repair(received_at=at(2025, 3, 12, 11, 0))  # 1h to 12:00, lunch, 3h from 13:30
    assert _due(r, "complete") == at(2025, 3, 12, 16, 30)


# R-REP-13: engineering is reminded the property's lead time before the new time agreed with the resident.
def test_reminder_lead_follows_the_property_setting(rw, make_repair):
    _set(rw, remind_lead=90)
    r = make_repair()
    services.repair_collect(actor=rw.engineer, request=r, collector=rw.engineer)
    later = timezone.now() + timedelta(hours=3)
    o = services.repair_hold(
        actor=rw.admin1, request=r, reason_kind="not_home", reason="敲门无人", rescheduled_for=later
    )
    assert o.remind_at == later - timedelta(minutes=90)
    assert services.repairs_due_actions(now=later - timedelta(minutes=100))["reminded"] == 0
    assert services.repairs_due_actions(now=later - timedelta(minutes=89))["reminded"] == 1


# R-REP-12: an order on hold for parts is followed up every `parts_follow_up` office hours.
def test_parts_follow_up_clock_follows_the_property_setting(rw, make_repair):
    _set(rw, parts_follow_up=2)
    r = make_repair(received_at=at(2025, 3, 12, 9, 0))
    services.repair_collect(actor=rw.engineer, request=r, collector=rw.engineer, at=at(2025, 3, 12, 9, 3))
    services.repair_hold(
        actor=rw.admin1,
        request=r,
        reason_kind="parts",
        reason="缺配件",
        resident_agreed=True,
        at=at(2025, 3, 12, 9, 30),
    )
    assert _due(r, "follow_up") == at(2025, 3, 12, 11, 30)


# R-REP-11 ("promptly"): the CS confirmation with the resident is due the property's office hours after
# completion; R-REP-28 ("as soon as possible"): so is the 《事故报告》 after an emergency repair.
def test_confirm_and_accident_report_clocks_follow_the_property_setting(rw):
    _set(rw, confirm_within=1, accident_report_within=3)
    r = services.repair_emergency_create(
        actor=rw.frontdesk,
        prop=rw.p1,
        unit=rw.u1,
        description="3-1201 卫生间跑水,水漫到客厅",
        severity="serious",
        reporter_name="张三",
        contact_phone="13812345678",
        at=at(2025, 3, 12, 9, 0),
    )
    services.repair_arrive(actor=rw.engineer, request=r, at=at(2025, 3, 12, 9, 4))
    services.repair_complete(
        actor=rw.engineer,
        request=r,
        result="关闭总阀,更换爆裂软管",
        repairer_signature="刘工",
        signer_name="张三",
        reported_to_cs=True,
        at=at(2025, 3, 12, 11, 0),
    )
    assert _due(r, "confirm") == at(2025, 3, 12, 12, 0)
    assert _due(r, "accident_report") == at(2025, 3, 12, 15, 30)  # 1h to 12:00, lunch, 2h from 13:30
