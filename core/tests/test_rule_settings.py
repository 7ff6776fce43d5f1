"""规则参数: the registry (core.rule_settings), the service, the settings page and the API twin.

The areas' own tests (`<area>/tests/test_rule_settings.py`) show that changing a setting changes the rule.
"""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework.test import APIClient

from core import rule_settings, services
from core.choices import HistoryAction
from core.errors import DomainError, NotAllowed
from core.history import history_for
from core.models import Property
from core.rule_settings import DAYS, DECIMAL, HOURS, INTEGER, MINUTES, TIME, Registry, setting

# The open values every area declares (key → rule ID). Written out by hand: removing a declaration or
# moving it to another rule must be done here on purpose.
EXPECTED = {
    "repairs.complete_within": "R-REP-10",
    "repairs.confirm_within": "R-REP-11",
    "repairs.parts_follow_up": "R-REP-12",
    "repairs.remind_lead": "R-REP-13",
    "repairs.accident_report_within": "R-REP-28",
    "complaints.instruction_within": "R-CMP-15",
    "complaints.repeat_window": "R-CMP-34",
    "storage.hold_chase_after": "R-HOLD-13",
    "storage.hold_chase_interval": "R-HOLD-13",
    "storage.found_report_grace": "R-INC-15",
    "storage.found_high_value_above": "R-INC-18",
    "assistance.quick_response": "R-HELP-03",
    "errands.phone_callback_within": "R-TEL-04",
    "visitors.default_visit": "R-VIS-02",
    "visitors.max_visit": "R-VIS-02",
    "visitors.max_preauth": "R-VIS-08",
    "parcels.long_held": "R-LET-09",
    "quality.correct_within": "R-ROLE-13",
}


@pytest.fixture
def reg():
    r = Registry()
    r.declare(
        "demo.wait", label="等待时限", unit=HOURS, default=timedelta(hours=4), rule="R-DEMO-01", min=1, max=72
    )
    r.declare(
        "demo.lead", label="提前提醒", unit=MINUTES, default=timedelta(minutes=30), rule="R-DEMO-02", min=5
    )
    r.declare("demo.keep", label="保存天数", unit=DAYS, default=timedelta(days=7), rule="R-DEMO-03", max=90)
    r.declare(
        "demo.value",
        label="价值标准",
        unit=DECIMAL,
        default=Decimal("100"),
        rule="R-DEMO-04",
        min=0,
        max=100000,
        suffix="元",
    )
    r.declare("demo.count", label="次数", unit=INTEGER, default=2, rule="R-DEMO-05", min=1, max=10)
    r.declare("demo.at", label="截止时刻", unit=TIME, default=time(17, 0), rule="R-DEMO-06")
    return r


class FakeProp:
    pk = 0

    def __init__(self, values=None):
        self.rule_settings = values or {}


# ---- the registry ---------------------------------------------------------------------------------


def test_every_area_declares_its_open_values_with_the_rule():
    declared = {s.key: s.rule for s in rule_settings.REGISTRY}
    assert declared == EXPECTED
    for s in rule_settings.REGISTRY:
        assert str(s.label) and s.area in s.key
        assert rule_settings.area_label(s.area) != s.area  # the app's verbose name (报修, 投诉 …)


def test_defaults_are_the_areas_constants():
    from assistance import services as assistance
    from errands import rules as errands
    from repairs import services as repairs
    from storage import services as storage
    from visitors import services as visitors

    assert setting(None, "repairs.confirm_within") == repairs.CONFIRM_WITHIN_BUSINESS == timedelta(hours=4)
    assert setting(None, "repairs.remind_lead") == repairs.REMIND_LEAD
    assert setting(None, "assistance.quick_response") == assistance.QUICK_RESPONSE == timedelta(minutes=5)
    assert setting(None, "storage.hold_chase_after") == storage.HOLD_CHASE_AFTER
    assert setting(None, "storage.found_high_value_above") == storage.FOUND_HIGH_VALUE_ABOVE == Decimal("100")
    assert setting(None, "errands.phone_callback_within") == errands.PHONE_CALLBACK_WITHIN
    assert setting(None, "visitors.max_visit") == visitors.MAX_VISIT


