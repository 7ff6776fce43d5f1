"""规则参数 of 访客登记: changing the property's settings changes the rules (core.rule_settings)."""

from datetime import timedelta

import pytest

from core import services as core_services
from core.errors import DomainError
from visitors import services

from .conftest import ID1


def _set(world, **values):
    core_services.rule_settings_update(
        actor=world.manager, prop=world.p1, values={f"visitors.{k}": v for k, v in values.items()}
    )


# R-VIS-02: the 访问时间 registered when the visitor names none is the property's 默认访问时间.
def test_default_visit_follows_the_property_setting(world, visit):
    e = visit()
    assert e.expected_leave_at - e.arrived_at == timedelta(hours=2)
    _set(world, default_visit=45)
    e = visit(visitor_name="钱访客")
    assert e.expected_leave_at - e.arrived_at == timedelta(minutes=45)


# R-VIS-02 (INTERPRETATION): one registration covers at most the property's 访问时间上限 (24 h by default).
def test_max_visit_follows_the_property_setting(world, visit, admitted, later):
    e = visit(expected_leave_at=later(hours=6))
    assert e.expected_leave_at
    _set(world, max_visit=4)
    with pytest.raises(DomainError) as exc:
        visit(visitor_name="钱访客", expected_leave_at=later(hours=6))
    assert exc.value.field == "expected_leave_at" and "最长 4 小时" in str(exc.value.message)
    assert "4 hours" in str(exc.value.message)
    # extending an admitted visit is held to the same limit
    a = admitted(visitor_name="孙访客", expected_leave_at=later(hours=1))
    with pytest.raises(DomainError) as exc:
        services.visitor_extend(
            actor=world.frontdesk, entry=a, expected_leave_at=later(hours=5), notified_by="张三"
        )
    assert "最长 4 小时" in str(exc.value.message)
    services.visitor_extend(
        actor=world.frontdesk, entry=a, expected_leave_at=later(hours=3), notified_by="张三"
    )


# R-VIS-08/09: a standing instruction lasts at most the property's 预先交代最长有效期 (90 days by default).
def test_max_preauth_follows_the_property_setting(world, folks, later):
    def preauth(days):
        return services.preauth_create(
            actor=world.frontdesk,
            prop=world.p1,
            unit=world.u1,
            resident=folks.zhang,
            visitor_name="赵访客",
            visitor_id_number=ID1,
            valid_from=later(hours=-1),
            valid_to=later(days=days),
            instructions="带客人坐 2 号梯",
        )

    assert preauth(30)
    _set(world, max_preauth=7)
    with pytest.raises(DomainError) as exc:
        preauth(30)
    assert exc.value.field == "valid_to" and "最长 7 天" in str(exc.value.message)
    assert preauth(6)
