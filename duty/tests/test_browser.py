"""The front desk's post board in Debian chromium: a relief signs in, the clerk's meal leave is refused
until the supervisor approves and the relief takes over, then the post stays staffed."""

import pytest

from core.testing.browser import local, login, moving_clock
from duty import services
from duty.models import PostShift

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# R-DUTY-15, R-DUTY-16
def test_meal_relief_on_a_never_empty_post(live_server, page, world, monkeypatch):
    clock = moving_clock(monkeypatch)
    clock(local(2026, 11, 25, 11, 55))  # a Wednesday, inside the day shift
    desk = services.post_create(actor=world.supervisor, prop=world.p1, name="前台")
    mine = services.post_sign_in(
        actor=world.frontdesk, post=desk, staff=world.frontdesk, at=local(2026, 11, 25, 7, 55)
    )
    base = live_server.url
    login(page, base, "frontdesk")
    page.goto(f"{base}/duty/posts/")

    # The meal leave without approval or relief: refused on the row, nothing written.
    row = page.locator(f"#shift-{mine.pk}")
    row.locator("summary", has_text="签退").click()
    row.locator("select[name=reason]").select_option("meal")
    row.locator("button", has_text="确认签退").click()
    page.locator("#post-board .alert-error", has_text="须经客服主管批准").wait_for()
    mine.refresh_from_db()
    assert mine.signed_out_at is None

    # R-DUTY-16: the front desk signs the relief in (htmx swaps the board).
    page.locator("select[name=post]").select_option(label="前台")
    page.locator("select[name=staff]").select_option(
        label=page.locator("select[name=staff] option", has_text="张管理").inner_text()
    )
    page.locator("form", has=page.locator("select[name=staff]")).locator("button", has_text="签到").click()
    page.locator("#post-board .alert-success", has_text="张管理").wait_for()

    # R-DUTY-15: with the supervisor's approval and the relief named, the meal leave goes through.
    row = page.locator(f"#shift-{mine.pk}")
    row.locator("summary", has_text="签退").click()
    row.locator("select[name=reason]").select_option("meal")
    row.locator("select[name=approved_by]").select_option(label="李主管")
    row.locator("select[name=relieved_by]").select_option(label="张管理")
    row.locator("button", has_text="确认签退").click()
    page.locator("#post-board .alert-success", has_text="签退").wait_for()
    mine.refresh_from_db()
    assert (mine.leave_reason, mine.approved_by, mine.relieved_by.staff) == (
        "meal",
        world.supervisor,
        world.admin1,
    )
    assert page.locator(f"#shift-{mine.pk}").count() == 0
    relief = PostShift.objects.get(staff=world.admin1)
    assert page.locator(f"#shift-{relief.pk}").count() == 1 and "空岗!" not in page.content()