def test_setting_is_typed_and_falls_back_to_the_default(reg):
    empty = FakeProp()
    assert setting(empty, "demo.wait", registry=reg) == timedelta(hours=4)
    assert setting(None, "demo.value", registry=reg) == Decimal("100")
    p = FakeProp(
        {
            "demo.wait": 6,
            "demo.lead": 45,
            "demo.keep": 3,
            "demo.value": "250.50",
            "demo.count": 3,
            "demo.at": "16:30",
        }
    )
    assert setting(p, "demo.wait", registry=reg) == timedelta(hours=6)
    assert setting(p, "demo.lead", registry=reg) == timedelta(minutes=45)
    assert setting(p, "demo.keep", registry=reg) == timedelta(days=3)
    assert setting(p, "demo.value", registry=reg) == Decimal("250.50")
    assert setting(p, "demo.count", registry=reg) == 3
    assert setting(p, "demo.at", registry=reg) == time(16, 30)
    # a value saved under other bounds (or by hand) never breaks the rule: the default applies
    assert setting(FakeProp({"demo.wait": 500}), "demo.wait", registry=reg) == timedelta(hours=4)
    assert setting(FakeProp({"demo.wait": "x"}), "demo.wait", registry=reg) == timedelta(hours=4)
    with pytest.raises(KeyError):
        setting(empty, "demo.nope", registry=reg)


def test_setting_by_property_id(world):
    world.p1.rule_settings = {"repairs.confirm_within": 6}
    world.p1.save()
    assert setting(world.p1.pk, "repairs.confirm_within") == timedelta(hours=6)
    assert setting(world.p2.pk, "repairs.confirm_within") == timedelta(hours=4)


@pytest.mark.parametrize(
    "kwargs,hint",
    [
        ({"key": "Demo.Wait"}, "lower case"),
        ({"key": "nodot"}, "lower case"),
        ({"unit": "weeks"}, "unknown unit"),
        ({"rule": ""}, "R-AREA-NN"),
        ({"default": timedelta(minutes=90)}, "bad default"),  # not a whole number of hours
        ({"default": timedelta(hours=100)}, "bad default"),  # above max
        ({"default": 4}, "bad default"),  # not a timedelta
    ],
)
def test_declare_refuses_bad_declarations(kwargs, hint):
    args = {
        "key": "demo.wait",
        "label": "等待",
        "unit": HOURS,
        "default": timedelta(hours=4),
        "rule": "R-DEMO-01",
        "min": 1,
        "max": 72,
    }
    args.update(kwargs)
    with pytest.raises(ImproperlyConfigured) as exc:
        Registry().declare(args.pop("key"), **args)
    assert hint in str(exc.value)


def test_declaring_twice_must_agree(reg):
    reg.declare(
        "demo.wait", label="等待时限", unit=HOURS, default=timedelta(hours=4), rule="R-DEMO-01", min=1, max=72
    )
    with pytest.raises(ImproperlyConfigured):
        reg.declare("demo.wait", label="等待时限", unit=HOURS, default=timedelta(hours=5), rule="R-DEMO-01")


@pytest.mark.parametrize(
    "key,raw,stored",
    [
        ("demo.wait", "6", 6),
        ("demo.wait", 72, 72),
        ("demo.wait", " 1 ", 1),
        ("demo.wait", 8.0, 8),
        ("demo.value", "250.5", "250.5"),
        ("demo.value", "0", "0"),
        ("demo.value", 99, "99"),
        ("demo.count", "10", 10),
        ("demo.at", "8:05", "08:05"),
        ("demo.at", time(9, 30), "09:30"),
    ],
)
def test_clean_accepts(reg, key, raw, stored):
    assert reg.get(key).clean(raw) == stored


@pytest.mark.parametrize(
    "key,raw,zh,en",
    [
        ("demo.wait", "abc", "须为整数", "must be a whole number of hours"),
        ("demo.wait", "1.5", "须为整数", "whole number"),
        ("demo.wait", True, "须为整数", "whole number"),
        ("demo.wait", "", "须为整数", "whole number"),
        ("demo.wait", 0, "须在 1 到 72 小时之间", "must be from 1 to 72 hours"),
        ("demo.wait", 73, "须在 1 到 72 小时之间", "must be from 1 to 72 hours"),
        ("demo.lead", 4, "不能小于 5 分钟", "at least 5 minutes"),
        ("demo.keep", 91, "不能大于 90 天", "at most 90 days"),
        ("demo.value", "12.345", "最多两位小数", "at most two decimal places"),
        ("demo.value", "-1", "须在 0 到 100000 元之间", "must be from 0 to 100000"),
        ("demo.value", "NaN", "须为数字", "must be a number"),
        ("demo.at", "25:00", "HH:MM", "use HH:MM"),
    ],
)
def test_clean_refuses_with_chinese_and_english(reg, key, raw, zh, en):
    with pytest.raises(DomainError) as exc:
        reg.get(key).clean(raw)
    msg = str(exc.value.message)
    assert exc.value.field == key
    assert zh in msg and en in msg and key in msg and str(reg.get(key).label) in msg


