import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from core.choices import Role
from core.errors import Conflict, DomainError, NotAllowed
from core.models import Attachment, HistoryEntry, Notification, OutboxMessage
from core.permissions import ACTIONS, can
from visitors import selectors, services
from visitors.choices import (
    ConfirmMethod,
    ConfirmResult,
    ContactSource,
    KeyStatus,
    SpareKeyStatus,
    VisitStatus,
)
from visitors.models import (
    VisitorContactAttempt,
    VisitorContactLookup,
    VisitorEntry,
    VisitorPreauthorization,
)

from .conftest import ID1, ID2

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def no_answer(world, e, **kw):
    return services.visitor_contact(
        actor=world.frontdesk, entry=e, method=ConfirmMethod.PHONE, result=ConfirmResult.NO_ANSWER, **kw
    )


# --- permission rows ---------------------------------------------------------------------------------

EXPECTED = {
    "visitor.view": {
        Role.MANAGER,
        Role.CS_SUPERVISOR,
        Role.CS_ADMIN,
        Role.FRONT_DESK,
        Role.CLERK,
        Role.SEC_SUPERVISOR,
        Role.GUARD,
    },
    "visitor.register": {Role.CS_SUPERVISOR, Role.CS_ADMIN, Role.FRONT_DESK, Role.CLERK},
    "visitor.preauth": {Role.CS_SUPERVISOR, Role.CS_ADMIN, Role.FRONT_DESK, Role.CLERK},
    "visitor.contact_lookup": {Role.CS_SUPERVISOR, Role.CS_ADMIN, Role.FRONT_DESK, Role.CLERK},
    "visitor.lookup_audit": {Role.MANAGER, Role.CS_SUPERVISOR},
    "visitor.key": {Role.CS_SUPERVISOR, Role.CS_ADMIN, Role.FRONT_DESK, Role.CLERK},
    "visitor.sparekey": {Role.CS_SUPERVISOR, Role.CS_ADMIN, Role.FRONT_DESK, Role.CLERK},
    "visitor.sparekey.decline": {Role.CS_SUPERVISOR},
}


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("role", list(Role))
def test_permission_matrix(action, role):
    assert (role in ACTIONS[action]) == (role in EXPECTED[action])


def test_personas_can(world):
    assert can(world.frontdesk, "visitor.register", world.p1.pk)
    assert not can(world.frontdesk, "visitor.register", world.p2.pk)
    assert can(world.guard, "visitor.view", world.p1.pk) and not can(world.guard, "visitor.register")
    assert not can(world.engineer, "visitor.view")


# --- registration ---------------------------------------------------------------------------------------


# R-VIS-01: the procedure controls the whole visit, entry to departure.
def test_full_visit_entry_to_departure(world, visit):
    e = visit()
    assert e.status == VisitStatus.PENDING and e.left_at is None
    e = services.visitor_contact(
        actor=world.frontdesk,
        entry=e,
        method=ConfirmMethod.INTERCOM,
        result=ConfirmResult.AGREED,
        contacted_with="张三",
    )
    assert e.status == VisitStatus.ADMITTED
    e = services.visitor_leave(actor=world.clerk, entry=e)
    assert e.status == VisitStatus.LEFT and e.left_at and e.closed_by == world.clerk
    states = list(
        HistoryEntry.objects.filter(object_id=e.pk, action="transition")
        .order_by("at", "id")
        .values_list("from_state", "to_state")
    )
    assert states == [("pending", "admitted"), ("admitted", "left")]


# R-VIS-02: 来访时间 and 访问时间 (expected departure) are recorded; serial numbers in order.
def test_register_records_times_and_numbers(world, visit, later):
    e1 = visit()
    e2 = visit(arrived_at=later(minutes=-30), expected_leave_at=later(hours=1))
    day = timezone.localdate().strftime("%Y%m%d")
    assert e1.number == f"FK{day}-0001" and e2.number == f"FK{day}-0002"
    assert e1.expected_leave_at - e1.arrived_at == services.DEFAULT_VISIT
    assert e2.duration_minutes() == 90
    assert e1.registered_by == world.frontdesk


