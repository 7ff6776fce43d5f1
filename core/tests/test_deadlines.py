"""due_at clocks over the business calendar (office windows, holidays, 调休), pause/resume, warnings,
the periodic check that turns clocks into notifications exactly once, and quiet hours."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core import services
from core.choices import DeadlineState
from core.deadlines import (
    Calendar,
    about_to_breach,
    check_deadlines,
    clock_pause,
    clock_resume,
    clock_start,
    clock_stop,
    in_quiet_hours,
    next_call_time,
    overdue,
)
from core.errors import DomainError
from core.models import CalendarDay, Deadline, Notification

TZ = ZoneInfo("Asia/Shanghai")
H = 3600


def at(y, m, d, hh=0, mm=0, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=TZ)


def national_day_2025(prop=None):
    """The 2025 National Day schedule as CalendarDay rows (as chinese-calendar has it)."""
    for d in range(1, 9):
        CalendarDay.objects.create(property=prop, date=date(2025, 10, d), is_workday=False, name="国庆节")
    CalendarDay.objects.create(property=prop, date=date(2025, 9, 28), is_workday=True, name="调休上班")
    CalendarDay.objects.create(property=prop, date=date(2025, 10, 11), is_workday=True, name="调休上班")


# ---- Calendar.add / between ------------------------------------------------------------------------


def test_default_windows_have_a_lunch_break(world):
    assert world.p1.office_windows == [["08:30", "12:00"], ["13:30", "17:30"]]
    cal = Calendar(world.p1)
    # Monday 2025-06-09, 11:00 + 2 business hours: 1h before lunch, 1h after 13:30
    assert cal.add(at(2025, 6, 9, 11), 2 * H) == at(2025, 6, 9, 14, 30)
    assert cal.between(at(2025, 6, 9, 11), at(2025, 6, 9, 14, 30)) == 2 * H
    # the lunch break itself counts nothing
    assert cal.between(at(2025, 6, 9, 12), at(2025, 6, 9, 13, 30)) == 0
    # exactly to the end of the morning window stays in the morning
    assert cal.add(at(2025, 6, 9, 8, 30), 3.5 * H) == at(2025, 6, 9, 12)
    # a start during lunch begins counting at 13:30
    assert cal.add(at(2025, 6, 9, 12, 15), 30 * 60) == at(2025, 6, 9, 14)
    # a full working day is 7.5 hours
    assert cal.between(at(2025, 6, 9), at(2025, 6, 10)) == 7.5 * H


def test_add_across_a_weekend(world):
    cal = Calendar(world.p1)
    # Friday 2025-06-13 17:00 + 1h: 30 min on Friday, then Monday 08:30 + 30 min
    assert cal.add(at(2025, 6, 13, 17), H) == at(2025, 6, 16, 9)
    # a start on Saturday evening begins on Monday morning
    assert cal.add(at(2025, 6, 14, 20), 0) == at(2025, 6, 16, 8, 30)
    assert cal.between(at(2025, 6, 13, 17), at(2025, 6, 16, 9)) == H
    assert not cal.is_workday(date(2025, 6, 14)) and not cal.is_workday(date(2025, 6, 15))


def test_add_across_public_holiday_and_make_up_saturday(world):
    national_day_2025()
    cal = Calendar(world.p1)
    # Tuesday 30 Sep 17:00 + 1h: 30 min, then 1–8 Oct off, Thursday 9 Oct 09:00
    assert cal.add(at(2025, 9, 30, 17), H) == at(2025, 10, 9, 9)
    # Friday 26 Sep 17:00 + 1h: Saturday off, Sunday 28 Sep is a 调休 working day
    assert cal.add(at(2025, 9, 26, 17), H) == at(2025, 9, 28, 9)
    # Friday 10 Oct 17:00 + 1h: Saturday 11 Oct is a make-up working day
    assert cal.add(at(2025, 10, 10, 17), H) == at(2025, 10, 11, 9)
    assert cal.is_workday(date(2025, 10, 11)) and not cal.is_workday(date(2025, 10, 1))
    assert cal.between(at(2025, 9, 30), at(2025, 10, 10)) == 2 * 7.5 * H  # 30 Sep and 9 Oct


def test_calendar_seed_2025_from_chinese_calendar(world):
    # verify the package itself first
    assert chinese_calendar.is_holiday(date(2025, 10, 1))
    assert date(2025, 9, 28).weekday() == 6 and chinese_calendar.is_workday(date(2025, 9, 28))
    added = services.calendar_seed(years=[2025])
    assert added > 20
    oct1 = CalendarDay.objects.get(property=None, date=date(2025, 10, 1))
    assert not oct1.is_workday and oct1.name == "国庆节"
    assert CalendarDay.objects.get(property=None, date=date(2025, 9, 28)).is_workday
    cal = Calendar(world.p1)
    assert cal.is_workday(date(2025, 9, 28)) and not cal.is_workday(date(2025, 10, 1))
    assert not cal.is_workday(date(2025, 1, 29))  # 春节
    # seeding again adds nothing; an edited row is kept
    CalendarDay.objects.filter(date=date(2025, 10, 8)).update(is_workday=True, name="改")
    assert services.calendar_seed(years=[2025]) == 0
    assert CalendarDay.objects.get(property=None, date=date(2025, 10, 8)).name == "改"


def test_calendar_seed_unknown_year(world):
    assert services.calendar_seed(years=[2099]) == 0  # the demo loader asks for next year quietly
    with pytest.raises(services.CalendarYearUnknown) as exc:
        services.calendar_seed(years=[2099], strict=True, actor=world.supervisor)
    assert "11 月" in str(exc.value.message) and "2099" in str(exc.value.message)
    assert not CalendarDay.objects.exists()


def test_property_override_beats_the_global_row(world):
    national_day_2025()
    services.calendar_day_set(
        actor=world.supervisor, prop=world.p1, day=date(2025, 10, 8), is_workday=True, name="本项目上班"
    )
    services.calendar_day_set(
        actor=world.supervisor, prop=world.p1, day=date(2025, 6, 9), is_workday=False, name="项目停电"
    )
    p1, p2 = Calendar(world.p1), Calendar(world.p2)
    assert p1.is_workday(date(2025, 10, 8)) and not p2.is_workday(date(2025, 10, 8))
    assert not p1.is_workday(date(2025, 6, 9)) and p2.is_workday(date(2025, 6, 9))
    assert p1.add(at(2025, 9, 30, 17), H) == at(2025, 10, 8, 9)
    assert p2.add(at(2025, 9, 30, 17), H) == at(2025, 10, 9, 9)


def test_calendar_loads_overrides_in_one_query_per_range(world, django_assert_max_num_queries):
    national_day_2025()
    cal = Calendar(world.p1)
    with django_assert_max_num_queries(1):
        for i in range(40):
            cal.is_workday(date(2025, 9, 20) + timedelta(days=i))


def test_property_without_office_windows_refuses_business_clocks(world):
    world.p1.office_windows = []
    with pytest.raises(DomainError):
        Calendar(world.p1).add(at(2025, 6, 9, 9), H)


BUSINESS_SECONDS = st.integers(min_value=0, max_value=12 * int(7.5 * H))


@pytest.mark.django_db
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    day=st.integers(min_value=0, max_value=364),
    minute=st.integers(min_value=0, max_value=449),  # a minute of the 7.5 office hours
    seconds=BUSINESS_SECONDS,
)
def test_between_inverts_add_for_business_starts(world, day, minute, seconds):
    if not CalendarDay.objects.exists():
        services.calendar_seed(years=[2025, 2026])
    cal = Calendar(world.p1)
    d = date(2025, 1, 1) + timedelta(days=day)
    assume(cal.is_workday(d))
    start = at(d.year, d.month, d.day, 8, 30) + timedelta(
        minutes=minute if minute < 210 else minute - 210 + 300
    )
    t = start.time()
    assert time(8, 30) <= t < time(12) or time(13, 30) <= t < time(17, 30)
    end = cal.add(start, seconds)
    assert end >= start
    assert cal.between(start, end) == seconds


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(minutes=st.integers(min_value=0, max_value=14 * 24 * 60), seconds=BUSINESS_SECONDS)
def test_between_inverts_add_from_any_start(world, minutes, seconds):
    cal = Calendar(world.p1)
    start = at(2025, 6, 7) + timedelta(minutes=minutes)
    assert cal.between(start, cal.add(start, seconds)) == seconds


# ---- clocks ---------------------------------------------------------------------------------------


def test_clock_start_stores_due_and_warn_at_default_share(world):
    assert world.p1.deadline_warn_share == 75
    dl = clock_start(
        world.u1, prop=world.p1, kind="t", label="测试", duration=timedelta(hours=8), start=at(2025, 6, 9, 9)
    )
    assert dl.due_at == at(2025, 6, 9, 17)
    assert dl.warn_at == at(2025, 6, 9, 15)  # 75% of 8h
    assert dl.state == DeadlineState.RUNNING


def test_warn_at_follows_the_property_share_and_business_time(world):
    services.property_update(actor=world.manager, prop=world.p1, deadline_warn_share=50)
    dl = clock_start(
        world.u1, prop=world.p1, kind="t", label="测试", duration=timedelta(hours=8), start=at(2025, 6, 9, 9)
    )
    assert dl.warn_at == at(2025, 6, 9, 13)
    # business: one working day from Monday 08:30, warned at 75% = 5h37m30s of business time
    world.p1.deadline_warn_share = 75
    dl = clock_start(
        world.u2,
        prop=world.p1,
        kind="b",
        label="工作日",
        duration=timedelta(hours=7.5),
        business_hours=True,
        start=at(2025, 6, 9, 8, 30),
    )
    assert dl.due_at == at(2025, 6, 9, 17, 30)
    assert dl.warn_at == at(2025, 6, 9, 15, 37, 30)


def test_restart_cancels_the_open_clock_of_the_same_kind(world):
    first = clock_start(world.u1, prop=world.p1, kind="k", label="a", duration=timedelta(hours=1))
    second = clock_start(world.u1, prop=world.p1, kind="k", label="b", duration=timedelta(hours=2))
    first.refresh_from_db()
    assert first.state == DeadlineState.CANCELLED and second.state == DeadlineState.RUNNING


def test_pause_resume_does_not_count_paused_time(world):
    t0 = at(2025, 6, 9, 9)
    clock_start(world.u1, prop=world.p1, kind="p", label="暂停", duration=timedelta(hours=10), start=t0)
    dl = clock_pause(world.u1, kind="p", now=t0 + timedelta(hours=2))
    assert dl.state == DeadlineState.PAUSED and dl.remaining_seconds == 8 * H
    assert clock_pause(world.u1, kind="p", now=t0 + timedelta(hours=3)).remaining_seconds == 8 * H
    dl = clock_resume(world.u1, kind="p", now=t0 + timedelta(hours=5))
    assert dl.state == DeadlineState.RUNNING
    assert dl.due_at == t0 + timedelta(hours=13)
    assert dl.warn_at == t0 + timedelta(hours=10, minutes=30)  # 7.5h - 2h before the pause, 5.5h after
    assert clock_resume(world.u1, kind="p", now=t0 + timedelta(hours=6)).due_at == dl.due_at


def test_pause_resume_with_business_hours(world):
    start = at(2025, 6, 9, 9)  # Monday
    dl = clock_start(
        world.u1,
        prop=world.p1,
        kind="bp",
        label="工时",
        duration=timedelta(hours=4),
        business_hours=True,
        start=start,
    )
    assert dl.due_at == at(2025, 6, 9, 14, 30)
    assert dl.warn_at == at(2025, 6, 9, 12)  # 3h of business time
    dl = clock_pause(world.u1, kind="bp", now=at(2025, 6, 9, 10))
    assert dl.remaining_seconds == 3 * H
    dl = clock_resume(world.u1, kind="bp", now=at(2025, 6, 10, 9))  # Tuesday morning
    assert dl.due_at == at(2025, 6, 10, 12)
    assert dl.warn_at == at(2025, 6, 10, 11)


def test_paused_and_stopped_clocks_are_not_checked(world):
    t0 = at(2025, 6, 9, 9)
    clock_start(
        world.u1,
        prop=world.p1,
        kind="a",
        label="a",
        duration=timedelta(hours=1),
        start=t0,
        responsible=world.admin1,
    )
    clock_start(
        world.u2,
        prop=world.p1,
        kind="a",
        label="b",
        duration=timedelta(hours=1),
        start=t0,
        responsible=world.admin1,
    )
    clock_pause(world.u1, kind="a", now=t0 + timedelta(minutes=10))
    stopped = clock_stop(world.u2, kind="a", now=t0 + timedelta(minutes=20))
    assert stopped.state == DeadlineState.MET and stopped.met_at == t0 + timedelta(minutes=20)
    assert check_deadlines(now=t0 + timedelta(days=1)) == {"warned": 0, "breached": 0}
    assert not Notification.objects.exists()
    assert clock_stop(world.u2, kind="a") is None


# ---- the periodic check -----------------------------------------------------------------------------


def test_check_deadlines_warns_then_breaches_exactly_once(world):
    t0 = at(2025, 6, 9, 9)
    dl = clock_start(
        world.u1,
        prop=world.p1,
        kind="cb",
        label="回访 3-1201",
        duration=timedelta(hours=4),
        responsible=world.admin1,
        link="/x/1/",
        start=t0,
    )
    assert check_deadlines(now=t0 + timedelta(hours=2)) == {"warned": 0, "breached": 0}
    # 75%: warning to the responsible person only
    assert check_deadlines(now=t0 + timedelta(hours=3)) == {"warned": 1, "breached": 0}
    assert check_deadlines(now=t0 + timedelta(hours=3, minutes=1)) == {"warned": 0, "breached": 0}
    warn = Notification.objects.get()
    assert warn.recipient == world.admin1 and warn.level == "warning" and "即将超时" in warn.title
    assert warn.link == "/x/1/" and warn.property == world.p1
    # breach: responsible + 客服主管 of that property (not the other property's supervisor)
    assert check_deadlines(now=t0 + timedelta(hours=4)) == {"warned": 0, "breached": 1}
    assert check_deadlines(now=t0 + timedelta(hours=5)) == {"warned": 0, "breached": 0}
    breach = Notification.objects.filter(level="danger")
    assert {n.recipient for n in breach} == {world.admin1, world.supervisor}
    assert Notification.objects.count() == 3
    dl.refresh_from_db()
    assert dl.warned_at == t0 + timedelta(hours=3) and dl.breached_at == t0 + timedelta(hours=4)


def test_overdue_without_warning_notifies_the_breach_only(world):
    t0 = at(2025, 6, 9, 9)
    clock_start(world.u1, prop=world.p1, kind="x", label="超时", duration=timedelta(hours=1), start=t0)
    assert check_deadlines(now=t0 + timedelta(days=2)) == {"warned": 0, "breached": 1}
    assert check_deadlines(now=t0 + timedelta(days=2)) == {"warned": 0, "breached": 0}
    # no responsible person: the 客服主管 is told
    assert [n.recipient for n in Notification.objects.all()] == [world.supervisor]
    assert Deadline.objects.get().warned_at is not None


def test_check_deadlines_task_runs_in_immediate_mode(world):
    from core.tasks import check_deadlines_task

    clock_start(
        world.u1,
        prop=world.p1,
        kind="task",
        label="周期任务",
        duration=timedelta(hours=1),
        responsible=world.admin2,
        start=at(2020, 1, 1, 9),
    )
    check_deadlines_task()
    check_deadlines_task()
    assert Notification.objects.filter(recipient=world.admin2, level="danger").count() == 1


def test_overdue_and_about_to_breach_queries(world):
    t0 = at(2025, 6, 9, 9)
    a = clock_start(world.u1, prop=world.p1, kind="q", label="a", duration=timedelta(hours=1), start=t0)
    b = clock_start(world.u2, prop=world.p1, kind="q", label="b", duration=timedelta(hours=4), start=t0)
    now = t0 + timedelta(hours=3, minutes=30)
    assert list(overdue(Deadline.objects.all(), now)) == [a]
    assert list(about_to_breach(Deadline.objects.all(), now)) == [b]


# ---- quiet hours: R-EXP-10, R-CB-03 --------------------------------------------------------------------


# R-EXP-10: no calls after 21:30; R-CB-03: callbacks avoid the residents' rest (default 21:30–08:00)
@pytest.mark.parametrize(
    "hh,mm,quiet",
    [
        (21, 29, False),
        (21, 30, True),
        (23, 59, True),
        (0, 0, True),
        (3, 0, True),
        (7, 59, True),
        (8, 0, False),
        (12, 0, False),
    ],
)
def test_in_quiet_hours_across_midnight(world, hh, mm, quiet):
    assert (world.p1.quiet_start, world.p1.quiet_end) == (time(21, 30), time(8, 0))
    assert in_quiet_hours(world.p1, at(2025, 6, 9, hh, mm)) is quiet


# R-EXP-10
def test_next_call_time(world):
    p = world.p1
    assert next_call_time(p, at(2025, 6, 9, 22)) == at(2025, 6, 10, 8)  # evening → next morning
    assert next_call_time(p, at(2025, 6, 10, 3)) == at(2025, 6, 10, 8)  # after midnight → same morning
    assert next_call_time(p, at(2025, 6, 9, 10)) == at(2025, 6, 9, 10)  # daytime: now
    assert next_call_time(p, at(2025, 6, 9, 21, 30)) == at(2025, 6, 10, 8)


def test_quiet_hours_within_one_day(world):
    services.property_update(actor=world.manager, prop=world.p1, quiet_start="12:00", quiet_end="14:00")
    p = world.p1
    assert in_quiet_hours(p, at(2025, 6, 9, 13)) and not in_quiet_hours(p, at(2025, 6, 9, 23))
    assert next_call_time(p, at(2025, 6, 9, 12, 30)) == at(2025, 6, 9, 14)


def test_span_text_for_the_overdue_lists():
    from core.deadlines import span_text

    assert span_text(timedelta(minutes=12, seconds=40)) == "12分钟"
    assert span_text(timedelta(hours=3, minutes=15)) == "3小时15分"
    assert span_text(timedelta(days=2, hours=3, minutes=59)) == "2天3小时"
