"""One test (or a few) per rule of R-LET, R-EXP and R-SLIP, through the services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.choices import Role
from core.errors import Conflict, DomainError, NotAllowed
from core.models import Notification, OutboxMessage
from core.permissions import ACTIONS, can
from parcels import cadence, selectors, services
from parcels.choices import (
    AddresseeMatch,
    AttemptChannel,
    AttemptOutcome,
    CollectionMode,
    FaultStatus,
    InstructionKind,
    LetterKind,
    LetterStatus,
    MailKind,
    OwnerChoice,
    ParcelStatus,
    SlipStatus,
    VerifyMethod,
)
from parcels.models import Letter, NotificationSlip, Parcel, ParcelChase, SlipCount
from parcels.tests.conftest import local


def call(parcel, who, at, outcome=AttemptOutcome.NO_ANSWER, **kw):
    return services.parcel_notify(
        actor=who, parcel=parcel, channel=AttemptChannel.PHONE, outcome=outcome, now=at, **kw
    )


# --- permission rows ----------------------------------------------------------------------------------


def test_permission_matrix(world):
    expected = {
        "parcels.view": {Role.MANAGER, Role.CS_SUPERVISOR, Role.CS_ADMIN, Role.FRONT_DESK, Role.CLERK},
        "parcels.receive": {Role.CS_SUPERVISOR, Role.CS_ADMIN, Role.FRONT_DESK, Role.CLERK},
        "parcels.handle": {Role.CS_SUPERVISOR, Role.CS_ADMIN, Role.FRONT_DESK, Role.CLERK},
        "parcels.review": {Role.MANAGER, Role.CS_SUPERVISOR},
    }
    for action, roles in expected.items():
        for role in Role:
            assert (role in ACTIONS[action]) == (role in roles), (action, role)
    assert can(world.frontdesk, "parcels.receive", world.p1.pk)
    assert not can(world.frontdesk, "parcels.receive", world.p2.pk)
    assert not can(world.guard, "parcels.view")


# --- letters (R-LET) ----------------------------------------------------------------------------------


# R-LET-01
@pytest.mark.parametrize("kind", LetterKind.values)
def test_front_desk_receives_letters_newspapers_documents(world, mail, kind):
    letter = services.letter_register(
        actor=world.frontdesk, prop=world.p1, addressee_name="张三", unit_text="3-1201", kind=kind
    )
    assert letter.status == LetterStatus.REGISTERED and letter.kind == kind
    with pytest.raises(NotAllowed):
        services.letter_register(actor=world.engineer, prop=world.p1, addressee_name="张三", unit=world.u1)
    with pytest.raises(NotAllowed):
        services.letter_register(actor=world.guard, prop=world.p1, addressee_name="张三", unit=world.u1)


# R-LET-02
def test_nobody_can_delete_or_open_mail():
    # No service deletes, opens or withholds an item: the only ends of a letter are delivery, collection
    # or return, and of a parcel collection, delivery or return.
    assert not [n for n in dir(services) if n.endswith(("_delete", "_destroy", "_open"))]
    assert set(LetterStatus.values) == {"registered", "mailbox", "held", "collected", "returned"}
    assert set(ParcelStatus.values) == {"received", "notified", "collected", "delivered", "returned"}
    assert not any(f.name in ("content", "contents") for f in Letter._meta.fields + Parcel._meta.fields)


# R-LET-03
def test_letter_registered_with_name_unit_and_hold_instruction(world, mail):
    letter = services.letter_register(
        actor=world.frontdesk, prop=world.p1, addressee_name="张三", unit_text="3栋1201"
    )
    assert letter.unit == world.u1 and letter.resident == mail.zhang
    assert letter.match == AddresseeMatch.CURRENT and not letter.hold_instruction
    services.mail_instruction_set(
        actor=world.frontdesk, resident=mail.wang, kind=InstructionKind.HOLD_AT_DESK
    )
    held = services.letter_register(
        actor=world.frontdesk, prop=world.p1, addressee_name="王五", unit=world.u2
    )
    assert held.hold_instruction
    with pytest.raises(DomainError, match="留前台"):
        services.letter_deliver(actor=world.frontdesk, letter=held)
    services.letter_hold(actor=world.frontdesk, letter=held, reason="业主要求留前台")
    assert Letter.objects.get(pk=held.pk).status == LetterStatus.HELD


# R-LET-04
def test_deliver_rechecks_the_current_occupant(world, mail):
    from residents import services as rs
    from residents.models import Occupancy

    letter = services.letter_register(
        actor=world.frontdesk, prop=world.p1, addressee_name="王五", unit=world.u2
    )
    ok = services.letter_register(actor=world.frontdesk, prop=world.p1, addressee_name="张三", unit=world.u1)
    rs.occupancy_end(
        actor=world.manager, occupancy=Occupancy.objects.get(resident=mail.wang), end=timezone.localdate()
    )
    with pytest.raises(DomainError, match="不在该房间"):
        services.letter_deliver(actor=world.frontdesk, letter=letter)
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.REGISTERED
    services.letter_deliver(actor=world.frontdesk, letter=ok)
    ok.refresh_from_db()
    assert ok.status == LetterStatus.MAILBOX and ok.delivered_by == world.frontdesk


# R-LET-05
def test_unclear_addressee_is_verified_before_delivery(world, mail):
    letter = services.letter_register(
        actor=world.frontdesk, prop=world.p1, addressee_name="张先生", unit=world.u1
    )
    assert letter.match == AddresseeMatch.UNKNOWN
    with pytest.raises(DomainError):
        services.letter_deliver(actor=world.frontdesk, letter=letter)
    with pytest.raises(DomainError):
        services.letter_verify(actor=world.frontdesk, letter=letter, method="", resident=mail.zhang)
    with pytest.raises(DomainError):
        services.letter_verify(
            actor=world.frontdesk, letter=letter, method=VerifyMethod.ARCHIVE, resident=mail.wang
        )
    services.letter_verify(
        actor=world.frontdesk, letter=letter, method=VerifyMethod.PHONE, resident=mail.zhang
    )
    services.letter_deliver(actor=world.frontdesk, letter=letter)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.MAILBOX and letter.verify_method == VerifyMethod.PHONE


# R-LET-06
def test_letter_not_for_the_area_is_returned_next_day(world, mail):
    letter = services.letter_register(
        actor=world.frontdesk, prop=world.p1, addressee_name="陌生人", unit_text="9-9999"
    )
    with pytest.raises(DomainError, match="核实"):
        services.letter_return(actor=world.frontdesk, letter=letter, reason="查无此人")
    services.letter_verify(actor=world.frontdesk, letter=letter, method=VerifyMethod.ARCHIVE, not_ours=True)
    services.letter_return(actor=world.frontdesk, letter=letter, reason="查无此人")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RETURNED
    assert letter.return_due_on == timezone.localdate() + timedelta(days=1)
    with pytest.raises(DomainError, match="交回"):
        services.letters_hand_back(actor=world.frontdesk, prop=world.p1, letters=[letter])
    tomorrow = local(9, days=1)
    assert list(selectors.returns_to_hand_back(user=world.frontdesk, prop=world.p1, now=tomorrow)) == [letter]
    assert (
        services.letters_hand_back(actor=world.frontdesk, prop=world.p1, letters=[letter], now=tomorrow) == 1
    )
    current = services.letter_register(
        actor=world.frontdesk, prop=world.p1, addressee_name="张三", unit=world.u1
    )
    with pytest.raises(DomainError, match="现住业主"):
        services.letter_return(actor=world.frontdesk, letter=current, reason="x")


# R-LET-07
def test_former_resident_with_contact_is_phoned_first(world, mail):
    services.mail_instruction_set(
        actor=world.frontdesk,
        resident=mail.zhao,
        kind=InstructionKind.CALL_TO_COLLECT,
        contact_phone="13511112222",
    )
    letter = services.letter_register(
        actor=world.frontdesk, prop=world.p1, addressee_name="赵六", unit=world.u3
    )
    assert letter.match == AddresseeMatch.FORMER and letter.resident == mail.zhao
    with pytest.raises(DomainError, match="电话"):
        services.letter_return(actor=world.frontdesk, letter=letter, reason="已迁离")
    services.letter_hold(actor=world.frontdesk, letter=letter, reason="迁离住户,待电话通知领取")
    assert letter in list(selectors.held_letters_to_call(user=world.frontdesk, prop=world.p1))
    services.letter_call(
        actor=world.frontdesk, letter=letter, outcome=AttemptOutcome.NO_ANSWER, now=local(10)
    )
    services.letter_return(actor=world.frontdesk, letter=letter, reason="多次联系不上")
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.RETURNED


# R-LET-07
def test_former_resident_without_contact_is_returned(world, mail):
    letter = services.letter_register(
        actor=world.frontdesk, prop=world.p1, addressee_name="赵六", unit=world.u3
    )
    with pytest.raises(DomainError, match="退信"):
        services.letter_hold(actor=world.frontdesk, letter=letter, reason="x")
    services.letter_return(actor=world.frontdesk, letter=letter, reason="已迁离,未留联系方式")
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.RETURNED


# R-LET-08
def test_mailbox_fault_goes_to_engineering_only_with_owner_agreement(world, mail):
    with pytest.raises(DomainError):
        services.mailbox_fault_report(
            actor=world.frontdesk, unit=world.u1, description="锁坏", owner_informed=False, owner_agreed=True
        )
    declined = services.mailbox_fault_report(
        actor=world.frontdesk,
        unit=world.u2,
        description="信箱门变形",
        owner_informed=True,
        owner_agreed=False,
    )
    assert declined.status == FaultStatus.DECLINED
    assert not Notification.objects.filter(recipient=world.engineer).exists()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        fault = services.mailbox_fault_report(
            actor=world.frontdesk,
            unit=world.u1,
            description="信箱锁损坏",
            owner_informed=True,
            owner_agreed=True,
        )
    assert fault.status == FaultStatus.REPORTED and fault.reported_at
    assert Notification.objects.filter(recipient=world.engineer, title__contains="3-1201").exists()


# R-LET-09
def test_mail_kept_at_desk_only_for_an_owner_not_moved_out(world, mail):
    from residents import services as rs
    from residents.models import Occupancy

    ok = services.letter_register(actor=world.frontdesk, prop=world.p1, addressee_name="张三", unit=world.u1)
    services.letter_hold(actor=world.frontdesk, letter=ok, reason="信箱已满,放不下")
    assert ok in list(selectors.held_letters_to_call(user=world.frontdesk, prop=world.p1))
    services.letter_call(actor=world.frontdesk, letter=ok, outcome=AttemptOutcome.REACHED, now=local(11))
    assert ok not in list(selectors.held_letters_to_call(user=world.frontdesk, prop=world.p1))
    services.letter_collect(actor=world.frontdesk, letter=ok, collector_name="张三")
    gone = services.letter_register(
        actor=world.frontdesk, prop=world.p1, addressee_name="王五", unit=world.u2
    )
    rs.occupancy_end(
        actor=world.manager, occupancy=Occupancy.objects.get(resident=mail.wang), end=timezone.localdate()
    )
    with pytest.raises(DomainError, match="迁离"):
        services.letter_hold(actor=world.frontdesk, letter=gone, reason="信箱已满")


# R-LET-10
def test_forwarding_instruction_needs_a_phone_number(world, mail):
    with pytest.raises(DomainError) as e:
        services.mail_instruction_set(
            actor=world.frontdesk, resident=mail.zhao, kind=InstructionKind.CALL_TO_COLLECT
        )
    assert e.value.field == "contact_phone"
    first = services.mail_instruction_set(
        actor=world.frontdesk,
        resident=mail.zhao,
        kind=InstructionKind.CALL_TO_COLLECT,
        contact_phone="135 1111 2222",
        contact_name="赵女士(女儿)",
    )
    assert first.contact_phone == "13511112222"
    second = services.mail_instruction_set(
        actor=world.frontdesk,
        resident=mail.zhao,
        kind=InstructionKind.CALL_TO_COLLECT,
        contact_phone="13600000000",
    )
    first.refresh_from_db()
    assert first.ended_at and not second.ended_at
    letter = services.letter_register(
        actor=world.frontdesk, prop=world.p1, addressee_name="赵六", unit=world.u3
    )
    services.letter_hold(actor=world.frontdesk, letter=letter, reason="电话通知代领人")
    services.letter_collect(actor=world.frontdesk, letter=letter, collector_name="赵女士(女儿)")
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.COLLECTED


# --- express / parcels (R-EXP) ----------------------------------------------------------------------------


# R-EXP-01
@pytest.mark.parametrize("kind", MailKind.values)
def test_all_item_kinds_are_logged(receive, kind):
    p = receive(kind=kind, receipt_mark="stamp")
    assert p.kind == kind and p.status == ParcelStatus.RECEIVED


# R-EXP-02
def test_only_the_front_desk_receives_items(world, mail, receive):
    for user in (world.frontdesk, world.clerk, world.admin1, world.supervisor):
        receive(actor=user)
    for user in (world.engineer, world.guard, world.manager, world.frontdesk2):
        with pytest.raises(NotAllowed):
            receive(actor=user)


# R-EXP-03
def test_urgent_items_are_called_at_once(world, receive):
    p = receive(now=local(10, 15))
    assert p.next_call_at == local(10, 15)
    assert selectors.call_list(world.p1, local(10, 15)) == [p]
    night = receive(now=local(22, 40), tracking_no="SF2")
    assert timezone.localtime(night.next_call_at).hour == 8  # after the quiet hours


# R-EXP-04
def test_only_current_residents_items_are_accepted(world, mail, receive):
    with pytest.raises(DomainError, match="没有在住") as e:
        receive(unit=world.u3)  # 赵六 moved out; nobody lives in 3-0501
    assert e.value.field == "unit"
    with pytest.raises(DomainError, match="不是"):
        receive(addressee_name="赵六")
    with pytest.raises(DomainError):
        receive(unit=world.u_p2)
    p = receive(addressee_name="李四")
    assert p.resident == mail.li
    assert receive(tracking_no="X1").resident == mail.zhang  # the owner when no name is given
    assert Parcel.objects.count() == 2


# R-EXP-05
def test_postal_items_are_stamped_or_signed(receive):
    with pytest.raises(DomainError) as e:
        receive(courier="EMS", consent_by="")
    assert e.value.field == "receipt_mark"
    with pytest.raises(DomainError):
        receive(courier="顺丰", kind=MailKind.MONEY_ORDER, consent_by="")  # money orders come by post
    p = receive(courier="EMS", consent_by="", receipt_mark="signed")
    assert p.is_postal and p.receipt_mark == "signed"
    assert receive(
        courier="中国邮政", kind=MailKind.PARCEL_SLIP, consent_by="", receipt_mark="stamp"
    ).is_postal


# R-EXP-06
# R-EXP-07
def test_courier_items_signed_for_only_with_owner_consent(world, mail, receive):
    with pytest.raises(DomainError) as e:
        receive(courier="DHL", consent_by="")
    assert e.value.field == "consent_by"
    p = receive(courier="DHL", consent_by="业主张三电话同意")
    assert p.consent_by == "业主张三电话同意"
    services.mail_instruction_set(
        actor=world.frontdesk, resident=mail.wang, kind=InstructionKind.SIGN_CONSENT
    )
    standing = receive(courier="UPS", consent_by="", unit=world.u2)
    assert standing.consent_by == "业主长期授权代签"


# R-EXP-08
# R-EXP-09
def test_reached_owner_chooses_collect_or_delivery(world, receive):
    p = receive(oversize=True, now=local(10))
    with pytest.raises(DomainError) as e:
        call(p, world.frontdesk, local(10, 5), outcome=AttemptOutcome.REACHED)
    assert e.value.field == "owner_choice"
    call(p, world.frontdesk, local(10, 5), outcome=AttemptOutcome.REACHED, owner_choice=OwnerChoice.DELIVER)
    p.refresh_from_db()
    assert p.status == ParcelStatus.NOTIFIED and p.next_call_at is None and p.reached_at
    assert selectors.desk_summary(user=world.frontdesk, prop=world.p1, now=local(10, 6))["to_deliver"] == 1
    services.parcel_release(actor=world.frontdesk, parcel=p, collector_name="张三", mode=OwnerChoice.DELIVER)
    assert Parcel.objects.get(pk=p.pk).status == ParcelStatus.DELIVERED


# R-EXP-10
@pytest.mark.parametrize(
    "last, expected",
    [
        ((10, 0), (11, 0, 0)),
        ((18, 0), (19, 0, 0)),
        ((18, 40), (19, 10, 0)),
        ((19, 0), (19, 30, 0)),
        ((20, 10), (20, 40, 0)),
        ((20, 40), (21, 10, 0)),
        ((21, 10), (8, 0, 1)),
    ],
)
def test_call_cadence(world, last, expected):
    nxt = cadence.next_call_after(world.p1, local(*last))
    h, m, d = expected
    assert nxt == local(h, m, days=d)


# R-EXP-10
def test_no_answer_follows_the_cadence_and_no_calls_after_2130(world, receive):
    p = receive(now=local(17, 50))
    call(p, world.frontdesk, local(17, 55))
    p.refresh_from_db()
    assert p.next_call_at == local(18, 55) and p.attempts == 1
    assert selectors.call_list(world.p1, local(18, 0)) == []
    assert selectors.call_list(world.p1, local(18, 55)) == [p]
    with pytest.raises(DomainError, match="21:30"):
        call(p, world.frontdesk, local(21, 45))
    assert selectors.call_list(world.p1, local(21, 45)) == []
    s = selectors.desk_summary(user=world.frontdesk, prop=world.p1, now=local(21, 45))
    assert s["quiet_hours"] and s["calls_due"] == 0 and s["held"] == 1


# R-EXP-11
def test_one_more_call_between_2100_and_2130_then_none(world, receive):
    p = receive(now=local(20, 0))
    call(p, world.frontdesk, local(20, 30))
    p.refresh_from_db()
    assert p.next_call_at == local(21, 0)
    call(p, world.frontdesk, local(21, 0))
    p.refresh_from_db()
    assert p.next_call_at == local(8, 0, days=1)
    assert selectors.call_list(world.p1, local(21, 20)) == []


# R-EXP-10
def test_sms_through_the_outbox_does_not_stop_the_calls(world, mail, receive):
    p = receive(now=local(10))
    services.parcel_notify(actor=world.frontdesk, parcel=p, channel=AttemptChannel.SMS, now=local(10, 1))
    msg = OutboxMessage.objects.get()
    assert msg.to == mail.zhang.phone and msg.channel == "sms" and "顺丰" in msg.body
    p.refresh_from_db()
    assert p.status == ParcelStatus.NOTIFIED and p.next_call_at == local(10)
    services.parcel_notify(actor=world.frontdesk, parcel=p, channel=AttemptChannel.NOTICE, now=local(10, 2))
    assert p.attempts_log.count() == 2


# R-EXP-12
def test_collection_is_signed_for(world, receive):
    p = receive()
    with pytest.raises(DomainError) as e:
        services.parcel_release(actor=world.frontdesk, parcel=p, collector_name=" ", id_checked=True)
    assert e.value.field == "collector_name"
    services.parcel_release(actor=world.frontdesk, parcel=p, collector_name="张三", id_checked=True)
    p.refresh_from_db()
    assert (
        p.status == ParcelStatus.COLLECTED and p.collector_name == "张三" and p.released_by == world.frontdesk
    )
    with pytest.raises(Conflict):
        services.parcel_release(actor=world.clerk, parcel=p, collector_name="张三", id_checked=True)


# R-EXP-13
def test_not_collected_same_day_is_chased_next_day_until_delivered(world, receive):
    p = receive(now=local(10, days=-1))
    call(
        p,
        world.frontdesk,
        local(10, 5, days=-1),
        outcome=AttemptOutcome.REACHED,
        owner_choice=OwnerChoice.COLLECT,
    )
    services.parcel_note_reason(actor=world.frontdesk, parcel=p, reason="业主出差,周末领取")
    assert services.parcels_chase(now=local(9)) == 1
    assert services.parcels_chase(now=local(10)) == 0  # idempotent
    chase = ParcelChase.objects.get()
    assert chase.day == timezone.localdate() and chase.reason == "业主出差,周末领取"
    p.refresh_from_db()
    assert p.next_call_at == local(9) and p in selectors.call_list(world.p1, local(9, 30))
    assert services.parcels_chase(now=local(9, days=1)) == 1  # and the next day again
    services.parcel_release(actor=world.frontdesk, parcel=p, collector_name="张三", id_checked=True)
    assert services.parcels_chase(now=local(9, days=2)) == 0
    fresh = receive(tracking_no="TODAY", now=local(8, 30))
    assert services.parcels_chase(now=local(12)) == 0 and not fresh.chases.exists()


# R-EXP-14
def test_supervisor_oversees_the_desk(world, receive):
    receive()
    s = selectors.desk_summary(user=world.supervisor, prop=world.p1, now=local(10))
    assert s["held"] == 1
    assert can(world.supervisor, "parcels.review", world.p1.pk)
    assert selectors.desk_summary(user=world.frontdesk2, prop=world.p1, now=local(10))["held"] == 0


# --- notification slips (R-SLIP) -------------------------------------------------------------------------


def slip_for(world, receive, at=None, **kw):
    at = at or local(10)
    p = receive(now=at, **kw)
    call(p, world.frontdesk, at + timedelta(minutes=1))
    return p, services.slip_issue(actor=world.frontdesk, parcel=p, now=at + timedelta(minutes=2))


# R-SLIP-01
def test_slip_only_when_the_owner_cannot_be_reached_by_phone(world, receive):
    p = receive(now=local(10))
    with pytest.raises(DomainError, match="致电"):
        services.slip_issue(actor=world.frontdesk, parcel=p)
    call(p, world.frontdesk, local(10, 1), outcome=AttemptOutcome.REACHED, owner_choice=OwnerChoice.COLLECT)
    with pytest.raises(DomainError, match="联系上"):
        services.slip_issue(actor=world.frontdesk, parcel=p)
    assert not NotificationSlip.objects.exists()


# R-SLIP-02
def test_ordinary_letters_mailbox_or_desk_as_owner_prefers(world, mail):
    services.mail_instruction_set(
        actor=world.frontdesk, resident=mail.zhang, kind=InstructionKind.HOLD_AT_DESK
    )
    held = services.letter_register(
        actor=world.frontdesk, prop=world.p1, addressee_name="张三", unit=world.u1
    )
    boxed = services.letter_register(
        actor=world.frontdesk, prop=world.p1, addressee_name="王五", unit=world.u2
    )
    services.letter_hold(actor=world.frontdesk, letter=held, reason="业主要求留前台")
    services.letter_deliver(actor=world.frontdesk, letter=boxed)
    slip = services.slip_issue(actor=world.frontdesk, letter=held)
    assert slip.letter == held and slip.serial == 1


# R-SLIP-03
def test_slips_are_used_in_serial_order_and_voids_recorded(world, receive):
    _p1, s1 = slip_for(world, receive)
    assert s1.serial == 1 and s1.number == "No.000001"
    p2 = receive(now=local(10), tracking_no="B")
    call(p2, world.frontdesk, local(10, 1))
    with pytest.raises(DomainError, match="No.000002") as e:
        services.slip_issue(actor=world.frontdesk, parcel=p2, serial=5)
    assert e.value.field == "serial"
    s2 = services.slip_issue(actor=world.frontdesk, parcel=p2, serial=2)  # the number was given back
    assert s2.serial == 2
    with pytest.raises(DomainError):
        services.slip_void(actor=world.frontdesk, slip=s2, reason="")
    services.slip_void(actor=world.frontdesk, slip=s2, reason="房号填错")
    spoiled = services.slip_void_next(actor=world.frontdesk, prop=world.p1, reason="打印污损")
    s4 = services.slip_issue(actor=world.frontdesk, parcel=p2)
    serials = [s.serial for s in selectors.slip_register(user=world.frontdesk, prop=world.p1)]
    assert serials == [1, 2, 3, 4] and spoiled.serial == 3 and s4.serial == 4
    assert NotificationSlip.objects.get(serial=2).status == SlipStatus.VOID


# R-SLIP-04
def test_first_part_pushed_under_the_door(world, receive):
    p = receive(now=local(10))
    call(p, world.frontdesk, local(10, 1))
    slip = services.slip_issue(actor=world.frontdesk, parcel=p, door_delivered=False)
    assert slip.door_delivered_at is None
    services.slip_door_delivered(actor=world.frontdesk, slip=slip, now=local(10, 20))
    slip.refresh_from_db()
    assert slip.door_delivered_at == local(10, 20)
    with pytest.raises(Conflict):
        services.slip_door_delivered(actor=world.frontdesk, slip=slip)


# R-SLIP-05
def test_second_part_on_the_item_kept_in_a_safe_place(world, receive):
    p = receive(now=local(10), shelf="")
    call(p, world.frontdesk, local(10, 1))
    with pytest.raises(DomainError) as e:
        services.slip_issue(actor=world.frontdesk, parcel=p)
    assert e.value.field == "shelf"
    _p, slip = slip_for(world, receive, tracking_no="S2")
    assert slip.label_attached and slip.parcel.shelf == "A1"


# R-SLIP-06
def test_collection_with_or_without_the_slip(world, receive):
    p, slip = slip_for(world, receive)
    with pytest.raises(DomainError) as e:
        services.parcel_release(actor=world.frontdesk, parcel=p, collector_name="张三", with_slip=True)
    assert e.value.field == "id_checked"
    services.parcel_release(
        actor=world.frontdesk, parcel=p, collector_name="张三", with_slip=True, id_checked=True
    )
    slip.refresh_from_db()
    assert slip.collection_mode == CollectionMode.WITH_SLIP and slip.owner_signature == "张三"
    p2, slip2 = slip_for(world, receive, tracking_no="NS")
    services.parcel_release(
        actor=world.frontdesk, parcel=p2, collector_name="张三", with_slip=False, id_checked=True
    )
    slip2.refresh_from_db()
    assert slip2.collection_mode == CollectionMode.WITHOUT_SLIP


# R-SLIP-07
def test_delivery_to_the_unit_brings_back_the_signed_first_part(world, receive):
    p, slip = slip_for(world, receive)
    with pytest.raises(DomainError) as e:
        services.parcel_release(
            actor=world.frontdesk, parcel=p, collector_name="张三", mode=OwnerChoice.DELIVER
        )
    assert e.value.field == "owner_signed"
    services.parcel_release(
        actor=world.frontdesk, parcel=p, collector_name="张三", mode=OwnerChoice.DELIVER, owner_signed=True
    )
    slip.refresh_from_db()
    assert slip.collection_mode == CollectionMode.DELIVERED
    assert Parcel.objects.get(pk=p.pk).status == ParcelStatus.DELIVERED


# R-SLIP-08
def test_use_register_completed_after_receipt(world, receive):
    p, slip = slip_for(world, receive)
    services.parcel_release(actor=world.clerk, parcel=p, collector_name="张三", id_checked=True)
    slip.refresh_from_db()
    assert slip.status == SlipStatus.CLOSED and slip.closed_by == world.clerk and slip.closed_at
    assert not selectors.open_slips(user=world.frontdesk, prop=world.p1).exists()


# R-SLIP-09
def test_handover_count_reports_missing_mail_to_the_supervisor(world, receive):
    from django.test import TestCase

    from duty.handover import HANDOVER_COUNTS, counts_now

    assert "parcels.held" in HANDOVER_COUNTS and "parcels.slips_open" in HANDOVER_COUNTS
    _p, slip = slip_for(world, receive)
    loose = receive(tracking_no="LOOSE")
    counts = {c["key"]: c["value"] for c in counts_now(world.p1)}
    assert counts["parcels.held"] == 2 and counts["parcels.slips_open"] == 1
    with TestCase.captureOnCommitCallbacks(execute=True):
        ok = services.handover_mail_count(
            actor=world.frontdesk, prop=world.p1, present_slip_ids=[slip.pk], present_parcel_ids=[loose.pk]
        )
    assert ok.missing == [] and not Notification.objects.filter(recipient=world.supervisor).exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        bad = services.handover_mail_count(
            actor=world.frontdesk,
            prop=world.p1,
            present_slip_ids=[],
            present_parcel_ids=[loose.pk],
            outgoing=world.clerk,
        )
    assert bad.expected == 2 and bad.found == 1 and bad.missing[0]["slip"] == "No.000001"
    note = Notification.objects.get(recipient=world.supervisor)
    assert note.level == "danger" and str(world.clerk) in note.body
    assert SlipCount.objects.count() == 2


# R-SLIP-10
def test_72_hour_follow_up_recorded_on_the_slip(world, receive):
    p, slip = slip_for(world, receive, at=local(10, days=-3))
    with pytest.raises(DomainError, match="72"):
        services.slip_followup_record(actor=world.frontdesk, slip=slip, reached=False, now=local(9, 0))
    assert services.slips_followup_remind(now=local(9, 0)) == 0
    assert services.slips_followup_remind(now=local(10, 30)) >= 1
    assert services.slips_followup_remind(now=local(10, 45)) == 0  # once per slip
    assert list(selectors.slips_followup_due(user=world.frontdesk, prop=world.p1, now=local(10, 30))) == [
        slip
    ]
    services.slip_followup_record(
        actor=world.frontdesk, slip=slip, reached=False, note="无人接听", now=local(10, 30)
    )
    slip.refresh_from_db()
    assert (
        slip.followup_at == local(10, 30)
        and slip.followup_by == world.frontdesk
        and slip.followup_reached is False
    )
    assert p.attempts_log.filter(note__contains="72小时").exists()
    with pytest.raises(Conflict):
        services.slip_followup_record(actor=world.frontdesk, slip=slip, reached=True, now=local(11))


# R-SLIP-11
def test_completed_slips_reviewed_then_bound_in_reverse_order(world, receive):
    p1, s1 = slip_for(world, receive)
    p2, s2 = slip_for(world, receive, tracking_no="T2")
    with pytest.raises(DomainError):
        services.slip_review(actor=world.manager, slip=s1)  # still open
    for p in (p1, p2):
        services.parcel_release(actor=world.frontdesk, parcel=p, collector_name="张三", id_checked=True)
    with pytest.raises(NotAllowed):
        services.slip_review(actor=world.frontdesk, slip=s1)
    services.slip_review(actor=world.manager, slip=s1)
    services.slip_review(actor=world.manager, slip=s2)
    bound = services.slips_bind(actor=world.supervisor, prop=world.p1)
    assert [s.serial for s in bound] == [2, 1]
    with pytest.raises(DomainError):
        services.slips_bind(actor=world.supervisor, prop=world.p1)


# --- bulk arrival --------------------------------------------------------------------------------------


def test_bulk_receive_all_or_nothing(world, mail):
    rows = [
        {"recipient": "3-1201", "tracking_no": "SF001", "consent": True},
        {"recipient": "3-1202 王五", "tracking_no": "SF002", "consent": True},
        {"recipient": "3-0501", "tracking_no": "SF003", "consent": True},  # nobody lives there
        {"recipient": "9-9999", "tracking_no": "SF004", "consent": True},
        {"recipient": "3-1201 李四", "tracking_no": "SF001", "consent": True},  # duplicate number
        {"recipient": "3-1201 李四", "tracking_no": "SF005"},  # no consent (R-EXP-07)
        {"recipient": "", "tracking_no": ""},  # blank rows are ignored
    ]
    with pytest.raises(services.BulkRowsError) as e:
        services.parcels_bulk_receive(actor=world.frontdesk, prop=world.p1, courier="顺丰", rows=rows)
    assert sorted(e.value.rows) == [2, 3, 4, 5]
    assert not Parcel.objects.exists()
    batch = services.parcels_bulk_receive(
        actor=world.frontdesk, prop=world.p1, courier="顺丰", rows=rows[:2] + [dict(rows[5], consent=True)]
    )
    assert batch.count == 3 and batch.parcels.count() == 3
    assert {p.resident for p in batch.parcels.all()} == {mail.zhang, mail.wang, mail.li}


def test_bulk_slips_numbered_in_order(world, mail):
    batch = services.parcels_bulk_receive(
        actor=world.frontdesk,
        prop=world.p1,
        courier="EMS",
        receipt_mark="stamp",
        rows=[{"recipient": "3-1201", "shelf": "B1"}, {"recipient": "3-1202", "shelf": "B2"}],
        now=local(10),
    )
    parcels = list(batch.parcels.order_by("pk"))
    for p in parcels:
        call(p, world.frontdesk, local(10, 5))
    slips = services.slips_issue_bulk(actor=world.frontdesk, parcels=parcels)
    assert [s.serial for s in slips] == [1, 2]


def test_return_voids_the_open_slip(world, receive):
    p, slip = slip_for(world, receive)
    with pytest.raises(DomainError):
        services.parcel_return(actor=world.frontdesk, parcel=p, reason="")
    services.parcel_return(actor=world.frontdesk, parcel=p, reason="业主拒收")
    slip.refresh_from_db()
    assert slip.status == SlipStatus.VOID and Parcel.objects.get(pk=p.pk).status == ParcelStatus.RETURNED
