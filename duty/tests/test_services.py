from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.errors import Conflict, DomainError, NotAllowed
from core.models import HistoryEntry, Notification
from duty import selectors, services
from duty.choices import DutyCategory, HandoverStatus, ReportStatus
from duty.handover import HANDOVER_COUNTS
from duty.models import DutyDay, DutyEntry, Handover, SpecialIncidentReport


def history_of(obj):
    return HistoryEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    )


# R-DUTY-04: the categories that must be logged, verbatim labels.
def test_categories_match_the_seed():
    assert [str(label) for _, label in DutyCategory.choices] == [
        "业主投诉",
        "治安/违法事件",
        "风/火/水/电意外事故",
        "员工违规",
        "入住/人员变动",
        "其他",
    ]


# R-DUTY-03: an entry lands on the page of its date, with time, course, handling and result.
def test_entry_create_puts_entry_on_its_day(world, make_entry, yesterday_at):
    e = make_entry(occurred_at=yesterday_at(9, 30), handling="通知工程部", result="已修复")
    assert e.day.date == timezone.localdate() - timedelta(days=1)
    assert (e.handling, e.result, e.recorded_by) == ("通知工程部", "已修复", world.frontdesk)
    assert history_of(e).filter(action="create").count() == 1


def test_entry_refuses_unknown_category_and_empty_course(world, make_entry):
    with pytest.raises(DomainError) as err:
        make_entry(category="gossip")
    assert err.value.field == "category"
    with pytest.raises(DomainError) as err:
        make_entry(course="   ")
    assert err.value.field == "course"
    assert DutyEntry.objects.count() == 0


def test_entry_refuses_future_time(world, make_entry):
    with pytest.raises(DomainError) as err:
        make_entry(occurred_at=timezone.now() + timedelta(hours=2))
    assert err.value.field == "occurred_at"


def test_entry_refuses_unit_of_other_property(world, make_entry):
    with pytest.raises(DomainError) as err:
        make_entry(unit=world.u_p2)
    assert err.value.field == "unit"


# R-DUTY-01 / ACTIONS: only CS desk staff write the duty log.
@pytest.mark.parametrize("who", ["engineer", "guard", "manager", "frontdesk2"])
def test_wrong_role_or_property_cannot_write(world, make_entry, who):
    with pytest.raises(NotAllowed):
        make_entry(actor=getattr(world, who))


# R-DUTY-05: only the 客服主管 signs the day.
@pytest.mark.parametrize("who", ["frontdesk", "admin1", "clerk", "manager", "supervisor2"])
def test_only_cs_supervisor_signs(world, make_entry, yesterday_at, who):
    e = make_entry(occurred_at=yesterday_at())
    with pytest.raises(NotAllowed):
        services.duty_day_sign(actor=getattr(world, who), prop=world.p1, day=e.day.date)
    assert not DutyDay.objects.get(pk=e.day_id).is_signed


# R-DUTY-05 / R-DUTY-14: signing records who, when and the comment, and locks the page.
def test_sign_locks_the_day(world, make_entry, yesterday_at):
    e = make_entry(occurred_at=yesterday_at())
    page = services.duty_day_sign(
        actor=world.supervisor, prop=world.p1, day=e.day.date, comment="已阅,跟进漏水"
    )
    assert (page.signed_by, page.comment) == (world.supervisor, "已阅,跟进漏水") and page.signed_at
    # an edit, a void and a new entry on that date are all refused
    with pytest.raises(DomainError) as err:
        services.duty_entry_update(actor=world.frontdesk, entry=e, result="改过")
    assert err.value.code == "locked"
    with pytest.raises(DomainError):
        services.duty_entry_void(actor=world.frontdesk, entry=e, reason="写错")
    with pytest.raises(DomainError):
        make_entry(occurred_at=yesterday_at(15))
    e.refresh_from_db()
    assert e.result == "" and e.voided_at is None
    assert DutyEntry.objects.count() == 1
    with pytest.raises(Conflict):
        services.duty_day_sign(actor=world.supervisor, prop=world.p1, day=e.day.date)


def test_cannot_move_entry_into_a_signed_day(world, make_entry, yesterday_at):
    services.duty_day_sign(actor=world.supervisor, prop=world.p1, day=yesterday_at().date())
    e = make_entry()
    with pytest.raises(DomainError):
        services.duty_entry_update(actor=world.frontdesk, entry=e, occurred_at=yesterday_at(11))
    e.refresh_from_db()
    assert e.day.date == timezone.localdate()


def test_sign_refuses_future_day(world):
    with pytest.raises(DomainError):
        services.duty_day_sign(
            actor=world.supervisor, prop=world.p1, day=timezone.localdate() + timedelta(days=1)
        )


