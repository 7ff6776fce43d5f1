import random
from datetime import date

from django.utils import timezone

from residents import services as rs
from residents.choices import OccupancyRole
from storage import demo, selectors
from storage.choices import StoredStatus
from storage.models import FoundItem, HeldItem, LostTicketAlert, StoredItem


def test_demo_loader(world, secsup):
    units = [world.u1, world.u2, world.u3]
    for i in range(8):
        r = rs.resident_create(actor=world.frontdesk, prop=world.p1, name=f"业主{i}", phone=f"1380000000{i}")
        rs.occupancy_start(
            actor=world.frontdesk,
            resident=r,
            unit=units[i % 3],
            role=OccupancyRole.OWNER,
            start=date(2020, 1, 1),
            notify_supervisor=False,
        )
    staff = {
        u.username: u for u in (world.frontdesk, world.clerk, world.supervisor, world.admin1, world.guard)
    }
    made = demo.load(prop=world.p1, staff=staff, rng=random.Random(3))
    assert made == {"stored": 5, "held": 4, "found": 3}
    now = timezone.now()
    s = selectors.desk_summary(user=world.supervisor, prop=world.p1, now=now)
    assert s["stored_storeroom_due"] == 1  # the large bag past 24 h
    assert s["lost_tickets"] == 1 and s["lost_ticket_alerts_today"] == 1
    assert s["held_overdue"] == 1 and s["found_high_value"] == 1 and s["found_awaiting_disposal"] == 1
    assert LostTicketAlert.objects.count() == 1
    assert (
        StoredItem.objects.filter(status=StoredStatus.COLLECTED, collection__filed_at__isnull=False).count()
        == 1
    )
    assert FoundItem.objects.get(high_value=True).storage_location == "贵重物品保险箱"
    assert HeldItem.objects.filter(is_key=True, envelope_sealed=True).count() == 2
    assert demo.load(prop=world.p1, staff=staff, rng=random.Random(3)) == {"skipped": True}
