from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.choices import Role
from core.errors import Conflict, DomainError, NotAllowed
from core.models import Attachment, Deadline, HistoryEntry, Notification
from core.permissions import ACTIONS, can
from storage import selectors, services
from storage.choices import (
    CollectMethod,
    DepositorKind,
    DisposalMethod,
    FoundStatus,
    HeldCollectorKind,
    HeldStatus,
    HoldCase,
    IntakeChannel,
    LostReportOutcome,
    SizeClass,
    StoredStatus,
)
from storage.models import FoundItem, HeldItem, LostTicketAlert, StoredItem


def _collect(item, actor, **kw):
    args = {
        "actor": actor,
        "item": item,
        "presented_ticket_no": item.ticket_no,
        "collector_name": item.depositor_name,
        "halves_match": True,
        "parts_stapled": True,
    }
    args.update(kw)
    return services.stored_item_collect(**args)


def _recipients(title_part):
    return set(
        Notification.objects.filter(title__contains=title_part).values_list("recipient__username", flat=True)
    )


# --- permissions -------------------------------------------------------------------------------------------


def test_permission_matrix(world):
    """Each declared action × role: exactly the roles of the table, and only in their own property."""
    expected = {
        "storage.view": {
            Role.MANAGER,
            Role.SEC_SUPERVISOR,
            Role.GUARD,
            Role.CS_SUPERVISOR,
            Role.CS_ADMIN,
            Role.FRONT_DESK,
            Role.CLERK,
        },
        "storage.deposit": {Role.CS_SUPERVISOR, Role.CS_ADMIN, Role.FRONT_DESK, Role.CLERK},
        "storage.release": {Role.CS_SUPERVISOR, Role.CS_ADMIN, Role.FRONT_DESK, Role.CLERK},
        "storage.file": {Role.CS_SUPERVISOR},
        "holding.write": {Role.CS_SUPERVISOR, Role.CS_ADMIN, Role.FRONT_DESK, Role.CLERK},
        "lostfound.view": {
            Role.MANAGER,
            Role.SEC_SUPERVISOR,
            Role.GUARD,
            Role.CS_SUPERVISOR,
            Role.CS_ADMIN,
            Role.FRONT_DESK,
            Role.CLERK,
        },
        "lostfound.register": {Role.CS_SUPERVISOR, Role.CS_ADMIN, Role.FRONT_DESK, Role.CLERK},
        "lostfound.claim": {Role.CS_SUPERVISOR},
        "lostfound.dispose": {Role.CS_SUPERVISOR},
    }
    for action, roles in expected.items():
        assert ACTIONS[action] == roles, action
    personas = {
        Role.MANAGER: world.manager,
        Role.CS_SUPERVISOR: world.supervisor,
        Role.CS_ADMIN: world.admin1,
        Role.FRONT_DESK: world.frontdesk,
        Role.CLERK: world.clerk,
        Role.ENGINEER: world.engineer,
        Role.GUARD: world.guard,
    }
    for action, roles in expected.items():
        for role, user in personas.items():
            assert can(user, action, world.p1.pk) == (role in roles), (action, role)
            assert not can(user, action, world.p2.pk)


def test_engineer_cannot_deposit(world, owner):
    with pytest.raises(NotAllowed):
        services.stored_item_deposit(
            actor=world.engineer,
            prop=world.p1,
            depositor_kind=DepositorKind.RESIDENT,
            resident=owner,
            description="箱子",
            size_class=SizeClass.SMALL,
            expected_collect_at=timezone.now() + timedelta(hours=2),
            location="A1",
            notice_given=True,
            parts_confirmed=True,
        )
    assert StoredItem.objects.count() == 0


# --- 寄存 (R-STOR) ------------------------------------------------------------------------------------------


# R-STOR-01
def test_resident_and_guest_deposits(world, owner, deposit):
    item = deposit()
    assert item.depositor_name == "王芳" and item.unit == world.u1 and item.resident == owner
    guest = deposit(
        depositor_kind=DepositorKind.GUEST,
        resident=None,
        unit=None,
        depositor_name="张三",
        depositor_phone="13900001111",
    )
    assert guest.depositor_kind == DepositorKind.GUEST
    with pytest.raises(DomainError) as e:
        deposit(depositor_kind=DepositorKind.GUEST, resident=None, depositor_name="张三", depositor_phone="")
    assert e.value.field == "depositor_phone"
    with pytest.raises(DomainError) as e:
        deposit(resident=None)
    assert e.value.field == "resident"