def test_update_records_before_and_after(world, make_entry):
    e = make_entry(result="")
    services.duty_entry_update(actor=world.admin1, entry=e, result="已联系业主")
    h = history_of(e).get(action="update")
    assert h.changes["result"] == ["", "已联系业主"] and h.actor == world.admin1


# R-DUTY-03 (truthful record): a wrong entry is voided with a reason, never deleted.
def test_void_keeps_the_record(world, make_entry):
    e = make_entry()
    with pytest.raises(DomainError) as err:
        services.duty_entry_void(actor=world.frontdesk, entry=e, reason="  ")
    assert err.value.field == "reason"
    services.duty_entry_void(actor=world.frontdesk, entry=e, reason="重复登记")
    e.refresh_from_db()
    assert e.is_void and e.void_reason == "重复登记" and e.voided_by == world.frontdesk
    page, entries = selectors.duty_day(user=world.supervisor, prop=world.p1, day=e.day.date)
    assert [x.pk for x in entries] == [e.pk]
    assert history_of(e).filter(action="void", reason="重复登记").exists()
    with pytest.raises(Conflict):
        services.duty_entry_void(actor=world.frontdesk, entry=e, reason="again")
    with pytest.raises(DomainError):
        services.duty_entry_update(actor=world.frontdesk, entry=e, result="x")


# R-DUTY-03: the page lists its entries by time, not by insertion order.
def test_day_lists_entries_by_time(world, make_entry, yesterday_at):
    late = make_entry(occurred_at=yesterday_at(17))
    early = make_entry(occurred_at=yesterday_at(8, 5))
    _, entries = selectors.duty_day(user=world.frontdesk, prop=world.p1, day=late.day.date)
    assert [e.pk for e in entries] == [early.pk, late.pk]
    # other property's staff see nothing of it
    page, entries = selectors.duty_day(user=world.frontdesk2, prop=world.p1, day=late.day.date)
    assert page is None and entries == []


def test_unsigned_days_for_supervisor(world, make_entry, yesterday_at):
    make_entry(occurred_at=yesterday_at())
    make_entry()  # today does not count yet
    days = selectors.unsigned_days(user=world.supervisor, prop=world.p1)
    assert [(d.date, d.entry_count) for d in days] == [(yesterday_at().date(), 1)]
    services.duty_day_sign(actor=world.supervisor, prop=world.p1, day=yesterday_at().date())
    assert selectors.unsigned_days(user=world.supervisor, prop=world.p1) == []


# --- R-DUTY-02: special incident reports ---


@pytest.fixture
def major(world, make_entry):
    return make_entry(category=DutyCategory.ACCIDENT, course="地下车库水管爆裂", is_major=True)


def test_report_only_for_major_entry(world, make_entry):
    e = make_entry()
    with pytest.raises(DomainError):
        services.special_report_create(actor=world.frontdesk, entry=e, title="x", details="y")
    assert SpecialIncidentReport.objects.count() == 0


# R-DUTY-02: the report goes with on-site photos: no photo, no submit.
def test_report_needs_a_photo_to_submit(world, major, png_upload, django_capture_on_commit_callbacks):
    r = services.special_report_create(
        actor=world.frontdesk, entry=major, title="车库爆管", details="B2 水管爆裂"
    )
    with pytest.raises(DomainError) as err:
        services.special_report_submit(actor=world.frontdesk, report=r)
    assert err.value.field == "photo"
    r.refresh_from_db()
    assert r.status == ReportStatus.DRAFT
    services.special_report_add_photo(actor=world.frontdesk, report=r, upload=png_upload())
    with django_capture_on_commit_callbacks(execute=True):
        services.special_report_submit(actor=world.frontdesk, report=r)
    r.refresh_from_db()
    assert r.status == ReportStatus.SUBMITTED and r.submitted_at
    assert Notification.objects.filter(
        recipient=world.supervisor, link__contains=f"/reports/{r.pk}/"
    ).exists()
    assert history_of(r).filter(action="transition", from_state="draft", to_state="submitted").exists()


def test_report_photo_must_be_an_image(world, major):
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = services.special_report_create(actor=world.frontdesk, entry=major, title="t", details="d")
    with pytest.raises(DomainError):
        services.special_report_add_photo(
            actor=world.frontdesk, report=r, upload=SimpleUploadedFile("a.png", b"not an image at all")
        )
    with pytest.raises(DomainError):
        services.special_report_add_photo(
            actor=world.frontdesk, report=r, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 minimal")
        )


