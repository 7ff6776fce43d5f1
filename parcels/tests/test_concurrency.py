import threading

import pytest
from django.db import connection

from core.errors import Conflict
from parcels import services
from parcels.choices import ParcelStatus
from parcels.models import Parcel


@pytest.mark.django_db(transaction=True)
def test_two_clerks_release_the_same_parcel_at_once(world, mail, receive):
    """select_for_update / conditional UPDATE: exactly one release succeeds, the other gets Conflict."""
    if connection.vendor != "postgresql":
        pytest.skip("true concurrency needs PostgreSQL (SQLite serialises writers)")
    p = receive()
    barrier = threading.Barrier(2)
    ok, conflicts, errors = [], [], []

    def clerk(user):
        try:
            barrier.wait()
            services.parcel_release(
                actor=user, parcel=Parcel.objects.get(pk=p.pk), collector_name="张三", id_checked=True
            )
            ok.append(user.username)
        except Conflict:
            conflicts.append(user.username)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk, args=(u,)) for u in (world.frontdesk, world.clerk)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(ok) == 1 and len(conflicts) == 1
    p.refresh_from_db()
    assert p.status == ParcelStatus.COLLECTED and p.released_by.username == ok[0]