@pytest.mark.parametrize(
    "over, field",
    [
        ({"visitor_name": " "}, "visitor_name"),
        ({"visitor_id_number": ""}, "visitor_id_number"),
        ({"visitor_id_number": "12345"}, "visitor_id_number"),  # an ID card has 18 characters
        ({"party_size": 0}, "party_size"),
        ({"purpose": ""}, "purpose"),
        ({"visitor_phone": "abc"}, "visitor_phone"),
    ],
)
def test_register_bad_input_writes_nothing(world, visit, over, field):
    with pytest.raises(DomainError) as exc:
        visit(**over)
    assert exc.value.field == field
    assert VisitorEntry.objects.count() == 0


# R-VIS-02: the registered visit length must be a real, bounded span.
def test_register_time_span_checked(world, visit, later):
    with pytest.raises(DomainError) as exc:
        visit(arrived_at=later(minutes=-10), expected_leave_at=later(minutes=-20))
    assert exc.value.field == "expected_leave_at"
    with pytest.raises(DomainError):
        visit(expected_leave_at=later(hours=30))
    with pytest.raises(DomainError) as exc:
        visit(arrived_at=later(hours=2))
    assert exc.value.field == "arrived_at"
    assert VisitorEntry.objects.count() == 0


def test_register_checks_unit_and_resident(world, folks, visit):
    with pytest.raises(DomainError) as exc:
        visit(unit=world.u2)  # 张三 does not live in 3-1202
    assert exc.value.field == "resident"
    with pytest.raises(DomainError):
        visit(unit=world.u_p2, resident=None)  # another property's unit
    with pytest.raises(NotAllowed):
        visit(actor=world.guard)
    with pytest.raises(NotAllowed):
        visit(actor=world.frontdesk2)
    e = visit(unit=world.u2, resident=None)  # a unit without naming a resident is fine
    assert e.resident is None


# --- confirmation (R-VIS-04) ---------------------------------------------------------------------------


# R-VIS-04: only the owner's agreement lets the visitor up; method, who and the clerk are recorded.
def test_confirmation_agreed_records_who(world, visit):
    e = visit()
    e = services.visitor_contact(
        actor=world.clerk,
        entry=e,
        method=ConfirmMethod.PHONE,
        result=ConfirmResult.AGREED,
        contacted_with="张三",
    )
    assert (e.confirm_method, e.confirmed_with, e.confirmed_by, e.confirm_result) == (
        "phone",
        "张三",
        world.clerk,
        "agreed",
    )
    assert e.confirmed_at is not None


# R-VIS-04 / R-ARCH-07 / R-VIS-14: floor and unit are told to (and the visitor guided) only after agreement.
def test_directions_only_after_agreement(world, visit):
    e = visit()
    assert e.directions() == ""
    no_answer(world, e)
    e.refresh_from_db()
    assert e.directions() == ""
    e = services.visitor_contact(
        actor=world.frontdesk,
        entry=e,
        method=ConfirmMethod.INTERCOM,
        result=ConfirmResult.AGREED,
        contacted_with="张三",
    )
    assert e.directions() == "12 层 3-1201"


# R-VIS-04: a refusal turns the visitor away.
def test_refused_visit_is_closed(world, visit):
    e = services.visitor_contact(
        actor=world.frontdesk,
        entry=visit(),
        method=ConfirmMethod.PHONE,
        result=ConfirmResult.REFUSED,
        contacted_with="张三",
    )
    assert e.status == VisitStatus.REFUSED and e.left_at is not None
    with pytest.raises(Conflict):
        services.visitor_leave(actor=world.frontdesk, entry=e)


def test_confirmation_input_checked(world, visit):
    e = visit()
    with pytest.raises(DomainError) as exc:
        services.visitor_contact(
            actor=world.frontdesk, entry=e, method="email", result=ConfirmResult.AGREED, contacted_with="x"
        )
    assert exc.value.field == "method"
    with pytest.raises(DomainError) as exc:
        services.visitor_contact(
            actor=world.frontdesk, entry=e, method=ConfirmMethod.PHONE, result=ConfirmResult.AGREED
        )
    assert exc.value.field == "contacted_with"
    assert VisitorContactAttempt.objects.count() == 0
    with pytest.raises(NotAllowed):
        services.visitor_contact(
            actor=world.guard,
            entry=e,
            method=ConfirmMethod.PHONE,
            result=ConfirmResult.AGREED,
            contacted_with="x",
        )


# --- owner unreachable (R-VIS-06/07) ---------------------------------------------------------------------


