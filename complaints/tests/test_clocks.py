"""Clocks computed right across a lunch break, a weekend, a holiday and a 调休 working Saturday.

The same-day reply (R-CMP-24) is a calendar-day clock: due 23:59:59 of the day of intake whatever the
office hours. The investigation time asked of the resident (R-CMP-14) and the 批示 (R-CMP-15) are
business-hour clocks over the property's windows 08:30-12:00, 13:30-17:30 and its calendar.
"""

from datetime import date

import pytest
from django.utils import timezone

from complaints import services, workflow
from core.models import CalendarDay, Deadline

from .conftest import frozen, local

# 2030-01-09 Wed · 01-11 Fri · 01-12 Sat · 01-13 Sun · 01-14 Mon · 01-15 Tue


def _due(c, kind):
    return timezone.localtime(Deadline.objects.filter(object_id=c.pk, kind=kind).latest("id").due_at)


def _judge(world, c, eng, hours):
    services.complaint_judge(
        actor=world.supervisor,
        complaint=c,
        judgment="valid",
        reason="成立",
        responsible_department=eng,
        investigation_hours=hours,
        definition="4",
    )


@pytest.fixture
def at_intake(make_complaint):
    def make(moment):
        with frozen(moment):
            return make_complaint(received_at=moment)

    return make


# R-CMP-24
def test_same_day_reply_is_a_calendar_day_clock(world, at_intake):
    c = at_intake(local(2030, 1, 9, 11, 30))  # before lunch
    assert _due(c, workflow.CLOCK_SAME_DAY) == local(2030, 1, 9, 23, 59, 59)
    sat = at_intake(local(2030, 1, 12, 22, 0))  # a Saturday evening is still due that Saturday
    assert _due(sat, workflow.CLOCK_SAME_DAY) == local(2030, 1, 12, 23, 59, 59)
    CalendarDay.objects.create(date=date(2030, 1, 14), is_workday=False, name="假日")
    hol = at_intake(local(2030, 1, 14, 9, 0))  # a holiday too: the resident is answered the same day
    assert _due(hol, workflow.CLOCK_SAME_DAY) == local(2030, 1, 14, 23, 59, 59)


# R-CMP-24: a reply after midnight is not a same-day reply; the flag comes after the day ends.
def test_reply_after_midnight_is_flagged(world, at_intake):
    c = at_intake(local(2030, 1, 11, 23, 40))
    with frozen(local(2030, 1, 11, 23, 59)):
        assert services.complaints_check_same_day_replies()["flagged"] == 0  # the day is not over
    with frozen(local(2030, 1, 12, 0, 10)):
        services.complaint_reply(actor=world.frontdesk, complaint=c, text="您好,已安排处理")
        assert services.complaints_check_same_day_replies()["flagged"] == 1
    c.refresh_from_db()
    assert c.same_day_replied_at is None and c.same_day_reply_missed


# R-CMP-14: across the lunch break.
def test_investigation_clock_skips_lunch(world, at_intake, eng):
    c = at_intake(local(2030, 1, 9, 10, 0))
    with frozen(local(2030, 1, 9, 11, 0)):
        _judge(world, c, eng, 2)  # 11:00-12:00 = 1h, 13:30-14:30 = 1h
    assert _due(c, workflow.CLOCK_INVESTIGATE) == local(2030, 1, 9, 14, 30)


# R-CMP-14: across a weekend.
def test_investigation_clock_skips_weekend(world, at_intake, eng):
    c = at_intake(local(2030, 1, 11, 16, 0))
    with frozen(local(2030, 1, 11, 16, 30)):
        _judge(world, c, eng, 2)  # Fri 16:30-17:30 = 1h, Mon 08:30-09:30 = 1h
    assert _due(c, workflow.CLOCK_INVESTIGATE) == local(2030, 1, 14, 9, 30)


# R-CMP-14: across a public holiday.
def test_investigation_clock_skips_holiday(world, at_intake, eng):
    CalendarDay.objects.create(date=date(2030, 1, 14), is_workday=False, name="假日")
    c = at_intake(local(2030, 1, 11, 16, 0))
    with frozen(local(2030, 1, 11, 16, 30)):
        _judge(world, c, eng, 2)
    assert _due(c, workflow.CLOCK_INVESTIGATE) == local(2030, 1, 15, 9, 30)


# R-CMP-14: a 调休 working Saturday counts; a property's own entry wins over the general one.
def test_investigation_clock_counts_make_up_saturday(world, at_intake, eng):
    CalendarDay.objects.create(date=date(2030, 1, 12), is_workday=True, name="调休上班")
    c = at_intake(local(2030, 1, 11, 16, 0))
    with frozen(local(2030, 1, 11, 16, 30)):
        _judge(world, c, eng, 2)
    assert _due(c, workflow.CLOCK_INVESTIGATE) == local(2030, 1, 12, 9, 30)
    CalendarDay.objects.create(
        property=world.p1, date=date(2030, 1, 12), is_workday=False, name="本项目不调休"
    )
    c2 = at_intake(local(2030, 1, 11, 16, 0))
    with frozen(local(2030, 1, 11, 16, 30)):
        _judge(world, c2, eng, 2)
    assert _due(c2, workflow.CLOCK_INVESTIGATE) == local(2030, 1, 14, 9, 30)


# R-CMP-15: the 批示 clock (4 business hours) over lunch, weekend, holiday and 调休.
@pytest.mark.parametrize(
    "days, submitted, expected",
    [
        ([], local(2030, 1, 9, 10, 0), local(2030, 1, 9, 15, 30)),  # lunch
        ([], local(2030, 1, 11, 15, 30), local(2030, 1, 14, 10, 30)),  # weekend
        ([(date(2030, 1, 14), False)], local(2030, 1, 11, 15, 30), local(2030, 1, 15, 10, 30)),  # holiday
        ([(date(2030, 1, 12), True)], local(2030, 1, 11, 15, 30), local(2030, 1, 12, 10, 30)),  # 调休
    ],
)
def test_instruction_clock(world, at_intake, eng, days, submitted, expected):
    for d, work in days:
        CalendarDay.objects.create(date=d, is_workday=work)
    c = at_intake(local(2030, 1, 9, 8, 45))
    with frozen(submitted):
        _judge(world, c, eng, 7)
        services.proposal_add(actor=world.admin1, complaint=c, text="更换灯具")
        services.complaint_step(actor=world.admin1, complaint=c, name="submit_proposals")
    assert _due(c, workflow.CLOCK_INSTRUCTION) == expected


# R-CMP-10 (3): one calendar month from intake, end-of-month clamped.
def test_month_clock_and_escalation_on_time(world, at_intake, eng):
    c = at_intake(local(2030, 1, 31, 10, 0))
    with frozen(local(2030, 1, 31, 10, 5)):
        _judge(world, c, eng, 7)
    assert _due(c, workflow.CLOCK_MONTH) == local(2030, 2, 28, 10, 0)
    assert services.complaints_escalate_unresolved(now=local(2030, 2, 28, 9, 59)) == 0
    assert services.complaints_escalate_unresolved(now=local(2030, 2, 28, 10, 0)) == 1
