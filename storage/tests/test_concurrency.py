"""Real transactions: two clerks at once (PostgreSQL only) and the lost-ticket alarm surviving the refusal."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.errors import Conflict
from core.models import Notification
from storage import services
from storage.choices import DepositorKind, SizeClass, StoredStatus
from storage.models import LostTicketAlert, StorageCollection, StoredItem


def _deposit(world):
    return services.stored_item_deposit(
        actor=world.frontdesk,
        prop=world.p1,
        depositor_kind=DepositorKind.GUEST,
        depositor_name="张三",
        depositor_phone="13900001111",
        description="行李箱",
        size_class=SizeClass.LARGE,
        expected_collect_at=timezone.now() + timedelta(hours=3),
        location="行李房",
        notice_given=True,
        parts_confirmed=True,
    )


@pytest.mark.django_db(transaction=True)
def test_two_clerks_release_the_same_item_exactly_one_wins(world):
    if connection.vendor != "postgresql":
        pytest.skip("true concurrency needs PostgreSQL (SQLite serialises writers)")
    item = _deposit(world)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def clerk(user):
        try:
            stale = StoredItem.objects.get(pk=item.pk)  # both read "stored" before either writes
            barrier.wait()
            services.stored_item_collect(
                actor=user,
                item=stale,
                presented_ticket_no=stale.ticket_no,
                collector_name="张三",
                halves_match=True,
                parts_stapled=True,
            )
            results.append("ok")
        except Conflict:
            results.append("conflict")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk, args=(u,)) for u in (world.frontdesk, world.clerk)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == ["conflict", "ok"]
    assert StorageCollection.objects.filter(item_id=item.pk).count() == 1
    assert StoredItem.objects.get(pk=item.pk).status == StoredStatus.COLLECTED


# R-STOR-20
@pytest.mark.django_db(transaction=True)
def test_lost_ticket_alarm_is_committed_although_release_is_refused(world, client_as):
    """Through the real page, in real transactions: the refusal does not roll the alert back."""
    item = _deposit(world)
    services.lost_ticket_report(
        actor=world.frontdesk, prop=world.p1, ticket_no=item.ticket_no, reporter_name="张三"
    )
    c = client_as(world.clerk)
    resp = c.post(
        f"/storage/collect/?property={world.p1.pk}",
        {
            "ticket_no": item.ticket_no,
            "method": "ticket",
            "presented_ticket_no": item.ticket_no,
            "collector_name": "陌生人",
            "collector_is_depositor": "on",
            "halves_match": "on",
            "inspected_ok": "on",
            "parts_stapled": "on",
        },
    )
    assert resp.status_code == 400
    assert "稳住来人" in resp.content.decode()
    # read on a fresh connection: only committed rows are visible
    connection.close()
    assert StoredItem.objects.get(pk=item.pk).status == StoredStatus.LOST_TICKET
    assert LostTicketAlert.objects.filter(item_id=item.pk).count() == 1
    got = set(
        Notification.objects.filter(title__contains="已挂失").values_list("recipient__username", flat=True)
    )
    assert got == {"guard", "supervisor"}
