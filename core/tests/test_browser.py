"""The two settings pages in Debian chromium: a manager edits office windows, seeds and edits the calendar."""

import os

import pytest

from core.models import CalendarDay, Property
from core.testing.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_manager_edits_property_settings_and_calendar(live_server, page, world):
    base = live_server.url
    _login(page, base, "manager")
    page.click("nav.sidenav >> text=项目设置")
    page.wait_for_url(f"**/settings/property/{world.p1.pk}/")
    assert "楼座与房间数" in page.content()
    page.fill("input[name=office_windows]", "08:30-12:00,11:00-17:30")
    page.click("button[type=submit].primary")
    page.locator("text=不重叠").first.wait_for()
    page.fill("input[name=office_windows]", "08:00-12:00,13:00-17:00")
    page.click("button[type=submit].primary")
    page.locator("text=项目设置已保存").wait_for()
    if os.environ.get("PROPDESK_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["PROPDESK_SCREENSHOTS"], "property_settings.png"), full_page=True
        )
    assert Property.objects.get(pk=world.p1.pk).office_windows == [["08:00", "12:00"], ["13:00", "17:00"]]

    page.click("nav.sidenav >> text=节假日与调休")
    page.wait_for_url("**/settings/calendar/**")
    page.fill("form[action='/settings/calendar/seed/'] input[name=year]", "2025")
    page.click("text=导入该年放假安排")
    page.locator("text=已从 chinese-calendar 导入 2025 年").wait_for()
    assert "国庆节" in page.content()
    page.fill("input[name=date]", "2025-10-08")
    page.select_option("select[name=kind]", "workday")
    page.fill("input[name=name]", "本项目值班")
    page.click("form.form button[type=submit]")
    page.locator("text=本项目值班").first.wait_for()
    if os.environ.get("PROPDESK_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["PROPDESK_SCREENSHOTS"], "calendar.png"), full_page=True)
    assert CalendarDay.objects.get(property=world.p1, date="2025-10-08").is_workday
