import threading

import pytest
from django.db import connection, transaction

from core.numbering import next_number, next_value


def test_numbers_are_in_order_and_per_property(world):
    assert [next_value(world.p1, "slip") for _ in range(3)] == [1, 2, 3]
    assert next_value(world.p2, "slip") == 1
    n = next_number(world.p1, "TS")
    assert n.startswith("TS") and n.endswith("-0001")
    assert next_number(world.p1, "SLIP", daily=False) == "SLIP-000001"


def test_rolled_back_number_is_given_back(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        next_value(world.p1, "ticket")
        raise RuntimeError("the write failed")
    assert next_value(world.p1, "ticket") == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_clerks_never_share_a_number(world):
    if connection.vendor != "postgresql":
        pytest.skip("true concurrency needs PostgreSQL (SQLite serialises writers)")
    got, errors = [], []

    def clerk():
        try:
            for _ in range(10):
                got.append(next_value(world.p1, "parcel"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(got) == list(range(1, 41))
