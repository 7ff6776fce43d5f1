"""Every write of the residents area: the archive (R-ARCH), its confidentiality, customer assignment (R-CUST).

Views, API views, the importer and the demo loader call these functions; none of them saves a model itself
(the scale demo loader bulk-creates rows, documented in residents/demo.py).
"""

import re
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from core import deadlines, notify
from core.attachments import attachment_add
from core.choices import HistoryAction, Role, UnitStatus
from core.errors import Conflict, DomainError
from core.history import record, record_transition, snapshot
from core.models import Membership, Property, Unit, User
from core.permissions import can, require, role_allows
from core.services import unit_set_status

from .choices import (
    CorrespondenceDirection,
    Gender,
    GrantPurpose,
    GrantStatus,
    NeedStatus,
    OccupancyRole,
    ResidentKind,
)
from .models import (
    ArchiveAccessGrant,
    ArchiveAccessLog,
    ContactPerson,
    Correspondence,
    CustomerAssignment,
    EmergencyContact,
    Occupancy,
    Resident,
)
from .pinyin import name_keys

FIRST_CONTACT_KIND = "first_contact"  # R-CUST-04: the deadlines clock kind
PHONE_RE = re.compile(r"^[0-9+\-\s()]{5,30}$")
MOBILE_RE = re.compile(r"^1\d{10}$")
ID_RE = re.compile(r"^[0-9A-Za-z\-]{6,40}$")
RESIDENT_FIELDS = {
    "name",
    "kind",
    "gender",
    "phone",
    "phone2",
    "id_number",
    "email",
    "notes",
    "is_key_customer",
}


def _on_commit_notify_roles(prop, roles, **kw):
    transaction.on_commit(lambda: notify.notify_roles(prop, roles, **kw))


def _on_commit_notify_users(user_ids, **kw):
    ids = list(user_ids)
    transaction.on_commit(lambda: notify.notify_users(ids, **kw))


def _digits(s: str) -> str:
    return "".join(c for c in s or "" if c.isdigit())


def clean_phone(value: str, *, field: str = "phone") -> str:
    v = (value or "").strip()
    if not v:
        return ""
    if not PHONE_RE.match(v) or len(_digits(v)) < 5:
        raise DomainError(
            f"电话号码格式不正确:{v}。(Invalid phone number.)",
            field=field,
        )
    digits = _digits(v)
    if MOBILE_RE.match(digits) and not v.startswith("+"):
        return digits  # a mobile number is kept as its 11 digits: "138-1234-5678" → "13812345678"
    return v


def _apply_search_keys(resident: Resident) -> None:
    resident.name_pinyin, resident.name_initials = name_keys(resident.name)
    resident.phone_last4 = _digits(resident.phone)[-4:] if len(_digits(resident.phone)) >= 4 else ""


def _validate_resident(r: Resident) -> None:
    r.name = (r.name or "").strip()
    if not r.name:
        raise DomainError("请填写姓名或公司名称。(Name is required.)", field="name")
    if r.kind not in ResidentKind.values:
        raise DomainError("未知住户类别。(Unknown kind.)", field="kind")
    if r.gender not in Gender.values:
        raise DomainError("性别取值不正确。(Invalid gender.)", field="gender")
    r.phone = clean_phone(r.phone)
    r.phone2 = clean_phone(r.phone2, field="phone2")
    r.id_number = (r.id_number or "").strip()
    if r.id_number and not ID_RE.match(r.id_number):
        raise DomainError("证件号码格式不正确。(Invalid ID number.)", field="id_number")
    if r.kind == ResidentKind.COMPANY:
        r.gender = ""


# --- residents -------------------------------------------------------------------------------------


@transaction.atomic
def resident_create(
    *,
    actor,
    prop: Property,
    name: str,
    kind: str = ResidentKind.PERSON,
    gender: str = "",
    phone: str = "",
    phone2: str = "",
    id_number: str = "",
    email: str = "",
    is_key_customer: bool = False,
    notes: str = "",
) -> Resident:
    require(actor, "resident.edit", prop.pk)
    r = Resident(
        property=prop,
        name=name,
        kind=kind,
        gender=gender or "",
        phone=phone or "",
        phone2=phone2 or "",
        id_number=id_number or "",
        email=email or "",
        is_key_customer=bool(is_key_customer),
        notes=notes or "",
    )
    _validate_resident(r)
    _apply_search_keys(r)
    r.save()
    record(r, actor=actor, action=HistoryAction.CREATE)
    return r


