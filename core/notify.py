"""Staff notification centre + resident outbox.

Outbox adapters (SMS/WeChat/email) sit behind one interface; the default adapter records the message as
sent so nothing is lost and the clerk sees it went out. A message is handed to its adapter after commit
(huey task), so a rolled-back write never messages anyone.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .choices import OutboxStatus
from .models import Membership, Notification, OutboxMessage


def users_with_roles(property_id: int, roles) -> list[int]:
    return list(
        Membership.objects.filter(property_id=property_id, role__in=list(roles), active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


def notify_users(
    user_ids,
    *,
    prop=None,
    title: str,
    body: str = "",
    link: str = "",
    level: str = "info",
    dedupe_key: str | None = None,
) -> int:
    """Create one notification per recipient; with dedupe_key, at most one per person ever."""
    made = 0
    for uid in set(user_ids):
        try:
            with transaction.atomic():
                Notification.objects.create(
                    recipient_id=uid,
                    property=prop,
                    title=title[:200],
                    body=body,
                    link=link,
                    level=level,
                    dedupe_key=dedupe_key,
                )
                made += 1
        except IntegrityError:
            continue  # already told
    return made


def notify_roles(prop, roles, **kw) -> int:
    return notify_users(users_with_roles(prop.pk, roles), prop=prop, **kw)


def mark_read(*, user, notification_ids=None) -> int:
    """Mark the user's own notifications read (all unread ones when no ids are given)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        if isinstance(notification_ids, str | int):
            notification_ids = [notification_ids]
        try:
            ids = [int(i) for i in notification_ids]
        except (TypeError, ValueError):
            from .errors import DomainError

            raise DomainError("通知编号无效。(Invalid notification ids.)", field="ids") from None
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


class RecordingAdapter:
    """Default adapter: no gateway configured, the message is kept in the outbox and marked sent."""

    name = "record"

    def send(self, message: OutboxMessage) -> None:
        return None


def adapter_for(channel: str):
    path = getattr(settings, "PROPDESK_OUTBOX_ADAPTERS", {}).get(channel, "core.notify.RecordingAdapter")
    return import_string(path)()


def queue_resident_message(
    *, prop, channel: str, to: str, body: str, subject: str = "", resident=None, actor=None
) -> OutboxMessage:
    from django.contrib.contenttypes.models import ContentType

    msg = OutboxMessage.objects.create(
        property=prop,
        resident_ct=ContentType.objects.get_for_model(type(resident)) if resident else None,
        resident_id=resident.pk if resident else None,
        channel=channel,
        to=to,
        subject=subject,
        body=body,
        created_by=actor if actor and actor.is_authenticated else None,
    )
    from .tasks import deliver_outbox

    transaction.on_commit(lambda: deliver_outbox(msg.pk))
    return msg


def deliver(message_id: int) -> str:
    """Send one queued message through its channel's adapter; idempotent."""
    with transaction.atomic():
        msg = (
            OutboxMessage.objects.select_for_update()
            .filter(pk=message_id, status=OutboxStatus.QUEUED)
            .first()
        )
        if not msg:
            return "skipped"
        adapter, name = None, ""
        try:
            adapter = adapter_for(msg.channel)
            name = str(getattr(adapter, "name", "") or type(adapter).__name__)[:50]
            adapter.send(msg)
        except Exception as exc:  # a gateway (or configuration) error is recorded, not lost
            msg.status, msg.error, msg.adapter = OutboxStatus.FAILED, (str(exc) or repr(exc))[:2000], name
        else:
            msg.status, msg.sent_at, msg.adapter = OutboxStatus.SENT, timezone.now(), name
        msg.save(update_fields=["status", "error", "adapter", "sent_at"])
        return msg.status
