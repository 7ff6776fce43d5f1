"""Every write of 不符合项 (R-ROLE-13, R-ROLE-09): raise → correct → verify (pass closes, fail returns) / void.

Optional `now=` arguments exist for tests and the demo loader; pages and the API never pass them.
"""

from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from core.choices import DeadlineState, HistoryAction
from core.deadlines import clock_start, clock_stop
from core.errors import Conflict, DomainError, NotAllowed
from core.history import record, record_transition, snapshot
from core.models import Deadline, Department, Membership, Property
from core.notify import notify_users
from core.numbering import next_number
from core.permissions import can, require
from core.rule_settings import setting

from .choices import NonConformitySource, NonConformityStatus, VerificationResult
from .models import NonConformity

NUMBER_PREFIX = "BF"  # 不符
CLOCK = "quality.correct"
# R-ROLE-13 names no time for the correction: the raiser sets the due time; the form offers this default.
CORRECT_WITHIN = timedelta(days=3)  # R-ROLE-13: default of the 规则参数 quality.correct_within
FUTURE_SLACK = timedelta(minutes=5)  # a clock a little ahead of the server is not "the future"

S = NonConformityStatus


def _later(func):
    transaction.on_commit(func)


def _locked(item: NonConformity) -> NonConformity:
    return NonConformity.objects.select_for_update().select_related("property").get(pk=item.pk)


def _expect(item: NonConformity, *states) -> None:
    if item.status not in states:
        raise Conflict(
            f"不符合项当前状态为“{item.get_status_display()}”,不能执行此操作。"
            f"(The item is {item.status}; this step is not possible now.)"
        )


def _text(value, field: str, zh: str, en: str, *, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(f"请填写{zh}。(Enter {en}.)", field=field)
    if max_length and len(value) > max_length:
        raise DomainError(
            f"{zh}最多 {max_length} 字。({en.capitalize()}: at most {max_length} characters.)", field=field
        )
    return value


def _aware(value, field: str, zh: str, en: str) -> datetime:
    if not isinstance(value, datetime):
        raise DomainError(f"请填写{zh}。(Enter {en}.)", field=field)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _recipients(item: NonConformity) -> set[int]:
    """The responsible person, else the responsible department's staff in the property."""
    if item.responsible_id:
        return {item.responsible_id}
    return set(
        Membership.objects.filter(
            property_id=item.property_id, department_id=item.department_id, active=True
        ).values_list("user_id", flat=True)
    )


def _notify(item: NonConformity, title: str, body: str, level: str = "warning") -> None:
    recipients = _recipients(item)
    link, prop = item.get_absolute_url(), item.property
    _later(lambda: notify_users(recipients, prop=prop, title=title, body=body, link=link, level=level))


def _start_clock(item: NonConformity, start: datetime) -> None:
    clock_start(
        item,
        prop=item.property,
        kind=CLOCK,
        label=f"不符合项整改:{item.number}",
        duration=item.due_at - start,
        responsible=item.responsible,
        link=item.get_absolute_url(),
        start=start,
    )


def _cancel_clock(item: NonConformity) -> None:
    Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(NonConformity),
        object_id=item.pk,
        kind=CLOCK,
        state__in=[DeadlineState.RUNNING, DeadlineState.PAUSED],
    ).update(state=DeadlineState.CANCELLED)


def may_correct(user, item: NonConformity) -> bool:
    """R-ROLE-13: the 管理员 (or a lead) records the correction, or the responsible person their own."""
    if can(user, "quality.correct", item.property_id):
        return True
    return user.pk == item.responsible_id and can(user, "quality.view", item.property_id)


@transaction.atomic
def nonconformity_raise(
    *,
    actor,
    prop: Property,
    source: str,
    description: str,
    department: Department,
    requirement: str,
    due_at: datetime | None = None,
    found_at: datetime | None = None,
    place: str = "",
    standard: str = "",
    responsible=None,
    now: datetime | None = None,
) -> NonConformity:
    """R-ROLE-09/13: a finding that does not conform to the service standards becomes a 不符合项."""
    require(actor, "quality.raise", prop.pk)
    now = now or timezone.now()
    if source not in NonConformitySource.values:
        raise DomainError("请选择来源。(Choose a source.)", field="source")
    description = _text(description, "description", "不符合情况", "what does not conform")
    requirement = _text(requirement, "requirement", "整改要求", "the correction required")
    found_at = _aware(found_at or now, "found_at", "发现时间", "when it was found")
    if found_at > now + FUTURE_SLACK:
        raise DomainError("发现时间不能晚于现在。(The finding cannot be in the future.)", field="found_at")
    due_at = _aware(
        due_at or now + setting(prop, "quality.correct_within"),
        "due_at",
        "整改期限",
        "the correction's due time",
    )
    if due_at <= now:
        raise DomainError("整改期限须晚于现在。(The due time must be in the future.)", field="due_at")
    if department is None or department.property_id != prop.pk:
        raise DomainError(
            "请选择本项目的责任部门。(Choose a responsible department of this property.)", field="department"
        )
    if responsible is not None and not can(responsible, "quality.view", prop.pk):
        raise DomainError(
            f"{responsible} 不是本项目可查看不符合项的员工。(The responsible person must be staff of this "
            "property who can see non-conformities.)",
            field="responsible",
        )
    item = NonConformity.objects.create(
        property=prop,
        number=next_number(prop, NUMBER_PREFIX),
        source=source,
        found_at=found_at,
        found_by=actor,
        place=_limit(place, 100),
        description=description,
        standard=_limit(standard, 200),
        department=department,
        responsible=responsible,
        requirement=requirement,
        due_at=due_at,
        created_by=actor,
    )
    record(item, actor=actor, action=HistoryAction.CREATE, at=now)
    _start_clock(item, now)
    _notify(
        item,
        f"不符合项待整改:{item.number}",
        f"{item.description[:80]} · 整改期限 {timezone.localtime(due_at):%Y-%m-%d %H:%M}",
    )
    return item


