"""项目设置 (property.manage) and 节假日与调休 (calendar.manage): pages, services, validation."""

from datetime import date, time

import pytest

from core import services
from core.choices import HistoryAction, Role
from core.deadlines import Calendar, format_windows, parse_windows
from core.errors import DomainError, NotAllowed
from core.history import history_for
from core.models import CalendarDay, Property, User

GOOD = {
    "name": "翠湖花园",
    "address": "深圳市南山区",
    "phone": "0755-88880000",
    "office_windows": "08:00-12:00, 13:00-17:00,18:00-20:00",
    "shift_start": "08:00",
    "shift_end": "19:00",
    "quiet_start": "21:30",
    "quiet_end": "08:00",
    "deadline_warn_share": "80",
    "archive_grant_hours": "4",
    "first_contact_days": "7",
}


# ---- parsing office windows ----------------------------------------------------------------------


def test_parse_windows_accepts_common_spellings():
    assert parse_windows("08:30-12:00,13:30-17:30") == [["08:30", "12:00"], ["13:30", "17:30"]]
    assert parse_windows("8:30-12:00,13:30~17:30") == [["08:30", "12:00"], ["13:30", "17:30"]]
    assert parse_windows([["9:00", "17:00"]]) == [["09:00", "17:00"]]
    assert parse_windows("08:30-12:00,12:00-13:00") == [["08:30", "12:00"], ["12:00", "13:00"]]  # touching
    assert format_windows([["08:30", "12:00"], ["13:30", "17:30"]]) == "08:30-12:00,13:30-17:30"


@pytest.mark.parametrize(
    "text,hint",
    [
        ("", "至少"),
        ("08:30", "格式"),
        ("12:00-08:30", "早于"),
        ("08:30-08:30", "早于"),
        ("13:30-17:30,08:30-12:00", "先后"),  # out of order
        ("08:30-12:00,11:00-17:30", "重叠"),
        ("25:00-26:00", "时间格式"),
        ("ab:cd-12:00", "时间格式"),
        ([1, 2], "格式"),
        ([["08:00", "12:00", "13:00"]], "格式"),
    ],
)
def test_parse_windows_refuses(text, hint):
    with pytest.raises(DomainError) as exc:
        parse_windows(text)
    assert exc.value.field == "office_windows" and hint in str(exc.value.message)


# ---- property_update ----------------------------------------------------------------------------------


def test_property_update_service(world):
    p = services.property_update(
        actor=world.manager, prop=world.p1, office_windows="9:00-12:00,14:00-18:00", deadline_warn_share=60
    )
    p.refresh_from_db()
    assert p.office_windows == [["09:00", "12:00"], ["14:00", "18:00"]] and p.deadline_warn_share == 60
    h = history_for(p)[0]
    assert h.action == HistoryAction.UPDATE and h.actor == world.manager
    assert h.changes["office_windows"][1] == [["09:00", "12:00"], ["14:00", "18:00"]]
    assert h.changes["deadline_warn_share"] == [75, 60]
    # the new windows drive the business calendar
    from datetime import datetime
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    assert Calendar(p).add(datetime(2025, 6, 9, 11, tzinfo=tz), 7200) == datetime(2025, 6, 9, 15, tzinfo=tz)


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"deadline_warn_share": 0}, "deadline_warn_share"),
        ({"deadline_warn_share": 100}, "deadline_warn_share"),
        ({"deadline_warn_share": "abc"}, "deadline_warn_share"),
        ({"shift_start": "19:00", "shift_end": "08:00"}, "shift_start"),
        ({"quiet_start": "22:00", "quiet_end": "22:00"}, "quiet_start"),
        ({"first_contact_days": 0}, "first_contact_days"),
        ({"archive_grant_hours": -1}, "archive_grant_hours"),
        ({"office_windows": "12:00-08:00"}, "office_windows"),
        ({"name": "  "}, "name"),
        ({"shift_end": "7pm"}, "shift_end"),
    ],
)
def test_property_update_refuses_bad_values_and_writes_nothing(world, fields, field):
    with pytest.raises(DomainError) as exc:
        services.property_update(actor=world.manager, prop=world.p1, **fields)
    assert exc.value.field == field
    fresh = Property.objects.get(pk=world.p1.pk)
    assert (
        fresh.deadline_warn_share == 75
        and fresh.shift_start == time(8, 0)
        and fresh.quiet_start == time(21, 30)
    )


