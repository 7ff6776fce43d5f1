import random

from django.utils import timezone

from assistance import demo
from assistance.choices import BatchStatus
from assistance.models import HelpRegisterBatch, HelpRequest, Incident


def test_demo_loader(world, secsup):
    staff = {
        u.username: u
        for u in (world.frontdesk, world.supervisor, world.clerk, world.guard, secsup, world.manager)
    }
    made = demo.load(prop=world.p1, staff=staff, rng=random.Random(3))
    assert made["requests"] >= 15
    cats = set(HelpRequest.objects.values_list("category", flat=True))
    assert {"first_aid", "repair", "disaster", "consultation", "crime", "other"} <= cats
    assert Incident.objects.filter(type="flood", status="closed").exists()
    year = timezone.localdate().year
    last = HelpRegisterBatch.objects.get(property=world.p1, year=year - 1)
    # The four of last year, and — when the demo is loaded in the first days of January — the recent
    # ones that fell in last year too.
    assert last.status == BatchStatus.ARCHIVED and last.request_count >= 4
    assert last.request_count == HelpRequest.objects.filter(batch=last).count()
    assert (
        HelpRegisterBatch.objects.get(property=world.p1, year=year - 3).dispose_after <= timezone.localdate()
    )
    assert demo.load(prop=world.p1, staff=staff, rng=random.Random(3)) == {"skipped": True}