def test_report_acknowledged_by_supervisor_or_manager_only(world, major, png_upload):
    r = services.special_report_create(actor=world.frontdesk, entry=major, title="t", details="d")
    services.special_report_add_photo(actor=world.frontdesk, report=r, upload=png_upload())
    services.special_report_submit(actor=world.frontdesk, report=r)
    with pytest.raises(NotAllowed):
        services.special_report_acknowledge(actor=world.admin1, report=r)
    with pytest.raises(NotAllowed):
        services.special_report_acknowledge(actor=world.supervisor2, report=r)
    services.special_report_acknowledge(actor=world.manager, report=r, comment="注意排查")
    r.refresh_from_db()
    assert r.status == ReportStatus.ACKNOWLEDGED and r.acknowledged_by == world.manager
    with pytest.raises(Conflict):
        services.special_report_update(actor=world.frontdesk, report=r, title="改")


# --- R-DUTY-08..13: handover ---


@pytest.fixture
def handover(world):
    return services.handover_start(actor=world.frontdesk, prop=world.p1, incoming=world.admin1)


def count_all(handover, actor):
    checks = [dict(r, actual=r["expected"]) for r in handover.checks]
    return services.handover_update(actor=actor, handover=handover, checks=checks)


# R-DUTY-13 (issue rule): incoming ≠ outgoing; the incoming must be CS duty staff of the property.
def test_incoming_cannot_be_outgoing(world):
    with pytest.raises(DomainError) as err:
        services.handover_start(actor=world.frontdesk, prop=world.p1, incoming=world.frontdesk)
    assert err.value.field == "incoming"
    for other in (world.engineer, world.frontdesk2):
        with pytest.raises(DomainError):
            services.handover_start(actor=world.frontdesk, prop=world.p1, incoming=other)
    assert Handover.objects.count() == 0


def test_handover_starts_with_public_property_list(world, handover):
    assert handover.status == HandoverStatus.DRAFT and handover.checks
    assert all(r["actual"] is None for r in handover.checks)
    with pytest.raises(Conflict):
        services.handover_start(
            actor=world.frontdesk,
            prop=world.p1,
            incoming=world.admin2,
            shift_date=handover.shift_date,
            shift=handover.shift,
        )


# R-DUTY-09: everything counted; a difference is explained by the outgoing.
def test_hand_over_needs_counts_and_explanations(world, handover):
    with pytest.raises(DomainError) as err:
        services.handover_hand_over(actor=world.frontdesk, handover=handover)
    assert err.value.field == "checks"
    checks = [dict(r, actual=r["expected"]) for r in handover.checks]
    checks[0]["actual"] = checks[0]["expected"] - 1
    services.handover_update(actor=world.admin1, handover=handover, checks=checks)
    with pytest.raises(DomainError) as err:
        services.handover_hand_over(actor=world.frontdesk, handover=handover)
    assert checks[0]["item"] in str(err.value.message)
    checks[0]["note"] = "1台送修"
    services.handover_update(actor=world.frontdesk, handover=handover, checks=checks)
    h = services.handover_hand_over(actor=world.frontdesk, handover=handover)
    assert h.status == HandoverStatus.HANDED_OVER and h.outgoing_signed_at


# R-DUTY-11: an anomaly needs the outgoing's explanation.
def test_anomaly_needs_explanation(world, handover):
    count_all(handover, world.admin1)
    services.handover_update(actor=world.admin1, handover=handover, anomalies="大堂玻璃门有裂痕")
    with pytest.raises(DomainError) as err:
        services.handover_hand_over(actor=world.frontdesk, handover=handover)
    assert err.value.field == "anomaly_explanation"


def test_only_participants_edit_and_only_outgoing_hands_over(world, handover):
    with pytest.raises(NotAllowed):
        services.handover_add_item(actor=world.clerk, handover=handover, description="x")
    count_all(handover, world.frontdesk)
    with pytest.raises(NotAllowed):
        services.handover_hand_over(actor=world.admin1, handover=handover)


# R-DUTY-13: important unfinished work without a reason is refused.
def test_important_unfinished_without_reason_refused(world, handover):
    count_all(handover, world.frontdesk)
    services.handover_add_item(
        actor=world.frontdesk, handover=handover, description="复印资料", important=False
    )
    services.handover_add_item(
        actor=world.frontdesk, handover=handover, description="通知停水", important=True
    )
    with pytest.raises(DomainError) as err:
        services.handover_hand_over(actor=world.frontdesk, handover=handover)
    assert err.value.field == "unfinished_reason"
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.DRAFT and handover.outgoing_signed_at is None