def test_merge_stores_only_what_differs_from_the_default(reg):
    new, changes = rule_settings.merge(
        {"demo.lead": 45, "gone.key": 1}, {"demo.wait": "6", "demo.lead": None}, registry=reg
    )
    assert new == {"demo.wait": 6}  # the reset key and a no-longer-declared key are dropped
    assert changes == {"demo.wait": ["4 小时", "6 小时"], "demo.lead": ["45 分钟", "30 分钟"]}
    new, changes = rule_settings.merge(new, {"demo.wait": 4, "demo.value": ""}, registry=reg)
    assert new == {} and changes == {"demo.wait": ["6 小时", "4 小时"]}
    with pytest.raises(DomainError) as exc:
        rule_settings.merge({}, {"demo.wait": 6, "demo.nope": 1}, registry=reg)
    assert exc.value.field == "demo.nope" and "Unknown rule settings" in str(exc.value.message)


def test_rows_group_by_area_in_declaration_order(world):
    groups = rule_settings.grouped(world.p1)
    areas = [g["area"] for g in groups]
    assert len(areas) == len(set(areas)) and {"repairs", "storage", "assistance", "visitors"} <= set(areas)
    repairs = next(g for g in groups if g["area"] == "repairs")
    assert repairs["label"] == "报修"
    row = next(r for r in repairs["rows"] if r["key"] == "repairs.confirm_within")
    assert row == {
        "key": "repairs.confirm_within",
        "area": "repairs",
        "area_label": "报修",
        "label": row["label"],
        "unit": "hours",
        "unit_label": "小时",
        "rule": "R-REP-11",
        "default": 4,
        "value": 4,
        "is_default": True,
        "min": 1,
        "max": 72,
        "help": row["help"],
    }


# ---- the service ----------------------------------------------------------------------------------


def test_update_by_the_manager_records_before_and_after(world):
    prop = services.rule_settings_update(
        actor=world.manager,
        prop=world.p1,
        values={"repairs.confirm_within": "6", "storage.found_high_value_above": "200"},
    )
    fresh = Property.objects.get(pk=world.p1.pk)
    assert fresh.rule_settings == {"repairs.confirm_within": 6, "storage.found_high_value_above": "200"}
    assert prop.rule_settings == fresh.rule_settings == world.p1.rule_settings
    assert setting(fresh, "repairs.confirm_within") == timedelta(hours=6)
    h = history_for(fresh)[0]
    assert h.action == HistoryAction.UPDATE and h.actor == world.manager
    assert h.changes == {
        "repairs.confirm_within": ["4 小时", "6 小时"],
        "storage.found_high_value_above": ["100 元", "200 元"],
    }
    # the other property is untouched
    assert Property.objects.get(pk=world.p2.pk).rule_settings == {}


def test_the_cs_supervisor_may_change_them_too_and_reset_to_default(world):
    services.rule_settings_update(actor=world.supervisor, prop=world.p1, values={"visitors.max_visit": 12})
    assert setting(Property.objects.get(pk=world.p1.pk), "visitors.max_visit") == timedelta(hours=12)
    services.rule_settings_update(actor=world.supervisor, prop=world.p1, values={"visitors.max_visit": None})
    fresh = Property.objects.get(pk=world.p1.pk)
    assert fresh.rule_settings == {} and setting(fresh, "visitors.max_visit") == timedelta(hours=24)
    assert history_for(fresh)[0].changes == {"visitors.max_visit": ["12 小时", "24 小时"]}


def test_no_change_no_history(world):
    n = len(history_for(world.p1))
    services.rule_settings_update(actor=world.manager, prop=world.p1, values={"repairs.confirm_within": 4})
    assert Property.objects.get(pk=world.p1.pk).rule_settings == {}
    assert len(history_for(world.p1)) == n


