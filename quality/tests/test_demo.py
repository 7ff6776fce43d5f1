import pytest

from quality import demo
from quality.models import NonConformity
from quality.selectors import overdue_nonconformities

pytestmark = pytest.mark.django_db


def test_demo_loads_every_state_and_is_idempotent(world):
    out = demo.load(prop=world.p1)
    assert out == {"nonconformities": 6}
    states = set(NonConformity.objects.values_list("status", flat=True))
    assert states == {"tracking", "to_verify", "done", "void"}
    assert NonConformity.objects.filter(failed_verifications=1, status="done").count() == 1
    assert overdue_nonconformities(user=world.supervisor).count() == 1
    assert demo.load(prop=world.p1) == {"skipped": True}


def test_demo_skips_a_property_without_the_roles(world):
    assert demo.load(prop=world.p2) == {"skipped": True}  # property 2 has no 客服管理员
