"""The page's flash messages follow the chosen language (English catalog)."""

import pytest

from core.testing.i18n import english

pytestmark = pytest.mark.django_db


def test_cash_replenish_message_in_english(ew, client_as):
    sup = client_as(ew.supervisor)
    english(sup)
    page = sup.post("/errands/cash/replenish/", {"amount": "500"}, follow=True).content.decode()
    assert "Petty cash top-up requested from the management office." in page
    assert "已向管理处申请补充备用金" not in page


def test_step_label_and_message_in_english(ew, client_as):
    sup, adm, fin = client_as(ew.supervisor), client_as(ew.admin1), client_as(ew.finance)
    sup.post("/errands/cash/replenish/", {"amount": "500"})
    req = ew.p1.pettycashreplenishment_set.get()
    fin.post(f"/errands/cash/replenish/{req.pk}/receive/", {"amount": "500"})
    adm.post("/errands/new/cash/", {"unit_label": "3-1201", "purpose": "代寄邮资", "amount": "12"})
    use = ew.p1.pettycashuse_set.get()
    english(adm)
    page = adm.get(f"/errands/cash/{use.pk}/").content.decode()
    assert "Owner signs to confirm" in page and "业主签字确认" not in page  # the step's label
    page = adm.post(
        f"/errands/cash/{use.pk}/sign/", {"signature_name": "林业主"}, follow=True
    ).content.decode()
    assert "Owner signs to confirm: done." in page


@pytest.mark.parametrize(
    "url, english_text, chinese_text",
    [
        ("/errands/tickets/", "Flight/train no.", "航班/车次"),
        ("/errands/laundry/", "Laundry slip no.", "洗衣单号"),
        ("/errands/new/ticket/", "Register a ticket booking", "登记票务预定"),
        ("/errands/new/call/", "Log a call", "登记来电"),
    ],
)
def test_register_headers_and_create_titles_in_english(ew, client_as, url, english_text, chinese_text):
    c = client_as(ew.admin1)
    assert chinese_text in c.get(url).content.decode()
    page = english(c).get(url).content.decode()
    assert english_text in page and chinese_text not in page
