import pytest

from core.choices import Role
from core.errors import Conflict, DomainError, NotAllowed
from core.models import CalendarDay
from core.permissions import can
from releases import rules, services
from releases.choices import ReleaseStatus
from releases.models import GoodsRelease

from .conftest import MONDAY, at, png

pytestmark = pytest.mark.django_db


def holiday(day, workday=False):
    CalendarDay.objects.create(property=None, date=day, is_workday=workday, name="测试")


# R-REL-06
def test_large_item_list_and_detection(apply):
    assert rules.is_large_item("旧沙发") and rules.is_large_item("复印机") and rules.is_large_item("保险柜")
    assert not rules.is_large_item("书籍纸箱")
    assert set(rules.LARGE_FURNITURE) >= {"大班台", "文员椅", "衣柜"} and "投影仪" in rules.LARGE_APPLIANCES
    rel = apply(items=[{"name": "沙发", "quantity": 1}, {"name": "台灯", "quantity": 1}])
    assert rel.has_large_items
    assert [i.is_large for i in rel.items.order_by("id")] == [True, False]
    # the list is given "e.g.": staff may flag another item as large by hand
    rel2 = apply(items=[{"name": "冰箱", "quantity": 1, "is_large": True}])
    assert rel2.has_large_items


# R-REL-08
def test_large_items_only_planned_within_office_hours(apply):
    with pytest.raises(DomainError) as e:
        apply(items=[{"name": "电视机", "quantity": 1}], planned_at=at(MONDAY, 19))
    assert e.value.code == "office_hours" and "R-REL-08" in str(e.value.message)
    with pytest.raises(DomainError):  # lunch break is not office time
        apply(items=[{"name": "电视机", "quantity": 1}], planned_at=at(MONDAY, 12, 30))
    saturday = MONDAY.replace(day=8)
    with pytest.raises(DomainError):
        apply(items=[{"name": "电视机", "quantity": 1}], planned_at=at(saturday, 10))
    assert apply(items=[{"name": "电视机", "quantity": 1}], planned_at=at(MONDAY, 9)).has_large_items
    # small items may leave any time
    assert apply(planned_at=at(MONDAY, 20)).pk


# R-REL-08 (调休: a make-up working Saturday counts, a weekday holiday does not)
def test_office_hours_follow_the_calendar(rel_world, apply):
    saturday, tuesday = MONDAY.replace(day=8), MONDAY.replace(day=4)
    holiday(saturday, workday=True)
    holiday(tuesday)
    assert rules.in_office_hours(rel_world.p1, at(saturday, 10))
    assert not rules.in_office_hours(rel_world.p1, at(tuesday, 10))
    assert apply(items=[{"name": "沙发", "quantity": 1}], planned_at=at(saturday, 10)).pk


# R-REL-08: the exit refuses large items outside office hours
def test_exit_refuses_large_items_outside_office_hours(rel_world, issued):
    w = rel_world
    rel = issued(items=[{"name": "办公椅", "quantity": 2}])
    with pytest.raises(DomainError) as e:
        services.release_exit_check(actor=w.guard, release=rel, match=True, now=at(MONDAY, 20))
    assert e.value.code == "office_hours"
    rel.refresh_from_db()
    assert rel.status == ReleaseStatus.ISSUED
    rel = services.release_exit_check(actor=w.guard, release=rel, match=True, now=at(MONDAY, 16))
    assert rel.status == ReleaseStatus.PASSED


# R-REL-07: a large-item slip is issued at the service centre during office hours
def test_large_item_slip_issued_only_in_office_hours(rel_world, apply):
    w = rel_world
    rel = apply(items=[{"name": "复印机", "quantity": 1}])
    services.release_confirm_phone(actor=w.frontdesk, release=rel, confirmed_with="林业主")
    services.release_attach_id_copy(actor=w.frontdesk, release=rel, upload=png())
    with pytest.raises(DomainError):
        services.release_issue(actor=w.frontdesk, release=rel, carrier_signed=True, now=at(MONDAY, 18))
    assert (
        services.release_issue(actor=w.frontdesk, release=rel, carrier_signed=True, now=at(MONDAY, 9)).status
        == "issued"
    )


# R-MOVE-09: 3 working days' notice
def test_move_out_needs_three_working_days_notice(apply):
    wed, thu = MONDAY.replace(day=5), MONDAY.replace(day=6)
    with pytest.raises(DomainError) as e:
        apply(kind="move_out", planned_at=at(wed, 10))
    assert e.value.code == "notice" and "2031-03-06" in str(e.value.message)
    assert apply(kind="move_out", planned_at=at(thu, 10)).kind == "move_out"


# R-MOVE-09 (working days follow holidays and 调休)
def test_move_out_notice_counts_working_days_only(rel_world, apply):
    friday, thursday = MONDAY.replace(day=7), MONDAY.replace(day=6)
    holiday(MONDAY.replace(day=4))  # Tuesday off
    with pytest.raises(DomainError):
        apply(kind="move_out", planned_at=at(thursday, 10))
    assert apply(kind="move_out", planned_at=at(friday, 10)).pk
    # Friday application: Sat is a make-up working day → Sat, Mon, Tue → Tuesday is the earliest
    holiday(MONDAY.replace(day=8), workday=True)
    assert rules.earliest_move_out(rel_world.p1, MONDAY.replace(day=7)) == MONDAY.replace(day=11)