@transaction.atomic
def resident_update(*, actor, resident: Resident, reason: str = "", **fields) -> Resident:
    require(actor, "resident.edit", resident.property_id)
    unknown = set(fields) - RESIDENT_FIELDS
    if unknown:
        raise DomainError(f"不可修改的字段:{', '.join(sorted(unknown))}。(Fields not editable.)")
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.archived_at:
        raise DomainError("档案已归档,不能修改。(The archive is filed; it cannot be changed.)")
    before = snapshot(resident)
    for k, v in fields.items():
        setattr(resident, k, v if v is not None else "")
    _validate_resident(resident)
    _apply_search_keys(resident)
    resident.save()
    record(resident, actor=actor, action=HistoryAction.UPDATE, before=before, reason=reason)
    return resident


@transaction.atomic
def resident_set_key_customer(*, actor, resident: Resident, value: bool, reason: str = "") -> Resident:
    require(actor, "resident.edit", resident.property_id)
    if resident.is_key_customer == bool(value):
        return resident
    before = snapshot(resident)
    resident.is_key_customer = bool(value)
    resident.save(update_fields=["is_key_customer", "updated_at"])
    record(resident, actor=actor, action=HistoryAction.UPDATE, before=before, reason=reason)
    return resident


@transaction.atomic
def resident_archive(*, actor, resident: Resident, reason: str) -> Resident:
    """R-ARCH-01 归档: a record is filed (voided), never deleted; its history stays readable."""
    require(actor, "resident.edit", resident.property_id)
    if not (reason or "").strip():
        raise DomainError("请填写归档原因。(A reason is required.)", field="reason")
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.archived_at:
        raise Conflict("档案已归档。(Already filed.)")
    if Occupancy.objects.filter(resident=resident, end__isnull=True).exists():
        raise DomainError(
            "该住户仍有在住房间,请先办理迁出。(End the current occupancies first.)", field="reason"
        )
    resident.archived_at = timezone.now()
    resident.save(update_fields=["archived_at", "updated_at"])
    CustomerAssignment.objects.filter(resident=resident, ended_at__isnull=True).update(
        ended_at=resident.archived_at
    )
    record(resident, actor=actor, action=HistoryAction.ARCHIVE, reason=reason)
    return resident


# --- occupancy (R-ARCH-08, R-ARCH-09) --------------------------------------------------------------


def _unit_status_after(unit: Unit) -> str | None:
    """R-ARCH-09: vacancy and leasing follow the unit's current occupants; renovation is left alone."""
    if unit.status == UnitStatus.RENOVATING:
        return None
    roles = set(Occupancy.objects.filter(unit=unit, end__isnull=True).values_list("role", flat=True))
    if not roles:
        return UnitStatus.VACANT
    if OccupancyRole.TENANT in roles:
        return UnitStatus.LEASED
    return UnitStatus.OCCUPIED


def _sync_unit_status(actor, unit: Unit, reason: str) -> None:
    status = _unit_status_after(unit)
    if status and status != unit.status:
        unit_set_status(actor=actor, unit=unit, status=status, reason=reason)