# R-STOR-02
def test_only_the_front_desk_side_receives(world, deposit):
    with pytest.raises(NotAllowed):
        deposit(actor=world.guard)
    assert deposit(actor=world.clerk).deposited_by == world.clerk


# R-STOR-03
def test_every_step_leaves_a_written_record(world, deposit):
    item = deposit()
    _collect(item, world.frontdesk)
    actions = list(
        HistoryEntry.objects.filter(object_id=item.pk, content_type__model="storeditem").values_list(
            "action", "to_state"
        )
    )
    assert ("create", "") in actions and ("transition", StoredStatus.COLLECTED) in actions


# R-STOR-04
def test_fetched_from_unit_needs_a_cs_officer(world, deposit):
    with pytest.raises(DomainError) as e:
        deposit(intake=IntakeChannel.FETCHED, fetched_by=world.frontdesk)
    assert e.value.field == "fetched_by"
    item = deposit(intake=IntakeChannel.FETCHED, fetched_by=world.admin1)
    assert item.fetched_by == world.admin1


# R-STOR-05
def test_two_part_ticket_shares_one_number(world, deposit):
    a, b = deposit(), deposit()
    assert a.ticket_no != b.ticket_no and a.ticket_no.startswith("JC")
    with pytest.raises(DomainError) as e:
        deposit(parts_confirmed=False)
    assert e.value.field == "parts_confirmed"


# R-STOR-06
def test_hazardous_and_valuables_refused_perishables_need_insistence(world, deposit):
    for flag in ("hazardous", "valuables"):
        with pytest.raises(DomainError) as e:
            deposit(**{flag: True})
        assert e.value.field == flag and e.value.code == "refused"
    with pytest.raises(DomainError) as e:
        deposit(valuables=True)
    assert "银行保险箱" in str(e.value.message)
    with pytest.raises(DomainError) as e:
        deposit(perishable=True)
    assert e.value.field == "owner_insisted"
    with pytest.raises(DomainError) as e:
        deposit(notice_given=False)
    assert e.value.field == "notice_given"
    assert StoredItem.objects.count() == 0
    item = deposit(perishable=True, owner_insisted=True)
    assert item.owner_insisted and any("不负责" in w for w in item.warnings)
    assert any("唯一领取凭证" in w for w in item.warnings)


# R-STOR-07
def test_storeroom_suggested_over_24h_large_or_a_week_small(world, deposit):
    now = timezone.now()
    assert services.LARGE_LUGGAGE_STOREROOM_AFTER == timedelta(hours=24)
    assert services.SMALL_ITEM_STOREROOM_AFTER == timedelta(weeks=1)
    large = deposit(size_class=SizeClass.LARGE, expected_collect_at=now + timedelta(hours=30), now=now)
    assert large.storeroom_suggested and large.storeroom_due_at == now + timedelta(hours=24)
    large_short = deposit(size_class=SizeClass.LARGE, expected_collect_at=now + timedelta(hours=20), now=now)
    assert not large_short.storeroom_suggested
    small = deposit(size_class=SizeClass.SMALL, expected_collect_at=now + timedelta(days=3), now=now)
    assert not small.storeroom_suggested and small.storeroom_due_at == now + timedelta(weeks=1)
    small_long = deposit(size_class=SizeClass.SMALL, expected_collect_at=now + timedelta(days=8), now=now)
    assert small_long.storeroom_suggested
    # the clock runs and the overdue list shows the large bag once its 24 h pass
    dl = Deadline.objects.get(object_id=large.pk, kind=services.STOREROOM_CLOCK)
    assert dl.due_at == now + timedelta(hours=24)
    overdue = selectors.storeroom_overdue(user=world.frontdesk, prop=world.p1, now=now + timedelta(hours=25))
    assert set(overdue) == {large, large_short}
    _collect(large, world.frontdesk)
    dl.refresh_from_db()
    assert dl.state == "met"