# R-REL-09 / R-MOVE-09 / R-MOVE-11: refused for unpaid fees, then passed at the exit
def test_move_out_refused_until_fees_settled_then_passed(rel_world, apply):
    w = rel_world
    rel = apply(kind="move_out", planned_at=at(MONDAY.replace(day=6), 10))
    services.release_confirm_phone(actor=w.frontdesk, release=rel, confirmed_with="林业主")
    services.release_attach_id_copy(actor=w.frontdesk, release=rel, upload=png())
    with pytest.raises(DomainError) as e:
        services.release_issue(actor=w.supervisor, release=rel, carrier_signed=True, now=at(MONDAY, 10))
    assert e.value.code == "fees_unpaid" and "未结清" in str(e.value.message)
    rel.refresh_from_db()
    assert rel.status == ReleaseStatus.CONFIRMED and rel.issued_at is None
    with pytest.raises(NotAllowed):
        services.release_confirm_fees(actor=w.frontdesk, release=rel)
    services.release_confirm_fees(actor=w.finance, release=rel, note="管理费、电费已结清")
    # R-REL-09: the service centre's approval — the front desk alone cannot issue a move-out slip
    with pytest.raises(DomainError) as e:
        services.release_issue(actor=w.frontdesk, release=rel, carrier_signed=True, now=at(MONDAY, 10))
    assert e.value.code == "approval"
    rel = services.release_issue(actor=w.supervisor, release=rel, carrier_signed=True, now=at(MONDAY, 10))
    rel = services.release_exit_check(actor=w.guard, release=rel, match=True, now=at(MONDAY, 11))
    assert rel.status == ReleaseStatus.PASSED and rel.checked_by == w.guard


# R-REL-02 / R-REL-04: phone confirmation, carrier's ID copy and signature before the slip is issued
def test_issue_needs_confirmation_id_copy_and_signature(rel_world, apply):
    w = rel_world
    rel = apply()
    with pytest.raises(DomainError) as e:
        services.release_issue(actor=w.frontdesk, release=rel, carrier_signed=True)
    assert e.value.code == "unconfirmed"
    with pytest.raises(DomainError):
        services.release_confirm_phone(actor=w.frontdesk, release=rel, confirmed_with="  ")
    rel = services.release_confirm_phone(actor=w.frontdesk, release=rel, confirmed_with="林业主")
    assert rel.confirmed_by == w.frontdesk and rel.confirmed_at
    with pytest.raises(DomainError) as e:
        services.release_issue(actor=w.frontdesk, release=rel, carrier_signed=True)
    assert e.value.code == "id_copy"
    services.release_attach_id_copy(actor=w.frontdesk, release=rel, upload=png())
    with pytest.raises(DomainError) as e:
        services.release_issue(actor=w.frontdesk, release=rel, carrier_signed=False)
    assert e.value.field == "carrier_signed"
    rel = services.release_issue(actor=w.frontdesk, release=rel, carrier_signed=True, now=at(MONDAY, 10))
    assert rel.status == ReleaseStatus.ISSUED and rel.issued_by == w.frontdesk


# R-REL-04: the carrier's ID and contact are required; the ID is masked in history
def test_carrier_details_required_and_masked(rel_world, apply):
    with pytest.raises(DomainError) as e:
        apply(carrier_id_number="12")
    assert e.value.field == "carrier_id_number"
    with pytest.raises(DomainError) as e:
        apply(carrier_phone="")
    assert e.value.field == "carrier_phone"
    with pytest.raises(DomainError) as e:
        apply(items=[{"name": " "}])
    assert e.value.field == "items"
    rel = apply()
    assert rel.masked_carrier_id() == "1101**********1234"
    assert GoodsRelease.objects.count() == 1


# R-REL-02: the applicant is a current occupant of the unit
def test_applicant_must_occupy_the_unit(rel_world, apply):
    with pytest.raises(DomainError) as e:
        apply(resident=rel_world.company)
    assert e.value.field == "resident"
    with pytest.raises(DomainError):
        apply(unit=rel_world.u_p2)


# R-REL-05
def test_company_products_need_the_approved_format(rel_world, apply):
    w = rel_world
    with pytest.raises(DomainError) as e:
        apply(kind="company", unit=w.u2, resident=w.company)
    assert e.value.field == "company_format_ref"
    with pytest.raises(DomainError):
        apply(kind="company", company_format_ref="FX-GS-01")  # a person is not a company
    rel = apply(kind="company", unit=w.u2, resident=w.company, company_format_ref="FX-GS-01")
    assert rel.company_format_ref == "FX-GS-01"


