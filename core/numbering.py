"""Serial numbers: gap-free, in order, one per call, safe under concurrent clerks on both databases.

The counter row is incremented with UPDATE … SET value = value + 1, which holds the row lock until the
surrounding transaction commits, so two clerks never get the same number and a rolled-back write gives
its number back.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Sequence


def next_value(prop, key: str) -> int:
    with transaction.atomic():
        for _ in range(3):
            if Sequence.objects.filter(property=prop, key=key).update(value=F("value") + 1):
                return Sequence.objects.get(property=prop, key=key).value
            try:
                with transaction.atomic():
                    Sequence.objects.create(property=prop, key=key, value=1)
                return 1
            except IntegrityError:
                continue  # another clerk created it first: increment theirs
    raise RuntimeError(f"could not allocate a number for {key}")


def next_number(prop, prefix: str, *, daily: bool = True, width: int = 4) -> str:
    """E.g. next_number(p, "TS") → "TS20261127-0001" (daily series) or "TS-000001" (one series)."""
    if daily:
        day = timezone.localdate().strftime("%Y%m%d")
        return f"{prefix}{day}-{next_value(prop, f'{prefix}:{day}'):0{width}d}"
    return f"{prefix}-{next_value(prop, prefix):0{width + 2}d}"
