import random

from complaints import demo
from complaints.models import Complaint
from core.models import Unit


def test_demo_loads_every_state_and_the_must_show_scenario(world, zhang, make_complaint):
    Complaint.objects.all().delete()
    staff = {u.username: u for u in (world.manager, world.supervisor, world.admin1, world.frontdesk)}
    units = list(Unit.objects.filter(property=world.p1))
    out = demo.load(prop=world.p1, staff=staff, rng=random.Random(7), units=units)
    assert out["complaints"] == 34
    statuses = set(Complaint.objects.values_list("request__status", flat=True))
    assert {"archived", "closed", "handled"} <= statuses
    assert Complaint.objects.filter(severity="major", major_reported_at__isnull=False).exists()
    today = Complaint.objects.get(request__title="楼道灯坏了一周无人修")
    assert today.request.status == "handled" and today.same_day_replied_at
    assert demo.load(prop=world.p1, staff=staff, rng=random.Random(7), units=units) == {"skipped": True}
