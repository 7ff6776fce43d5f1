"""不符合项 services: the rules of R-ROLE-13 (track → verify → close) and R-ROLE-09 (the daily check)."""

import threading
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from core.choices import DeadlineState, DepartmentKind, HistoryAction, Role
from core.errors import Conflict, DomainError, NotAllowed
from core.history import history_for
from core.models import Deadline, Department, Notification
from core.permissions import role_allows
from quality import selectors, services
from quality.choices import NonConformitySource, NonConformityStatus, VerificationResult
from quality.models import NonConformity

S = NonConformityStatus


def _clock(item):
    return Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(NonConformity), object_id=item.pk, kind=services.CLOCK
    ).order_by("-id")


# R-ROLE-09
def test_daily_check_finding_is_raised_numbered_clocked_and_notified(
    world, raise_item, daytime, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = raise_item()
    assert item.status == S.TRACKING
    assert item.number.startswith("BF")
    assert item.found_by == world.supervisor and item.source == NonConformitySource.DAILY_CHECK
    dl = _clock(item).get()
    assert (
        dl.state == DeadlineState.RUNNING and dl.due_at == item.due_at and dl.responsible == world.frontdesk
    )
    note = Notification.objects.get(recipient=world.frontdesk)
    assert item.number in note.title and note.link == item.get_absolute_url()
    assert [h.action for h in history_for(item)] == [HistoryAction.CREATE]


def test_raise_without_responsible_notifies_the_department(
    world, raise_item, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        raise_item(responsible=None)
    # staff_create puts CS roles in the 客服部
    notified = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {"supervisor", "admin1", "frontdesk"} <= notified
    assert "engineer" not in notified


def test_nothing_is_notified_when_the_raise_rolls_back(world, raise_item, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(DomainError):
            raise_item(description="  ")
    assert not Notification.objects.exists()
    assert not NonConformity.objects.exists()


# R-ROLE-13
def test_raise_correct_verify_pass_closes_the_item(world, raise_item, daytime):
    item = raise_item()
    daytime(hours=3)
    item = services.nonconformity_correct(
        actor=world.frontdesk, item=item, correction="已复习《服务用语》,主管当面抽查合格"
    )
    assert item.status == S.TO_VERIFY
    assert item.corrected_by == world.frontdesk and item.corrected_at == daytime.now()
    assert _clock(item).get().state == DeadlineState.MET
    daytime(hours=1)
    item = services.nonconformity_verify(
        actor=world.admin1, item=item, passed=True, note="抽查两次均使用标准问候语"
    )
    assert item.status == S.DONE
    assert item.verified_by == world.admin1 and item.verification_result == VerificationResult.PASSED
    transitions = [
        (h.from_state, h.to_state) for h in history_for(item) if h.action == HistoryAction.TRANSITION
    ]
    assert (S.TRACKING, S.TO_VERIFY) in transitions and (S.TO_VERIFY, S.DONE) in transitions


# R-ROLE-13
def test_failed_verification_returns_to_tracking_with_reason_and_new_due(
    world, raise_item, daytime, django_capture_on_commit_callbacks
):
    item = raise_item()
    item = services.nonconformity_correct(actor=world.frontdesk, item=item, correction="已口头提醒")
    new_due = daytime.now() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        item = services.nonconformity_verify(
            actor=world.supervisor, item=item, passed=False, note="复查仍未使用问候语", new_due_at=new_due
        )
    assert item.status == S.TRACKING and item.due_at == new_due
    assert item.verification_result == VerificationResult.FAILED and item.failed_verifications == 1
    assert item.verification_note == "复查仍未使用问候语"
    last = (
        history_for(item)[0]
        if history_for(item)[0].action == HistoryAction.TRANSITION
        else history_for(item)[1]
    )
    assert last.reason == "复查仍未使用问候语" and last.to_state == S.TRACKING
    clocks = list(_clock(item))
    assert clocks[0].state == DeadlineState.RUNNING and clocks[0].due_at == new_due
    assert Notification.objects.filter(recipient=world.frontdesk, level="danger").exists()
    # corrected again, verified by another person: closed
    item = services.nonconformity_correct(actor=world.frontdesk, item=item, correction="当面演练三遍")
    item = services.nonconformity_verify(actor=world.supervisor, item=item, passed=True)
    assert item.status == S.DONE


def test_failed_verification_needs_reason_and_future_due(world, raise_item, daytime):
    item = raise_item()
    services.nonconformity_correct(actor=world.frontdesk, item=item, correction="已整改")
    with pytest.raises(DomainError) as e:
        services.nonconformity_verify(
            actor=world.admin1, item=item, passed=False, note="", new_due_at=daytime.now() + timedelta(days=1)
        )
    assert e.value.field == "note"
    with pytest.raises(DomainError) as e:
        services.nonconformity_verify(
            actor=world.admin1, item=item, passed=False, note="未整改", new_due_at=None
        )
    assert e.value.field == "new_due_at"
    with pytest.raises(DomainError) as e:
        services.nonconformity_verify(
            actor=world.admin1,
            item=item,
            passed=False,
            note="未整改",
            new_due_at=daytime.now() - timedelta(hours=1),
        )
    assert e.value.field == "new_due_at"
    item.refresh_from_db()
    assert item.status == S.TO_VERIFY and item.verified_by is None


# R-ROLE-13
def test_the_corrector_cannot_verify_their_own_correction(world, raise_item):
    item = raise_item(responsible=None)
    services.nonconformity_correct(actor=world.admin1, item=item, correction="已更换登记本")
    with pytest.raises(NotAllowed) as e:
        services.nonconformity_verify(actor=world.admin1, item=item, passed=True)
    assert "整改人不能验证" in str(e.value.message)
    item.refresh_from_db()
    assert item.status == S.TO_VERIFY
    services.nonconformity_verify(actor=world.admin2, item=item, passed=True)


def test_correct_is_for_the_responsible_person_or_the_office(world, raise_item):
    item = raise_item(responsible=world.frontdesk)
    with pytest.raises(NotAllowed):
        services.nonconformity_correct(actor=world.clerk, item=item, correction="x")
    with pytest.raises(NotAllowed):
        services.nonconformity_correct(actor=world.frontdesk2, item=item, correction="x")
    with pytest.raises(DomainError) as e:
        services.nonconformity_correct(actor=world.frontdesk, item=item, correction=" ")
    assert e.value.field == "correction"
    services.nonconformity_correct(actor=world.admin1, item=item, correction="管理员代为记录整改")


def test_steps_out_of_order_are_conflicts(world, raise_item):
    item = raise_item()
    with pytest.raises(Conflict):
        services.nonconformity_verify(actor=world.admin1, item=item, passed=True)
    services.nonconformity_correct(actor=world.frontdesk, item=item, correction="已整改")
    with pytest.raises(Conflict):
        services.nonconformity_correct(actor=world.frontdesk, item=item, correction="再次")


def test_raise_validation(world, raise_item, cs_dept, daytime):
    p2_dept = Department.objects.get(property=world.p2, kind=DepartmentKind.CUSTOMER_SERVICE)
    cases = [
        ({"source": "nope"}, "source"),
        ({"description": ""}, "description"),
        ({"requirement": ""}, "requirement"),
        ({"department": p2_dept}, "department"),
        ({"department": None}, "department"),
        ({"responsible": world.frontdesk2}, "responsible"),  # another property's staff
        ({"responsible": world.guard}, "responsible"),  # cannot see non-conformities
        ({"due_at": daytime.now() - timedelta(minutes=1)}, "due_at"),
        ({"found_at": daytime.now() + timedelta(hours=1)}, "found_at"),
    ]
    for kw, field in cases:
        with pytest.raises(DomainError) as e:
            raise_item(**kw)
        assert e.value.field == field, kw
        assert "(" in str(e.value.message)  # bilingual
    assert not NonConformity.objects.exists()


def test_raise_defaults_due_time(world, raise_item, daytime):
    item = raise_item(due_at=None)
    assert item.due_at == daytime.now() + services.CORRECT_WITHIN


# R-ROLE-13: the default correction time is a per-property rule setting (规则参数)
def test_default_due_time_follows_the_property_setting(world, raise_item, daytime):
    from datetime import timedelta

    from core import services as core_services
    from quality.forms import RaiseForm

    core_services.rule_settings_update(
        actor=world.supervisor, prop=world.p1, values={"quality.correct_within": 7}
    )
    assert raise_item(due_at=None).due_at == daytime.now() + timedelta(days=7)
    form_due = RaiseForm(prop=world.p1).initial["due_at"]
    assert form_due.date() == (daytime.now() + timedelta(days=7)).date()
    assert RaiseForm(prop=world.p2).initial["due_at"].date() == (daytime.now() + timedelta(days=3)).date()


def test_raise_refused_for_front_desk_and_other_property(world, raise_item):
    with pytest.raises(NotAllowed):
        raise_item(actor=world.frontdesk)
    with pytest.raises(NotAllowed):
        raise_item(actor=world.supervisor2)


# R-ROLE-13
def test_overdue_is_a_query_on_the_stored_due_time(world, raise_item, daytime):
    late = raise_item(due_at=daytime.now() + timedelta(hours=1))
    on_time = raise_item(due_at=daytime.now() + timedelta(days=3))
    corrected = raise_item(due_at=daytime.now() + timedelta(hours=1))
    services.nonconformity_correct(actor=world.frontdesk, item=corrected, correction="已整改")
    daytime(hours=2)
    rows = list(selectors.overdue_nonconformities(user=world.supervisor))
    assert rows == [late]
    assert late.is_overdue() and not on_time.is_overdue()
    assert (
        list(selectors.overdue_nonconformities(user=world.supervisor, now=daytime.now() - timedelta(hours=2)))
        == []
    )
    assert list(selectors.overdue_nonconformities(user=world.supervisor2)) == []


# R-ROLE-13
def test_void_keeps_the_row_with_its_reason(world, raise_item):
    item = raise_item()
    with pytest.raises(DomainError) as e:
        services.nonconformity_void(actor=world.supervisor, item=item, reason="")
    assert e.value.field == "reason"
    with pytest.raises(NotAllowed):
        services.nonconformity_void(actor=world.frontdesk, item=item, reason="错")
    item = services.nonconformity_void(actor=world.supervisor, item=item, reason="重复登记")
    assert NonConformity.objects.filter(pk=item.pk, status=S.VOID, void_reason="重复登记").exists()
    assert _clock(item).get().state == DeadlineState.CANCELLED
    assert history_for(item)[0].action == HistoryAction.VOID
    with pytest.raises(Conflict):
        services.nonconformity_void(actor=world.supervisor, item=item, reason="again")


def test_month_summary_counts_by_source_and_status(world, raise_item, daytime):
    raise_item()
    raise_item(source=NonConformitySource.PATROL)
    b = raise_item()
    services.nonconformity_void(actor=world.supervisor, item=b, reason="误登")
    s = selectors.month_summary(user=world.supervisor, prop=world.p1)
    assert s["total"] == 3
    assert s["by_source_map"]["daily_check"] == 2 and s["by_source_map"]["patrol"] == 1
    assert s["by_status_map"]["tracking"] == 2 and s["by_status_map"]["void"] == 1


def test_handover_count_of_open_items(world, raise_item):
    from duty.handover import counts_now

    raise_item()
    b = raise_item()
    services.nonconformity_correct(actor=world.frontdesk, item=b, correction="已整改")
    c = raise_item()
    services.nonconformity_void(actor=world.supervisor, item=c, reason="误登")
    counts = {row["key"]: row for row in counts_now(world.p1)}
    assert counts["quality.open"]["value"] == 2
    assert counts["quality.open"]["label"] == "未关闭不符合项"
    assert {row["key"]: row for row in counts_now(world.p2)}["quality.open"]["value"] == 0


def test_permission_matrix():
    office = {Role.MANAGER, Role.CS_SUPERVISOR, Role.CS_ADMIN}
    expected = {
        "quality.view": office | {Role.FRONT_DESK, Role.CLERK, Role.ENG_SUPERVISOR, Role.SEC_SUPERVISOR},
        "quality.raise": office,
        "quality.correct": office,
        "quality.verify": office,
    }
    for action, roles in expected.items():
        for role in Role:
            assert role_allows(role, action) == (role in roles), (action, role)


# R-ROLE-13
@pytest.mark.django_db(transaction=True)
def test_two_verifications_at_once_only_one_succeeds(world):
    if connection.vendor != "postgresql":
        pytest.skip("true concurrency needs PostgreSQL (SQLite serialises writers)")
    dept = Department.objects.get(property=world.p1, kind=DepartmentKind.CUSTOMER_SERVICE)
    item = services.nonconformity_raise(
        actor=world.supervisor,
        prop=world.p1,
        source=NonConformitySource.DAILY_CHECK,
        description="交接班记录未填写完整",
        department=dept,
        responsible=world.frontdesk,
        requirement="补填并由主管签字",
        due_at=timezone.now() + timedelta(days=1),
    )
    services.nonconformity_correct(actor=world.frontdesk, item=item, correction="已补填")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def verifier(user, passed):
        try:
            stale = NonConformity.objects.get(pk=item.pk)
            barrier.wait()
            services.nonconformity_verify(
                actor=user,
                item=stale,
                passed=passed,
                note="" if passed else "仍缺签字",
                new_due_at=timezone.now() + timedelta(days=1),
            )
            results.append("ok")
        except Conflict:
            results.append("conflict")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=verifier, args=(world.admin1, True)),
        threading.Thread(target=verifier, args=(world.supervisor, False)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == ["conflict", "ok"]
    item.refresh_from_db()
    assert item.status in (S.DONE, S.TRACKING)
    assert item.failed_verifications == (1 if item.status == S.TRACKING else 0)