# R-REL-10: mismatch → returned with what differed; the owner redoes the formalities
def test_mismatch_sends_the_carrier_back(rel_world, issued):
    w = rel_world
    rel = issued()
    item = rel.items.order_by("id").first()
    with pytest.raises(DomainError):
        services.release_exit_check(actor=w.guard, release=rel, match=False)
    rel = services.release_exit_check(
        actor=w.guard, release=rel, match=False, mismatched_item_ids=[item.pk], note="实际带出 7 箱"
    )
    assert rel.status == ReleaseStatus.RETURNED
    assert "书籍纸箱" in rel.exit_note and "实际带出 7 箱" in rel.exit_note
    item.refresh_from_db()
    assert item.mismatch
    with pytest.raises(Conflict):
        services.release_exit_check(actor=w.guard, release=rel, match=True)
    new = services.release_reapply(actor=w.frontdesk, release=rel)
    assert new.replaces == rel and new.status == ReleaseStatus.APPLIED and new.items.count() == 2


# R-REL-10 (move-out redone: the notice and the settlement already given still stand)
def test_reapply_of_move_out_keeps_notice_and_fees(rel_world, apply):
    w = rel_world
    rel = apply(kind="move_out", planned_at=at(MONDAY.replace(day=6), 10))
    services.release_confirm_phone(actor=w.frontdesk, release=rel, confirmed_with="林业主")
    services.release_attach_id_copy(actor=w.frontdesk, release=rel, upload=png())
    services.release_confirm_fees(actor=w.finance, release=rel)
    services.release_issue(actor=w.supervisor, release=rel, carrier_signed=True, now=at(MONDAY, 10))
    services.release_exit_check(actor=w.guard, release=rel, match=False, note="多一台冰箱")
    new = services.release_reapply(actor=w.frontdesk, release=rel)
    assert new.fees_settled_at is not None


# R-REL-11: the guard signs the 放行 column; the slip is handed to CS and filed
def test_pass_is_signed_and_filed(rel_world, issued):
    w = rel_world
    rel = issued()
    with pytest.raises(DomainError):
        services.release_file(actor=w.frontdesk, release=rel)
    rel = services.release_exit_check(actor=w.secsup, release=rel, match=True, now=at(MONDAY, 15))
    assert rel.checked_by == w.secsup and rel.checked_at
    with pytest.raises(NotAllowed):
        services.release_file(actor=w.guard, release=rel)
    rel = services.release_file(actor=w.frontdesk, release=rel)
    assert rel.filed_at and rel.filed_by == w.frontdesk
    with pytest.raises(Conflict):
        services.release_file(actor=w.frontdesk, release=rel)


# R-REL-01: the slip is signed by CS; security cannot issue and CS cannot pass at the exit
def test_who_signs_what(rel_world, apply):
    w = rel_world
    rel = apply()
    services.release_confirm_phone(actor=w.frontdesk, release=rel, confirmed_with="林业主")
    services.release_attach_id_copy(actor=w.frontdesk, release=rel, upload=png())
    for user in (w.guard, w.clerk, w.engineer):
        with pytest.raises(NotAllowed):
            services.release_issue(actor=user, release=rel, carrier_signed=True)
    rel = services.release_issue(actor=w.admin1, release=rel, carrier_signed=True, now=at(MONDAY, 10))
    with pytest.raises(NotAllowed):
        services.release_exit_check(actor=w.frontdesk, release=rel, match=True)
    with pytest.raises(NotAllowed):
        services.release_apply(
            actor=w.frontdesk2,
            prop=w.p1,
            unit=w.u1,
            resident=w.owner,
            carrier_name="x",
            carrier_id_number="123456",
            carrier_phone="13900000000",
            planned_at=at(MONDAY, 15),
            items=[{"name": "a"}],
        )


def test_numbers_in_order_and_history(rel_world, apply):
    from core.history import history_for

    a, b = apply(), apply()
    assert a.number != b.number and a.number.startswith("FX") and b.number.endswith("0002")
    services.release_confirm_phone(actor=rel_world.frontdesk, release=a, confirmed_with="林业主")
    assert [h.to_state for h in history_for(a)][0] == "confirmed"


def test_desk_summary(rel_world, apply, issued):
    from releases.selectors import desk_summary

    w = rel_world
    apply()
    rel = issued()
    s = desk_summary(user=w.frontdesk, prop=w.p1, now=at(MONDAY, 16))
    assert s["to_confirm"] == 1 and s["to_check"] == 1 and s["to_check_today"] == [rel]
    assert desk_summary(user=w.frontdesk2, prop=w.p1)["to_check"] == 0


def test_permission_matrix():
    expected = {
        "releases.apply": {Role.MANAGER, Role.CS_SUPERVISOR, Role.CS_ADMIN, Role.FRONT_DESK, Role.CLERK},
        "releases.issue": {Role.MANAGER, Role.CS_SUPERVISOR, Role.CS_ADMIN, Role.FRONT_DESK},
        "releases.approve": {Role.MANAGER, Role.CS_SUPERVISOR},
        "releases.fees": {Role.MANAGER, Role.CS_SUPERVISOR, Role.FINANCE},
        "releases.exit": {Role.GUARD, Role.SEC_SUPERVISOR},
    }
    from core.permissions import role_allows

    for action, roles in expected.items():
        for role in Role:
            assert role_allows(role, action) == (role in roles), (action, role)
    assert can  # the helper used by views