def test_property_update_refuses_other_fields_and_roles(world):
    with pytest.raises(DomainError):
        services.property_update(actor=world.manager, prop=world.p1, code="hacked")
    with pytest.raises(NotAllowed):
        services.property_update(actor=world.supervisor, prop=world.p1, deadline_warn_share=50)
    with pytest.raises(NotAllowed):
        services.property_update(actor=world.manager, prop=world.p2, deadline_warn_share=50)
    assert Property.objects.get(pk=world.p1.pk).code == "cuihu"


# ---- 项目设置 page -------------------------------------------------------------------------------------


def test_property_settings_page_access(world, client, client_as):
    url = f"/settings/property/{world.p1.pk}/"
    assert client.get(url).status_code == 302
    assert client.get("/settings/property/").status_code == 302
    assert client_as(world.frontdesk).get(url).status_code == 403
    assert client_as(world.supervisor).get(url).status_code == 403
    assert client_as(world.supervisor).get("/settings/property/").status_code == 403
    assert client_as(world.manager).get(f"/settings/property/{world.p2.pk}/").status_code == 404
    r = client_as(world.manager).get("/settings/property/")
    assert r.status_code == 302 and r["Location"] == url


def test_property_settings_page_shows_settings_and_structure(world, client_as):
    r = client_as(world.manager).get(f"/settings/property/{world.p1.pk}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert 'value="08:30-12:00,13:30-17:30"' in html
    assert 'id="building-count">1<' in html and 'id="unit-count">3<' in html
    assert "3栋" in html and "项目设置" in html


def test_property_settings_index_lists_several_properties(world, client_as):
    services.membership_grant(actor=None, user=world.manager, prop=world.p2, role=Role.MANAGER)
    html = client_as(User.objects.get(pk=world.manager.pk)).get("/settings/property/").content.decode()
    assert "翠湖花园" in html and "国贸中心大厦" in html


def test_property_settings_post_saves_through_the_service(world, client_as):
    c = client_as(world.manager)
    url = f"/settings/property/{world.p1.pk}/"
    r = c.post(url, GOOD)
    assert r.status_code == 302 and r["Location"] == url
    p = Property.objects.get(pk=world.p1.pk)
    assert p.office_windows == [["08:00", "12:00"], ["13:00", "17:00"], ["18:00", "20:00"]]
    assert p.deadline_warn_share == 80 and p.address == "深圳市南山区"
    html = c.get(url).content.decode()
    assert "项目设置已保存" in html and "office_windows" in html  # the history table shows the change
    r = c.post(url, {**GOOD, "deadline_warn_share": "70"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 204 and r["HX-Redirect"] == url


@pytest.mark.parametrize(
    "change,message",
    [
        ({"office_windows": "08:30-12:00,11:30-17:30"}, "重叠"),
        ({"office_windows": "17:30-13:30"}, "早于"),
        ({"deadline_warn_share": "100"}, "99"),
        ({"shift_start": "20:00"}, "值班开始"),
        ({"quiet_end": "21:30"}, "免打扰"),
    ],
)
def test_property_settings_post_bad_input(world, client_as, change, message):
    r = client_as(world.manager).post(f"/settings/property/{world.p1.pk}/", {**GOOD, **change})
    assert r.status_code == 400
    assert message in r.content.decode()
    p = Property.objects.get(pk=world.p1.pk)
    assert p.office_windows == [["08:30", "12:00"], ["13:30", "17:30"]] and p.address == ""


# ---- 节假日与调休 ---------------------------------------------------------------------------------------


@pytest.fixture
def cal_rows(world):
    return {
        "g": CalendarDay.objects.create(
            property=None, date=date(2025, 10, 1), is_workday=False, name="国庆节"
        ),
        "g2": CalendarDay.objects.create(
            property=None, date=date(2025, 9, 28), is_workday=True, name="调休上班"
        ),
        "own": CalendarDay.objects.create(
            property=world.p1, date=date(2025, 10, 20), is_workday=False, name="小区停电"
        ),
        "p2": CalendarDay.objects.create(
            property=world.p2, date=date(2025, 10, 21), is_workday=False, name="国贸检修"
        ),
    }


def test_calendar_page_access(world, client, client_as):
    assert client.get("/settings/calendar/").status_code == 302
    assert client_as(world.frontdesk).get("/settings/calendar/").status_code == 403
    assert client_as(world.admin1).get("/settings/calendar/").status_code == 403
    assert client_as(world.manager).get("/settings/calendar/").status_code == 200
    assert client_as(world.supervisor).get("/settings/calendar/").status_code == 200
    assert client_as(world.supervisor).get(f"/settings/calendar/?property={world.p2.pk}").status_code == 404


def test_calendar_page_lists_global_and_own_rows(world, client_as, cal_rows):
    html = client_as(world.supervisor).get("/settings/calendar/?year=2025").content.decode()
    assert "2025-10-01" in html and "国庆节" in html and "2025-09-28" in html
    assert "小区停电" in html and "本项目设置" in html
    assert "国贸检修" not in html
    html2 = client_as(world.supervisor2).get("/settings/calendar/?year=2025").content.decode()
    assert "国贸检修" in html2 and "小区停电" not in html2


def test_calendar_override_day_for_the_property(world, client_as, cal_rows):
    c = client_as(world.supervisor)
    r = c.post(
        "/settings/calendar/",
        {"property": world.p1.pk, "date": "2025-10-01", "kind": "workday", "name": "本项目值班上班"},
    )
    assert r.status_code == 302 and "year=2025" in r["Location"]
    own = CalendarDay.objects.get(property=world.p1, date=date(2025, 10, 1))
    assert own.is_workday and own.name == "本项目值班上班"
    assert not CalendarDay.objects.get(pk=cal_rows["g"].pk).is_workday  # the global row is untouched
    assert Calendar(world.p1).is_workday(date(2025, 10, 1)) and not Calendar(world.p2).is_workday(
        date(2025, 10, 1)
    )
    assert history_for(own)[0].actor == world.supervisor
    html = c.get(r["Location"]).content.decode()
    assert "本项目值班上班" in html and "已保存" in html


def test_calendar_bad_input_writes_nothing(world, client_as):
    c = client_as(world.supervisor)
    r = c.post("/settings/calendar/", {"property": world.p1.pk, "date": "", "kind": "workday"})
    assert r.status_code == 400 and "has-error" in r.content.decode()
    r = c.post("/settings/calendar/", {"property": world.p2.pk, "date": "2025-10-01", "kind": "workday"})
    assert r.status_code == 404
    assert (
        client_as(world.frontdesk)
        .post("/settings/calendar/", {"property": world.p1.pk, "date": "2025-10-01", "kind": "workday"})
        .status_code
        == 403
    )
    assert not CalendarDay.objects.exists()


def test_calendar_remove_own_entry_only(world, client_as, cal_rows):
    r = client_as(world.frontdesk).post(f"/settings/calendar/day/{cal_rows['own'].pk}/remove/")
    assert r.status_code == 403
    c = client_as(world.supervisor)  # one test client: log in again
    assert c.post(f"/settings/calendar/day/{cal_rows['g'].pk}/remove/").status_code == 404
    assert c.post(f"/settings/calendar/day/{cal_rows['p2'].pk}/remove/").status_code == 404
    r = c.post(f"/settings/calendar/day/{cal_rows['own'].pk}/remove/")
    assert r.status_code == 302
    assert not CalendarDay.objects.filter(pk=cal_rows["own"].pk).exists()
    assert CalendarDay.objects.filter(pk=cal_rows["g"].pk).exists()


def test_calendar_seed_button(world, client_as):
    c = client_as(world.manager)
    r = c.post("/settings/calendar/seed/", {"year": "2025", "property": world.p1.pk}, follow=True)
    assert r.status_code == 200
    html = r.content.decode()
    assert "已从 chinese-calendar 导入 2025 年" in html and "国庆节" in html and "2025-09-28" in html
    assert CalendarDay.objects.filter(property=None, date=date(2025, 10, 1), is_workday=False).exists()
    n = CalendarDay.objects.count()
    r = c.post("/settings/calendar/seed/", {"year": "2099", "property": world.p1.pk}, follow=True)
    html = r.content.decode()
    assert "11 月" in html and "手工录入" in html and "2099" in html
    assert CalendarDay.objects.count() == n
    assert client_as(world.frontdesk).post("/settings/calendar/seed/", {"year": "2025"}).status_code == 403


def test_calendar_day_set_service_rules(world):
    with pytest.raises(NotAllowed):
        services.calendar_day_set(
            actor=world.frontdesk, prop=world.p1, day=date(2025, 1, 2), is_workday=False
        )
    with pytest.raises(NotAllowed):
        services.calendar_day_set(
            actor=world.supervisor, prop=world.p2, day=date(2025, 1, 2), is_workday=False
        )
    with pytest.raises(DomainError):  # the shared calendar is the system administrator's
        services.calendar_day_set(actor=world.manager, prop=None, day=date(2025, 1, 2), is_workday=False)
    with pytest.raises(NotAllowed):
        services.calendar_seed(actor=world.frontdesk, years=[2025])
    assert not CalendarDay.objects.exists()
