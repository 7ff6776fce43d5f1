"""The front desk's screen: what waits now, gathered from every register that crosses the counter.

Each register answers for itself through its own `desk_summary(*, user, prop, now)` selector (a fixed
handful of indexed counts and short lists), so this page costs the same with 500,000 parcels or 50.
"""

from django.utils import timezone

from duty.handover import counts_now
from parcels.selectors import desk_summary as parcels_summary
from releases.selectors import desk_summary as releases_summary
from storage.selectors import desk_summary as storage_summary
from visitors.selectors import desk_summary as visitors_summary


def desk_screen(*, user, prop, now=None) -> dict:
    now = now or timezone.now()
    return {
        "now": now,
        "visitors": visitors_summary(user=user, prop=prop, now=now),
        "parcels": parcels_summary(user=user, prop=prop, now=now),
        "storage": storage_summary(user=user, prop=prop, now=now),
        "releases": releases_summary(user=user, prop=prop, now=now),
        # The handover sheet's counts as they stand now: the registers themselves, not a separate tally.
        "handover_counts": counts_now(prop),
    }