def _limit(value, n: int) -> str:
    return (value or "").strip()[:n]


@transaction.atomic
def nonconformity_correct(
    *, actor, item: NonConformity, correction: str, now: datetime | None = None
) -> NonConformity:
    """The correction is recorded → 待验证. The correction's clock is met (or late) now."""
    now = now or timezone.now()
    item = _locked(item)
    if not may_correct(actor, item):
        raise NotAllowed()
    _expect(item, S.TRACKING)
    correction = _text(correction, "correction", "整改情况", "what was done")
    before, from_state = snapshot(item), item.status
    item.correction, item.corrected_by, item.corrected_at = correction, actor, now
    item.status = S.TO_VERIFY
    item.save(update_fields=["correction", "corrected_by", "corrected_at", "status", "updated_at"])
    record_transition(item, actor=actor, from_state=from_state, reason=correction[:200], at=now)
    record(item, actor=actor, action=HistoryAction.UPDATE, before=before, at=now)
    clock_stop(item, kind=CLOCK, now=now)
    return item


@transaction.atomic
def nonconformity_verify(
    *,
    actor,
    item: NonConformity,
    passed: bool,
    note: str = "",
    new_due_at: datetime | None = None,
    now: datetime | None = None,
) -> NonConformity:
    """R-ROLE-13 "verifies": passed → 已完成; failed → back to 跟踪中 with the reason and a new due time.

    The row is locked and its state read again: of two verifications at once one wins, the other is a
    Conflict. The person who recorded the correction never verifies it."""
    require(actor, "quality.verify", item.property_id)
    now = now or timezone.now()
    item = _locked(item)
    _expect(item, S.TO_VERIFY)
    if actor.pk == item.corrected_by_id:
        raise NotAllowed(
            "整改人不能验证自己的整改,请由他人验证。(The person who recorded the correction cannot verify it.)"
        )
    note = (note or "").strip()
    before, from_state = snapshot(item), item.status
    item.verified_by, item.verified_at = actor, now
    if passed:
        item.verification_result, item.verification_note = VerificationResult.PASSED, note
        item.status = S.DONE
        fields = ["verified_by", "verified_at", "verification_result", "verification_note", "status"]
        item.save(update_fields=[*fields, "updated_at"])
        record_transition(item, actor=actor, from_state=from_state, reason=note[:200], at=now)
        clock_stop(item, kind=CLOCK, now=now)
        return item
    note = _text(note, "note", "验证不通过的原因", "why the correction does not pass")
    new_due_at = _aware(new_due_at, "new_due_at", "新的整改期限", "the new due time")
    if new_due_at <= now:
        raise DomainError(
            "新的整改期限须晚于现在。(The new due time must be in the future.)", field="new_due_at"
        )
    item.verification_result, item.verification_note = VerificationResult.FAILED, note
    item.status, item.due_at = S.TRACKING, new_due_at
    item.failed_verifications += 1
    fields = ["verified_by", "verified_at", "verification_result", "verification_note", "status", "due_at"]
    item.save(update_fields=[*fields, "failed_verifications", "updated_at"])
    record_transition(item, actor=actor, from_state=from_state, reason=note[:200], at=now)
    record(item, actor=actor, action=HistoryAction.UPDATE, before=before, at=now)
    _start_clock(item, now)
    _notify(
        item,
        f"不符合项验证不通过,请重新整改:{item.number}",
        f"{note[:80]} · 新的整改期限 {timezone.localtime(new_due_at):%Y-%m-%d %H:%M}",
        level="danger",
    )
    return item


@transaction.atomic
def nonconformity_void(
    *, actor, item: NonConformity, reason: str, now: datetime | None = None
) -> NonConformity:
    """A wrong entry is voided with its reason and kept (never deleted)."""
    require(actor, "quality.raise", item.property_id)
    now = now or timezone.now()
    item = _locked(item)
    _expect(item, S.TRACKING, S.TO_VERIFY)
    reason = _text(reason, "reason", "作废原因", "why the entry is void", max_length=200)
    from_state = item.status
    item.status, item.void_reason, item.voided_by, item.voided_at = S.VOID, reason, actor, now
    item.save(update_fields=["status", "void_reason", "voided_by", "voided_at", "updated_at"])
    record(
        item,
        actor=actor,
        action=HistoryAction.VOID,
        from_state=from_state,
        to_state=item.status,
        reason=reason,
        changes={"status": [from_state, item.status]},
        at=now,
    )
    _cancel_clock(item)
    return item
