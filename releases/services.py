"""Every write of the goods-release area (R-REL, R-MOVE-09/11): apply → confirm → issue → pass/return → file.

Optional `now=` arguments exist for tests and the demo loader; pages and the API never pass them.
"""

import re
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.attachments import attachment_add, attachments_for
from core.choices import HistoryAction, Role
from core.deadlines import Calendar
from core.errors import Conflict, DomainError
from core.history import record, record_transition
from core.models import Property, Unit
from core.notify import notify_roles
from core.numbering import next_number
from core.permissions import can, require
from residents.choices import ResidentKind
from residents.models import Occupancy, Resident

from . import rules
from .choices import ReleaseKind, ReleaseStatus
from .models import GoodsRelease, ReleaseItem

NUMBER_PREFIX = "FX"  # 放行
MAX_ITEMS = 50
ID_RE = re.compile(r"^[0-9A-Za-z]{6,40}$")
PHONE_RE = re.compile(r"^\+?[0-9\- ]{7,20}$")


def _later(func):
    transaction.on_commit(func)


def _locked(release: GoodsRelease) -> GoodsRelease:
    return GoodsRelease.objects.select_for_update().select_related("property").get(pk=release.pk)


def _expect(release: GoodsRelease, *states) -> None:
    if release.status not in states:
        raise Conflict(
            f"放行条当前状态为“{release.get_status_display()}”,不能执行此操作。"
            f"(The slip is {release.status}; this step is not possible now.)"
        )


def _clean_items(items) -> list[dict]:
    out = []
    for raw in items or []:
        name = str(raw.get("name") or "").strip()
        if not name:
            continue
        try:
            qty = int(raw.get("quantity") or 1)
        except (TypeError, ValueError):
            raise DomainError(
                f"“{name}”的数量无效。(Invalid quantity for “{name}”.)", field="items"
            ) from None
        if qty < 1 or qty > 9999:
            raise DomainError(f"“{name}”的数量须为 1–9999。(Quantity 1–9999.)", field="items")
        out.append(
            {
                "name": name[:100],
                "quantity": qty,
                # R-REL-06: the rules' list, or flagged by hand (the list is given "e.g.").
                "is_large": bool(raw.get("is_large")) or rules.is_large_item(name),
                "note": str(raw.get("note") or "").strip()[:100],
            }
        )
    if not out:
        raise DomainError("请列出要带出的物品。(List the items to be moved out.)", field="items")
    if len(out) > MAX_ITEMS:
        raise DomainError(f"物品最多 {MAX_ITEMS} 行。(At most {MAX_ITEMS} lines.)", field="items")
    return out


def _check_office_hours(prop, when: datetime, *, field: str | None, what: str, calendar=None) -> None:
    if not rules.in_office_hours(prop, when, calendar):
        raise DomainError(
            f"大件物品只能在办公时间({rules.office_hours_text(prop)},工作日){what}。"
            f"(Large items only during office hours — R-REL-08.)",
            field=field,
            code="office_hours",
        )