@transaction.atomic
def occupancy_start(
    *,
    actor,
    resident: Resident,
    unit: Unit,
    role: str,
    start: date,
    relation: str = "",
    notify_supervisor: bool = True,
) -> Occupancy:
    """Move-in, a new lease, or a household member joining (户人员变动): R-ARCH-08."""
    require(actor, "resident.edit", resident.property_id)
    if unit.property_id != resident.property_id:
        raise DomainError("房间不属于该项目。(The unit is not in this property.)", field="unit")
    if resident.archived_at:
        raise DomainError("档案已归档。(The archive is filed.)")
    if role not in OccupancyRole.values:
        raise DomainError("未知身份。(Unknown role.)", field="role")
    if role == OccupancyRole.COMPANY and resident.kind != ResidentKind.COMPANY:
        raise DomainError("只有公司可以登记为入驻公司。(Only a company can be 入驻公司.)", field="role")
    if resident.kind == ResidentKind.COMPANY and role == OccupancyRole.MEMBER:
        raise DomainError("公司不能登记为家庭成员。(A company cannot be a household member.)", field="role")
    if not start:
        raise DomainError("请填写起始日期。(Start date is required.)", field="start")
    if Occupancy.objects.filter(resident=resident, unit=unit, end__isnull=True).exists():
        raise DomainError(
            f"{resident.name} 已是 {unit.label} 的在住人员。(Already a current occupant of this unit.)",
            field="unit",
        )
    occ = Occupancy.objects.create(
        unit=unit, resident=resident, role=role, relation=(relation or "").strip(), start=start
    )
    record(occ, actor=actor, action=HistoryAction.CREATE)
    label = f"{unit.label} {occ.get_role_display()}"
    record(
        resident,
        actor=actor,
        action=HistoryAction.UPDATE,
        changes={"入住": ["", label]},
        reason=f"入住 {start:%Y-%m-%d}",
    )
    _sync_unit_status(actor, unit, reason=f"{resident.name} 入住")
    if notify_supervisor:
        kind = "家庭成员变动" if role == OccupancyRole.MEMBER else "迁入"
        _on_commit_notify_roles(
            resident.property,
            [Role.CS_SUPERVISOR],
            title=f"{kind}:{resident.name} · {unit.label}",
            body=f"{occ.get_role_display()},{start:%Y-%m-%d} 起",
            link=resident.get_absolute_url(),
        )
    return occ


@transaction.atomic
def occupancy_end(*, actor, occupancy: Occupancy, end: date, reason: str = "") -> Occupancy:
    """Move-out, end of a lease, or a household member leaving: R-ARCH-08. The row stays as history."""
    occupancy = Occupancy.objects.select_for_update().select_related("unit", "resident").get(pk=occupancy.pk)
    resident = occupancy.resident
    require(actor, "resident.edit", resident.property_id)
    if occupancy.end:
        raise Conflict("该入住关系已结束。(This occupancy has already ended.)")
    if not end:
        raise DomainError("请填写结束日期。(End date is required.)", field="end")
    if end < occupancy.start:
        raise DomainError("结束日期不能早于起始日期。(End is before start.)", field="end")
    before = snapshot(occupancy)
    occupancy.end = end
    occupancy.save(update_fields=["end", "updated_at"])
    record(occupancy, actor=actor, action=HistoryAction.UPDATE, before=before, reason=reason)
    record(
        resident,
        actor=actor,
        action=HistoryAction.UPDATE,
        changes={"迁出": [f"{occupancy.unit.label} {occupancy.get_role_display()}", ""]},
        reason=reason or f"迁出 {end:%Y-%m-%d}",
    )
    _sync_unit_status(actor, occupancy.unit, reason=f"{resident.name} 迁出")
    kind = "家庭成员变动" if occupancy.role == OccupancyRole.MEMBER else "迁出"
    _on_commit_notify_roles(
        resident.property,
        [Role.CS_SUPERVISOR],
        title=f"{kind}:{resident.name} · {occupancy.unit.label}",
        body=f"{end:%Y-%m-%d} 结束。{reason}",
        link=resident.get_absolute_url(),
    )
    return occupancy


# --- contacts (R-ARCH-02 e, f) ---------------------------------------------------------------------


