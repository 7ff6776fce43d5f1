"""Change records and the transition log: every state change says who, when, from, to and why."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from .choices import HistoryAction

# Fields never copied into history (personal data is masked there too: R-ARCH-06).
SKIP_FIELDS = {"created_at", "updated_at", "password"}
SENSITIVE_FIELDS = {"phone", "id_number", "mobile"}
# Variants areas use for the same kind of data (phone2, emergency_phone, contact_mobile, phone_last4 …).
SENSITIVE_PREFIXES = ("phone", "mobile", "id_number")
SENSITIVE_SUFFIXES = ("_phone", "_mobile", "_id_number")


def is_sensitive(field_name: str) -> bool:
    """R-ARCH-06: personal numbers never appear in clear in a change record."""
    name = str(field_name)
    return (
        name in SENSITIVE_FIELDS or name.startswith(SENSITIVE_PREFIXES) or name.endswith(SENSITIVE_SUFFIXES)
    )


def _mask_pair(key, pair):
    if not is_sensitive(key):
        return pair
    from .masking import mask

    old, new = (list(pair) + [None, None])[:2]
    return [mask(old), mask(new)]


def _plain(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, FieldFile):  # an upload: its stored name
        return value.name or ""
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model) -> dict:
    """Field values of `obj` as JSON-able data (foreign keys as ids)."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in SKIP_FIELDS:
            continue
        data[field.attname] = _plain(getattr(obj, field.attname))
    return data


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} of the fields that changed; personal numbers masked."""
    out = {}
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            out[key] = _mask_pair(key, [before.get(key), after.get(key)])
    return out


def _property_id(obj):
    path = getattr(type(obj), "property_path", None)
    if path == "self":
        return obj.pk
    if path and "__" not in path:
        try:
            field = obj._meta.get_field(path)
        except Exception:  # a Python attribute rather than a field: walk it below
            field = None
        if field is not None and getattr(field.related_model, "property_path", None) == "self":
            # A direct foreign key to Property: its id is on the row already, no query.
            return getattr(obj, field.attname, None)
    if path:
        cur = obj
        for part in path.split("__"):
            cur = getattr(cur, part, None)
            if cur is None:
                return None
        return cur.pk
    return None


def record(
    obj: models.Model,
    *,
    actor,
    action: str,
    before: dict | None = None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    changes: dict | None = None,
    at=None,
):
    """One history row. `at` lets a loader backfill past events with their real time (demo data)."""
    from .models import HistoryEntry

    if changes is None:
        after = snapshot(obj)
        changes = diff(before or {}, after) if action != HistoryAction.CREATE else {}
    else:
        # Hand-written change sets are masked like computed ones (R-ARCH-06).
        changes = {k: _mask_pair(k, v) if isinstance(v, list | tuple) else v for k, v in changes.items()}
    return HistoryEntry.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        property_id=_property_id(obj),
        actor=actor if actor and actor.is_authenticated else None,
        at=at or timezone.now(),
        action=action,
        from_state=from_state or "",
        to_state=to_state or "",
        changes=changes,
        reason=reason or "",
    )


def record_transition(obj, *, actor, field: str = "status", from_state: str, reason: str = "", at=None):
    return record(
        obj,
        actor=actor,
        at=at,
        action=HistoryAction.TRANSITION,
        from_state=from_state,
        to_state=getattr(obj, field),
        reason=reason,
        changes={field: [from_state, getattr(obj, field)]},
    )


def history_for(obj, limit: int = 50):
    """The newest history of one record, actors joined: one query whatever its length."""
    from .models import HistoryEntry

    return list(
        HistoryEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        ).select_related("actor")[:limit]
    )