@transaction.atomic
def release_apply(
    *,
    actor,
    prop: Property,
    unit: Unit,
    resident: Resident,
    carrier_name: str,
    carrier_id_number: str,
    carrier_phone: str,
    planned_at: datetime,
    items,
    kind: str = ReleaseKind.ORDINARY,
    reason: str = "",
    company_format_ref: str = "",
    replaces: GoodsRelease | None = None,
    now: datetime | None = None,
) -> GoodsRelease:
    """R-REL-02/04: the owner applies at CS in advance, listing the items; the carrier's ID and contact."""
    require(actor, "releases.apply", prop.pk)
    now = now or timezone.now()
    if kind not in ReleaseKind.values:
        raise DomainError("请选择类别。(Choose a kind.)", field="kind")
    if unit is None or unit.property_id != prop.pk:
        raise DomainError("房间不属于本项目。(The unit is not in this property.)", field="unit")
    if resident is None or resident.property_id != prop.pk:
        raise DomainError("申请人不属于本项目。(The applicant is not in this property.)", field="resident")
    if not Occupancy.objects.filter(unit=unit, resident=resident, end__isnull=True).exists():
        raise DomainError(
            f"{resident.name} 不是 {unit.label} 的现住业户。(The applicant does not occupy this unit.)",
            field="resident",
        )
    carrier_name = (carrier_name or "").strip()
    if not carrier_name:
        raise DomainError("请填写经办人姓名。(Enter the carrier's name.)", field="carrier_name")
    carrier_id_number = (carrier_id_number or "").strip().upper()
    if not ID_RE.match(carrier_id_number):
        raise DomainError(
            "请填写经办人有效证件号码(6–40 位字母或数字)。(Enter the carrier's ID number.)",
            field="carrier_id_number",
        )
    carrier_phone = (carrier_phone or "").strip()
    if not PHONE_RE.match(carrier_phone):
        raise DomainError("请填写经办人联系电话。(Enter the carrier's phone.)", field="carrier_phone")
    if not isinstance(planned_at, datetime):
        raise DomainError("请填写预计出门时间。(Enter when the goods leave.)", field="planned_at")
    if timezone.is_naive(planned_at):
        planned_at = timezone.make_aware(planned_at)
    company_format_ref = (company_format_ref or "").strip()
    if kind == ReleaseKind.COMPANY:
        # R-REL-05: only a company, and only in the format the service centre approved.
        if resident.kind != ResidentKind.COMPANY:
            raise DomainError("公司产品定期出门只适用于入驻公司。(Only for companies.)", field="kind")
        if not company_format_ref:
            raise DomainError(
                "请填写服务中心批准的公司专用放行格式编号(R-REL-05)。(Enter the approved company format.)",
                field="company_format_ref",
            )
    lines = _clean_items(items)
    large = any(line["is_large"] for line in lines)
    cal = Calendar(prop)
    if large:
        # R-REL-08: no large items leave outside office hours.
        _check_office_hours(prop, planned_at, field="planned_at", what="出门", calendar=cal)
    if kind == ReleaseKind.MOVE_OUT:
        # R-MOVE-09: formalities start 3 working days before moving out (调休 aware).
        # A slip redone after a mismatch keeps the notice given by the original application.
        applied = timezone.localtime(replaces.created_at if replaces else now).date()
        moving = timezone.localtime(planned_at).date()
        if rules.working_days_between(prop, applied, moving, cal) < rules.MOVE_OUT_NOTICE_WORKING_DAYS:
            earliest = rules.earliest_move_out(prop, applied, cal)
            raise DomainError(
                f"迁离须提前 {rules.MOVE_OUT_NOTICE_WORKING_DAYS} 个工作日办理手续,最早可于 "
                f"{earliest:%Y-%m-%d} 搬出。(Move-out needs 3 working days' notice — R-MOVE-09.)",
                field="planned_at",
                code="notice",
            )
    rel = GoodsRelease.objects.create(
        property=prop,
        number=next_number(prop, NUMBER_PREFIX),
        kind=kind,
        unit=unit,
        resident=resident,
        carrier_name=carrier_name[:50],
        carrier_id_number=carrier_id_number,
        carrier_phone=carrier_phone,
        planned_at=planned_at,
        reason=(reason or "").strip()[:200],
        company_format_ref=company_format_ref[:50],
        has_large_items=large,
        replaces=replaces,
        created_by=actor,
    )
    ReleaseItem.objects.bulk_create([ReleaseItem(release=rel, **line) for line in lines])
    record(rel, actor=actor, action=HistoryAction.CREATE)
    if kind == ReleaseKind.MOVE_OUT:
        link = rel.get_absolute_url()
        _later(
            lambda: notify_roles(
                prop,
                [Role.FINANCE],
                title=f"迁离放行待确认费用:{rel.number} {unit.label}",
                body="请核对管理费、电费等费用是否结清(R-MOVE-09)。",
                link=link,
            )
        )
    return rel


@transaction.atomic
def release_attach_id_copy(*, actor, release: GoodsRelease, upload):
    """R-REL-04/07: the carrier's ID card is photocopied (scanned) before the slip is issued."""
    require(actor, "releases.apply", release.property_id)
    rel = _locked(release)
    _expect(rel, ReleaseStatus.APPLIED, ReleaseStatus.CONFIRMED)
    return attachment_add(actor=actor, target=rel, upload=upload)