# R-VIS-06: no answer keeps the visitor waiting, and each try is kept.
def test_no_answer_keeps_waiting_and_logs_tries(world, visit):
    e = visit()
    no_answer(world, e)
    e = no_answer(world, e, source=ContactSource.VISITOR, note="访客提供的号码")
    assert e.status == VisitStatus.PENDING and e.contact_attempts == 2
    assert list(e.attempts.values_list("source", flat=True)) == ["register", "visitor"]


# R-VIS-06: the visitor does not keep trying → the desk takes a message for the owner.
def test_message_left_for_unreachable_owner(world, visit, django_capture_on_commit_callbacks):
    e = visit()
    with pytest.raises(DomainError):
        services.visitor_leave_message(actor=world.frontdesk, entry=e, message="改日再来")  # no try yet
    no_answer(world, e)
    with django_capture_on_commit_callbacks(execute=True):
        e = services.visitor_leave_message(actor=world.frontdesk, entry=e, message="改日再来")
    assert e.status == VisitStatus.MESSAGE_LEFT and e.message == "改日再来" and e.left_at
    msg = OutboxMessage.objects.get()
    assert msg.to == "13812345678" and "改日再来" in msg.body and "赵访客" in msg.body


# R-VIS-06 / R-VIS-07: the desk may read the owner's contact fields — after an unanswered try — and each
# read is logged with 查询人, 查询事由, 查询时间 (R-ARCH-05).
def test_archive_contact_lookup_logged(world, folks, visit):
    e = visit()
    with pytest.raises(DomainError):
        services.visitor_contact_lookup(actor=world.frontdesk, entry=e)
    assert VisitorContactLookup.objects.count() == 0
    no_answer(world, e)
    result = services.visitor_contact_lookup(actor=world.frontdesk, entry=e, reason="访客要求继续联系")
    numbers = [c["number"] for c in result["contacts"]]
    assert numbers == ["13812345678", "13900001111"]  # the phone and the emergency contact, nothing else
    log = VisitorContactLookup.objects.get()
    assert (log.reader, log.reason, log.resident) == (world.frontdesk, "访客要求继续联系", folks.zhang)
    assert log.at is not None
    with pytest.raises(NotAllowed):
        services.visitor_contact_lookup(actor=world.guard, entry=e)
    assert list(selectors.contact_lookups(user=world.supervisor)) == [log]
    assert list(selectors.contact_lookups(user=world.frontdesk)) == []
    # The contacted number then used is recorded as coming from the archive.
    e = services.visitor_contact(
        actor=world.frontdesk,
        entry=e,
        method=ConfirmMethod.PHONE,
        result=ConfirmResult.AGREED,
        contacted_with="张三",
        source=ContactSource.ARCHIVE,
    )
    assert e.attempts.last().source == "archive"


# --- overstay (R-VIS-03/05) --------------------------------------------------------------------------------


# R-VIS-03: a visitor past the registered time is flagged, on the desk and to the desk staff (once).
def test_overstay_flagged_and_notified_once(world, admitted, later):
    e = admitted(arrived_at=later(hours=-3), expected_leave_at=later(hours=-1))
    fresh = admitted(visitor_name="钱访客")
    assert e.is_overstaying() and not fresh.is_overstaying()
    assert [x.pk for x in selectors.overstaying(user=world.frontdesk, prop=world.p1)] == [e.pk]
    made = services.overstay_check()
    assert made == Notification.objects.filter(title__contains="访客超时").count() > 0
    assert Notification.objects.filter(recipient=world.frontdesk, title__contains="赵访客").count() == 1
    assert services.overstay_check() == 0  # idempotent


# R-VIS-05: the owner notifies the desk of a longer stay; the desk registers the extension.
def test_extension_registered(world, admitted, later):
    e = admitted(arrived_at=later(hours=-3), expected_leave_at=later(hours=-1))
    services.overstay_check()
    new_time = later(hours=1)
    e = services.visitor_extend(
        actor=world.frontdesk, entry=e, expected_leave_at=new_time, notified_by="张三"
    )
    assert e.expected_leave_at == new_time and e.extension_count == 1 and not e.is_overstaying()
    h = HistoryEntry.objects.filter(object_id=e.pk, action="update").first()
    assert "张三" in h.reason and "expected_leave_at" in h.changes
    with pytest.raises(DomainError) as exc:
        services.visitor_extend(
            actor=world.frontdesk, entry=e, expected_leave_at=later(minutes=10), notified_by="张三"
        )
    assert exc.value.field == "expected_leave_at"
    with pytest.raises(DomainError) as exc:
        services.visitor_extend(
            actor=world.frontdesk, entry=e, expected_leave_at=later(hours=2), notified_by=""
        )
    assert exc.value.field == "notified_by"


