"""规则参数 of 寄存·暂存·失物: changing the property's settings changes the rules (core.rule_settings)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from core import services as core_services
from core.models import Notification
from storage import services


def _set(world, prop=None, **values):
    core_services.rule_settings_update(
        actor=world.manager if prop is None else world.supervisor2,
        prop=prop or world.p1,
        values={f"storage.{k}": v for k, v in values.items()},
    )


def _titles(part):
    return Notification.objects.filter(title__contains=part)


# R-HOLD-13: "很长时间" is the property's setting: an item is chased once it is this long past its
# collection time, and again at most once per interval.
def test_hold_chase_threshold_follows_the_property_setting(world, hold):
    now = timezone.now()
    h = hold(collect_by=now - timedelta(days=2), now=now - timedelta(days=3))
    _set(world, hold_chase_after=3)
    assert services.holding_chase_overdue(now=now) == 0  # 2 days late, the property waits 3
    assert services.holding_chase_overdue(now=now + timedelta(days=1, minutes=1)) == 1
    _set(world, hold_chase_interval=2)
    assert services.holding_chase_overdue(now=now + timedelta(days=2, minutes=2)) == 0
    assert services.holding_chase_overdue(now=now + timedelta(days=3, minutes=2)) == 1
    h.refresh_from_db()
    assert h.chase_count == 2


def test_hold_chase_thresholds_are_per_property(world, hold):
    now = timezone.now()
    hold(collect_by=now - timedelta(days=2), now=now - timedelta(days=3))
    hold(
        actor=world.frontdesk2,
        prop=world.p2,
        unit=world.u_p2,
        collect_by=now - timedelta(days=2),
        now=now - timedelta(days=3),
    )
    _set(world, hold_chase_after=3)  # property 1 waits longer; property 2 keeps one day
    assert services.holding_chase_overdue(now=now) == 1
    assert _titles("超期未领").filter(property=world.p2).exists()
    assert not _titles("超期未领").filter(property=world.p1).exists()


# R-INC-18 (AMBIGUOUS "价值较高"): the property's value threshold decides the safe and the alert;
# the retention period keeps the seed's RMB 100 line (R-INC-21).
def test_high_value_threshold_follows_the_property_setting(
    world, found, secsup, django_capture_on_commit_callbacks
):
    assert found(name="手表", value_estimate="300").high_value  # > 100 by default
    _set(world, found_high_value_above="500")
    with django_capture_on_commit_callbacks(execute=True):
        f = found(name="手表", value_estimate="300", storage_location="前台失物柜")
    assert not f.high_value and f.storage_location == "前台失物柜"
    assert not _titles("贵重拾获物品").filter(body__contains=f.record_no).exists()
    assert (f.retention_until - timezone.localtime(f.found_at).date()).days > 300  # R-INC-21: still a year
    with django_capture_on_commit_callbacks(execute=True):
        g = found(name="金项链", value_estimate=Decimal("500.01"), storage_location="前台失物柜")
    assert g.high_value and g.storage_location == services.SAFE_LOCATION
    assert set(
        _titles("贵重拾获物品")
        .filter(body__contains=g.record_no)
        .values_list("recipient__username", flat=True)
    ) == {
        "secsup",
        "supervisor",
        "manager",
    }


# R-INC-15 (INTERPRETATION "at once"): handed in later than the property's grace is flagged late.
def test_found_report_grace_follows_the_property_setting(world, found):
    assert found(found_at=timezone.now() - timedelta(minutes=90)).late_report is False
    _set(world, found_report_grace=1)
    assert found(found_at=timezone.now() - timedelta(minutes=90)).late_report is True
    assert found(found_at=timezone.now() - timedelta(minutes=30)).late_report is False