# R-STOR-08
def test_register_holds_the_ticket_content(world, deposit):
    item = deposit(count=2, description="红色行李箱")
    row = selectors.stored_item_list(user=world.frontdesk, prop=world.p1).get()
    assert (row.ticket_no, row.description, row.count, row.depositor_name) == (
        item.ticket_no,
        "红色行李箱",
        2,
        "王芳",
    )


# R-STOR-09
def test_location_required(world, deposit):
    with pytest.raises(DomainError) as e:
        deposit(location=" ")
    assert e.value.field == "location"


# R-STOR-10
def test_sealing_only_under_the_supervisor(world, deposit):
    item = deposit()
    with pytest.raises(DomainError) as e:
        services.stored_item_seal(actor=world.frontdesk, item=item, supervisor=world.admin1)
    assert e.value.field == "supervisor"
    with pytest.raises(DomainError):
        services.stored_item_seal(actor=world.frontdesk, item=item, supervisor=world.supervisor2)
    item = services.stored_item_seal(actor=world.frontdesk, item=item, supervisor=world.supervisor)
    assert item.sealed and item.seal_supervisor == world.supervisor


# R-STOR-11, R-HOLD-12, R-INC-19
def test_handover_check_lists_everything_and_missing_alerts_supervisor(
    world, deposit, hold, found, django_capture_on_commit_callbacks
):
    a, b = deposit(), deposit()
    h = hold()
    f = found()
    _collect(b, world.frontdesk)
    rows = selectors.custody_items(world.p1)
    assert {(r["kind"], r["id"]) for r in rows} == {("stored", a.pk), ("held", h.pk), ("found", f.pk)}
    with django_capture_on_commit_callbacks(execute=True):
        ok = services.custody_check_record(
            actor=world.frontdesk,
            prop=world.p1,
            present=[f"stored:{a.pk}", f"held:{h.pk}", f"found:{f.pk}"],
            outgoing=world.clerk,
        )
    assert ok.total == 3 and ok.missing == 0
    assert not Notification.objects.filter(title__contains="缺失").exists()
    f.refresh_from_db()
    assert f.last_checked_at == ok.checked_at
    with django_capture_on_commit_callbacks(execute=True):
        bad = services.custody_check_record(
            actor=world.frontdesk,
            prop=world.p1,
            present=[f"stored:{a.pk}"],
            notes={f"held:{h.pk}": "交班人说业主已取走,未签字"},
        )
    assert bad.missing == 2
    assert [ln["note"] for ln in bad.missing_lines() if ln["kind"] == "held"] == ["交班人说业主已取走,未签字"]
    assert _recipients("缺失") == {"supervisor"}
    with pytest.raises(DomainError):
        services.custody_check_record(
            actor=world.frontdesk, prop=world.p1, present=[], outgoing=world.frontdesk
        )
    with pytest.raises(NotAllowed):
        services.custody_check_record(actor=world.guard, prop=world.p1, present=[])


# R-STOR-12
def test_other_collector_leaves_id_copy(world, deposit, id_copy):
    item = deposit()
    with pytest.raises(DomainError) as e:
        _collect(item, world.frontdesk, collector_name="王芳的丈夫", collector_is_depositor=False)
    assert e.value.field == "collector_id_number"
    with pytest.raises(DomainError) as e:
        _collect(
            item,
            world.frontdesk,
            collector_name="王芳的丈夫",
            collector_is_depositor=False,
            collector_id_number="110101198001011234",
        )
    assert e.value.field == "id_copy"
    item.refresh_from_db()
    assert item.status == StoredStatus.STORED
    _collect(
        item,
        world.frontdesk,
        collector_name="王芳的丈夫",
        collector_is_depositor=False,
        collector_id_number="110101198001011234",
        id_copy=id_copy(),
    )
    coll = item.collection
    assert coll.masked_id_number() == "1101**********1234"
    assert Attachment.objects.filter(object_id=coll.pk, content_type__model="storagecollection").count() == 1


