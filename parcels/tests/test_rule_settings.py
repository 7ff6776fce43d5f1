"""规则参数 of 信件与快件: changing the property's setting changes the rule (core.rule_settings)."""

from core import services as core_services
from parcels import selectors, services
from parcels.choices import AttemptOutcome

from .conftest import local


# R-LET-09 (INTERPRETATION): held mail uncollected longer than the property's 信件久未领取 (a week by default)
# is listed to be phoned again, even after an earlier call.
def test_long_held_letters_follow_the_property_setting(world, mail):
    letter = services.letter_register(
        actor=world.frontdesk, prop=world.p1, addressee_name="张三", unit=world.u1, now=local(10, days=-4)
    )
    services.letter_hold(
        actor=world.frontdesk, letter=letter, reason="信箱已满,放不下", now=local(10, days=-4)
    )
    services.letter_call(
        actor=world.frontdesk, letter=letter, outcome=AttemptOutcome.REACHED, now=local(11, days=-4)
    )

    def to_call():
        return list(selectors.held_letters_to_call(user=world.frontdesk, prop=world.p1))

    assert letter not in to_call()  # phoned 4 days ago, held less than a week
    core_services.rule_settings_update(actor=world.supervisor, prop=world.p1, values={"parcels.long_held": 3})
    assert letter in to_call()
    core_services.rule_settings_update(actor=world.supervisor, prop=world.p1, values={"parcels.long_held": 5})
    assert letter not in to_call()
