"""The repair clocks on the property's business calendar: office windows 08:30-12:00 and 13:30-17:30 (the
lunch break is not counted), weekends, public holidays and 调休 working Saturdays (CalendarDay rows of the
property, created here), and pause/resume while waiting on the resident."""

from datetime import timedelta

import pytest

from core.models import CalendarDay, Deadline
from repairs import services

from .conftest import at

pytestmark = pytest.mark.django_db


def complete_clock(req):
    return Deadline.objects.get(object_id=req.pk, kind="complete", state__in=["running", "paused"])


def test_completion_clock_is_one_working_day_of_office_time():
    assert services.COMPLETE_WITHIN_BUSINESS == timedelta(hours=8)


def test_clock_skips_the_lunch_break(rw, make_repair):
    # Wed 2025-03-12 11:00: 1h to 12:00, lunch not counted, 4h to 17:30, then 3h on Thursday → 11:30
    r = make_repair(received_at=at(2025, 3, 12, 11, 0))
    dl = complete_clock(r)
    assert dl.business_hours and dl.due_at == at(2025, 3, 13, 11, 30)
    # the warning at 75% (6h of office time): 5h on Wednesday + 1h → Thursday 09:30
    assert dl.warn_at == at(2025, 3, 13, 9, 30)
    # the 5-minute collection clock is wall-clock time, even across 12:00
    r2 = make_repair(received_at=at(2025, 3, 12, 11, 58))
    assert Deadline.objects.get(object_id=r2.pk, kind="collect").due_at == at(2025, 3, 12, 12, 3)


def test_clock_skips_the_weekend(rw, make_repair):
    # Fri 2025-03-14 15:00: 2.5h on Friday, Sat/Sun off, 3.5h + 2h on Monday → Mon 15:30
    r = make_repair(received_at=at(2025, 3, 14, 15, 0))
    assert complete_clock(r).due_at == at(2025, 3, 17, 15, 30)


def test_clock_skips_a_public_holiday(rw, make_repair):
    CalendarDay.objects.create(property=rw.p1, date=at(2025, 3, 19).date(), is_workday=False, name="测试假日")
    # Tue 15:00: 2.5h Tue, Wed is a holiday, 5.5h on Thu → Thu 15:30
    r = make_repair(received_at=at(2025, 3, 18, 15, 0))
    assert complete_clock(r).due_at == at(2025, 3, 20, 15, 30)


def test_clock_counts_a_tiaoxiu_working_saturday(rw, make_repair):
    CalendarDay.objects.create(property=rw.p1, date=at(2025, 3, 22).date(), is_workday=True, name="调休上班")
    # Fri 15:00: 2.5h Fri, Saturday is a make-up working day → Sat 15:30
    r = make_repair(received_at=at(2025, 3, 21, 15, 0))
    assert complete_clock(r).due_at == at(2025, 3, 22, 15, 30)


def test_property_calendar_only_applies_to_its_property(rw, make_repair):
    CalendarDay.objects.create(property=rw.p2, date=at(2025, 3, 22).date(), is_workday=True, name="调休上班")
    r = make_repair(received_at=at(2025, 3, 21, 15, 0))
    assert complete_clock(r).due_at == at(2025, 3, 24, 15, 30)  # p1 keeps its weekend