# R-STOR-13
def test_lookup_by_presented_number(world, deposit):
    item = deposit()
    assert (
        selectors.stored_item_by_ticket(user=world.frontdesk, prop=world.p1, ticket_no=item.ticket_no.lower())
        == item
    )
    assert (
        selectors.stored_item_by_ticket(user=world.frontdesk2, prop=world.p1, ticket_no=item.ticket_no)
        is None
    )


# R-STOR-14
def test_halves_must_match(world, deposit):
    item, other = deposit(), deposit()
    with pytest.raises(DomainError) as e:
        _collect(item, world.frontdesk, presented_ticket_no=other.ticket_no)
    assert e.value.field == "presented_ticket_no"
    with pytest.raises(DomainError) as e:
        _collect(item, world.frontdesk, halves_match=False)
    assert e.value.field == "halves_match"


# R-STOR-15
def test_shortfall_recorded_and_compensated(world, deposit, django_capture_on_commit_callbacks):
    item = deposit()
    with pytest.raises(DomainError) as e:
        _collect(item, world.frontdesk, inspected_ok=False)
    assert e.value.field == "damage_note"
    with pytest.raises(DomainError) as e:
        _collect(item, world.frontdesk, compensation="50")
    assert e.value.field == "compensation"
    with django_capture_on_commit_callbacks(execute=True):
        _collect(item, world.frontdesk, inspected_ok=False, damage_note="拉杆断裂", compensation="120")
    assert item.collection.compensation == Decimal("120")
    assert "supervisor" in _recipients("缺损")


# R-STOR-16
def test_carry_help_recorded(world, deposit):
    item = deposit()
    _collect(item, world.frontdesk, carry_help=True)
    assert item.collection.carry_help


# R-STOR-17
def test_parts_stapled_and_filed_by_supervisor(world, deposit, django_capture_on_commit_callbacks):
    item = deposit()
    with pytest.raises(DomainError) as e:
        _collect(item, world.frontdesk, parts_stapled=False)
    assert e.value.field == "parts_stapled"
    with pytest.raises(DomainError):
        services.stored_item_file(actor=world.supervisor, item=item)  # not collected yet
    with django_capture_on_commit_callbacks(execute=True):
        _collect(item, world.frontdesk)
    assert _recipients("待归档") == {"supervisor"}
    with pytest.raises(NotAllowed):
        services.stored_item_file(actor=world.frontdesk, item=item)
    coll = services.stored_item_file(actor=world.supervisor, item=item)
    assert coll.filed_by == world.supervisor and coll.filed_at
    with pytest.raises(Conflict):
        services.stored_item_file(actor=world.supervisor, item=item)


# R-STOR-18
def test_lost_ticket_then_collect_with_id(world, deposit, id_copy):
    item = deposit()
    with pytest.raises(DomainError) as e:
        services.lost_ticket_report(
            actor=world.frontdesk, prop=world.p1, ticket_no=item.ticket_no, reporter_name="李四"
        )
    assert e.value.field == "reporter_name"
    with pytest.raises(DomainError) as e:
        services.lost_ticket_report(
            actor=world.frontdesk,
            prop=world.p1,
            ticket_no=item.ticket_no,
            reporter_name="王芳",
            unit_label="3-0501",
        )
    assert e.value.field == "unit_label"
    report = services.lost_ticket_report(
        actor=world.frontdesk,
        prop=world.p1,
        ticket_no=item.ticket_no.lower(),
        reporter_name="王芳",
        unit_label="3-1201",
    )
    item.refresh_from_db()
    assert report.outcome == LostReportOutcome.BLOCKED and item.status == StoredStatus.LOST_TICKET
    with pytest.raises(DomainError):
        services.lost_ticket_report(
            actor=world.frontdesk, prop=world.p1, ticket_no=item.ticket_no, reporter_name="王芳"
        )
    id_args = {
        "method": CollectMethod.ID_AFTER_LOSS,
        "presented_ticket_no": "",
        "parts_stapled": False,
        "halves_match": False,
    }
    with pytest.raises(DomainError) as e:
        _collect(item, world.frontdesk, **id_args)
    assert e.value.field == "collector_id_number"
    with pytest.raises(DomainError) as e:
        _collect(item, world.frontdesk, collector_name="别人", collector_is_depositor=False, **id_args)
    assert e.value.field == "collector_is_depositor"
    _collect(item, world.frontdesk, collector_id_number="110101199001011234", id_copy=id_copy(), **id_args)
    item.refresh_from_db()
    assert item.status == StoredStatus.COLLECTED and item.collection.method == CollectMethod.ID_AFTER_LOSS
    # a ticket not reported lost is collected with the ticket, never "with ID"
    other = deposit()
    with pytest.raises(DomainError) as e:
        _collect(other, world.frontdesk, collector_id_number="1", id_copy=id_copy(), **id_args)
    assert e.value.field == "method"