@pytest.mark.parametrize("who", ["frontdesk", "admin1", "engineer", "supervisor2"])
def test_other_roles_and_properties_are_refused(world, who):
    with pytest.raises(NotAllowed):
        services.rule_settings_update(
            actor=getattr(world, who), prop=world.p1, values={"repairs.confirm_within": 6}
        )
    assert Property.objects.get(pk=world.p1.pk).rule_settings == {}


@pytest.mark.parametrize(
    "values,field",
    [
        ({"repairs.confirm_within": 0}, "repairs.confirm_within"),
        ({"repairs.confirm_within": "4.5"}, "repairs.confirm_within"),
        ({"storage.found_high_value_above": "-5"}, "storage.found_high_value_above"),
        ({"assistance.quick_response": 1000}, "assistance.quick_response"),
        # one bad value among good ones: nothing is saved
        ({"visitors.max_visit": 12, "repairs.nope": 1}, "repairs.nope"),
        ({"visitors.max_visit": 12, "visitors.max_preauth": 0}, "visitors.max_preauth"),
    ],
)
def test_bad_values_write_nothing(world, values, field):
    n = len(history_for(world.p1))
    with pytest.raises(DomainError) as exc:
        services.rule_settings_update(actor=world.manager, prop=world.p1, values=values)
    assert exc.value.field == field
    assert Property.objects.get(pk=world.p1.pk).rule_settings == {}
    assert len(history_for(world.p1)) == n


def test_values_must_be_a_mapping(world):
    with pytest.raises(DomainError):
        services.rule_settings_update(
            actor=world.manager, prop=world.p1, values=["repairs.confirm_within", 6]
        )


# ---- pages ----------------------------------------------------------------------------------------


def test_rules_page_access(world, client, client_as):
    url = f"/settings/property/{world.p1.pk}/rules/"
    assert client.get(url).status_code == 302
    assert client_as(world.frontdesk).get(url).status_code == 403
    assert client_as(world.engineer).get("/settings/rules/").status_code == 403
    assert client_as(world.supervisor).get(url).status_code == 200
    assert client_as(world.manager).get(url).status_code == 200
    assert client_as(world.supervisor).get(f"/settings/property/{world.p2.pk}/rules/").status_code == 404
    assert client_as(world.manager).get(f"/settings/property/{world.p2.pk}/rules/").status_code == 404
    r = client_as(world.supervisor).get("/settings/rules/")
    assert r.status_code == 302 and r["Location"] == url


def test_menu_shows_rule_settings_to_the_leads_only(world, client_as):
    assert "/settings/rules/" in client_as(world.supervisor).get("/").content.decode()
    assert "/settings/rules/" not in client_as(world.frontdesk).get("/").content.decode()


def test_property_settings_page_has_the_rules_section_grouped_by_area(world, client_as):
    html = client_as(world.manager).get(f"/settings/property/{world.p1.pk}/").content.decode()
    assert "规则参数" in html and f'action="/settings/property/{world.p1.pk}/rules/"' in html
    for key, rule in EXPECTED.items():
        assert f'name="{key}"' in html and rule in html
    assert 'data-area="repairs"' in html and 'data-area="storage"' in html
    assert "报修" in html and "寄存·暂存·失物" in html


def test_post_from_the_property_settings_page_saves_and_returns(world, client_as):
    c = client_as(world.manager)
    form = {s.key: s.default_stored for s in rule_settings.REGISTRY}
    form.update({"repairs.confirm_within": "6", "next": f"/settings/property/{world.p1.pk}/"})
    r = c.post(f"/settings/property/{world.p1.pk}/rules/", form)
    assert r.status_code == 302 and r["Location"] == f"/settings/property/{world.p1.pk}/#rules"
    assert Property.objects.get(pk=world.p1.pk).rule_settings == {"repairs.confirm_within": 6}
    html = c.get(f"/settings/property/{world.p1.pk}/").content.decode()
    assert 'name="repairs.confirm_within" value="6"' in html and "已调整" in html
    assert "repairs.confirm_within" in html and "4 小时" in html  # the history row


def test_supervisor_posts_on_the_rules_page(world, client_as):
    c = client_as(world.supervisor)
    url = f"/settings/property/{world.p1.pk}/rules/"
    # `next` to the manager's page is not followed for a user without property.manage
    r = c.post(url, {"storage.found_high_value_above": "300", "next": f"/settings/property/{world.p1.pk}/"})
    assert r.status_code == 302 and r["Location"] == url
    assert setting(Property.objects.get(pk=world.p1.pk), "storage.found_high_value_above") == Decimal("300")
    html = c.get(url).content.decode()
    assert 'value="300"' in html and "100 元" in html and "300 元" in html