# R-DUTY-13: with a reason it goes through, and the 客服主管 is notified.
def test_important_unfinished_with_reason_notifies_supervisor(
    world, handover, django_capture_on_commit_callbacks
):
    count_all(handover, world.frontdesk)
    services.handover_add_item(
        actor=world.frontdesk, handover=handover, description="通知停水", important=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        h = services.handover_hand_over(
            actor=world.frontdesk, handover=handover, unfinished_reason="自来水公司未回电"
        )
    assert h.status == HandoverStatus.HANDED_OVER and h.unfinished_reason == "自来水公司未回电"
    note = Notification.objects.get(recipient=world.supervisor)
    assert "通知停水" in note.body and "自来水公司未回电" in note.body
    assert not Notification.objects.filter(recipient__in=[world.supervisor2, world.admin2]).exists()
    assert history_of(h).filter(to_state="handed_over", reason="自来水公司未回电").exists()


def test_important_item_done_needs_no_reason(world, handover, django_capture_on_commit_callbacks):
    count_all(handover, world.frontdesk)
    item = services.handover_add_item(
        actor=world.frontdesk, handover=handover, description="通知停水", important=True
    )
    services.handover_item_set_done(actor=world.admin1, item=item, done=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.handover_hand_over(actor=world.frontdesk, handover=handover)
    assert not Notification.objects.exists()


# Issue rule: only the named incoming confirms; confirming signs the previous shift's 台帐 (R-DUTY-11).
def test_only_incoming_confirms(world, make_entry, yesterday_at):
    in_shift = make_entry(occurred_at=yesterday_at(10))
    after_shift = make_entry(occurred_at=yesterday_at(20))
    handover = services.handover_start(
        actor=world.frontdesk,
        prop=world.p1,
        incoming=world.admin1,
        shift_date=yesterday_at().date(),
        shift="day",
    )
    count_all(handover, world.frontdesk)
    services.handover_hand_over(actor=world.frontdesk, handover=handover)
    for who in (world.frontdesk, world.admin2, world.supervisor):
        with pytest.raises(NotAllowed):
            services.handover_confirm(actor=who, handover=handover)
    h = services.handover_confirm(actor=world.admin1, handover=handover, now=yesterday_at(19, 2))
    assert h.status == HandoverStatus.CONFIRMED and h.incoming_signed_at and h.confirmed_at
    assert h.ledger_entry_ids == [in_shift.pk] and after_shift.pk not in h.ledger_entry_ids
    with pytest.raises(Conflict):
        services.handover_confirm(actor=world.admin1, handover=handover)


def test_reject_sends_back_to_draft_with_reason(world, handover):
    count_all(handover, world.frontdesk)
    services.handover_hand_over(actor=world.frontdesk, handover=handover)
    with pytest.raises(DomainError):
        services.handover_reject(actor=world.admin1, handover=handover, reason="")
    with pytest.raises(NotAllowed):
        services.handover_reject(actor=world.frontdesk, handover=handover, reason="x")
    h = services.handover_reject(actor=world.admin1, handover=handover, reason="对讲机数量不对")
    assert h.status == HandoverStatus.DRAFT and h.outgoing_signed_at is None and h.counts_snapshot == {}
    assert history_of(h).filter(from_state="handed_over", to_state="draft", reason="对讲机数量不对").exists()
    # after a reject the draft is editable again and can be handed over anew
    services.handover_add_item(actor=world.frontdesk, handover=h, description="补充说明")
    assert services.handover_hand_over(actor=world.frontdesk, handover=h).status == HandoverStatus.HANDED_OVER


# R-DUTY-09 / HANDOVER_COUNTS: counts of other areas are snapshotted at hand-over.
def test_counts_snapshot_via_registry(world, handover):
    box = {"n": 7}
    HANDOVER_COUNTS.register("test.parcels", "在库包裹(测试)", lambda prop: box["n"], order=1)
    try:
        count_all(handover, world.frontdesk)
        h = services.handover_hand_over(actor=world.frontdesk, handover=handover)
        assert h.counts_snapshot["test.parcels"] == {"label": "在库包裹(测试)", "value": 7}
        assert "duty.entries_today" in h.counts_snapshot
        box["n"] = 5
        row = next(r for r in selectors.handover_counts(handover=h) if r["key"] == "test.parcels")
        assert (row["snapshot"], row["current"], row["differs"]) == (7, 5, True)
    finally:
        HANDOVER_COUNTS._entries.pop("test.parcels", None)
    assert "test.parcels" not in HANDOVER_COUNTS


def test_next_handover_carries_actual_counts_forward(world, handover):
    checks = [dict(r, actual=r["expected"]) for r in handover.checks]
    checks[0].update(actual=checks[0]["expected"] - 1, note="丢失1件,已报主管")
    services.handover_update(actor=world.frontdesk, handover=handover, checks=checks)
    services.handover_hand_over(actor=world.frontdesk, handover=handover)
    nxt = services.handover_start(
        actor=world.admin1,
        prop=world.p1,
        incoming=world.frontdesk,
        shift_date=handover.shift_date + timedelta(days=1),
        shift=handover.shift,
    )
    assert nxt.checks[0]["expected"] == checks[0]["actual"] and nxt.checks[0]["actual"] is None