# R-STOR-19
def test_lost_after_misuse_goes_to_security(world, deposit, secsup, django_capture_on_commit_callbacks):
    item = deposit()
    _collect(item, world.frontdesk, collector_name="冒领人", collector_is_depositor=True)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.lost_ticket_report(
            actor=world.frontdesk, prop=world.p1, ticket_no=item.ticket_no, reporter_name="王芳"
        )
    assert report.outcome == LostReportOutcome.ALREADY_COLLECTED
    assert _recipients("疑被冒领") == {"secsup", "guard", "supervisor"}


# R-STOR-20
def test_presenting_a_lost_ticket_refuses_and_alerts(world, deposit, secsup):
    item = deposit()
    services.lost_ticket_report(
        actor=world.frontdesk, prop=world.p1, ticket_no=item.ticket_no, reporter_name="王芳"
    )
    with pytest.raises(DomainError) as e:
        _collect(item, world.frontdesk, collector_name="陌生人")
    assert e.value.code == "lost_ticket" and "稳住来人" in str(e.value.message)
    item.refresh_from_db()
    assert item.status == StoredStatus.LOST_TICKET
    assert LostTicketAlert.objects.get().presenter_name == "陌生人"
    # security (supervisor + guards) and the CS supervisor — at once, not after some later commit
    assert _recipients("已挂失") == {"secsup", "guard", "supervisor"}
    assert Notification.objects.filter(title__contains="已挂失", level="danger").count() == 3


def test_second_release_is_a_conflict(world, deposit):
    item = deposit()
    stale = StoredItem.objects.get(pk=item.pk)
    _collect(item, world.frontdesk)
    with pytest.raises(Conflict):
        _collect(stale, world.clerk)


# --- 暂存 (R-HOLD) ------------------------------------------------------------------------------------------


# R-HOLD-01, R-HOLD-02
def test_the_three_holding_cases(world, hold):
    a = hold(case=HoldCase.OWNER_SELF, collector_name="", is_key=False, description="羽毛球拍")
    assert a.collector_name == "王芳"
    b = hold()
    assert b.case == HoldCase.OWNER_FOR_OTHER and b.collector_name == "李师傅"
    with pytest.raises(DomainError):
        hold(case="courier")


# R-HOLD-03
def test_visitor_leaving_for_owner_is_allowed(world, hold):
    c = hold(
        case=HoldCase.VISITOR_FOR_OWNER,
        depositor_name="快递以外的朋友赵六",
        collector_name="王芳",
        is_key=False,
        description="书",
    )
    assert c.case == HoldCase.VISITOR_FOR_OWNER


# R-HOLD-04
def test_every_column_and_label_fields(world, hold):
    for field in ("owner_name", "depositor_name", "description"):
        with pytest.raises(DomainError) as e:
            hold(**{field: ""})
        assert e.value.field == field
    with pytest.raises(DomainError) as e:
        hold(collector_name="")
    assert e.value.field == "collector_name"
    with pytest.raises(DomainError) as e:
        hold(collect_by=timezone.now() - timedelta(minutes=1))
    assert e.value.field == "collect_by"
    with pytest.raises(DomainError) as e:
        hold(unit=world.u_p2)
    assert e.value.field == "unit"
    h = hold()
    assert (h.unit.label, h.owner_name, h.handled_by) == ("3-1201", "王芳", world.frontdesk) and h.held_at