def test_bad_input_on_the_page_is_400_with_the_message_and_nothing_saved(world, client_as):
    url = f"/settings/property/{world.p1.pk}/rules/"
    r = client_as(world.supervisor).post(url, {"repairs.confirm_within": "500", "visitors.max_visit": "12"})
    html = r.content.decode()
    assert r.status_code == 400
    assert "须在 1 到 72 小时之间" in html and 'value="500"' in html
    assert Property.objects.get(pk=world.p1.pk).rule_settings == {}


def test_blank_field_puts_the_default_back(world, client_as):
    services.rule_settings_update(actor=world.manager, prop=world.p1, values={"visitors.max_visit": 12})
    client_as(world.supervisor).post(f"/settings/property/{world.p1.pk}/rules/", {"visitors.max_visit": ""})
    assert Property.objects.get(pk=world.p1.pk).rule_settings == {}


# ---- API ------------------------------------------------------------------------------------------


def _api_url(prop):
    return f"/api/v1/properties/{prop.pk}/rule-settings/"


def test_api_get_lists_every_setting_for_the_property(world, api_as):
    services.rule_settings_update(actor=world.manager, prop=world.p1, values={"repairs.confirm_within": 6})
    r = api_as(world.frontdesk).get(_api_url(world.p1))
    assert r.status_code == 200
    rows = {row["key"]: row for row in r.json()}
    assert set(rows) == set(EXPECTED)
    assert rows["repairs.confirm_within"]["value"] == 6 and rows["repairs.confirm_within"]["default"] == 4
    assert (
        rows["repairs.confirm_within"]["is_default"] is False
        and rows["repairs.confirm_within"]["rule"] == "R-REP-11"
    )
    assert rows["storage.found_high_value_above"]["value"] == "100"
    assert api_as(world.frontdesk).get(_api_url(world.p2)).status_code == 404
    assert APIClient().get(_api_url(world.p1)).status_code in (401, 403)


def test_api_patch(world, api_as):
    c = api_as(world.supervisor)
    r = c.patch(
        _api_url(world.p1), {"assistance.quick_response": 10, "parcels.long_held": "3"}, format="json"
    )
    assert r.status_code == 200
    rows = {row["key"]: row for row in r.json()}
    assert rows["assistance.quick_response"]["value"] == 10 and rows["parcels.long_held"]["value"] == 3
    fresh = Property.objects.get(pk=world.p1.pk)
    assert setting(fresh, "assistance.quick_response") == timedelta(minutes=10)
    assert history_for(fresh)[0].actor == world.supervisor
    r = c.patch(_api_url(world.p1), {"assistance.quick_response": None}, format="json")
    assert (
        r.status_code == 200
        and {row["key"]: row for row in r.json()}["assistance.quick_response"]["value"] == 5
    )


def test_api_patch_refusals(world, api_as):
    url = _api_url(world.p1)
    assert api_as(world.frontdesk).patch(url, {"repairs.confirm_within": 6}, format="json").status_code == 403
    assert (
        api_as(world.supervisor)
        .patch(_api_url(world.p2), {"repairs.confirm_within": 6}, format="json")
        .status_code
        == 404
    )
    r = api_as(world.manager).patch(
        url, {"repairs.confirm_within": 0, "visitors.max_visit": 12}, format="json"
    )
    assert r.status_code == 400
    assert "须在 1 到 72 小时之间" in r.json()["repairs.confirm_within"][0]
    r = api_as(world.manager).patch(url, {"repairs.nope": 1}, format="json")
    assert r.status_code == 400 and "Unknown rule settings" in r.json()["repairs.nope"][0]
    r = api_as(world.manager).patch(url, [1, 2], format="json")
    assert r.status_code == 400
    assert Property.objects.get(pk=world.p1.pk).rule_settings == {}


def test_api_schema_documents_the_endpoint(world, client_as):
    r = client_as(world.manager).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    ops = paths["/api/v1/properties/{id}/rule-settings/"]
    assert {"get", "patch"} <= set(ops)
    body = ops["patch"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["type"] == "object" and "additionalProperties" in body
