"""Staff notifications (dedupe, mark read) and the resident outbox (sent after commit, failures kept)."""

import pytest
from django.db import transaction

from core.choices import OutboxStatus, Role
from core.errors import DomainError
from core.models import Notification, OutboxMessage
from core.notify import (
    deliver,
    mark_read,
    notify_roles,
    notify_users,
    queue_resident_message,
    users_with_roles,
)


class RecordingTestAdapter:
    name = "test-record"
    sent: list[int] = []

    def send(self, message):
        RecordingTestAdapter.sent.append(message.pk)


class FailingAdapter:
    name = "sms-gateway"

    def send(self, message):
        raise ConnectionError("网关超时 (gateway timeout)")


class NamelessAdapter:
    def send(self, message):
        return None


@pytest.fixture(autouse=True)
def _reset_sent():
    RecordingTestAdapter.sent = []


def test_notify_users_dedupe(world):
    ids = [world.admin1.pk, world.admin2.pk, world.admin1.pk]
    assert notify_users(ids, prop=world.p1, title="提醒", dedupe_key="k1") == 2
    assert notify_users(ids, prop=world.p1, title="提醒", dedupe_key="k1") == 0
    assert Notification.objects.count() == 2
    # without a key every call notifies
    assert notify_users([world.admin1.pk], title="a") == 1
    assert notify_users([world.admin1.pk], title="a") == 1
    assert Notification.objects.filter(recipient=world.admin1).count() == 3


def test_notify_roles_reaches_active_members_of_the_property_only(world):
    assert set(users_with_roles(world.p1.pk, [Role.CS_SUPERVISOR])) == {world.supervisor.pk}
    assert notify_roles(world.p1, [Role.CS_SUPERVISOR, Role.MANAGER], title="通报") == 2
    assert {n.recipient for n in Notification.objects.all()} == {world.supervisor, world.manager}


def test_mark_read_touches_own_notifications_only(world):
    notify_users([world.admin1.pk, world.admin2.pk], title="x")
    notify_users([world.admin1.pk], title="y")
    mine = list(Notification.objects.filter(recipient=world.admin1).order_by("title"))
    other = Notification.objects.get(recipient=world.admin2)
    assert mark_read(user=world.admin1, notification_ids=[mine[0].pk, other.pk]) == 1
    other.refresh_from_db()
    assert other.read_at is None
    assert mark_read(user=world.admin1) == 1
    assert not Notification.objects.filter(recipient=world.admin1, read_at__isnull=True).exists()
    assert mark_read(user=world.admin1) == 0


def test_mark_read_rejects_bad_ids(world):
    with pytest.raises(DomainError):
        mark_read(user=world.admin1, notification_ids=["abc"])
    assert mark_read(user=world.admin1, notification_ids="12") == 0


def test_outbox_is_delivered_after_commit_by_the_recording_adapter(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        msg = queue_resident_message(
            prop=world.p1, channel="sms", to="13800005678", body="您有快件", actor=world.frontdesk
        )
    msg.refresh_from_db()
    assert msg.status == OutboxStatus.QUEUED and len(callbacks) == 1
    callbacks[0]()
    msg.refresh_from_db()
    assert msg.status == OutboxStatus.SENT and msg.adapter == "record" and msg.sent_at is not None
    assert msg.created_by == world.frontdesk
    assert deliver(msg.pk) == "skipped"  # idempotent


def test_outbox_executed_on_commit(world, django_capture_on_commit_callbacks, settings):
    settings.PROPDESK_OUTBOX_ADAPTERS = {"sms": "core.tests.test_notify.RecordingTestAdapter"}
    with django_capture_on_commit_callbacks(execute=True):
        msg = queue_resident_message(prop=world.p1, channel="sms", to="13800005678", body="您有快件")
    msg.refresh_from_db()
    assert msg.status == OutboxStatus.SENT and msg.adapter == "test-record"
    assert RecordingTestAdapter.sent == [msg.pk]


def test_failing_adapter_records_the_error(world, django_capture_on_commit_callbacks, settings):
    settings.PROPDESK_OUTBOX_ADAPTERS = {"sms": "core.tests.test_notify.FailingAdapter"}
    with django_capture_on_commit_callbacks(execute=True):
        msg = queue_resident_message(prop=world.p1, channel="sms", to="13800005678", body="您有快件")
    msg.refresh_from_db()
    assert msg.status == OutboxStatus.FAILED
    assert "网关超时" in msg.error and msg.adapter == "sms-gateway" and msg.sent_at is None


def test_misconfigured_or_nameless_adapter(world, django_capture_on_commit_callbacks, settings):
    settings.PROPDESK_OUTBOX_ADAPTERS = {
        "sms": "core.tests.test_notify.NoSuchAdapter",
        "email": "core.tests.test_notify.NamelessAdapter",
    }
    with django_capture_on_commit_callbacks(execute=True):
        bad = queue_resident_message(prop=world.p1, channel="sms", to="1", body="b")
        ok = queue_resident_message(prop=world.p1, channel="email", to="a@b.cn", body="b")
    bad.refresh_from_db()
    ok.refresh_from_db()
    assert bad.status == OutboxStatus.FAILED and bad.error
    assert ok.status == OutboxStatus.SENT and ok.adapter == "NamelessAdapter"


def test_rolled_back_transaction_sends_nothing(world, django_capture_on_commit_callbacks, settings):
    settings.PROPDESK_OUTBOX_ADAPTERS = {"sms": "core.tests.test_notify.RecordingTestAdapter"}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                queue_resident_message(prop=world.p1, channel="sms", to="13800005678", body="不应发出")
                raise RuntimeError("rollback")
    assert callbacks == []
    assert RecordingTestAdapter.sent == []
    assert not OutboxMessage.objects.exists()
