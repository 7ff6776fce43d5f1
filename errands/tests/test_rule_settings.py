"""规则参数 of 代办服务: changing the property's setting changes the rule (core.rule_settings)."""

from datetime import timedelta

from core import services as core_services
from errands import services

from .conftest import MONDAY, at


def _callback(ew, now):
    return services.phone_call_log(
        actor=ew.frontdesk,
        prop=ew.p1,
        caller_name="林业主",
        phone="13800001111",
        subject="询问停车月卡办理",
        outcome="callback",
        now=now,
    )


# R-TEL-04 (INTERPRETATION): the call-back is due within the property's 来电覆电时限 (2 hours by default),
# never inside the quiet hours (R-CB-03).
def test_phone_callback_deadline_follows_the_property_setting(ew):
    assert _callback(ew, at(MONDAY, 10)).callback_due_at == at(MONDAY, 12)
    core_services.rule_settings_update(
        actor=ew.manager, prop=ew.p1, values={"errands.phone_callback_within": 30}
    )
    assert _callback(ew, at(MONDAY, 10)).callback_due_at == at(MONDAY, 10, 30)
    core_services.rule_settings_update(
        actor=ew.manager, prop=ew.p1, values={"errands.phone_callback_within": 24 * 60}
    )
    assert _callback(ew, at(MONDAY, 10)).callback_due_at == at(MONDAY + timedelta(days=1), 10)