@transaction.atomic
def contact_person_change(
    *,
    actor,
    company: Resident,
    name: str,
    start: date,
    reason: str = "",
    title: str = "",
    phone: str = "",
) -> ContactPerson:
    """A company's day-to-day contact changes: the current one ends, the new one starts (人事变迁)."""
    require(actor, "resident.edit", company.property_id)
    if company.kind != ResidentKind.COMPANY:
        raise DomainError("只有公司有日常工作联系人。(Only companies have a contact person.)")
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写联系人姓名。(Name is required.)", field="name")
    if not start:
        raise DomainError("请填写起始日期。(Start date is required.)", field="start")
    phone = clean_phone(phone)
    current = list(ContactPerson.objects.select_for_update().filter(company=company, end__isnull=True))
    if current and not (reason or "").strip():
        raise DomainError("请填写变更原因。(A reason for the change is required.)", field="reason")
    for cp in current:
        if start < cp.start:
            raise DomainError(
                "新联系人的起始日期不能早于现任联系人的起始日期。(Start is before the current contact's start.)",
                field="start",
            )
        before = snapshot(cp)
        cp.end = start
        cp.save(update_fields=["end", "updated_at"])
        record(cp, actor=actor, action=HistoryAction.UPDATE, before=before, reason=reason)
    new = ContactPerson.objects.create(
        company=company,
        name=name,
        title=(title or "").strip(),
        phone=phone,
        start=start,
        change_reason=(reason or "").strip() or "首任联系人",
    )
    record(new, actor=actor, action=HistoryAction.CREATE, reason=reason)
    record(
        company,
        actor=actor,
        action=HistoryAction.UPDATE,
        changes={"日常联系人": [", ".join(c.name for c in current), name]},
        reason=reason,
    )
    return new


@transaction.atomic
def emergency_contact_add(
    *, actor, resident: Resident, name: str, phone: str, relation: str = ""
) -> EmergencyContact:
    require(actor, "resident.edit", resident.property_id)
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写姓名。(Name is required.)", field="name")
    phone = clean_phone(phone)
    if not phone:
        raise DomainError("请填写电话。(Phone is required.)", field="phone")
    ec = EmergencyContact.objects.create(
        resident=resident, name=name, phone=phone, relation=(relation or "").strip()
    )
    record(ec, actor=actor, action=HistoryAction.CREATE)
    record(
        resident,
        actor=actor,
        action=HistoryAction.UPDATE,
        changes={"紧急联络人": ["", name]},
    )
    return ec


@transaction.atomic
def emergency_contact_remove(*, actor, contact: EmergencyContact, reason: str = "") -> EmergencyContact:
    """Voided, not deleted: the archive keeps who was the contact."""
    require(actor, "resident.edit", contact.resident.property_id)
    if not contact.active:
        raise Conflict("该联络人已移除。(Already removed.)")
    contact.active = False
    contact.save(update_fields=["active", "updated_at"])
    record(contact, actor=actor, action=HistoryAction.VOID, reason=reason, changes={"active": [True, False]})
    record(
        contact.resident,
        actor=actor,
        action=HistoryAction.UPDATE,
        changes={"紧急联络人": [contact.name, ""]},
        reason=reason,
    )
    return contact


# --- correspondence (R-ARCH-02 g) ------------------------------------------------------------------


@transaction.atomic
def correspondence_add(
    *,
    actor,
    resident: Resident,
    direction: str,
    subject: str,
    date: date,
    summary: str = "",
    files=(),
) -> Correspondence:
    require(actor, "correspondence.edit", resident.property_id)
    if direction not in CorrespondenceDirection.values:
        raise DomainError("请选择来文或发文。(Choose incoming or outgoing.)", field="direction")
    subject = (subject or "").strip()
    if not subject:
        raise DomainError("请填写标题。(Subject is required.)", field="subject")
    if not date:
        raise DomainError("请填写日期。(Date is required.)", field="date")
    if date > timezone.localdate():
        raise DomainError("日期不能晚于今天。(The date is in the future.)", field="date")
    c = Correspondence.objects.create(
        resident=resident,
        direction=direction,
        subject=subject,
        summary=(summary or "").strip(),
        date=date,
        recorded_by=actor,
    )
    for f in files or ():
        attachment_add(actor=actor, target=c, upload=f)
    record(c, actor=actor, action=HistoryAction.CREATE)
    return c


# --- confidentiality (R-ARCH-04/05/06) -------------------------------------------------------------


