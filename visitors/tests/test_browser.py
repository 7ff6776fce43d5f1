"""The front desk registers a visitor in Debian chromium: lookup-as-you-type, confirm, sign out."""

import os
from datetime import date

import pytest

from core.testing.personas import PASSWORD
from residents import services as rs
from residents.choices import OccupancyRole
from visitors.choices import VisitStatus
from visitors.models import VisitorEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name):
    if os.environ.get("PROPDESK_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["PROPDESK_SCREENSHOTS"], name), full_page=True)


def test_register_confirm_and_sign_out(live_server, page, world):
    zhang = rs.resident_create(actor=world.frontdesk, prop=world.p1, name="张三", phone="13812345678")
    rs.occupancy_start(
        actor=world.frontdesk, resident=zhang, unit=world.u1, role=OccupancyRole.OWNER, start=date(2020, 1, 1)
    )
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "frontdesk")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.click("nav.sidenav >> text=访客登记")
    page.wait_for_url("**/visitors/")
    page.click("text=登记访客")
    page.wait_for_url("**/visitors/new/**")
    page.fill("#occupant-q", "3-1201")
    page.locator("#occupant-results input[name=occupant]").first.wait_for()
    page.check("#occupant-results input[name=occupant]")
    page.fill("input[name=visitor_name]", "赵访客")
    page.fill("input[name=visitor_id_number]", "440301199001011234")
    page.fill("input[name=purpose]", "探亲")
    _shot(page, "visitor_register.png")
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/visitors/*/")
    assert "请勿向访客透露" in page.content()
    page.check("input[name=method][value=intercom]")
    page.check("input[name=result][value=agreed]")
    page.fill("input[name=contacted_with]", "张三")
    page.click("text=记录结果")
    page.locator("text=12 层 3-1201").wait_for()
    _shot(page, "visitor_entry.png")
    e = VisitorEntry.objects.get()
    assert e.status == VisitStatus.ADMITTED and e.confirm_method == "intercom"
    page.click("text=今日访客")
    page.locator("text=赵访客").first.wait_for()
    _shot(page, "visitor_desk.png")
    page.click("text=登记离开")
    page.locator("text=已登记离开").wait_for()
    e.refresh_from_db()
    assert e.status == VisitStatus.LEFT