def test_extension_needs_visitor_in_building(world, visit, later):
    with pytest.raises(Conflict):
        services.visitor_extend(
            actor=world.frontdesk, entry=visit(), expected_leave_at=later(hours=5), notified_by="张三"
        )


def test_cancel_pending(world, visit):
    e = services.visitor_cancel(actor=world.frontdesk, entry=visit(), reason="访客不愿等待")
    assert e.status == VisitStatus.CANCELLED
    with pytest.raises(DomainError):
        services.visitor_cancel(actor=world.frontdesk, entry=visit(), reason="")


# --- standing instructions (R-VIS-08/09) ---------------------------------------------------------------------


def preauth(world, folks, later, **over):
    kw = {
        "prop": world.p1,
        "unit": world.u1,
        "resident": folks.zhang,
        "visitor_name": "赵访客",
        "visitor_id_number": ID1,
        "valid_from": later(hours=-1),
        "valid_to": later(days=1),
        "instructions": "带客人坐 2 号梯",
    }
    kw.update(over)
    return services.preauth_create(actor=world.frontdesk, **kw)


# R-VIS-08: someone home → the visitor is received by the normal steps, then handled as the owner asked.
def test_preauth_someone_home_still_confirmed(world, folks, visit, later):
    p = preauth(world, folks, later)
    e = visit()
    assert e.preauthorization == p and e.status == VisitStatus.PENDING  # still needs the owner's agreement
    other = visit(visitor_name="孙某", visitor_id_number=ID2)
    assert other.preauthorization is None


# R-VIS-09: nobody home → the owner fills the visitor's identity details and how to be contacted.
def test_preauth_nobody_home_needs_details(world, folks, later):
    with pytest.raises(DomainError) as exc:
        preauth(world, folks, later, nobody_home=True, visitor_id_number="", contact_method="电话 138")
    assert exc.value.field == "visitor_id_number"
    with pytest.raises(DomainError) as exc:
        preauth(world, folks, later, nobody_home=True, contact_method="")
    assert exc.value.field == "contact_method"
    assert VisitorPreauthorization.objects.count() == 0


# R-VIS-09: the desk checks the visitor against the owner's details; the visit proceeds only when the
# owner tells the desk, after the ID check.
def test_preauth_nobody_home_checks_identity(world, folks, visit, later):
    p = preauth(world, folks, later, nobody_home=True, contact_method="请访客打业主手机")
    with pytest.raises(DomainError) as exc:
        visit(visitor_id_number=ID2, preauthorization=p)  # not the visitor the owner described
    assert exc.value.field == "preauthorization"
    e = visit(preauthorization=p)
    with pytest.raises(DomainError) as exc:
        services.visitor_contact(
            actor=world.frontdesk,
            entry=e,
            method=ConfirmMethod.PHONE,
            result=ConfirmResult.AGREED,
            contacted_with="张三",
        )
    assert exc.value.field == "identity_checked"
    e = services.visitor_contact(
        actor=world.frontdesk,
        entry=e,
        method=ConfirmMethod.PHONE,
        result=ConfirmResult.AGREED,
        contacted_with="张三",
        source=ContactSource.PREAUTH,
        identity_checked=True,
    )
    assert e.status == VisitStatus.ADMITTED


def test_preauth_validity_and_revoke(world, folks, visit, later):
    with pytest.raises(DomainError) as exc:
        preauth(world, folks, later, valid_to=later(hours=-2))
    assert exc.value.field == "valid_to"
    with pytest.raises(DomainError):
        preauth(world, folks, later, valid_to=later(days=120))
    p = preauth(world, folks, later)
    assert list(selectors.preauths(user=world.frontdesk, prop=world.p1)) == [p]
    services.preauth_revoke(actor=world.frontdesk, preauth=p, reason="业主来电取消")
    with pytest.raises(Conflict):
        services.preauth_revoke(actor=world.frontdesk, preauth=p, reason="again")
    assert visit().preauthorization is None  # a revoked instruction no longer applies
    assert list(selectors.preauths(user=world.frontdesk, prop=world.p1)) == []
    with pytest.raises(NotAllowed):
        services.preauth_create(
            actor=world.guard,
            prop=world.p1,
            unit=world.u1,
            resident=folks.zhang,
            visitor_name="x",
            valid_from=later(),
            valid_to=later(hours=1),
        )


