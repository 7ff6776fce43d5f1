"""规则参数 of 求助: changing the property's setting changes the rule (core.rule_settings)."""

from datetime import timedelta

from core import services as core_services
from core.models import Deadline


# R-HELP-03: the quick-response clock runs for the property's 求助快速响应时限 (5 minutes by default).
def test_quick_response_clock_follows_the_property_setting(world, make_help):
    h = make_help("other")
    dl = Deadline.objects.get(object_id=h.pk, kind="first_response")
    assert dl.due_at - dl.started_at == timedelta(minutes=5)
    core_services.rule_settings_update(
        actor=world.supervisor, prop=world.p1, values={"assistance.quick_response": 15}
    )
    h = make_help("other")
    dl = Deadline.objects.get(object_id=h.pk, kind="first_response")
    assert dl.due_at - dl.started_at == timedelta(minutes=15)
    # another property keeps its own (default) value
    h2 = make_help("other", actor=world.frontdesk2, prop=world.p2)
    dl2 = Deadline.objects.get(object_id=h2.pk, kind="first_response")
    assert dl2.due_at - dl2.started_at == timedelta(minutes=5)


# R-HELP-03: the intake page names the property's own quick-response time.
def test_intake_page_names_the_property_quick_response_time(world, client_as):
    c = client_as(world.frontdesk)
    assert "快速响应计时(5 分钟" in c.get(f"/assistance/new/?property={world.p1.pk}").content.decode()
    core_services.rule_settings_update(
        actor=world.supervisor, prop=world.p1, values={"assistance.quick_response": 15}
    )
    assert "快速响应计时(15 分钟" in c.get(f"/assistance/new/?property={world.p1.pk}").content.decode()
