"""Must show, in the browser: a move-out release refused for unpaid fees, then passed at the exit."""

import pytest

from releases import services

from .conftest import MONDAY, at, png

pytestmark = pytest.mark.django_db(transaction=True)


def login(page, live_server, client_as, user):
    c = client_as(user)
    cookie = c.cookies["sessionid"]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


# R-REL-09 / R-MOVE-09 / R-REL-10 / R-REL-11
def test_move_out_refused_then_passed_in_browser(page, live_server, client_as, rel_world, apply):
    w = rel_world
    rel = apply(kind="move_out", planned_at=at(MONDAY.replace(day=6), 10))
    services.release_confirm_phone(actor=w.frontdesk, release=rel, confirmed_with="林业主")
    services.release_attach_id_copy(actor=w.frontdesk, release=rel, upload=png())

    login(page, live_server, client_as, w.supervisor)
    page.goto(f"{live_server.url}/releases/{rel.pk}/")
    page.get_by_label("经办人已在放行条上签字").check()
    page.get_by_role("button", name="签字开具").click()
    assert "费用尚未结清" in page.locator(".alert-error").inner_text()

    login(page, live_server, client_as, w.finance)
    page.goto(f"{live_server.url}/releases/{rel.pk}/")
    page.get_by_label("结算说明").fill("管理费、电费已结清")
    page.get_by_role("button", name="确认已结清").click()
    page.wait_for_url(f"**/releases/{rel.pk}/")

    login(page, live_server, client_as, w.supervisor)
    page.goto(f"{live_server.url}/releases/{rel.pk}/")
    page.get_by_label("经办人已在放行条上签字").check()
    page.get_by_role("button", name="签字开具").click()
    assert "已开具" in page.content()

    login(page, live_server, client_as, w.guard)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/releases/exit/")
    page.get_by_text(rel.number).click()
    page.get_by_role("button", name="相符,签字放行").click()
    assert "核对相符,已签字放行" in page.content()
    rel.refresh_from_db()
    assert rel.status == "passed" and rel.checked_by == w.guard