# --- key left for a visitor (R-VIS-10, R-HOLD) -------------------------------------------------------------


def deposit(world, folks, **over):
    kw = {
        "prop": world.p1,
        "unit": world.u1,
        "resident": folks.zhang,
        "collector_name": "赵访客",
        "envelope_sealed": True,
    }
    kw.update(over)
    return services.key_for_visitor_deposit(actor=world.frontdesk, **kw)


# R-HOLD-05: a key is sealed in a marked envelope; R-HOLD-04: registered with a serial number.
def test_key_deposit_requires_sealed_envelope(world, folks):
    with pytest.raises(DomainError) as exc:
        deposit(world, folks, envelope_sealed=False)
    assert exc.value.field == "envelope_sealed"
    k = deposit(world, folks)
    assert k.status == KeyStatus.HELD and k.number.startswith("FKYS")
    assert selectors.handover_keys_held(world.p1) == 1


# R-VIS-10: first the normal steps (registered + owner agreed), then a strict ID check, then the signature.
def test_key_handover_rules(world, folks, visit, admitted):
    k = deposit(world, folks, collector_id_number=ID1)
    pending = visit()
    ok = dict(
        checked_id_type="id_card",
        checked_id_number=ID1,
        identity_checked=True,
        signature_name="赵访客",
        signed=True,
    )
    with pytest.raises(DomainError) as exc:
        services.key_for_visitor_handover(actor=world.frontdesk, key=k, entry=pending, **ok)
    assert exc.value.field == "entry"
    e = admitted()
    with pytest.raises(DomainError) as exc:
        services.key_for_visitor_handover(
            actor=world.frontdesk, key=k, entry=e, **{**ok, "checked_id_number": ID2}
        )
    assert exc.value.field == "checked_id_number"
    with pytest.raises(DomainError) as exc:
        services.key_for_visitor_handover(
            actor=world.frontdesk, key=k, entry=e, **{**ok, "identity_checked": False}
        )
    assert exc.value.field == "checked_id_number"
    with pytest.raises(DomainError) as exc:
        services.key_for_visitor_handover(actor=world.frontdesk, key=k, entry=e, **{**ok, "signed": False})
    assert exc.value.field == "signed"
    with pytest.raises(DomainError):
        services.key_for_visitor_handover(
            actor=world.frontdesk, key=k, entry=e, **{**ok, "signature_name": "别人"}
        )
    k.refresh_from_db()
    assert k.status == KeyStatus.HELD and k.signed_at is None
    k = services.key_for_visitor_handover(actor=world.clerk, key=k, entry=e, **ok)
    assert k.status == KeyStatus.HANDED_OVER and k.signature_name == "赵访客" and k.signed_at
    assert k.handed_over_by == world.clerk and k.entry == e
    with pytest.raises(Conflict):
        services.key_for_visitor_handover(actor=world.frontdesk, key=k, entry=e, **ok)


# R-VIS-10: only the collector the owner named receives the key.
def test_key_not_for_another_visitor(world, folks, admitted):
    k = deposit(world, folks)
    e = admitted(visitor_name="孙某", visitor_id_number=ID2)
    with pytest.raises(DomainError) as exc:
        services.key_for_visitor_handover(
            actor=world.frontdesk,
            key=k,
            entry=e,
            checked_id_type="id_card",
            checked_id_number=ID2,
            identity_checked=True,
            signature_name="孙某",
            signed=True,
        )
    assert exc.value.field == "entry"


def test_key_returned_to_owner(world, folks):
    k = services.key_for_visitor_return(actor=world.frontdesk, key=deposit(world, folks), reason="访客未来")
    assert k.status == KeyStatus.RETURNED and k.returned_at


# --- spare key (R-VIS-11/12/13, R-KEY-12) ---------------------------------------------------------------------


def scan():
    return SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")