@transaction.atomic
def release_confirm_phone(
    *, actor, release: GoodsRelease, confirmed_with: str, now: datetime | None = None
) -> GoodsRelease:
    """R-REL-02/04: CS phones the owner, who confirms the release."""
    require(actor, "releases.apply", release.property_id)
    rel = _locked(release)
    _expect(rel, ReleaseStatus.APPLIED)
    confirmed_with = (confirmed_with or "").strip()
    if not confirmed_with:
        raise DomainError("请填写电话确认的业户姓名。(Who confirmed on the phone?)", field="confirmed_with")
    before = rel.status
    rel.status = ReleaseStatus.CONFIRMED
    rel.confirmed_by, rel.confirmed_at, rel.confirmed_with = actor, now or timezone.now(), confirmed_with[:50]
    rel.save()
    record_transition(rel, actor=actor, from_state=before, reason=f"电话确认:{rel.confirmed_with}")
    return rel


@transaction.atomic
def release_confirm_fees(
    *, actor, release: GoodsRelease, note: str = "", now: datetime | None = None
) -> GoodsRelease:
    """R-MOVE-09 / R-REL-09: finance (or the supervisor) confirms that all fees of the unit are settled."""
    require(actor, "releases.fees", release.property_id)
    rel = _locked(release)
    if rel.kind != ReleaseKind.MOVE_OUT:
        raise DomainError("只有迁离放行需要确认费用。(Only move-out releases need this.)")
    _expect(rel, ReleaseStatus.APPLIED, ReleaseStatus.CONFIRMED)
    if rel.fees_settled_at:
        raise Conflict("费用已确认结清。(Fees already confirmed.)")
    rel.fees_settled_confirmed_by, rel.fees_settled_at = actor, now or timezone.now()
    rel.fees_note = (note or "").strip()[:200]
    rel.save()
    record(
        rel,
        actor=actor,
        action=HistoryAction.UPDATE,
        changes={"fees_settled": [False, True]},
        reason=rel.fees_note or "管理费、电费等已结清",
    )
    return rel


@transaction.atomic
def release_issue(
    *, actor, release: GoodsRelease, carrier_signed: bool, now: datetime | None = None
) -> GoodsRelease:
    """R-REL-01/02/07/09: CS signs and issues the slip in two copies (一式两份)."""
    require(actor, "releases.issue", release.property_id)
    rel = _locked(release)
    now = now or timezone.now()
    if rel.status == ReleaseStatus.APPLIED:
        raise DomainError(
            "请先电话联系业户确认放行(R-REL-04)。(Phone the owner to confirm first.)", code="unconfirmed"
        )
    _expect(rel, ReleaseStatus.CONFIRMED)
    if not attachments_for(rel).exists():
        raise DomainError(
            "请先上传经办人身份证复印件(R-REL-04/07)。(Attach a copy of the carrier's ID first.)",
            code="id_copy",
        )
    if not carrier_signed:
        raise DomainError(
            "经办人须在放行条上签字(R-REL-04)。(The carrier must sign the slip.)", field="carrier_signed"
        )
    if rel.kind == ReleaseKind.MOVE_OUT:
        if not rel.fees_settled_at:
            # R-REL-09 / R-MOVE-09 / R-MOVE-11: no move-out release before the charges are settled.
            raise DomainError(
                "迁离放行被拒绝:管理费、电费等费用尚未结清,请先到财务结算(R-MOVE-09/R-REL-09)。"
                "(Refused: fees are not settled.)",
                code="fees_unpaid",
            )
        if not can(actor, "releases.approve", rel.property_id):
            raise DomainError(
                "迁离放行须由客服主管或管理处经理批准开具(R-REL-09)。(A move-out release needs approval.)",
                code="approval",
            )
    if rel.has_large_items:
        # R-REL-07: large items: the slip is filled and issued at the service centre during office hours.
        _check_office_hours(rel.property, now, field=None, what="办理放行条")
    before = rel.status
    rel.status = ReleaseStatus.ISSUED
    rel.issued_by, rel.issued_at, rel.carrier_signed_at = actor, now, now
    rel.save()
    record_transition(rel, actor=actor, from_state=before)
    link = rel.get_absolute_url()
    title = f"放行条已开具:{rel.number} {rel.unit.label}"
    _later(lambda: notify_roles(rel.property, [Role.GUARD, Role.SEC_SUPERVISOR], title=title, link=link))
    return rel