# R-HOLD-05
def test_keys_in_sealed_marked_envelopes(world, hold):
    with pytest.raises(DomainError) as e:
        hold(envelope_sealed=False)
    assert e.value.field == "envelope_sealed"
    with pytest.raises(DomainError) as e:
        hold(envelope_marking="")
    assert e.value.field == "envelope_marking"
    assert hold(envelope_marking="sticky").envelope_sealed


# R-HOLD-06
def test_registered_whatever_the_value_or_time(world, hold):
    h = hold(is_key=False, description="一本书", collect_by=timezone.now() + timedelta(minutes=10))
    assert HeldItem.objects.filter(pk=h.pk).exists() and h.record_no.startswith("ZC")
    with pytest.raises(NotAllowed):
        hold(actor=world.engineer)


# R-HOLD-07
def test_one_record_type_for_both_names():
    assert str(HeldItem._meta.verbose_name_plural) == "业主物品临时存放记录表"
    assert "《业主物品暂时存放记录》" in HeldItem.__doc__


# R-HOLD-08, R-HOLD-11
def test_identity_checked_and_signature_before_hand_over(world, hold):
    h = hold(case=HoldCase.OWNER_SELF, collector_name="", is_key=False)
    base = {
        "actor": world.frontdesk,
        "item": h,
        "collector_kind": HeldCollectorKind.DEPOSITOR,
        "collector_name": "王芳",
    }
    with pytest.raises(DomainError) as e:
        services.held_item_collect(**base, identity_checked=False, collector_signed=True)
    assert e.value.field == "identity_checked"
    with pytest.raises(DomainError) as e:
        services.held_item_collect(**base, identity_checked=True, collector_signed=False)
    assert e.value.field == "collector_signed"
    with pytest.raises(DomainError) as e:
        services.held_item_collect(
            **{**base, "collector_name": "别人"}, identity_checked=True, collector_signed=True
        )
    assert e.value.field == "collector_name"
    h = services.held_item_collect(**base, identity_checked=True, collector_signed=True)
    assert h.status == HeldStatus.COLLECTED and h.collector_signed and h.identity_checked
    with pytest.raises(Conflict):
        services.held_item_collect(**base, identity_checked=True, collector_signed=True)


# R-HOLD-09
def test_non_resident_shows_id_and_third_party_needs_depositor_confirmation(world, hold, id_copy):
    h = hold()
    named = {
        "actor": world.frontdesk,
        "item": h,
        "collector_kind": HeldCollectorKind.NAMED,
        "identity_checked": True,
        "collector_signed": True,
    }
    with pytest.raises(DomainError) as e:
        services.held_item_collect(**named, collector_name="李师傅")
    assert e.value.field == "collector_id_number"
    with pytest.raises(DomainError) as e:  # R-HOLD-02 (b): the ID is photocopied
        services.held_item_collect(**named, collector_name="李师傅", collector_id_number="110101197001011234")
    assert e.value.field == "id_copy"
    with pytest.raises(DomainError) as e:  # not the named collector
        services.held_item_collect(**named, collector_name="张师傅", collector_id_number="1")
    assert e.value.field == "collector_name"
    third = {**named, "collector_kind": HeldCollectorKind.THIRD_PARTY, "collector_name": "张师傅"}
    with pytest.raises(DomainError) as e:
        services.held_item_collect(**third, collector_id_number="110101197001015678")
    assert e.value.field == "depositor_confirmed_via"
    h = services.held_item_collect(
        **third, collector_id_number="110101197001015678", depositor_confirmed_via="phone"
    )
    assert h.depositor_confirmed_via == "phone" and h.depositor_confirmed_at == h.collected_at
    assert h.masked_id_number() == "1101**********5678"


def test_named_resident_collector_needs_no_id(world, hold):
    h = hold(collector_name="王芳的邻居")
    h = services.held_item_collect(
        actor=world.frontdesk,
        item=h,
        collector_kind=HeldCollectorKind.NAMED,
        collector_name="王芳的邻居",
        collector_is_resident=True,
        identity_checked=True,
        collector_signed=True,
    )
    assert h.status == HeldStatus.COLLECTED