# R-VIS-11: the owner asks for the spare key → a 《确认函》 is faxed; nothing continues until it is back signed.
def test_spare_key_needs_signed_letter(world, visit, admitted):
    with pytest.raises(Conflict):
        services.spare_key_request(actor=world.frontdesk, entry=visit())  # the owner has not been reached
    e = admitted()
    s = services.spare_key_request(actor=world.frontdesk, entry=e)
    assert s.status == SpareKeyStatus.AWAITING_LETTER and s.letter_faxed_at
    with pytest.raises(Conflict):
        services.spare_key_request(actor=world.frontdesk, entry=e)  # one open entry per visit
    with pytest.raises(DomainError) as exc:
        services.spare_key_borrow(
            actor=world.frontdesk, spare=s, lent_by="孙保安", key_use_ref="FY-1", people_present="陈前台"
        )
    assert exc.value.code == "no_letter"
    with pytest.raises(DomainError) as exc:
        services.spare_key_letter_received(
            actor=world.frontdesk, spare=s, signed_on=timezone.localdate() + timedelta(days=1)
        )
    assert exc.value.field == "signed_on"
    s = services.spare_key_letter_received(
        actor=world.frontdesk, spare=s, signed_on=timezone.localdate(), scan=scan()
    )
    assert s.status == SpareKeyStatus.LETTER_RECEIVED and s.letter_received_at
    assert Attachment.objects.filter(object_id=s.pk, mime="application/pdf").count() == 1


# R-VIS-12: the owner will not sign → the 客服主管 explains; the visitor is not let into the unit.
def test_spare_key_declined_by_supervisor(world, admitted):
    s = services.spare_key_request(actor=world.frontdesk, entry=admitted())
    with pytest.raises(NotAllowed):
        services.spare_key_decline(actor=world.frontdesk, spare=s, note="业主不签")
    s = services.spare_key_decline(actor=world.supervisor, spare=s, note="已向访客解释,业主未签确认函")
    assert s.status == SpareKeyStatus.DECLINED and s.declined_by == world.supervisor
    for call in (
        lambda: services.spare_key_letter_received(
            actor=world.frontdesk, spare=s, signed_on=timezone.localdate()
        ),
        lambda: services.spare_key_borrow(
            actor=world.frontdesk, spare=s, lent_by="孙保安", key_use_ref="FY-1", people_present="陈前台"
        ),
        lambda: services.spare_key_admit(actor=world.frontdesk, spare=s),
    ):
        with pytest.raises(DomainError):
            call()


# R-VIS-13: the clerk who borrowed the key keeps it throughout; once the visitor is in it goes back at
# once; the visitor leaves through the desk, which borrows it again to lock the door.
# R-KEY-12: the spare key is a custodial key — its key-use application is referenced when borrowed.
def test_spare_key_kept_by_clerk_throughout(world, admitted):
    e = admitted()
    s = services.spare_key_request(actor=world.frontdesk, entry=e)
    s = services.spare_key_letter_received(actor=world.frontdesk, spare=s, signed_on=timezone.localdate())
    with pytest.raises(DomainError) as exc:
        services.spare_key_borrow(
            actor=world.frontdesk, spare=s, lent_by="孙保安", key_use_ref="", people_present="陈前台"
        )
    assert exc.value.field == "key_use_ref"
    with pytest.raises(DomainError) as exc:
        services.spare_key_borrow(
            actor=world.frontdesk, spare=s, lent_by="孙保安", key_use_ref="FY-1", people_present=""
        )
    assert exc.value.field == "people_present"
    s = services.spare_key_borrow(
        actor=world.frontdesk,
        spare=s,
        lent_by="孙保安",
        key_use_ref="FY-1",
        people_present="陈前台、孙保安、访客",
    )
    assert s.key_holder == world.frontdesk and s.status == SpareKeyStatus.KEY_OUT
    with pytest.raises(DomainError) as exc:
        services.spare_key_admit(actor=world.clerk, spare=s)  # not the clerk holding the key
    assert exc.value.code == "not_holder"
    s = services.spare_key_admit(actor=world.frontdesk, spare=s)
    assert s.status == SpareKeyStatus.VISITOR_INSIDE and s.entered_at == s.key_returned_at
    with pytest.raises(DomainError):
        services.visitor_leave(actor=world.frontdesk, entry=e)  # must lock the door via the spare key
    s = services.spare_key_lock(actor=world.clerk, spare=s, lent_by="孙保安")
    assert s.status == SpareKeyStatus.LOCKED and s.locked_by == world.clerk and s.exited_at
    e.refresh_from_db()
    assert e.status == VisitStatus.LEFT


