"""In Debian chromium: a first-aid call on the request page — a checklist step ticked through htmx (the panel
is swapped in place), then a form of the panel opened on demand ({% lazyform %}) and posted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.testing.browser import login, ok

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# R-HELP-06, R-HELP-08, R-HELP-12
def test_first_aid_step_then_a_promise_from_the_panel(live_server, page, world, make_help):
    h = make_help("first_aid", floor_address="3栋12楼", patient_phone="13900001111")
    base = live_server.url
    login(page, base, "frontdesk")
    page.goto(f"{base}/servicedesk/{h.pk}/")
    step = page.locator(f"form[action='/assistance/{h.pk}/steps/choice/']")
    step.locator("select[name=choice]").select_option("call_120")
    step.locator("button[type=submit]").click()
    page.locator(f"form[action='/assistance/{h.pk}/steps/security_notified/']").wait_for()  # panel swapped
    # The swapped panel's forms still open from the request page.
    page.locator("details.lazy-form[data-form=promise] > summary").click()
    promise = page.locator(f"form[action='/assistance/{h.pk}/promise/']")
    when = timezone.localtime() + timedelta(hours=2)
    promise.locator("input[name=answer_by]").fill(when.strftime("%Y-%m-%dT%H:%M"))
    promise.locator("input[name=note]").fill("已致歉,两小时内回电")
    promise.locator("button[type=submit]").click()
    ok(page, "已保存")
    assert "已致歉,两小时内回电" in page.locator("section.card:has(h2:text-is('处理记录'))").inner_text()
    assert "choice" in set(h.steps.values_list("key", flat=True))
