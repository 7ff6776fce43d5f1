"""{% lazyform %} and render_page: a record's step forms are drawn when opened (?form=<key>), a posted form
comes back open with its errors, and a form the record no longer offers answers a message."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_page_carries_closed_forms_and_fetches_one_alone(world, client_as, consultation):
    req = consultation
    c = client_as(world.supervisor)
    page = c.get(f"/servicedesk/{req.pk}/").content.decode()
    for key in ("note", "photo", "assign", "feedback", "history"):
        assert f'data-form="{key}" hx-get="/servicedesk/{req.pk}/?form={key}"' in page, key
    assert 'name="department"' not in page  # the assignment form is not drawn with the page
    r = c.get(f"/servicedesk/{req.pk}/", {"form": "assign"})
    body = r.content.decode()
    assert r.status_code == 200
    assert 'name="department"' in body and f'action="/servicedesk/{req.pk}/assign/"' in body
    assert "csrfmiddlewaretoken" in body
    assert "<html" not in body and "停车卡办理咨询" not in body  # the form alone, not the page


def test_drawing_forms_only_when_opened_saves_their_queries(world, client_as, consultation):
    req = consultation
    c = client_as(world.supervisor)
    c.get(f"/servicedesk/{req.pk}/")
    with CaptureQueriesContext(connection) as page:
        c.get(f"/servicedesk/{req.pk}/")
    with CaptureQueriesContext(connection) as assign:
        c.get(f"/servicedesk/{req.pk}/", {"form": "assign"})
    sql = " ".join(q["sql"] for q in page.captured_queries)
    assert 'FROM "core_department"' not in sql  # the selects' choices are read when the form is opened
    assert 'FROM "core_historyentry"' not in sql  # the 变更记录 tab too
    assert 'FROM "core_department"' in " ".join(q["sql"] for q in assign.captured_queries)


def test_a_refused_form_comes_back_open_with_its_error(world, client_as, consultation):
    req = consultation
    c = client_as(world.frontdesk)
    r = c.post(f"/servicedesk/{req.pk}/note/", {"text": ""})
    body = r.content.decode()
    assert r.status_code == 400
    assert '<details class="lazy-form" data-form="note" open>' in body and 'class="error"' in body
    # The other forms stay closed and are fetched from the record's page, not from the step's URL.
    assert f'hx-get="/servicedesk/{req.pk}/?form=feedback"' in body


def test_a_form_not_offered_answers_a_message(world, client_as, consultation):
    req = consultation
    body = client_as(world.frontdesk).get(f"/servicedesk/{req.pk}/", {"form": "nonsense"}).content.decode()
    assert "此操作当前不可办理" in body and "<html" not in body
    assert client_as(world.frontdesk2).get(f"/servicedesk/{req.pk}/", {"form": "note"}).status_code == 404