# --- desk summary and handover counts --------------------------------------------------------------------


def test_desk_summary_counts_and_lists(
    world, daytime, folks, visit, admitted, later, django_assert_max_num_queries
):  # at 10:00: the visitor who came 3 hours ago came today
    over = admitted(arrived_at=later(hours=-3), expected_leave_at=later(hours=-1))
    inb = admitted(visitor_name="钱访客")
    visit(visitor_name="孙访客")
    left = admitted(visitor_name="周访客")
    services.visitor_leave(actor=world.frontdesk, entry=left)
    with django_assert_max_num_queries(6):
        d = selectors.desk_summary(user=world.frontdesk, prop=world.p1, now=timezone.now())
    assert (d["in_building"], d["overstaying"], d["waiting"], d["today"]) == (2, 1, 1, 4)
    assert [e.pk for e in d["in_building_list"]] == [over.pk, inb.pk]
    assert [e.pk for e in d["overstaying_list"]] == [over.pk]
    other = selectors.desk_summary(user=world.frontdesk2, prop=world.p1)
    assert other["in_building"] == 0 and other["in_building_list"] == []
    assert selectors.handover_in_building(world.p1) == 2


def test_handover_counts_registered(world):
    from duty.handover import HANDOVER_COUNTS, counts_now

    assert "visitors.in_building" in HANDOVER_COUNTS and "visitors.keys_held" in HANDOVER_COUNTS
    values = {c["key"]: c["value"] for c in counts_now(world.p1)}
    assert values["visitors.in_building"] == 0


def test_history_masks_personal_numbers(world, visit):
    e = visit()
    services.visitor_extend(
        actor=world.frontdesk,
        entry=services.visitor_contact(
            actor=world.frontdesk,
            entry=e,
            method=ConfirmMethod.PHONE,
            result=ConfirmResult.AGREED,
            contacted_with="张三",
        ),
        expected_leave_at=e.expected_leave_at + timedelta(hours=1),
        notified_by="张三",
    )
    services.preauth_revoke(
        actor=world.frontdesk,
        preauth=services.preauth_create(
            actor=world.frontdesk,
            prop=world.p1,
            unit=world.u1,
            resident=e.resident,
            visitor_name="x",
            visitor_id_number=ID2,
            valid_from=timezone.now(),
            valid_to=timezone.now() + timedelta(hours=1),
        ),
        reason="取消",
    )
    dumped = str(list(HistoryEntry.objects.values_list("changes", flat=True)))
    assert ID1 not in dumped and ID2 not in dumped and "13511112222" not in dumped


@pytest.mark.django_db(transaction=True)
def test_concurrent_clerks_get_distinct_numbers(world, folks):
    if connection.vendor != "postgresql":
        pytest.skip("true concurrency needs PostgreSQL (SQLite serialises writers)")
    got, errors = [], []

    def clerk(user):
        try:
            for i in range(5):
                e = services.visitor_register(
                    actor=user,
                    prop=world.p1,
                    visitor_name=f"访客{i}",
                    visitor_id_number=ID1,
                    unit=world.u1,
                    resident=folks.zhang,
                    purpose="探亲",
                )
                got.append(e.number)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=clerk, args=(u,)) for u in (world.frontdesk, world.clerk, world.admin1)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(got)) == 15 and sorted(int(n[-4:]) for n in got) == list(range(1, 16))


@pytest.mark.django_db(transaction=True)
def test_two_clerks_sign_out_one_visitor(world, folks):
    if connection.vendor != "postgresql":
        pytest.skip("true concurrency needs PostgreSQL (SQLite serialises writers)")
    e = services.visitor_register(
        actor=world.frontdesk,
        prop=world.p1,
        visitor_name="赵访客",
        visitor_id_number=ID1,
        unit=world.u1,
        purpose="探亲",
    )
    services.visitor_contact(
        actor=world.frontdesk,
        entry=e,
        method=ConfirmMethod.PHONE,
        result=ConfirmResult.AGREED,
        contacted_with="张三",
    )
    outcomes = []

    def clerk(user):
        try:
            services.visitor_leave(actor=user, entry=VisitorEntry.objects.get(pk=e.pk))
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk, args=(u,)) for u in (world.frontdesk, world.clerk)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert HistoryEntry.objects.filter(object_id=e.pk, to_state="left").count() == 1
