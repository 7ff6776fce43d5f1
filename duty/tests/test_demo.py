import random
from datetime import timedelta

from django.utils import timezone

from duty import demo
from duty.choices import DutyCategory, HandoverStatus, ReportStatus
from duty.handover import DEFAULT_PUBLIC_PROPERTY
from duty.models import DutyDay, DutyEntry, Handover, SpecialIncidentReport


def test_demo_loader_builds_realistic_weeks(world):
    staff = {
        u.username: u for u in (world.frontdesk, world.supervisor, world.admin1, world.clerk, world.engineer)
    }
    made = demo.load(prop=world.p1, staff=staff, rng=random.Random(7), days=21)
    assert made["entries"] >= 21 * 3
    per_day = DutyEntry.objects.filter(property=world.p1, is_major=False).values_list("day__date", flat=True)
    past = [d for d in per_day if d < timezone.localdate()]
    assert all(3 <= past.count(d) <= 8 for d in set(past))
    assert set(DutyEntry.objects.values_list("category", flat=True)) == set(DutyCategory.values)
    # R-DUTY-07: every entry sits within the day shift
    for e in DutyEntry.objects.all():
        t = timezone.localtime(e.occurred_at).time()
        assert world.p1.shift_start <= t <= world.p1.shift_end
    # R-DUTY-05: past days signed except the last two
    unsigned = set(DutyDay.objects.filter(signed_at__isnull=True).values_list("date", flat=True))
    today = timezone.localdate()
    assert {d for d in unsigned if d < today} == {today - timedelta(days=n) for n in (1, 2)}
    assert {r.status for r in SpecialIncidentReport.objects.all()} == {
        ReportStatus.ACKNOWLEDGED,
        ReportStatus.DRAFT,
    }
    assert Handover.objects.filter(status=HandoverStatus.CONFIRMED).count() >= 40
    # R-DUTY-09: public-property counts stay around the real inventory over weeks of handovers
    defaults = dict(DEFAULT_PUBLIC_PROPERTY)
    last = Handover.objects.filter(property=world.p1).order_by("-handed_over_at").first()
    assert all(abs(r["actual"] - defaults[r["item"]]) <= 1 for r in last.checks)
    assert demo.load(prop=world.p1, staff=staff, rng=random.Random(7)) == {"skipped": True}
    # property 2: whatever CS users exist (one front desk + one supervisor) — no handover partner, still a log
    made2 = demo.load(
        prop=world.p2,
        staff={"frontdesk2": world.frontdesk2, "supervisor2": world.supervisor2},
        rng=random.Random(1),
        days=5,
    )
    assert made2["entries"] > 0 and made2["handovers"] == 0