# R-HOLD-10
def test_carry_help_for_heavy_items(world, hold):
    h = hold(case=HoldCase.OWNER_SELF, collector_name="", is_key=False, description="一箱书")
    h = services.held_item_collect(
        actor=world.frontdesk,
        item=h,
        collector_kind=HeldCollectorKind.DEPOSITOR,
        collector_name="王芳",
        identity_checked=True,
        collector_signed=True,
        carry_help=True,
    )
    assert h.carry_help


# R-HOLD-13
def test_long_uncollected_items_are_chased_once_per_interval(world, hold):
    now = timezone.now()
    late = hold(collect_by=now + timedelta(hours=1))
    hold(collect_by=now + timedelta(days=5))
    later = now + timedelta(hours=1) + services.HOLD_CHASE_AFTER + timedelta(minutes=1)
    assert services.holding_chase_overdue(now=later) == 1
    assert services.holding_chase_overdue(now=later) == 0  # idempotent
    assert services.holding_chase_overdue(now=later + timedelta(hours=2)) == 0
    late.refresh_from_db()
    assert late.chase_count == 1
    desk = set(
        Notification.objects.filter(title__contains="超期未领").values_list("recipient__username", flat=True)
    )
    assert {"frontdesk", "clerk", "admin1", "supervisor"} <= desk and "guard" not in desk
    assert (
        services.holding_chase_overdue(now=later + services.HOLD_CHASE_INTERVAL + timedelta(minutes=1)) == 1
    )
    services.held_item_chase_note(actor=world.frontdesk, item=late, note="已电话联系,明天来取")
    late.refresh_from_db()
    assert "明天来取" in late.chase_note and late.chase_count == 2


def test_chase_task_runs_the_service(world, hold):
    from storage.tasks import chase_held_items_task

    hold(collect_by=timezone.now() - timedelta(days=2), now=timezone.now() - timedelta(days=3))
    assert chase_held_items_task.call_local() == 1
    assert chase_held_items_task.call_local() == 0


# --- 捡拾物品 (R-INC-15..21) ----------------------------------------------------------------------------------


# R-INC-15
def test_found_items_handed_in_at_once_late_is_flagged(world, found, django_capture_on_commit_callbacks):
    assert not found().late_report
    with django_capture_on_commit_callbacks(execute=True):
        late = found(found_at=timezone.now() - timedelta(hours=5))
    assert late.late_report and _recipients("未及时上交") == {"supervisor"}
    with pytest.raises(NotAllowed):
        found(actor=world.guard)


# R-INC-16
def test_register_fields_required(world, found):
    for field in ("name", "features", "found_where", "finder_name"):
        with pytest.raises(DomainError) as e:
            found(**{field: ""})
        assert e.value.field == field
    with pytest.raises(DomainError) as e:
        found(found_at=timezone.now() + timedelta(hours=1))
    assert e.value.field == "found_at"
    with pytest.raises(DomainError) as e:
        found(quantity=0)
    assert e.value.field == "quantity"
    assert FoundItem.objects.count() == 0


