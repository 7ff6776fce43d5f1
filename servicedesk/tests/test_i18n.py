"""The request page in English: the workflow's buttons in the reader's language, the records they write in
the office's (a clerk working in English does not leave English lines in the timeline and history)."""

from datetime import timedelta

from core.history import history_for
from core.testing.i18n import english
from servicedesk import services
from servicedesk.models import TimelineEvent


def test_buttons_in_english_records_in_chinese(world, client_as, consultation):
    req = consultation
    c = english(client_as(world.frontdesk))
    page = c.get(f"/servicedesk/{req.pk}/").content.decode()
    assert ">Consult the supervisor</button>" in page and ">请示主管</button>" not in page
    r = c.post(
        f"/servicedesk/{req.pk}/transition/",
        {"name": "escalate", "expected_status": "received", "reason": ""},
        follow=True,
    )
    assert r.status_code == 400  # 请示主管 needs a reason
    c.post(
        f"/servicedesk/{req.pk}/transition/",
        {"name": "escalate", "expected_status": "received", "reason": "政策问题"},
    )
    req.refresh_from_db()
    assert req.status == "escalated"
    c.post(
        f"/servicedesk/{req.pk}/transition/",
        {"name": "answer", "expected_status": "escalated", "reason": "已按政策答复"},
    )
    r = c.post(
        f"/servicedesk/{req.pk}/transition/", {"name": "close", "expected_status": "answered"}, follow=True
    )
    assert "Done: Close" in r.content.decode()  # the message in the reader's language
    req.refresh_from_db()
    assert req.status == "closed"
    texts = list(TimelineEvent.objects.filter(request=req).values_list("text", flat=True))
    assert "关闭" in texts and "政策问题" in texts  # no reason given: the step's name, in Chinese
    assert not any("Close" in t for t in texts)
    assert "关闭" in [h.reason for h in history_for(req)]


def test_clock_labels_translated_on_the_page_and_the_overdue_list(world, client_as, consultation):
    req = consultation
    services.clock_start(req, kind="same_day", label="当日回复业户", duration=timedelta(hours=-1))
    c = english(client_as(world.supervisor))
    page = c.get(f"/servicedesk/{req.pk}/").content.decode()
    assert "<td>Reply to the resident the same day</td>" in page  # the label alone, in English
    overdue = c.get("/servicedesk/overdue/").content.decode()
    assert "<td>Reply to the resident the same day</td>" in overdue
    zh = client_as(world.supervisor).get("/servicedesk/overdue/").content.decode()
    assert "<td>当日回复业户</td>" in zh