@transaction.atomic
def archive_access_request(*, actor, resident: Resident, reason: str, purpose: str = GrantPurpose.READ):
    """R-ARCH-05: reading (or exporting) an archive in full needs the supervisor's prior approval."""
    require(actor, "archive.request", resident.property_id)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise DomainError(
            "请写明查询事由(至少 4 个字)。(State the reason, at least 4 characters.)", field="reason"
        )
    if purpose not in GrantPurpose.values:
        raise DomainError("未知用途。(Unknown purpose.)", field="purpose")
    if ArchiveAccessGrant.objects.filter(
        resident=resident, requested_by=actor, purpose=purpose, status=GrantStatus.PENDING
    ).exists():
        raise DomainError("已有待审批的同类申请。(A request is already pending.)", field="reason")
    g = ArchiveAccessGrant.objects.create(
        resident=resident, requested_by=actor, purpose=purpose, reason=reason
    )
    record(g, actor=actor, action=HistoryAction.CREATE, reason=reason)
    from django.urls import reverse

    _on_commit_notify_roles(
        resident.property,
        [Role.CS_SUPERVISOR],
        title=f"档案查阅申请:{resident.name}({g.get_purpose_display()})",
        body=f"申请人 {actor}:{reason}",
        link=reverse("residents:access_queue"),
    )
    return g


@transaction.atomic
def archive_access_decide(*, actor, grant: ArchiveAccessGrant, approve: bool, note: str = ""):
    grant = (
        ArchiveAccessGrant.objects.select_for_update().select_related("resident__property").get(pk=grant.pk)
    )
    prop = grant.resident.property
    require(actor, "archive.approve", prop.pk)
    if grant.requested_by_id == actor.pk:
        raise DomainError("不能审批自己的申请。(You cannot approve your own request.)")
    if grant.status != GrantStatus.PENDING:
        raise Conflict("该申请已处理。(This request has already been decided.)")
    if not approve and not (note or "").strip():
        raise DomainError("驳回时请填写意见。(Give a note when rejecting.)", field="note")
    old = grant.status
    now = timezone.now()
    grant.status = GrantStatus.APPROVED if approve else GrantStatus.REJECTED
    grant.decided_by, grant.decided_at = actor, now
    grant.decision_note = (note or "").strip()[:200]
    grant.expires_at = now + timedelta(hours=prop.archive_grant_hours) if approve else None
    grant.save()
    record_transition(grant, actor=actor, from_state=old, reason=grant.decision_note)
    _on_commit_notify_users(
        [grant.requested_by_id],
        prop=prop,
        title=f"档案查阅申请{grant.get_status_display()}:{grant.resident.name}",
        body=grant.decision_note,
        link=grant.resident.get_absolute_url(),
        level="info" if approve else "warning",
    )
    return grant


def live_grant(*, user, resident: Resident, purpose: str, now=None) -> ArchiveAccessGrant | None:
    return (
        ArchiveAccessGrant.objects.filter(
            resident=resident,
            requested_by=user,
            purpose=purpose,
            status=GrantStatus.APPROVED,
            expires_at__gt=now or timezone.now(),
        )
        .order_by("-expires_at")
        .first()
    )


@transaction.atomic
def archive_read_full(*, actor, resident: Resident, purpose: str = GrantPurpose.READ) -> dict:
    """R-ARCH-05: the unmasked archive, only with a live approved grant; every read is logged."""
    require(actor, "archive.view", resident.property_id)
    now = timezone.now()
    grant = live_grant(user=actor, resident=resident, purpose=purpose, now=now)
    if not grant:
        raise DomainError(
            "查阅完整档案需客服主管事先批准,且须在有效期内。"
            "(Reading the full archive needs the supervisor's prior, unexpired approval.)",
            code="no_grant",
        )
    ArchiveAccessLog.objects.create(
        resident=resident, reader=actor, grant=grant, reason=grant.reason, purpose=purpose, at=now
    )
    from .archive import full_archive_data

    return full_archive_data(resident)


# --- customer assignment (R-CUST-03/04) ------------------------------------------------------------