# R-REP-13
def test_pause_while_resident_not_home_and_resume_at_the_agreed_time(rw, make_repair):
    # Wed 09:00 + 8h office time → Thu 09:30
    r = make_repair(received_at=at(2025, 3, 12, 9, 0))
    assert complete_clock(r).due_at == at(2025, 3, 13, 9, 30)
    services.repair_collect(actor=rw.engineer, request=r, collector=rw.engineer, at=at(2025, 3, 12, 9, 2))
    services.repair_arrive(actor=rw.engineer, request=r, at=at(2025, 3, 12, 9, 30))
    # Wed 10:00 the resident has gone out; new time agreed: Fri 10:00
    services.repair_hold(
        actor=rw.admin1,
        request=r,
        reason_kind="not_home",
        reason="业户外出",
        rescheduled_for=at(2025, 3, 14, 10, 0),
        at=at(2025, 3, 12, 10, 0),
    )
    dl = complete_clock(r)
    assert dl.state == "paused" and dl.remaining_seconds == 7 * 3600  # 2h + 4h Wed + 1h Thu left
    remind = Deadline.objects.get(object_id=r.pk, kind="remind")
    assert remind.due_at == at(2025, 3, 14, 9, 30)  # reminded 30 minutes before the agreed time
    # the periodic job at Fri 10:05: the reminder went out and the clock resumed at 10:00, not 10:05
    assert services.repairs_due_actions(now=at(2025, 3, 14, 10, 5)) == {"reminded": 1, "resumed": 1}
    dl.refresh_from_db()
    # Fri 10:00 + 7h: 2h + 4h Friday, the weekend off, 1h Monday → Mon 09:30 (Wed/Thu waiting not counted)
    assert dl.state == "running" and dl.due_at == at(2025, 3, 17, 9, 30)
    assert services.repairs_due_actions(now=at(2025, 3, 14, 10, 6)) == {"reminded": 0, "resumed": 0}
    # the engineer comes back at the agreed time: the order is at work again, the clock keeps running
    services.repair_arrive(actor=rw.engineer, request=r, at=at(2025, 3, 14, 10, 10))
    dl.refresh_from_db()
    assert dl.state == "running" and dl.due_at == at(2025, 3, 17, 9, 30)
    services.repair_complete(
        actor=rw.engineer,
        request=r,
        result="已修复",
        repairer_signature="刘工",
        signer_name="张三",
        at=at(2025, 3, 14, 11, 0),
    )
    dl.refresh_from_db()
    assert dl.state == "met" and dl.met_at == at(2025, 3, 14, 11, 0)


# R-REP-12
def test_pause_for_parts_and_resume_when_they_arrive(rw, make_repair):
    r = make_repair(received_at=at(2025, 3, 12, 9, 0))
    services.repair_collect(actor=rw.engineer, request=r, collector=rw.engineer, at=at(2025, 3, 12, 9, 3))
    services.repair_hold(
        actor=rw.admin1,
        request=r,
        reason_kind="parts",
        reason="缺配件",
        resident_agreed=True,
        at=at(2025, 3, 12, 13, 30),
    )
    # 09:00-12:00 = 3h used; 5h left. Parts arrive Monday 08:30 → 3.5h morning + 1.5h → Mon 15:00
    services.repair_resume(actor=rw.engineer, request=r, at=at(2025, 3, 17, 8, 30))
    assert complete_clock(r).due_at == at(2025, 3, 17, 15, 0)
    follow = Deadline.objects.get(object_id=r.pk, kind="follow_up")
    assert follow.state == "met"


# R-REP-11 R-REP-28
def test_confirmation_and_accident_report_clocks_are_office_time(rw):
    r = services.repair_emergency_create(
        actor=rw.frontdesk,
        prop=rw.p1,
        unit=rw.u1,
        description="跑水",
        severity="serious",
        reporter_name="张三",
        at=at(2025, 3, 14, 17, 0),
    )
    services.repair_arrive(actor=rw.engineer, request=r, at=at(2025, 3, 14, 17, 4))
    services.repair_complete(
        actor=rw.engineer,
        request=r,
        result="已止水",
        repairer_signature="刘工",
        signer_name="张三",
        at=at(2025, 3, 14, 17, 20),
    )
    confirm = Deadline.objects.get(object_id=r.pk, kind="confirm")
    report = Deadline.objects.get(object_id=r.pk, kind="accident_report")
    # 4h from Fri 17:20: 10 min Friday; Monday 08:30-12:00 (3h30), lunch, 13:30 + 20 min → Mon 13:50
    assert confirm.due_at == at(2025, 3, 17, 13, 50)
    # 8h: 10 min Friday, 7h30 Monday, 20 min Tuesday → Tue 08:50
    assert report.due_at == at(2025, 3, 18, 8, 50)