@transaction.atomic
def release_exit_check(
    *,
    actor,
    release: GoodsRelease,
    match: bool,
    mismatched_item_ids=(),
    note: str = "",
    now: datetime | None = None,
) -> GoodsRelease:
    """R-REL-10/11: at the single exit the goods are compared with the slip. Match → signed and passed;
    mismatch → the carrier is sent back to redo the formalities at the service centre."""
    require(actor, "releases.exit", release.property_id)
    rel = _locked(release)
    now = now or timezone.now()
    _expect(rel, ReleaseStatus.ISSUED)
    note = (note or "").strip()
    items = {i.pk: i for i in rel.items.all()}
    before = rel.status
    if match:
        if rel.has_large_items:
            # R-REL-08: outside office hours no large items leave the building.
            _check_office_hours(rel.property, now, field=None, what="出门")
        rel.status = ReleaseStatus.PASSED
    else:
        ids = set()
        for raw in mismatched_item_ids or ():
            try:
                ids.add(int(raw))
            except (TypeError, ValueError):
                raise DomainError("物品编号无效。(Invalid item.)", field="mismatched_item_ids") from None
        if ids - set(items):
            raise DomainError("物品不属于此放行条。(Item not on this slip.)", field="mismatched_item_ids")
        if not ids and not note:
            raise DomainError(
                "请勾选不符的物品或写明不符之处。(Say what differs from the slip.)", field="note"
            )
        for pk in ids:
            items[pk].mismatch = True
            items[pk].save(update_fields=["mismatch"])
        differing = "、".join(items[pk].name for pk in sorted(ids))
        rel.exit_note = "；".join(p for p in [f"不符物品:{differing}" if differing else "", note] if p)
        rel.status = ReleaseStatus.RETURNED
    rel.checked_by, rel.checked_at = actor, now
    rel.save()
    record_transition(
        rel, actor=actor, from_state=before, reason=rel.exit_note if not match else "核对相符,已签字放行"
    )
    link = rel.get_absolute_url()
    if match:
        title = f"已放行,请归档:{rel.number}"
    else:
        title = f"放行条核对不符,携物人已退回:{rel.number}"
    _later(
        lambda: notify_roles(
            rel.property,
            [Role.CS_SUPERVISOR, Role.CS_ADMIN, Role.FRONT_DESK],
            title=title,
            link=link,
            level="info" if match else "warning",
        )
    )
    return rel


@transaction.atomic
def release_file(*, actor, release: GoodsRelease, now: datetime | None = None) -> GoodsRelease:
    """R-REL-11: the signed slip taken back at the exit is handed to CS and archived."""
    require(actor, "releases.apply", release.property_id)
    rel = _locked(release)
    _expect(rel, ReleaseStatus.PASSED, ReleaseStatus.RETURNED)
    if rel.filed_at:
        raise Conflict("放行条已归档。(Already filed.)")
    rel.filed_by, rel.filed_at = actor, now or timezone.now()
    rel.save()
    record(rel, actor=actor, action=HistoryAction.ARCHIVE, changes={"filed": [False, True]})
    return rel


@transaction.atomic
def release_reapply(*, actor, release: GoodsRelease, now: datetime | None = None, **changes) -> GoodsRelease:
    """R-REL-10: after a mismatch the owner redoes the formalities: a new application from the old one."""
    require(actor, "releases.apply", release.property_id)
    old = GoodsRelease.objects.select_related("property", "unit", "resident").get(pk=release.pk)
    if old.status != ReleaseStatus.RETURNED:
        raise DomainError("只有被退回的放行条可以重新办理。(Only a returned slip can be redone.)")
    data = {
        "prop": old.property,
        "unit": old.unit,
        "resident": old.resident,
        "carrier_name": old.carrier_name,
        "carrier_id_number": old.carrier_id_number,
        "carrier_phone": old.carrier_phone,
        "planned_at": old.planned_at,
        "items": [
            {"name": i.name, "quantity": i.quantity, "is_large": i.is_large, "note": i.note}
            for i in old.items.all()
        ],
        "kind": old.kind,
        "reason": old.reason,
        "company_format_ref": old.company_format_ref,
    }
    data.update(changes)
    new = release_apply(actor=actor, replaces=old, now=now, **data)
    if old.fees_settled_at and new.kind == ReleaseKind.MOVE_OUT:
        # The settlement confirmed for the returned slip still stands.
        new.fees_settled_confirmed_by_id, new.fees_settled_at = (
            old.fees_settled_confirmed_by_id,
            old.fees_settled_at,
        )
        new.fees_note = old.fees_note
        new.save(update_fields=["fees_settled_confirmed_by", "fees_settled_at", "fees_note"])
    return new