def _holder_ok(user: User, prop_id: int) -> bool:
    return (
        Membership.objects.filter(user=user, property_id=prop_id, active=True)
        .filter(role__in=[r for r in Role.values if role_allows(r, "assignment.hold")])
        .exists()
    )


@transaction.atomic
def customers_assign(*, actor, prop: Property, assignments) -> list[CustomerAssignment]:
    """R-CUST-03: assign residents to administrators; R-CUST-04: first contact within
    property.first_contact_days, a clock on each administrator's home page."""
    require(actor, "assignment.manage", prop.pk)
    pairs = list(assignments)
    if not pairs:
        raise DomainError("没有要分配的客户。(Nothing to assign.)")
    holders: dict[int, bool] = {}
    now = timezone.now()
    made = []
    per_admin: dict[int, int] = {}
    for resident, admin in pairs:
        if resident.property_id != prop.pk:
            raise DomainError(f"{resident.name} 不属于本项目。(Resident not in this property.)")
        if resident.archived_at:
            raise DomainError(f"{resident.name} 的档案已归档。(Filed archive.)")
        if admin.pk not in holders:
            holders[admin.pk] = _holder_ok(admin, prop.pk)
        if not holders[admin.pk]:
            raise DomainError(f"{admin} 不是本项目的客服管理员。(Not a customer-service administrator here.)")
        previous = (
            CustomerAssignment.objects.select_for_update()
            .filter(resident=resident, ended_at__isnull=True)
            .first()
        )
        if previous:
            if previous.administrator_id == admin.pk:
                continue
            previous.ended_at = now
            previous.save(update_fields=["ended_at", "updated_at"])
            record(previous, actor=actor, action=HistoryAction.VOID, reason="重新分配")
            deadlines_cancel(previous)
        a = CustomerAssignment.objects.create(
            resident=resident,
            administrator=admin,
            assigned_by=actor,
            assigned_at=now,
            first_contact_due=now + timedelta(days=prop.first_contact_days),
        )
        record(a, actor=actor, action=HistoryAction.CREATE)
        deadlines.clock_start(
            a,
            prop=prop,
            kind=FIRST_CONTACT_KIND,
            label=f"首次联系客户:{resident.name}",
            duration=timedelta(days=prop.first_contact_days),
            responsible=admin,
            link=resident.get_absolute_url(),
            start=now,
        )
        per_admin[admin.pk] = per_admin.get(admin.pk, 0) + 1
        made.append(a)
    for uid, n in per_admin.items():
        _on_commit_notify_users(
            [uid],
            prop=prop,
            title=f"新分配客户 {n} 位",
            body=f"请在 {prop.first_contact_days} 天内完成首次联系并记录。",
            link="/residents/my-customers/",
        )
    return made


def deadlines_cancel(assignment: CustomerAssignment) -> None:
    from django.contrib.contenttypes.models import ContentType

    from core.choices import DeadlineState
    from core.models import Deadline

    Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(CustomerAssignment),
        object_id=assignment.pk,
        kind=FIRST_CONTACT_KIND,
        state__in=[DeadlineState.RUNNING, DeadlineState.PAUSED],
    ).update(state=DeadlineState.CANCELLED)


@transaction.atomic
def customer_first_contact_record(*, actor, assignment: CustomerAssignment, note: str) -> CustomerAssignment:
    """R-CUST-04: the administrator records the first contact (详细的备案); the clock stops."""
    assignment = (
        CustomerAssignment.objects.select_for_update().select_related("resident").get(pk=assignment.pk)
    )
    prop_id = assignment.resident.property_id
    require(actor, "assignment.hold", prop_id)
    if assignment.administrator_id != actor.pk and not can(actor, "assignment.manage", prop_id):
        raise DomainError("只能记录分配给自己的客户。(Only your own customers.)", code="forbidden")
    if assignment.ended_at:
        raise Conflict("该分配已结束。(This assignment has ended.)")
    if assignment.first_contacted_at:
        raise Conflict("已记录过首次联系。(First contact already recorded.)")
    note = (note or "").strip()
    if len(note) < 4:
        raise DomainError("请详细记录联系内容(至少 4 个字)。(Record the contact in detail.)", field="note")
    before = snapshot(assignment)
    assignment.first_contacted_at = timezone.now()
    assignment.first_contact_note = note
    assignment.save(update_fields=["first_contacted_at", "first_contact_note", "updated_at"])
    record(assignment, actor=actor, action=HistoryAction.UPDATE, before=before)
    deadlines.clock_stop(assignment, kind=FIRST_CONTACT_KIND, now=assignment.first_contacted_at)
    return assignment


