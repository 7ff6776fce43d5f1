"""规则参数 of 投诉: changing the property's settings changes the rules (core.rule_settings)."""

from datetime import timedelta

from django.utils import timezone

from complaints import services, workflow
from complaints.selectors import daily_review
from core import services as core_services
from core.models import Deadline

from .conftest import frozen, local


def _set(world, **values):
    core_services.rule_settings_update(
        actor=world.supervisor, prop=world.p1, values={f"complaints.{k}": v for k, v in values.items()}
    )


def _instruction_due(c):
    return timezone.localtime(
        Deadline.objects.filter(object_id=c.pk, kind=workflow.CLOCK_INSTRUCTION).latest("id").due_at
    )


def _submit(world, c, eng, moment):
    with frozen(moment):
        services.complaint_judge(
            actor=world.supervisor,
            complaint=c,
            judgment="valid",
            reason="成立",
            responsible_department=eng,
            investigation_hours=7,
            definition="4",
        )
        services.proposal_add(actor=world.admin1, complaint=c, text="更换灯具")
        services.complaint_step(actor=world.admin1, complaint=c, name="submit_proposals")


# R-CMP-15 "及时作出批示": the 批示 clock runs for the property's 主管批示时限 in office hours (4 by default).
def test_instruction_clock_follows_the_property_setting(world, make_complaint, eng):
    with frozen(local(2030, 1, 9, 8, 45)):  # Wed
        c1 = make_complaint(received_at=local(2030, 1, 9, 8, 45))
        c2 = make_complaint(received_at=local(2030, 1, 9, 8, 45))
    _submit(world, c1, eng, local(2030, 1, 9, 10, 0))
    assert _instruction_due(c1) == local(2030, 1, 9, 15, 30)  # 2h to 12:00, lunch, 2h from 13:30
    _set(world, instruction_within=2)
    _submit(world, c2, eng, local(2030, 1, 9, 10, 0))
    assert _instruction_due(c2) == local(2030, 1, 9, 12, 0)


# R-CMP-34 "突出": repeated complaints from one unit count within the property's look-back window.
def test_prominent_repeat_window_follows_the_property_setting(world, make_complaint):
    make_complaint(received_at=timezone.now() - timedelta(days=10))
    make_complaint()

    def repeat_reasons():
        d = daily_review(user=world.supervisor, day=timezone.localdate())
        return [p["reasons"] for p in d["prominent"] if "同一房间" in p["reasons"]]

    assert repeat_reasons() and "同一房间30天内投诉2次" in repeat_reasons()[0]
    _set(world, repeat_window=7)
    assert repeat_reasons() == []
    _set(world, repeat_window=14)
    assert "同一房间14天内投诉2次" in repeat_reasons()[0]
