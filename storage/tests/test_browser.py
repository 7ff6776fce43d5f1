"""In Debian chromium: a deposit, its two-part ticket, a lost-ticket report, and a stranger presenting it."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import Notification
from core.testing.personas import PASSWORD
from storage.models import LostTicketAlert, StoredItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


# R-STOR-05, R-STOR-18, R-STOR-20
def test_lost_ticket_presented_by_a_stranger_raises_the_alarm(live_server, page, world, owner):
    base = live_server.url
    _login(page, base, "frontdesk")
    page.click("nav.sidenav >> text=寄存暂存")
    page.wait_for_url("**/storage/**")
    page.click("text=新寄存")
    page.select_option("select[name=depositor_kind]", "resident")
    page.fill("input[name=unit_label]", "3-1201")
    page.fill("input[name=depositor_name]", "王芳")
    page.fill("input[name=description]", "蓝色行李箱")
    page.select_option("select[name=size_class]", "large")
    page.fill(
        "input[name=expected_collect_at]",
        (timezone.localtime() + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M"),
    )
    page.fill("input[name=location]", "行李房 1 号架")
    page.check("input[name=notice_given]")
    page.check("input[name=parts_confirmed]")
    page.click("button[type=submit].primary")
    page.locator("text=已登记寄存").wait_for()
    item = StoredItem.objects.get()
    page.goto(f"{base}/storage/{item.pk}/ticket/")
    assert page.locator(".ticket-no").all_inner_texts() == [item.ticket_no, item.ticket_no]
    if os.environ.get("PROPDESK_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["PROPDESK_SCREENSHOTS"], "storage_ticket.png"), full_page=True
        )

    page.goto(f"{base}/storage/lost/?ticket_no={item.ticket_no}")
    page.fill("input[name=reporter_name]", "王芳")
    page.fill("input[name=unit_label]", "3-1201")
    page.click("button[type=submit].primary")
    page.locator("text=已挂失").first.wait_for()

    page.goto(f"{base}/storage/collect/")
    page.fill("input[name=ticket_no]", item.ticket_no)
    page.click("form.filters button")
    page.locator("text=只能由寄存人本人凭有效证件领取").wait_for()
    page.fill("input[name=collector_name]", "陌生男子")
    page.check("input[name=halves_match]")
    page.check("input[name=parts_stapled]")
    page.click("form.form button.primary")
    alarm = page.locator(".alarm")
    alarm.wait_for()
    assert "稳住来人" in alarm.inner_text()
    if os.environ.get("PROPDESK_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["PROPDESK_SCREENSHOTS"], "storage_alarm.png"), full_page=True
        )
    assert LostTicketAlert.objects.filter(item=item).exists()
    assert Notification.objects.filter(recipient=world.guard, title__contains="已挂失").exists()