# --- roster import ---------------------------------------------------------------------------------


def roster_import(*, actor, prop: Property, file, dry_run: bool = True):
    """Excel owner roster: every row is validated; if any row is bad nothing is written (one transaction)."""
    from .importer import apply_roster, parse_roster

    require(actor, "resident.import", prop.pk)
    report = parse_roster(file, prop)
    if dry_run or not report.ok:
        return report
    with transaction.atomic():
        apply_roster(actor=actor, prop=prop, report=report)
    report.written = True
    _on_commit_notify_roles(
        prop,
        [Role.CS_SUPERVISOR],
        title=f"导入业主名册:{len(report.rows)} 行",
        body=f"导入人 {actor}",
        link="/residents/",
    )
    return report


# --- customer developments (R-CUST-01/02) and needs passed on (R-CUST-06) ------------------------------

NEED_MIN_CHARS = 4
NEED_MAX_CHARS = 2000
REVIEW_NOTE_MAX = 500


@transaction.atomic
def customer_developments_review(*, actor, prop: Property, note: str = "", at=None):
    """R-CUST-02 "updated every day so nothing is missed": the administrator went through their customers'
    developments (已查阅). One row per administrator, property and day: a second click the same day updates
    it (its time, the count seen, the note), never a second row. The count is worked out here, from the
    window the page showed (since the previous review), so the page and the API record the same."""
    from django.db import IntegrityError

    from .developments import collect
    from .models import DevelopmentReview
    from .selectors import active_customers, development_window

    require(actor, "assignment.hold", prop.pk)
    note = (note or "").strip()
    if len(note) > REVIEW_NOTE_MAX:
        raise DomainError(
            f"备注不能超过 {REVIEW_NOTE_MAX} 字。(The note is too long.)",
            field="note",
        )
    now = at or timezone.now()
    day = timezone.localdate(now)
    since, until, _last = development_window(administrator=actor, prop=prop, now=now)
    ids = list(active_customers(administrator=actor, prop=prop).values_list("resident_id", flat=True))
    seen = len(collect(ids, since, until))
    review = (
        DevelopmentReview.objects.select_for_update()
        .filter(administrator=actor, property=prop, date=day)
        .first()
    )
    if review is None:
        try:
            with transaction.atomic():
                review = DevelopmentReview.objects.create(
                    administrator=actor, property=prop, date=day, reviewed_at=now, seen=seen, note=note
                )
        except IntegrityError:  # a double click raced us to the row: update it instead
            review = DevelopmentReview.objects.select_for_update().get(
                administrator=actor, property=prop, date=day
            )
        else:
            record(review, actor=actor, action=HistoryAction.CREATE, at=now)
            return review
    before = snapshot(review)
    review.reviewed_at, review.seen = now, review.seen + seen
    if note:
        review.note = note
    review.save(update_fields=["reviewed_at", "seen", "note", "updated_at"])
    record(review, actor=actor, action=HistoryAction.UPDATE, before=before, at=now)
    return review


def _department_members(dept) -> list[int]:
    """People of a department: by their membership's department, or by their role's own department."""
    from django.db.models import Q

    from core.choices import ROLE_DEPARTMENT

    role_kinds = [str(r) for r, k in ROLE_DEPARTMENT.items() if k == dept.kind]
    return list(
        Membership.objects.filter(property_id=dept.property_id, active=True)
        .filter(Q(department=dept) | Q(role__in=role_kinds))
        .values_list("user_id", flat=True)
        .distinct()
    )


