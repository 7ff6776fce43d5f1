"""Rules of 报修 (R-REP-01..28), the fee schedule (R-PAID-06) and the completion hand-off (R-CB-12)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.choices import DeadlineState, Role
from core.errors import Conflict, DomainError, NotAllowed
from core.models import Deadline, Department, Notification
from core.permissions import can
from repairs import services
from repairs.choices import RepairStatus as S
from repairs.models import DailyReturn, PriceItem, RepairCharge, RepairOrder, SpareKeyEntry
from servicedesk import engine
from servicedesk import services as sd
from servicedesk.models import ServiceRequest

from .conftest import at, p2_repair


def clock(req, kind):
    return Deadline.objects.filter(object_id=req.pk, kind=kind).exclude(state="cancelled").latest("id")


def walk_to_completed(rw, req, *, when=None, sign=True):
    """Collect → arrive → complete (signed, reported) by the engineer."""
    services.repair_collect(actor=rw.engineer, request=req, collector=rw.engineer)
    services.repair_arrive(actor=rw.engineer, request=req)
    services.repair_complete(
        actor=rw.engineer,
        request=req,
        result="更换水龙头阀芯,试水正常",
        repairer_signature="刘工",
        signer_name="张三" if sign else "",
        resident_comment="师傅很细心",
        reported_to_cs=True,
    )
    req.refresh_from_db()
    return req


# --- permissions ---------------------------------------------------------------------------------------

MATRIX = {
    "repairs.view": set(Role),
    "repairs.create": {Role.MANAGER, Role.CS_SUPERVISOR, Role.CS_ADMIN, Role.FRONT_DESK, Role.CLERK},
    "repairs.dispatch": {Role.MANAGER, Role.CS_SUPERVISOR, Role.CS_ADMIN, Role.FRONT_DESK, Role.CLERK},
    "repairs.work": {
        Role.MANAGER,
        Role.CS_SUPERVISOR,
        Role.CS_ADMIN,
        Role.FRONT_DESK,
        Role.CLERK,
        Role.ENG_SUPERVISOR,
        Role.ENGINEER,
    },
    "repairs.spare_key": {
        Role.MANAGER,
        Role.CS_SUPERVISOR,
        Role.CS_ADMIN,
        Role.FRONT_DESK,
        Role.CLERK,
        Role.SEC_SUPERVISOR,
        Role.GUARD,
    },
    "repairs.charge": {
        Role.MANAGER,
        Role.CS_SUPERVISOR,
        Role.CS_ADMIN,
        Role.FRONT_DESK,
        Role.CLERK,
        Role.ENG_SUPERVISOR,
        Role.ENGINEER,
        Role.FINANCE,
    },
    "repairs.price_list": {Role.MANAGER, Role.CS_SUPERVISOR},
    "repairs.return": {
        Role.MANAGER,
        Role.CS_SUPERVISOR,
        Role.CS_ADMIN,
        Role.FRONT_DESK,
        Role.CLERK,
        Role.ENG_SUPERVISOR,
        Role.ENGINEER,
    },
    "repairs.accident_ack": {Role.MANAGER, Role.CS_SUPERVISOR},
}


def test_permission_matrix(db):
    from core.permissions import role_allows

    for action, roles in MATRIX.items():
        for role in Role:
            assert role_allows(role, action) == (role in roles), (action, role)


def test_other_property_and_wrong_role_refused(rw, make_repair):
    with pytest.raises(NotAllowed):
        make_repair(actor=rw.frontdesk2)  # works for property 2 only
    with pytest.raises(NotAllowed):
        make_repair(actor=rw.guard)  # the guard reports to the 管理员, who records
    assert not can(rw.guard, "repairs.create", rw.p1.pk)
    assert ServiceRequest.objects.count() == 0


# --- intake --------------------------------------------------------------------------------------------


# R-REP-01 R-REP-05
def test_every_scope_goes_to_engineering_as_a_work_order(rw, make_repair):
    eng = Department.objects.get(property=rw.p1, kind="eng")
    a = make_repair()
    b = make_repair(
        scope="public", unit=None, location=rw.lobby, reporter_name="孙保安", reporter_department="秩序维护部"
    )
    c = make_repair(scope="clubhouse", unit=None, location=rw.pool, reporter_name="会所小王")
    for r in (a, b, c):
        r.refresh_from_db()
        assert r.kind == "repair" and r.status == S.DISPATCHED and r.department == eng
        assert r.number.startswith("BX")
        assert r.events.filter(kind="status", text__contains="电话通知工程部").exists()
    # engineering is told by phone / walkie-talkie, with the content (R-REP-05)
    assert Notification.objects.filter(recipient=rw.engineer, title__contains=a.number).exists()


# R-REP-03 R-REP-04
def test_in_unit_report_holds_what_the_owner_said(rw, make_repair):
    with pytest.raises(DomainError) as e:
        make_repair(unit=None)
    assert e.value.field == "unit"
    appt = timezone.now() + timedelta(days=1)
    r = make_repair(spare_key_allowed=True, appointment_at=appt)
    o = RepairOrder.objects.get(pk=r.pk)
    assert (o.special_requests, o.available_times, o.spare_key_allowed) == (
        "请穿鞋套",
        "工作日 9:00-11:00",
        True,
    )
    assert (r.reporter_name, r.contact_phone, o.appointment_at) == ("张三", "13812345678", appt)
    assert r.received_at is not None


def test_bad_input_writes_nothing(rw, make_repair):
    with pytest.raises(DomainError):
        make_repair(description=" ")
    with pytest.raises(DomainError):
        make_repair(scope="nowhere")
    with pytest.raises(DomainError):
        make_repair(received_at=timezone.now() + timedelta(hours=2))
    assert not RepairOrder.objects.exists() and not ServiceRequest.objects.exists()


# R-REP-17 R-REP-18
def test_public_area_report_needs_name_department_content_location(rw, make_repair):
    with pytest.raises(DomainError) as e:
        make_repair(scope="public", unit=None, location=rw.lobby, reporter_name="孙保安")
    assert e.value.field == "reporter_department"
    with pytest.raises(DomainError) as e:
        make_repair(scope="public", unit=None, reporter_name="孙保安", reporter_department="秩序维护部")
    assert e.value.field == "location"
    with pytest.raises(DomainError):  # a clubhouse place is not a public area
        make_repair(
            scope="public", unit=None, location=rw.pool, reporter_name="x", reporter_department="保洁"
        )
    r = make_repair(
        scope="public",
        unit=None,
        location=rw.lobby,
        location_detail="东侧吊灯",
        reporter_name="孙保安",
        reporter_department="秩序维护部",
        description="大堂吊灯不亮,夜间更换",
    )
    assert r.status == S.DISPATCHED and clock(r, "collect").state == DeadlineState.RUNNING


# R-REP-20
def test_clubhouse_report_needs_a_clubhouse_place(rw, make_repair):
    with pytest.raises(DomainError):
        make_repair(scope="clubhouse", unit=None, location=rw.lobby, reporter_name="会所小王")
    r = make_repair(
        scope="clubhouse", unit=None, location=rw.pool, reporter_name="会所小王", description="泳池循环泵异响"
    )
    assert r.location == rw.pool and RepairOrder.objects.get(pk=r.pk).spare_key_allowed is False


# R-REP-22
def test_routine_clubhouse_work_is_cancelled_not_repaired(rw, make_repair):
    r = make_repair(
        scope="clubhouse", unit=None, location=rw.pool, reporter_name="会所小王", description="泳池加温"
    )
    with pytest.raises(DomainError):
        sd.request_transition(actor=rw.frontdesk, request=r, name="cancel", reason="")
    sd.request_transition(
        actor=rw.frontdesk, request=r, name="cancel", reason="每日例行工作,会所直接联系工程部"
    )
    r.refresh_from_db()
    assert r.status == S.CANCELLED and r.closed_at
    assert not Deadline.objects.filter(object_id=r.pk, state="running").exists()


# --- engineering's steps -------------------------------------------------------------------------------


# R-REP-07 R-REP-08
def test_collection_within_five_minutes_or_flagged_late(rw, make_repair):
    t0 = timezone.now() - timedelta(minutes=30)
    a = make_repair(received_at=t0)
    dl = clock(a, "collect")
    assert dl.due_at - dl.started_at == timedelta(minutes=5) and dl.started_at == t0
    with pytest.raises(DomainError) as e:  # the collector signs: an engineering person
        services.repair_collect(
            actor=rw.frontdesk, request=a, collector=rw.guard, at=t0 + timedelta(minutes=3)
        )
    assert e.value.field == "collector"
    o = services.repair_collect(
        actor=rw.frontdesk, request=a, collector=rw.engineer, signature="刘工", at=t0 + timedelta(minutes=3)
    )
    assert (o.collect_late, o.collector_signature, o.collected_at) == (
        False,
        "刘工",
        t0 + timedelta(minutes=3),
    )
    assert clock(a, "collect").state == DeadlineState.MET
    b = make_repair(received_at=t0)
    o = services.repair_collect(
        actor=rw.engineer, request=b, collector=rw.engineer, at=t0 + timedelta(minutes=7)
    )
    assert o.collect_late is True
    assert b.events.filter(text__contains="超过5分钟").exists()
    with pytest.raises(DomainError):  # before the notification: impossible
        services.repair_collect(
            actor=rw.engineer,
            request=make_repair(received_at=t0),
            collector=rw.engineer,
            at=t0 - timedelta(minutes=1),
        )


# R-REP-08 R-REP-09
def test_arrival_needs_the_signed_order_and_records_the_companion(rw, make_repair):
    r = make_repair(accompany_requested=True)
    assert RepairOrder.objects.get(pk=r.pk).accompany_requested
    with pytest.raises(DomainError):
        services.repair_arrive(actor=rw.engineer, request=r)
    services.repair_collect(actor=rw.engineer, request=r, collector=rw.engineer)
    o = services.repair_arrive(actor=rw.engineer, request=r, cs_on_site=True)
    assert o.cs_on_site and o.arrived_at and r.status == S.ARRIVED


# R-REP-10
def test_completion_needs_result_and_repairer_signature(rw, make_repair):
    r = make_repair()
    services.repair_collect(actor=rw.engineer, request=r, collector=rw.engineer)
    services.repair_arrive(actor=rw.engineer, request=r)
    with pytest.raises(DomainError) as e:
        services.repair_complete(actor=rw.engineer, request=r, result="", repairer_signature="刘工")
    assert e.value.field == "result"
    with pytest.raises(DomainError) as e:
        services.repair_complete(actor=rw.engineer, request=r, result="已修复", repairer_signature=" ")
    assert e.value.field == "repairer_signature"
    o = services.repair_complete(
        actor=rw.engineer,
        request=r,
        result="已修复",
        repairer_signature="刘工",
        signer_name="张三",
        resident_comment="满意",
    )
    assert (o.signer_role, o.signer_name, o.resident_comment) == ("resident", "张三", "满意")
    assert o.completed_at and r.status == S.COMPLETED
    assert clock(r, "complete").state == DeadlineState.MET
    assert clock(r, "confirm").state == DeadlineState.RUNNING


# R-REP-11 R-CB-12
def test_complete_only_after_signature_report_and_cs_confirmation(rw, make_repair):
    heard = []
    listener = engine.on_completed(lambda req, actor: heard.append((req.pk, actor)))
    try:
        r = make_repair()
        services.repair_collect(actor=rw.engineer, request=r, collector=rw.engineer)
        services.repair_arrive(actor=rw.engineer, request=r)
        services.repair_complete(actor=rw.engineer, request=r, result="已修复", repairer_signature="刘工")
        with pytest.raises(DomainError) as e:
            services.repair_confirm(actor=rw.admin1, request=r, note="使用正常")
        assert e.value.field == "signer_name"
        services.repair_sign(actor=rw.engineer, request=r, signer_name="张三", comment="好")
        with pytest.raises(DomainError) as e:
            services.repair_confirm(actor=rw.admin1, request=r, note="使用正常")
        assert e.value.field == "engineer_reported"
        services.repair_report_done(actor=rw.engineer, request=r)
        with pytest.raises(NotAllowed):  # the 管理员 confirms, not engineering
            services.repair_confirm(actor=rw.engineer, request=r, note="使用正常")
        assert heard == []
        o = services.repair_confirm(actor=rw.admin1, request=r, note="业户确认使用正常")
        r.refresh_from_db()
        assert r.status == S.CONFIRMED and r.closed_at and o.cs_confirmed_by == rw.admin1
        assert heard == [(r.pk, rw.admin1)]  # callbacks schedule the 1-week callback from here
        assert clock(r, "confirm").state == DeadlineState.MET
    finally:
        engine.COMPLETION_LISTENERS.remove(listener)


# R-REP-19
def test_public_area_result_phoned_to_the_administrator(rw, make_repair):
    r = make_repair(
        scope="public", unit=None, location=rw.lobby, reporter_name="孙保安", reporter_department="秩序维护部"
    )
    walk_to_completed(rw, r, sign=False)
    o = RepairOrder.objects.get(pk=r.pk)
    assert o.engineer_reported_at and r.events.filter(kind="call", text__contains="通知客服").exists()


# R-REP-21
def test_clubhouse_repair_signed_by_clubhouse_staff(rw, make_repair):
    r = make_repair(scope="clubhouse", unit=None, location=rw.pool, reporter_name="会所小王")
    services.repair_collect(actor=rw.engineer, request=r, collector=rw.engineer)
    services.repair_arrive(actor=rw.engineer, request=r)
    with pytest.raises(DomainError) as e:
        services.repair_complete(
            actor=rw.engineer,
            request=r,
            result="已修复",
            repairer_signature="刘工",
            signer_name="张三",
            signer_role="resident",
        )
    assert e.value.field == "signer_role"
    o = services.repair_complete(
        actor=rw.engineer,
        request=r,
        result="已修复",
        repairer_signature="刘工",
        signer_name="会所小王",
        reported_to_cs=True,
    )
    assert o.signer_role == "clubhouse"
    services.repair_confirm(actor=rw.frontdesk, request=r, note="会所确认正常")


# R-REP-12
def test_parts_missing_needs_the_residents_agreement_and_is_followed(rw, make_repair):
    r = make_repair()
    services.repair_collect(actor=rw.engineer, request=r, collector=rw.engineer)
    services.repair_arrive(actor=rw.engineer, request=r)
    with pytest.raises(DomainError) as e:
        services.repair_hold(actor=rw.admin1, request=r, reason_kind="parts", reason="缺同型号阀芯")
    assert e.value.field == "resident_agreed"
    with pytest.raises(DomainError):
        services.repair_hold(
            actor=rw.admin1, request=r, reason_kind="parts", reason=" ", resident_agreed=True
        )
    o = services.repair_hold(
        actor=rw.admin1, request=r, reason_kind="parts", reason="缺同型号阀芯", resident_agreed=True
    )
    assert r.status == S.ON_HOLD and o.resident_agreed
    assert clock(r, "complete").state == DeadlineState.PAUSED
    assert clock(r, "follow_up").state == DeadlineState.RUNNING
    assert Notification.objects.filter(recipient=rw.engineer, title__contains="暂停").exists()
    services.repair_follow_up(actor=rw.admin1, request=r, text="配件明天到货,已告知业户")
    services.repair_resume(actor=rw.engineer, request=r, note="配件到货")
    assert r.status == S.COLLECTED and clock(r, "complete").state == DeadlineState.RUNNING
    assert clock(r, "follow_up").state == DeadlineState.MET


# R-REP-13
def test_resident_not_home_new_time_and_reminder(rw, make_repair):
    r = make_repair()
    services.repair_collect(actor=rw.engineer, request=r, collector=rw.engineer)
    with pytest.raises(DomainError) as e:
        services.repair_hold(actor=rw.admin1, request=r, reason_kind="not_home", reason="敲门无人")
    assert e.value.field == "rescheduled_for"
    later = timezone.now() + timedelta(hours=3)
    o = services.repair_hold(
        actor=rw.admin1, request=r, reason_kind="not_home", reason="敲门无人", rescheduled_for=later
    )
    assert o.remind_at == later - services.REMIND_LEAD
    assert services.repairs_due_actions(now=timezone.now()) == {"reminded": 0, "resumed": 0}
    before = Notification.objects.filter(recipient=rw.engineer).count()
    assert services.repairs_due_actions(now=o.remind_at + timedelta(minutes=1))["reminded"] == 1
    assert services.repairs_due_actions(now=o.remind_at + timedelta(minutes=2))["reminded"] == 0  # once
    assert Notification.objects.filter(recipient=rw.engineer).count() == before + 1
    o.refresh_from_db()
    assert o.reminded_at and clock(r, "remind").state == DeadlineState.MET
    services.repair_reschedule(
        actor=rw.admin1, request=r, rescheduled_for=later + timedelta(days=1), note="业户改约"
    )
    o.refresh_from_db()
    assert o.reminded_at is None and clock(r, "remind").state == DeadlineState.RUNNING


# --- spare key (R-REP-14) ---------------------------------------------------------------------------


# R-REP-14
def test_spare_key_entry_needs_permission_reconfirmed_and_all_three_departments(rw, make_repair):
    r = make_repair(spare_key_allowed=False)
    services.repair_collect(actor=rw.engineer, request=r, collector=rw.engineer)
    three = dict(cs_person=rw.admin1, security_person=rw.guard, engineering_person=rw.engineer)
    with pytest.raises(DomainError):
        services.repair_spare_key_reconfirm(actor=rw.admin1, request=r, note="x")
    r = make_repair(spare_key_allowed=True)
    services.repair_collect(actor=rw.engineer, request=r, collector=rw.engineer)
    with pytest.raises(DomainError):  # not reconfirmed yet
        services.spare_key_enter(actor=rw.admin1, request=r, **three)
    services.repair_spare_key_reconfirm(actor=rw.admin1, request=r, note="电话复核,业主同意")
    with pytest.raises(DomainError) as e:  # security must be there
        services.spare_key_enter(actor=rw.admin1, request=r, **{**three, "security_person": rw.frontdesk})
    assert e.value.field == "security_person"
    with pytest.raises(DomainError) as e:
        services.spare_key_enter(actor=rw.admin1, request=r, **{**three, "engineering_person": None})
    assert e.value.field == "engineering_person"
    with pytest.raises(NotAllowed):  # engineering alone may not record its own entry
        services.spare_key_enter(actor=rw.engineer, request=r, **three)
    entry = services.spare_key_enter(actor=rw.guard, request=r, key_reference="K-3-1201", **three)
    with pytest.raises(Conflict):
        services.spare_key_enter(actor=rw.admin1, request=r, **three)
    services.spare_key_leave(actor=rw.admin1, entry=entry)
    entry.refresh_from_db()
    assert entry.left_at and entry.left_at >= entry.entered_at  # one leaving time for all three
    with pytest.raises(Conflict):
        services.spare_key_leave(actor=rw.admin1, entry=entry)
    assert SpareKeyEntry.objects.filter(order_id=r.pk).count() == 1
    assert r.events.filter(text__contains="三方同时在场").exists()
    assert r.events.filter(text__contains="同时离开").exists()


# --- paid repairs ------------------------------------------------------------------------------------


# R-PAID-06
def test_fee_schedule_seeded_for_every_property(rw):
    for prop in (rw.p1, rw.p2):
        items = PriceItem.objects.filter(property=prop)
        assert items.filter(category="install").count() == 7 and items.filter(category="repair").count() == 10
        assert items.filter(price__isnull=True).count() == 17  # the seed gives no prices
    names = set(PriceItem.objects.filter(property=rw.p1).values_list("name", flat=True))
    assert {"日光灯(单管)", "布电源线", "换灯泡或灯管", "电话机点线路维修", "管道、地漏疏通"} <= names
    assert services.price_list_seed(prop=rw.p1) == 0  # idempotent


# R-PAID-06
def test_price_set_by_leads_only_and_used_for_labour(rw, make_repair):
    item = PriceItem.objects.get(property=rw.p1, category="repair", seq=8)  # 换水龙头
    r = make_repair()
    with pytest.raises(DomainError):  # not priced yet
        services.repair_charge_add(actor=rw.engineer, request=r, kind="labour", price_item=item)
    with pytest.raises(NotAllowed):
        services.price_item_update(actor=rw.frontdesk, item=item, price="30")
    with pytest.raises(DomainError):
        services.price_item_update(actor=rw.supervisor, item=item, price="abc")
    services.price_item_update(actor=rw.supervisor, item=item, price="30")
    c = services.repair_charge_add(actor=rw.engineer, request=r, kind="labour", price_item=item)
    assert (c.description, c.unit_price, c.total, c.service_fee) == (
        "换水龙头",
        Decimal("30.00"),
        Decimal("30.00"),
        0,
    )
    other = PriceItem.objects.get(property=rw.p2, category="repair", seq=8)
    with pytest.raises(DomainError):  # another property's schedule
        services.repair_charge_add(actor=rw.engineer, request=r, kind="labour", price_item=other)


# R-REP-16
def test_off_list_part_plus_twenty_percent_service_fee(rw, make_repair):
    assert services.SERVICE_FEE_RATE == Decimal("0.20")
    r = make_repair()
    c = services.repair_charge_add(
        actor=rw.engineer, request=r, kind="off_list", description="恒温阀芯", unit_price="85.50", quantity=2
    )
    assert (c.amount, c.service_fee, c.total) == (Decimal("171.00"), Decimal("34.20"), Decimal("205.20"))
    c2 = services.repair_charge_add(
        actor=rw.engineer, request=r, kind="off_list", description="垫片", unit_price="0.33"
    )
    assert (c2.service_fee, c2.total) == (Decimal("0.07"), Decimal("0.40"))  # rounded half-up to the cent
    m = services.repair_charge_add(
        actor=rw.engineer, request=r, kind="material", description="生料带", unit_price="5"
    )
    assert m.service_fee == 0 and m.total == Decimal("5.00")
    with pytest.raises(DomainError) as e:
        services.repair_charge_add(
            actor=rw.engineer, request=r, kind="off_list", description="x", unit_price="-1"
        )
    assert e.value.field == "unit_price"
    assert RepairOrder.objects.get(pk=r.pk).is_paid


# R-REP-15
def test_prices_confirmed_by_resident_and_payment_method_before_completion(rw, make_repair):
    r = make_repair()
    services.repair_collect(actor=rw.engineer, request=r, collector=rw.engineer)
    services.repair_arrive(actor=rw.engineer, request=r)
    services.repair_charge_add(
        actor=rw.engineer, request=r, kind="material", description="水龙头", unit_price="120"
    )
    args = dict(actor=rw.engineer, request=r, result="已更换", repairer_signature="刘工", signer_name="张三")
    with pytest.raises(DomainError) as e:
        services.repair_complete(**args)
    assert e.value.field == "charges"
    assert services.repair_charges_confirm(actor=rw.engineer, request=r, resident_name="张三") == 1
    with pytest.raises(DomainError) as e:
        services.repair_complete(**args)
    assert e.value.field == "payment_method"
    with pytest.raises(DomainError):
        services.repair_set_payment(actor=rw.finance, request=r, method="bitcoin")
    services.repair_set_payment(actor=rw.finance, request=r, method="wechat")
    services.repair_complete(**args)
    with pytest.raises(Conflict):  # no new prices after the work
        services.repair_charge_add(
            actor=rw.engineer, request=r, kind="material", description="x", unit_price="1"
        )
    assert RepairCharge.objects.get(order_id=r.pk).resident_confirmed_name == "张三"


# --- emergencies -------------------------------------------------------------------------------------


def _leak(rw, **kw):
    args = dict(
        actor=rw.frontdesk,
        prop=rw.p1,
        unit=rw.u1,
        description="3-1201 卫生间跑水,水漫到客厅",
        severity="serious",
        reporter_name="张三",
        contact_phone="13812345678",
    )
    args.update(kw)
    return services.repair_emergency_create(**args)


# R-REP-25 R-REP-26
def test_emergency_no_paper_first_engineering_and_supervisor_told_arrive_in_five(rw):
    t0 = timezone.now() - timedelta(minutes=20)
    r = _leak(rw, at=t0)
    o = RepairOrder.objects.get(pk=r.pk)
    assert r.is_emergency and r.priority == "urgent" and o.paper_skipped and o.notified_at == t0
    assert r.status == S.DISPATCHED
    dl = clock(r, "arrive")
    assert dl.due_at - t0 == timedelta(minutes=5)
    assert not Deadline.objects.filter(object_id=r.pk, kind="collect").exists()
    assert Notification.objects.filter(recipient=rw.engineer, title__contains="紧急").exists()
    assert Notification.objects.filter(
        recipient=rw.supervisor, title__contains=r.number, level="danger"
    ).exists()
    assert r.events.filter(kind="escalation", text__contains="客服主管").exists()
    o = services.repair_arrive(actor=rw.engineer, request=r, cs_on_site=True, at=t0 + timedelta(minutes=4))
    assert (o.arrive_late, o.cs_on_site) == (False, True) and clock(r, "arrive").state == DeadlineState.MET
    late = _leak(rw, at=t0)
    assert services.repair_arrive(actor=rw.engineer, request=late, at=t0 + timedelta(minutes=9)).arrive_late


# R-REP-27 R-REP-28
def test_emergency_losses_photos_and_accident_report_before_closing(rw, png):
    r = _leak(rw)
    services.repair_arrive(actor=rw.engineer, request=r, cs_on_site=True)
    sd.request_add_photo(actor=rw.frontdesk, request=r, upload=png(), caption="客厅地板积水")
    loss = services.repair_loss_add(
        actor=rw.supervisor,
        request=r,
        item="客厅实木地板",
        description="约 12 m² 泡水起拱",
        estimated_amount="6000",
    )
    assert loss.estimated_amount == Decimal("6000.00")
    with pytest.raises(DomainError):  # before the repair is done
        services.accident_report_save(actor=rw.frontdesk, request=r, facts="x", severity="serious")
    services.repair_complete(
        actor=rw.engineer,
        request=r,
        result="关闭总阀,更换爆裂软管",
        repairer_signature="刘工",
        signer_name="张三",
        reported_to_cs=True,
    )
    assert clock(r, "accident_report").state == DeadlineState.RUNNING
    with pytest.raises(DomainError) as e:
        services.repair_confirm(actor=rw.frontdesk, request=r, note="业户确认")
    assert e.value.field == "accident_report"
    rep = services.accident_report_save(
        actor=rw.frontdesk,
        request=r,
        facts="软管爆裂跑水",
        severity="serious",
        impact="客厅地板受损",
        handling="关阀、吸水、更换软管",
    )
    with pytest.raises(DomainError):
        services.repair_confirm(actor=rw.frontdesk, request=r, note="业户确认")  # a draft is not submitted
    services.accident_report_submit(actor=rw.frontdesk, report=rep)
    assert clock(r, "accident_report").state == DeadlineState.MET
    assert Notification.objects.filter(recipient=rw.supervisor, title__contains="事故报告").exists()
    with pytest.raises(NotAllowed):
        services.accident_report_acknowledge(actor=rw.frontdesk, report=rep)
    services.accident_report_acknowledge(actor=rw.supervisor, report=rep, note="跟进理赔")
    services.repair_confirm(actor=rw.frontdesk, request=r, note="业户确认正常")
    r.refresh_from_db()
    assert r.status == S.CONFIRMED
    kinds = list(r.events.values_list("kind", flat=True))
    assert "attachment" in kinds and "escalation" in kinds


def test_loss_record_only_for_emergencies(rw, make_repair):
    with pytest.raises(DomainError):
        services.repair_loss_add(actor=rw.frontdesk, request=make_repair(), item="x", description="y")


# --- daily return and the unfinished record ------------------------------------------------------------


# R-REP-23
def test_daily_return_states_why_unfinished_and_later_orders_go_to_next_day(rw, make_repair):
    # Yesterday's return, so the times are in the past whenever the suite runs.
    start = (timezone.localtime() - timedelta(days=1)).replace(hour=8, minute=1, second=0, microsecond=0)
    done = make_repair(received_at=start)
    walk_to_completed(rw, done)
    open_one = make_repair(received_at=start)
    ret_at = start + timedelta(minutes=30)
    with pytest.raises(DomainError) as e:
        services.daily_return_record(actor=rw.frontdesk, prop=rw.p1, returned_by=rw.engineer, at=ret_at)
    assert e.value.field == "reasons" and open_one.number in str(e.value.message)
    with pytest.raises(DomainError):  # the 工程部 returns the copies
        services.daily_return_record(
            actor=rw.frontdesk, prop=rw.p1, returned_by=rw.guard, reasons={open_one.pk: "x"}, at=ret_at
        )
    assert not DailyReturn.objects.exists()
    later = make_repair()  # raised after the return time → next day's return
    ret = services.daily_return_record(
        actor=rw.frontdesk,
        prop=rw.p1,
        returned_by=rw.engineer,
        reasons={open_one.pk: "缺配件,明日更换"},
        at=ret_at,
    )
    lines = {ln.order_id: ln for ln in ret.lines.all()}
    assert set(lines) == {done.pk, open_one.pk}
    assert lines[done.pk].finished and not lines[open_one.pk].finished
    assert lines[open_one.pk].unfinished_reason == "缺配件,明日更换"
    assert ret.late is False
    assert later.pk in {o.pk for o in services.pending_return_orders(rw.p1, timezone.now())}
    with pytest.raises(Conflict):
        services.daily_return_record(
            actor=rw.frontdesk, prop=rw.p1, returned_by=rw.engineer, at=ret_at + timedelta(minutes=1)
        )


# R-REP-23
def test_return_after_five_pm_is_flagged_late(rw, make_repair):
    y = timezone.localtime() - timedelta(days=1)
    r = make_repair(received_at=y.replace(hour=9, minute=0))
    walk_to_completed(rw, r)
    ret = services.daily_return_record(
        actor=rw.frontdesk, prop=rw.p1, returned_by=rw.engineer, at=y.replace(hour=17, minute=20)
    )
    assert ret.late and ret.date == y.date()


# R-REP-24
def test_unfinished_record_passed_to_engineering_supervisor(rw, make_repair):
    from repairs import selectors

    y = timezone.localtime() - timedelta(days=1)
    r = make_repair(received_at=y.replace(hour=9, minute=0))
    ret = services.daily_return_record(
        actor=rw.frontdesk,
        prop=rw.p1,
        returned_by=rw.engineer,
        reasons={r.pk: "业户不在家"},
        at=y.replace(hour=16, minute=50),
    )
    got, lines = selectors.unfinished_record(user=rw.engsup, prop=rw.p1, day=y.date())
    assert got == ret and [ln.order_id for ln in lines] == [r.pk]
    with pytest.raises(DomainError):
        services.unfinished_hand_over(actor=rw.frontdesk, daily_return=ret, supervisor=rw.engineer)
    services.unfinished_hand_over(actor=rw.frontdesk, daily_return=ret, supervisor=rw.engsup)
    assert Notification.objects.filter(recipient=rw.engsup, title__contains="未完成工程维修记录").exists()
    with pytest.raises(Conflict):
        services.unfinished_hand_over(actor=rw.frontdesk, daily_return=ret, supervisor=rw.engsup)


# R-REP-23
def test_five_pm_check_flags_unreturned_orders_once(rw, make_repair):
    # Yesterday's 17:00, so the order is raised in the past whenever the suite runs.
    five = (timezone.localtime() - timedelta(days=1)).replace(hour=17, minute=0, second=30, microsecond=0)
    make_repair(received_at=five - timedelta(hours=2))
    assert services.repairs_flag_unreturned(now=five - timedelta(hours=1)) == 0  # not yet 17:00
    assert services.repairs_flag_unreturned(now=five) == 2  # the CS and engineering supervisors
    assert services.repairs_flag_unreturned(now=five + timedelta(minutes=1)) == 0  # idempotent
    assert Notification.objects.filter(recipient=rw.engsup, title__contains="未交回").count() == 1


# --- reopen --------------------------------------------------------------------------------------------


def test_reopen_from_confirmed_goes_back_to_engineering(rw, make_repair):
    r = walk_to_completed(rw, make_repair())
    services.repair_confirm(actor=rw.admin1, request=r, note="使用正常")
    with pytest.raises(NotAllowed):
        sd.request_transition(actor=rw.frontdesk, request=r, name="reopen", reason="回访不满意")
    sd.request_transition(actor=rw.supervisor, request=r, name="reopen", reason="回访不满意,仍滴水")
    r.refresh_from_db()
    o = RepairOrder.objects.get(pk=r.pk)
    assert (r.status, r.reopen_count, r.closed_at) == (S.DISPATCHED, 1, None)
    assert o.completed_at is None and o.signer_name == "" and o.collected_at is None
    assert (
        clock(r, "collect").state == DeadlineState.RUNNING
        and clock(r, "complete").state == DeadlineState.RUNNING
    )
    walk_to_completed(rw, r)


def test_step_times_cannot_be_in_the_future(rw, make_repair):
    r = make_repair()
    with pytest.raises(DomainError) as e:
        services.repair_collect(
            actor=rw.engineer, request=r, collector=rw.engineer, at=timezone.now() + timedelta(hours=1)
        )
    assert e.value.field == "at"
    r.refresh_from_db()
    assert r.status == S.DISPATCHED


def test_stale_page_conflicts(rw, make_repair):
    r = make_repair()
    services.repair_collect(actor=rw.engineer, request=r, collector=rw.engineer)
    stale = ServiceRequest.objects.get(pk=r.pk)
    stale.status = S.DISPATCHED
    with pytest.raises(Conflict):
        services.repair_collect(actor=rw.engineer, request=stale, collector=rw.engineer)


def test_archive_section_and_handover_count(rw, make_repair):
    from repairs.integration import archive_section, open_orders_count

    r = make_repair()
    p2_repair(rw)
    sec = archive_section(rw.owner, rw.frontdesk)
    assert [row[0] for row in sec["rows"]] == [r.number]
    assert open_orders_count(rw.p1) == 1


def test_dates_across_clock_kinds_use_at(rw):
    assert at(2025, 3, 12, 9).tzinfo is not None


def test_periodic_tasks_call_the_idempotent_services(rw, make_repair):
    from repairs import tasks

    make_repair()
    assert tasks.repair_reminders_task.call_local() == {"reminded": 0, "resumed": 0}
    assert isinstance(tasks.flag_unreturned_orders_task.call_local(), int)