# R-INC-17
def test_high_value_alerts_and_goes_to_the_safe(world, found, secsup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        f = found(name="金项链", value_estimate="3000", storage_location="前台抽屉")
    assert f.high_value and f.storage_location == services.SAFE_LOCATION
    assert _recipients("贵重拾获物品") == {"secsup", "supervisor", "manager"}


# R-INC-18
def test_more_than_100_is_high_value_with_override(world, found):
    assert not found(value_estimate="100").high_value
    assert found(value_estimate="100.01").high_value
    forced = found(value_estimate="50", high_value_override=True)
    assert forced.high_value and forced.storage_location == services.SAFE_LOCATION


# R-INC-19
def test_owner_search_notes(world, found):
    f = found()
    f = services.found_item_note_search(actor=world.frontdesk, item=f, note="大堂公告栏张贴招领启事")
    assert "招领启事" in f.owner_search_notes
    with pytest.raises(DomainError):
        services.found_item_note_search(actor=world.frontdesk, item=f, note=" ")


# R-INC-20
def test_claim_confirmed_by_supervisor_with_signature(world, found):
    f = found()
    args = {
        "item": f,
        "claimant_name": "王芳",
        "claimant_id_number": "110101199001011234",
        "claim_evidence": "说出伞柄有划痕",
    }
    with pytest.raises(NotAllowed):
        services.found_item_claim(actor=world.frontdesk, claimant_signed=True, **args)
    with pytest.raises(DomainError) as e:
        services.found_item_claim(actor=world.supervisor, claimant_signed=False, **args)
    assert e.value.field == "claimant_signed"
    f = services.found_item_claim(
        actor=world.supervisor, claimant_signed=True, claimant_unit=world.u1, **args
    )
    assert f.status == FoundStatus.CLAIMED and f.claim_confirmed_by == world.supervisor
    with pytest.raises(Conflict):
        services.found_item_claim(actor=world.supervisor, claimant_signed=True, **args)


# R-INC-21
def test_retention_and_disposal_after_it(world, found):
    found_at = timezone.make_aware(timezone.datetime(2026, 1, 31, 10, 0))
    low = found(
        value_estimate="100", found_at=found_at, handed_in_at=found_at, now=found_at + timedelta(minutes=5)
    )
    high = found(
        value_estimate="101", found_at=found_at, handed_in_at=found_at, now=found_at + timedelta(minutes=5)
    )
    assert low.retention_until == date(2026, 4, 30)  # 3 months, day clamped
    assert high.retention_until == date(2027, 1, 31)  # 1 year
    assert services.FOUND_RETENTION_MONTHS_LOW == 3 and services.FOUND_RETENTION_MONTHS_HIGH == 12
    still = timezone.make_aware(timezone.datetime(2026, 4, 30, 12, 0))
    with pytest.raises(DomainError) as e:
        services.found_item_dispose(
            actor=world.supervisor, item=low, method=DisposalMethod.DONATE, note="捐赠", now=still
        )
    assert "期满" in str(e.value.message)
    with pytest.raises(NotAllowed):
        services.found_item_dispose(
            actor=world.frontdesk, item=low, method=DisposalMethod.DONATE, note="捐赠"
        )
    after = timezone.make_aware(timezone.datetime(2026, 5, 1, 9, 0))
    low = services.found_item_dispose(
        actor=world.supervisor, item=low, method=DisposalMethod.DONATE, note="捐赠给社区", now=after
    )
    assert low.status == FoundStatus.DISPOSED and low.disposal_approved_by == world.supervisor
    assert set(
        selectors.found_item_list(
            user=world.supervisor, prop=world.p1, status="awaiting_disposal", today=date(2027, 2, 1)
        )
    ) == {high}


def test_add_months_edges():
    assert services.add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
    assert services.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert services.add_months(date(2024, 12, 15), 1) == date(2025, 1, 15)


# --- summary, handover counts -----------------------------------------------------------------------------


def test_desk_summary_and_handover_counts(world, deposit, hold, found):
    from duty.handover import counts_now

    now = timezone.now()
    deposit(
        size_class=SizeClass.LARGE,
        now=now - timedelta(hours=30),
        expected_collect_at=now + timedelta(hours=1),
    )
    lost = deposit()
    services.lost_ticket_report(
        actor=world.frontdesk, prop=world.p1, ticket_no=lost.ticket_no, reporter_name="王芳"
    )
    hold(collect_by=now + timedelta(minutes=5), now=now - timedelta(hours=2))
    found(value_estimate="500")
    s = selectors.desk_summary(user=world.frontdesk, prop=world.p1, now=now + timedelta(minutes=10))
    assert s == {
        "stored": 2,
        "stored_storeroom_due": 1,
        "lost_tickets": 1,
        "lost_ticket_alerts_today": 0,
        "held": 1,
        "held_overdue": 1,
        "found": 1,
        "found_high_value": 1,
        "found_awaiting_disposal": 0,
    }
    assert selectors.desk_summary(user=world.frontdesk2, prop=world.p1)["stored"] == 0
    counts = {c["key"]: c["value"] for c in counts_now(world.p1)}
    assert counts["storage.stored"] == 2 and counts["storage.held"] == 1 and counts["storage.found"] == 1