def _check_department(department, prop_id: int):
    if department is None:
        raise DomainError("请选择转交部门。(Choose the department.)", field="department")
    if department.property_id != prop_id:
        raise DomainError("该部门不属于本项目。(The department is not in this property.)", field="department")


def _pass_need(need, *, actor, department, now) -> None:
    """R-CUST-06 passed promptly to the department: its members are told after commit."""
    old = need.status
    need.department, need.status, need.passed_at = department, NeedStatus.PASSED, now
    need.save(update_fields=["department", "status", "passed_at", "updated_at"])
    record_transition(need, actor=actor, from_state=old, reason=f"转交{department.name}", at=now)
    ids = [uid for uid in _department_members(department) if uid != actor.pk]
    _on_commit_notify_users(
        ids,
        prop=need.property,
        title=f"客服转交业户需求:{need.resident.name}",
        body=f"{need.text}\n—— {actor}",
        link=need.resident.get_absolute_url(),
    )


@transaction.atomic
def customer_need_record(*, actor, resident: Resident, text: str, department=None):
    """R-CUST-06: a need or piece of information a 业户 gave in contact, organised and — with a department —
    passed on at once (已转交); without one it waits as 待转交 on the developments page."""
    require(actor, "assignment.hold", resident.property_id)
    if resident.archived_at:
        raise DomainError("档案已归档。(The archive is filed.)")
    text = (text or "").strip()
    if len(text) < NEED_MIN_CHARS:
        raise DomainError(
            f"请写明业户的需求或信息(至少 {NEED_MIN_CHARS} 个字)。(Describe the need, at least {NEED_MIN_CHARS} characters.)",
            field="text",
        )
    if len(text) > NEED_MAX_CHARS:
        raise DomainError(f"内容不能超过 {NEED_MAX_CHARS} 字。(The text is too long.)", field="text")
    if department is not None:
        _check_department(department, resident.property_id)
    from .models import CustomerNeed

    now = timezone.now()
    need = CustomerNeed.objects.create(
        property_id=resident.property_id,
        resident=resident,
        text=text,
        recorded_by=actor,
        recorded_at=now,
    )
    record(need, actor=actor, action=HistoryAction.CREATE, at=now)
    if department is not None:
        _pass_need(need, actor=actor, department=department, now=now)
    return need


def _lock_need(need):
    from .models import CustomerNeed

    return CustomerNeed.objects.select_for_update().select_related("resident", "property").get(pk=need.pk)


@transaction.atomic
def customer_need_pass(*, actor, need, department):
    """R-CUST-06: a 待转交 need passed to its department."""
    need = _lock_need(need)
    require(actor, "assignment.hold", need.property_id)
    if need.status != NeedStatus.PENDING:
        raise Conflict("该需求已转交。(Already passed on.)")
    _check_department(department, need.property_id)
    _pass_need(need, actor=actor, department=department, now=timezone.now())
    return need


@transaction.atomic
def customer_need_answer(*, actor, need, answer: str):
    """R-CUST-06: the department's answer recorded back (已反馈); whoever recorded the need is told."""
    need = _lock_need(need)
    require(actor, "assignment.hold", need.property_id)
    if need.status != NeedStatus.PASSED:
        raise Conflict("只有已转交的需求可以记录反馈。(Only a need passed on can be answered.)")
    answer = (answer or "").strip()
    if len(answer) < 2:
        raise DomainError("请填写部门反馈。(Give the department's answer.)", field="answer")
    if len(answer) > NEED_MAX_CHARS:
        raise DomainError(f"内容不能超过 {NEED_MAX_CHARS} 字。(The text is too long.)", field="answer")
    old = need.status
    now = timezone.now()
    need.status, need.answer, need.answered_at = NeedStatus.ANSWERED, answer, now
    need.save(update_fields=["status", "answer", "answered_at", "updated_at"])
    record_transition(need, actor=actor, from_state=old, reason=answer, at=now)
    if need.recorded_by_id != actor.pk:
        _on_commit_notify_users(
            [need.recorded_by_id],
            prop=need.property,
            title=f"转交需求已反馈:{need.resident.name}",
            body=answer,
            link=need.resident.get_absolute_url(),
        )
    return need
