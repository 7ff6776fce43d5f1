"""Every write of 寄存 (R-STOR), 暂存 (R-HOLD) and 捡拾物品 (R-INC-15..21).

Optional `now=` arguments exist for the demo loader and tests; the UI and API never pass them.
"""

import calendar
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from core.attachments import attachment_add
from core.choices import HistoryAction, Role
from core.deadlines import clock_start, clock_stop
from core.errors import Conflict, DomainError
from core.history import record, record_transition, snapshot
from core.models import Property, Unit
from core.notify import notify_roles, notify_users
from core.numbering import next_number
from core.permissions import CS_DESK, require, roles_of
from core.rule_settings import setting

from .choices import (
    CollectMethod,
    ConfirmVia,
    DepositorKind,
    DisposalMethod,
    EnvelopeMarking,
    FoundStatus,
    HeldCollectorKind,
    HeldStatus,
    HoldCase,
    IntakeChannel,
    LostReportOutcome,
    SizeClass,
    StoredStatus,
)
from .models import (
    CustodyCheck,
    FoundItem,
    HeldItem,
    LostTicketAlert,
    LostTicketReport,
    StorageCollection,
    StoredItem,
)

# R-STOR-07: large luggage staying more than 24 hours, or small items more than a week → the storeroom.
# Both numbers are the seed's own, so they stay constants (not 规则参数).
LARGE_LUGGAGE_STOREROOM_AFTER = timedelta(hours=24)  # R-STOR-07
SMALL_ITEM_STOREROOM_AFTER = timedelta(weeks=1)  # R-STOR-07
STOREROOM_AFTER = {
    SizeClass.LARGE: LARGE_LUGGAGE_STOREROOM_AFTER,
    SizeClass.SMALL: SMALL_ITEM_STOREROOM_AFTER,
}
STOREROOM_CLOCK = "storage.storeroom"
TICKET_PREFIX = "JC"  # 寄存: one number on the 上联 and the 下联 (R-STOR-05)
HOLD_PREFIX = "ZC"
FOUND_PREFIX = "SW"
# R-HOLD-13: the seed says "很长时间" — 规则参数 storage.hold_chase_*; reminders repeat at most once per interval.
HOLD_CHASE_AFTER = timedelta(days=1)  # R-HOLD-13
HOLD_CHASE_INTERVAL = timedelta(days=1)  # R-HOLD-13
# R-INC-15 "at once" (INTERPRETATION): handed in more than 2 hours after finding is flagged as late.
FOUND_REPORT_GRACE = timedelta(hours=2)  # R-INC-15
# R-INC-18: "价值较高" is not quantified — more than RMB 100 by default (规则参数 storage.found_high_value_above).
FOUND_HIGH_VALUE_ABOVE = Decimal("100")  # R-INC-18
# R-INC-21: ≤ RMB 100 kept 3 months, > RMB 100 kept one year (fixed by the seed).
FOUND_RETENTION_VALUE_ABOVE = Decimal("100")  # R-INC-21
FOUND_RETENTION_MONTHS_LOW = 3  # R-INC-21
FOUND_RETENTION_MONTHS_HIGH = 12  # R-INC-21
SAFE_LOCATION = "贵重物品保险箱"  # R-INC-17
# R-STOR-20: who is alerted when a ticket reported lost is presented.
LOST_TICKET_ALERT_ROLES = [Role.SEC_SUPERVISOR, Role.GUARD, Role.CS_SUPERVISOR]
# R-INC-17: who is told at once about a found item of higher value.
HIGH_VALUE_ROLES = [Role.SEC_SUPERVISOR, Role.CS_SUPERVISOR, Role.MANAGER]


def _err(zh: str, en: str, field: str | None = None, code: str = "invalid"):
    return DomainError(f"{zh}({en})", field=field, code=code)


def _text(value) -> str:
    return (value or "").strip()


def _aware(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _on_commit_notify_roles(prop, roles, **kw):
    transaction.on_commit(lambda: notify_roles(prop, roles, **kw))


def add_months(d: date, months: int) -> date:
    """d plus `months` calendar months (31 Jan + 1 month → 28/29 Feb)."""
    m = d.month - 1 + months
    year, month = d.year + m // 12, m % 12 + 1
    return d.replace(year=year, month=month, day=min(d.day, calendar.monthrange(year, month)[1]))


def _unit_of(prop: Property, unit, field="unit"):
    if unit is None:
        return None
    if not isinstance(unit, Unit) or unit.property_id != prop.pk:
        raise _err("房间不属于本项目。", "The unit is not in this property.", field)
    return unit


def _has_role(user, prop_id: int, roles) -> bool:
    return bool(user) and bool(roles_of(user, prop_id) & {str(r) for r in roles})


# --- 寄存 (R-STOR) ----------------------------------------------------------------------------------------


def storeroom_after(size_class: str) -> timedelta:
    """R-STOR-07: how long an item of this size may stay at the desk before the storeroom is suggested."""
    return STOREROOM_AFTER[SizeClass(size_class)]


@transaction.atomic
def stored_item_deposit(
    *,
    actor,
    prop: Property,
    depositor_kind: str,
    depositor_name: str = "",
    description: str,
    size_class: str,
    expected_collect_at: datetime,
    location: str,
    notice_given: bool,
    parts_confirmed: bool,
    count: int = 1,
    resident=None,
    unit: Unit | None = None,
    depositor_phone: str = "",
    intake: str = IntakeChannel.DESK,
    fetched_by=None,
    hazardous: bool = False,
    valuables: bool = False,
    perishable: bool = False,
    owner_insisted: bool = False,
    now: datetime | None = None,
) -> StoredItem:
    """Receive an item against a two-part 《寄存物品认领单》 and copy it into the 《寄存物品登记表》 (R-STOR-08)."""
    require(actor, "storage.deposit", prop.pk)
    now = now or timezone.now()
    # R-STOR-06 (1): flammable, explosive, toxic or prohibited items are refused.
    if hazardous:
        raise _err(
            "易燃、易爆、有毒或违禁物品不予寄存,后果由业主自负。",
            "Flammable, explosive, toxic or prohibited items cannot be stored.",
            "hazardous",
            "refused",
        )
    # R-STOR-06 (2): cash and valuables are refused; a bank safe-deposit box is suggested.
    if valuables:
        raise _err(
            "现金及贵重物品(如珠宝首饰)不予寄存,建议业主使用银行保险箱。",
            "Cash and valuables cannot be stored; suggest a bank safe-deposit box.",
            "valuables",
            "refused",
        )
    # R-STOR-06 (3): food, smelly, fragile, perishable or corrosive items only if the owner insists.
    if perishable and not owner_insisted:
        raise _err(
            "食品、异味、易碎、易腐或腐蚀性物品原则上不予寄存;业主坚持寄存须自行保护,前台不负责。",
            "Perishable/fragile items only if the owner insists and takes responsibility.",
            "owner_insisted",
        )
    # R-STOR-06 (4): the 下联 is the only proof of collection — the owner must have been told.
    if not notice_given:
        raise _err(
            "请告知寄存人:下联是领取的唯一凭证,遗失被冒领前台不负责。",
            "Tell the depositor the lower part is the only proof for collection.",
            "notice_given",
        )
    # R-STOR-05: both parts filled identically; the 下联 to the owner, the 上联 tied to the item.
    if not parts_confirmed:
        raise _err(
            "请确认上下联内容一致,下联已交寄存人,上联已系于物品上。",
            "Confirm both parts match, the lower part is handed over and the upper part is attached.",
            "parts_confirmed",
        )
    description = _text(description)
    if not description:
        raise _err("请填写物品名称及特征。", "Describe the item.", "description")
    try:
        count = int(count)
    except (TypeError, ValueError):
        count = 0
    if count < 1:
        raise _err("件数至少为 1。", "Count must be at least 1.", "count")
    if size_class not in SizeClass.values:
        raise _err("请选择大件行李或小件物品。", "Choose large luggage or small item.", "size_class")
    location = _text(location)
    if not location:  # R-STOR-09
        raise _err("请填写存放位置。", "Enter where the item is kept.", "location")
    if not isinstance(expected_collect_at, datetime):
        raise _err("请填写预计领取时间。", "Enter the expected collection time.", "expected_collect_at")
    expected_collect_at = _aware(expected_collect_at)
    if expected_collect_at <= now:
        raise _err(
            "预计领取时间须晚于现在。",
            "The expected collection time must be in the future.",
            "expected_collect_at",
        )
    unit = _unit_of(prop, unit)
    depositor_name = _text(depositor_name)
    depositor_phone = _text(depositor_phone)
    if depositor_kind == DepositorKind.RESIDENT:
        # R-STOR-01: current owners (or owners about to move in or out) deposit.
        if resident is None:
            raise _err("请选择寄存的住户。", "Choose the resident.", "resident")
        if resident.property_id != prop.pk or resident.archived_at:
            raise _err("住户不属于本项目或已归档。", "Resident not in this property.", "resident")
        depositor_name = depositor_name or resident.name
        if unit is None:
            occ = resident.occupancies.filter(end__isnull=True).select_related("unit").first()
            unit = occ.unit if occ else None
        if not depositor_phone:
            depositor_phone = resident.phone
    elif depositor_kind == DepositorKind.GUEST:
        if resident is not None:
            raise _err("访客寄存不关联住户。", "A guest deposit has no resident.", "resident")
        if not depositor_name:
            raise _err("请填写寄存人姓名。", "Enter the depositor's name.", "depositor_name")
        if not depositor_phone:
            raise _err("访客寄存须留联系电话。", "A guest leaves a phone number.", "depositor_phone")
    else:
        raise _err("请选择寄存人类别。", "Choose the depositor kind.", "depositor_kind")
    if intake not in IntakeChannel.values:
        raise _err("寄存方式无效。", "Invalid intake channel.", "intake")
    if intake == IntakeChannel.FETCHED:
        # R-STOR-04: the front desk asks a 管理员 to fetch the item from the unit.
        if fetched_by is None or not _has_role(fetched_by, prop.pk, [Role.CS_ADMIN]):
            raise _err(
                "上门收取须由本项目客服管理员完成。",
                "A CS officer of this property fetches it.",
                "fetched_by",
            )
    else:
        fetched_by = None

    limit = storeroom_after(size_class)
    warnings = ["已告知:下联为唯一领取凭证,遗失被冒领前台不负责 (R-STOR-06)"]
    if perishable:
        warnings.append("业主坚持寄存食品/易碎/易腐等物品,须自行保护,前台不负责 (R-STOR-06)")
    suggested = expected_collect_at - now > limit
    if suggested:
        size_label = SizeClass(size_class).label
        warnings.append(f"{size_label}预计寄存超过{_span(limit)},已建议使用储物间 (R-STOR-07)")
    item = StoredItem.objects.create(
        property=prop,
        ticket_no=next_number(prop, TICKET_PREFIX),
        depositor_kind=depositor_kind,
        resident=resident,
        unit=unit,
        depositor_name=depositor_name,
        depositor_phone=depositor_phone,
        intake=intake,
        fetched_by=fetched_by,
        description=description,
        count=count,
        size_class=size_class,
        perishable=bool(perishable),
        owner_insisted=bool(perishable and owner_insisted),
        warnings=warnings,
        expected_collect_at=expected_collect_at,
        storeroom_due_at=now + limit,
        storeroom_suggested=suggested,
        location=location,
        deposited_at=now,
        deposited_by=actor,
    )
    record(item, actor=actor, action=HistoryAction.CREATE)
    clock_start(
        item,
        prop=prop,
        kind=STOREROOM_CLOCK,
        label=f"寄存 {item.ticket_no} 超过{_span(limit)},建议转入储物间",
        duration=limit,
        responsible=actor,
        link=item.get_absolute_url(),
        start=now,
    )
    return item


def _span(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours // 24}天" if hours % 24 == 0 and hours >= 48 else f"{hours}小时"


@transaction.atomic
def stored_item_seal(*, actor, item: StoredItem, supervisor, now: datetime | None = None) -> StoredItem:
    """R-STOR-10: loose items are tied and sealed only under the 客服主管's supervision."""
    require(actor, "storage.deposit", item.property_id)
    item = StoredItem.objects.select_for_update().get(pk=item.pk)
    if not item.in_custody:
        raise Conflict(_err("物品已领取,不能封条。", "Already collected.").message)
    if item.sealed:
        raise _err("物品已封条。", "Already sealed.")
    if supervisor is None or not _has_role(supervisor, item.property_id, [Role.CS_SUPERVISOR]):
        raise _err("封条须在本项目客服主管监督下进行。", "Sealing needs the CS supervisor.", "supervisor")
    before = snapshot(item)
    item.sealed, item.sealed_at, item.seal_supervisor = True, now or timezone.now(), supervisor
    item.save(update_fields=["sealed", "sealed_at", "seal_supervisor", "updated_at"])
    record(item, actor=actor, action=HistoryAction.UPDATE, before=before, reason=f"监督人:{supervisor}")
    return item


def _lost_ticket_message(item):
    return (
        f"认领单 {item.ticket_no} 已挂失!请稳住来人,不要放行物品;已立即通知秩序维护部。"
        f"(Ticket {item.ticket_no} was reported lost: keep the person here calmly; security has been alerted.)"
    )


def _raise_lost_ticket_alert(*, actor, item: StoredItem, presenter_name: str, now) -> LostTicketAlert:
    """R-STOR-20: record the attempt and alert security and the 客服主管 — committed on its own."""
    alert = LostTicketAlert.objects.create(
        property_id=item.property_id,
        item=item,
        presenter_name=presenter_name[:50],
        raised_at=now,
        raised_by=actor,
    )
    record(alert, actor=actor, action=HistoryAction.CREATE, reason="出示已挂失的认领单")
    record(
        item,
        actor=actor,
        action=HistoryAction.UPDATE,
        reason=f"有人出示已挂失的认领单 {item.ticket_no}",
        changes={},
    )
    from core.notify import users_with_roles

    notify_users(
        users_with_roles(item.property_id, LOST_TICKET_ALERT_ROLES),
        prop=item.property,
        title=f"警报:有人在前台出示已挂失的寄存认领单 {item.ticket_no}",
        body=(
            f"来人:{presenter_name or '未留姓名'};前台:{actor};时间 {timezone.localtime(now):%H:%M}。"
            "请秩序维护部立即到前台处理 (R-STOR-20)。"
        ),
        link=item.get_absolute_url(),
        level="danger",
    )
    return alert


def stored_item_collect(
    *,
    actor,
    item: StoredItem,
    method: str = CollectMethod.TICKET,
    presented_ticket_no: str = "",
    collector_name: str,
    collector_is_depositor: bool = True,
    collector_id_number: str = "",
    id_copy=None,
    halves_match: bool = False,
    inspected_ok: bool = True,
    damage_note: str = "",
    compensation=None,
    carry_help: bool = False,
    parts_stapled: bool = False,
    now: datetime | None = None,
) -> StoredItem:
    """Release a stored item (R-STOR-12..17), or refuse and alert when a lost ticket is presented (R-STOR-20).

    Not one atomic block on purpose: the alert of a lost ticket must be committed although the release is
    refused, so it runs in its own block that completes before the DomainError is raised. Call it outside
    any surrounding transaction (views and the API do). Two clerks releasing the same item: the row lock
    serialises them and the second gets Conflict (409).
    """
    require(actor, "storage.release", item.property_id)
    now = now or timezone.now()
    collector_name = _text(collector_name)
    presented = _text(presented_ticket_no).upper()
    alarm = False
    with transaction.atomic():
        locked = StoredItem.objects.select_for_update().select_related("property").get(pk=item.pk)
        if locked.status == StoredStatus.COLLECTED:
            raise Conflict(
                _err(
                    f"物品 {locked.ticket_no} 已被领取,不能重复发放。",
                    "Already released by someone else.",
                    code="conflict",
                ).message
            )
        if method == CollectMethod.TICKET and locked.status == StoredStatus.LOST_TICKET:
            _raise_lost_ticket_alert(actor=actor, item=locked, presenter_name=collector_name, now=now)
            alarm = True
        else:
            _collect(
                actor=actor,
                item=locked,
                method=method,
                presented=presented,
                collector_name=collector_name,
                collector_is_depositor=collector_is_depositor,
                collector_id_number=_text(collector_id_number),
                id_copy=id_copy,
                halves_match=halves_match,
                inspected_ok=inspected_ok,
                damage_note=_text(damage_note),
                compensation=compensation,
                carry_help=carry_help,
                parts_stapled=parts_stapled,
                now=now,
            )
    if alarm:
        raise DomainError(_lost_ticket_message(locked), field="presented_ticket_no", code="lost_ticket")
    return locked


def _collect(
    *,
    actor,
    item,
    method,
    presented,
    collector_name,
    collector_is_depositor,
    collector_id_number,
    id_copy,
    halves_match,
    inspected_ok,
    damage_note,
    compensation,
    carry_help,
    parts_stapled,
    now,
):
    if method not in CollectMethod.values:
        raise _err("领取方式无效。", "Invalid collection method.", "method")
    if not collector_name:
        raise _err("请填写领取人姓名。", "Enter the collector's name.", "collector_name")
    if method == CollectMethod.TICKET:
        # R-STOR-12/13: the 下联's number finds the 登记表 entry.
        if presented != item.ticket_no.upper():
            raise _err(
                "出示的下联号码与登记不符。",
                "The presented ticket number does not match.",
                "presented_ticket_no",
            )
        # R-STOR-14: both halves match in number and content before the item is handed over.
        if not halves_match:
            raise _err("请核对上下联号码及内容相符。", "Check both halves match.", "halves_match")
        # R-STOR-17: both parts stapled together for the 客服主管 to file.
        if not parts_stapled:
            raise _err(
                "请将上下联钉在一起交客服主管存档。",
                "Staple both parts together for filing.",
                "parts_stapled",
            )
        if not collector_is_depositor:
            # R-STOR-12: someone else collecting leaves a copy of their valid ID.
            if not collector_id_number:
                raise _err(
                    "代领人须出示有效证件,请登记证件号码。",
                    "Record the collector's ID number.",
                    "collector_id_number",
                )
            if id_copy is None:
                raise _err("代领人须留有效证件复印件。", "Attach a copy of the collector's ID.", "id_copy")
    else:
        # R-STOR-18: after 挂失 the depositor collects with valid ID.
        if item.status != StoredStatus.LOST_TICKET:
            raise _err(
                "未挂失的物品须凭下联领取。",
                "Without a lost-ticket report, collect with the ticket.",
                "method",
            )
        if not collector_is_depositor:
            raise _err(
                "挂失后只能由寄存人本人凭证件领取。",
                "After a loss report only the depositor collects.",
                "collector_is_depositor",
            )
        if collector_name != item.depositor_name:
            raise _err("领取人与寄存人姓名不符。", "The collector is not the depositor.", "collector_name")
        if not collector_id_number:
            raise _err(
                "请登记寄存人有效证件号码。", "Record the depositor's ID number.", "collector_id_number"
            )
        if id_copy is None:
            raise _err("请留寄存人有效证件复印件。", "Attach a copy of the depositor's ID.", "id_copy")
    # R-STOR-15: the owner inspects on the spot; a shortfall is explained and may be compensated.
    if not inspected_ok and not damage_note:
        raise _err("请记录缺失或损坏情况。", "Describe what is missing or damaged.", "damage_note")
    if compensation not in (None, ""):
        try:
            compensation = Decimal(str(compensation))
        except InvalidOperation:
            raise _err("赔偿金额无效。", "Invalid compensation amount.", "compensation") from None
        if compensation < 0 or inspected_ok:
            raise _err(
                "仅在确有缺损时按价赔偿,金额不能为负。", "Compensation only for a real loss.", "compensation"
            )
    else:
        compensation = None
    from_state = item.status
    coll = StorageCollection.objects.create(
        property_id=item.property_id,
        item=item,
        method=method,
        presented_ticket_no=presented,
        collector_name=collector_name,
        collector_is_depositor=bool(collector_is_depositor),
        collector_id_number=collector_id_number,
        halves_match=bool(halves_match),
        inspected_ok=bool(inspected_ok),
        damage_note=damage_note,
        compensation=compensation,
        carry_help=bool(carry_help),
        parts_stapled=bool(parts_stapled),
        collected_at=now,
        released_by=actor,
    )
    if id_copy is not None:
        attachment_add(actor=actor, target=coll, upload=id_copy)
    record(coll, actor=actor, action=HistoryAction.CREATE)
    item.status = StoredStatus.COLLECTED
    item.save(update_fields=["status", "updated_at"])
    record_transition(item, actor=actor, from_state=from_state, reason=f"领取人:{collector_name}")
    clock_stop(item, kind=STOREROOM_CLOCK, now=now)
    # R-STOR-17: the stapled set goes to the 客服主管 for the owner's archive.
    _on_commit_notify_roles(
        item.property,
        [Role.CS_SUPERVISOR],
        title=f"寄存认领单 {item.ticket_no} 待归档",
        body="上下联已钉合,请归入业主档案。",
        link=item.get_absolute_url(),
    )
    if not inspected_ok:
        _on_commit_notify_roles(
            item.property,
            [Role.CS_SUPERVISOR],
            title=f"寄存物品 {item.ticket_no} 领取时发现缺损",
            body=damage_note,
            link=item.get_absolute_url(),
            level="warning",
        )
    return coll


@transaction.atomic
def stored_item_file(*, actor, item: StoredItem, now: datetime | None = None) -> StorageCollection:
    """R-STOR-17: the 客服主管 files the stapled 上联 + 下联 in the owner's archive."""
    require(actor, "storage.file", item.property_id)
    coll = StorageCollection.objects.select_for_update().filter(item_id=item.pk).first()
    if coll is None:
        raise _err("物品尚未领取,认领单不能归档。", "Not collected yet.")
    if coll.filed_at:
        raise Conflict(_err("认领单已归档。", "Already filed.").message)
    coll.filed_at, coll.filed_by = now or timezone.now(), actor
    coll.save(update_fields=["filed_at", "filed_by", "updated_at"])
    record(coll, actor=actor, action=HistoryAction.ARCHIVE, changes={"filed": [False, True]})
    return coll


@transaction.atomic
def lost_ticket_report(
    *,
    actor,
    prop: Property,
    ticket_no: str,
    reporter_name: str,
    unit_label: str = "",
    note: str = "",
    now: datetime | None = None,
) -> LostTicketReport:
    """R-STOR-18/19: the depositor reports the 下联 lost with room number, name and ticket number."""
    require(actor, "storage.release", prop.pk)
    now = now or timezone.now()
    ticket_no, reporter_name, unit_label = _text(ticket_no).upper(), _text(reporter_name), _text(unit_label)
    if not ticket_no:
        raise _err("请填写认领单号。", "Enter the ticket number.", "ticket_no")
    if not reporter_name:
        raise _err("请填写业主姓名。", "Enter the owner's name.", "reporter_name")
    item = (
        StoredItem.objects.select_for_update(of=("self",))
        .select_related("unit", "property")
        .filter(property=prop, ticket_no=ticket_no)
        .first()
    )
    if item is None:
        raise _err("没有这个认领单号。", "No such ticket number.", "ticket_no")
    if reporter_name != item.depositor_name:
        raise _err("姓名与寄存登记不符。", "The name does not match the deposit.", "reporter_name")
    if item.unit_id and unit_label and unit_label != item.unit.label:
        raise _err("房间号与寄存登记不符。", "The room does not match the deposit.", "unit_label")
    if item.status == StoredStatus.LOST_TICKET:
        raise _err("该认领单已挂失。", "This ticket is already reported lost.", "ticket_no")
    if item.status == StoredStatus.STORED:
        outcome = LostReportOutcome.BLOCKED
        from_state = item.status
        item.status = StoredStatus.LOST_TICKET
        item.save(update_fields=["status", "updated_at"])
        record_transition(item, actor=actor, from_state=from_state, reason=f"挂失人:{reporter_name}")
    else:
        coll = item.collection
        if coll.method != CollectMethod.TICKET:
            raise _err(
                "物品已由寄存人凭证件领取。", "Already collected by the depositor with ID.", "ticket_no"
            )
        # R-STOR-19: collected with the lost ticket — the 秩序维护部 investigates with the full ticket set
        # and the collector's ID copy.
        outcome = LostReportOutcome.ALREADY_COLLECTED
        record(
            item,
            actor=actor,
            action=HistoryAction.UPDATE,
            reason="挂失时发现已被凭单领取,移交秩序维护部",
            changes={},
        )
        _on_commit_notify_roles(
            prop,
            [Role.SEC_SUPERVISOR, Role.GUARD, Role.CS_SUPERVISOR],
            title=f"寄存物品 {item.ticket_no} 疑被冒领,请调查",
            body=(
                f"业主 {reporter_name} 挂失下联时,物品已于 {timezone.localtime(coll.collected_at):%m-%d %H:%M} "
                f"由 {coll.collector_name} 凭单领取。请调取整套认领单及领取人证件复印件 (R-STOR-19)。"
            ),
            link=item.get_absolute_url(),
            level="danger",
        )
    report = LostTicketReport.objects.create(
        property=prop,
        item=item,
        reporter_name=reporter_name,
        unit_label=unit_label,
        outcome=outcome,
        note=_text(note),
        reported_at=now,
        recorded_by=actor,
    )
    record(report, actor=actor, action=HistoryAction.CREATE)
    return report


# --- 暂存 (R-HOLD) ----------------------------------------------------------------------------------------


@transaction.atomic
def held_item_create(
    *,
    actor,
    prop: Property,
    case: str,
    unit: Unit,
    owner_name: str,
    depositor_name: str,
    description: str,
    collector_name: str,
    collect_by: datetime,
    count: int = 1,
    is_key: bool = False,
    envelope_sealed: bool = False,
    envelope_marking: str = "",
    resident=None,
    now: datetime | None = None,
) -> HeldItem:
    """R-HOLD-04/06: every item left is registered with every column filled, whoever leaves it."""
    require(actor, "holding.write", prop.pk)
    now = now or timezone.now()
    if case not in HoldCase.values:
        raise _err("请选择存放情形。", "Choose the holding case.", "case")
    if unit is None:
        raise _err("请填写单元号。", "Enter the unit.", "unit")
    unit = _unit_of(prop, unit)
    owner_name, depositor_name = _text(owner_name), _text(depositor_name)
    description, collector_name = _text(description), _text(collector_name)
    if not owner_name:
        raise _err("请填写业主姓名。", "Enter the owner's name.", "owner_name")
    if not depositor_name:
        raise _err("请填写存放人。", "Enter who leaves the item.", "depositor_name")
    if case == HoldCase.OWNER_SELF and not collector_name:
        collector_name = depositor_name
    if not description:
        raise _err("请填写物品。", "Describe the item.", "description")
    if not collector_name:  # R-HOLD-04: who will collect
        raise _err("请确认领取人姓名。", "Confirm who will collect it.", "collector_name")
    if not isinstance(collect_by, datetime):  # R-HOLD-04: and when
        raise _err("请确认领取时间。", "Confirm when it will be collected.", "collect_by")
    collect_by = _aware(collect_by)
    if collect_by <= now:
        raise _err("约定领取时间须晚于现在。", "The collection time must be in the future.", "collect_by")
    try:
        count = int(count)
    except (TypeError, ValueError):
        count = 0
    if count < 1:
        raise _err("数量至少为 1。", "Count must be at least 1.", "count")
    if resident is not None and resident.property_id != prop.pk:
        raise _err("住户不属于本项目。", "Resident not in this property.", "resident")
    if is_key:
        # R-HOLD-05: a key is sealed in an envelope marked with unit, date and collector.
        if not envelope_sealed:
            raise _err("钥匙须装入信封封口保管。", "A key is kept in a sealed envelope.", "envelope_sealed")
        if envelope_marking not in EnvelopeMarking.values:
            raise _err(
                "请用铅笔在信封上或用便签注明单元号、留存日期和领取人姓名。",
                "Mark unit, date and collector in pencil or on a sticky note.",
                "envelope_marking",
            )
    else:
        envelope_sealed, envelope_marking = False, ""
    item = HeldItem.objects.create(
        property=prop,
        record_no=next_number(prop, HOLD_PREFIX),
        case=case,
        unit=unit,
        owner_name=owner_name,
        resident=resident,
        depositor_name=depositor_name,
        description=description,
        count=count,
        is_key=bool(is_key),
        envelope_sealed=bool(envelope_sealed),
        envelope_marking=envelope_marking,
        collector_name=collector_name,
        collect_by=collect_by,
        held_at=now,
        handled_by=actor,
    )
    record(item, actor=actor, action=HistoryAction.CREATE)
    return item


def held_item_collect(
    *,
    actor,
    item: HeldItem,
    collector_kind: str,
    collector_name: str,
    identity_checked: bool,
    collector_signed: bool,
    collector_is_resident: bool = False,
    collector_id_number: str = "",
    id_copy=None,
    depositor_confirmed_via: str = "",
    carry_help: bool = False,
    now: datetime | None = None,
) -> HeldItem:
    """R-HOLD-08/09/11: identity checked before any hand-over; the collector signs the record; someone
    other than the depositor or the named collector only after the depositor confirms."""
    require(actor, "holding.write", item.property_id)
    now = now or timezone.now()
    collector_name, id_number = _text(collector_name), _text(collector_id_number)
    with transaction.atomic():
        held = HeldItem.objects.select_for_update().get(pk=item.pk)
        if held.status != HeldStatus.HELD:
            raise Conflict(_err(f"{held.record_no} 已被领取。", "Already collected by someone else.").message)
        if collector_kind not in HeldCollectorKind.values:
            raise _err("请选择领取人身份。", "Choose who collects.", "collector_kind")
        if not collector_name:
            raise _err("请填写领取人姓名。", "Enter the collector's name.", "collector_name")
        if not identity_checked:  # R-HOLD-11
            raise _err(
                "交付前须核实领取人身份。", "Check the collector's identity first.", "identity_checked"
            )
        if not collector_signed:  # R-HOLD-08/09: the 领取人签署 column
            raise _err("请领取人在记录上签署。", "The collector signs the record.", "collector_signed")
        if collector_kind == HeldCollectorKind.DEPOSITOR and collector_name != held.depositor_name:
            raise _err("领取人不是存放人。", "The collector is not the depositor.", "collector_name")
        if collector_kind == HeldCollectorKind.NAMED and collector_name != held.collector_name:
            raise _err(
                "领取人与登记的领取人不符,请按“其他人”办理并联系存放人确认。",
                "Not the named collector: treat as a third party and confirm with the depositor.",
                "collector_name",
            )
        if collector_kind != HeldCollectorKind.DEPOSITOR and not collector_is_resident and not id_number:
            # R-HOLD-09: a non-resident shows valid ID, which staff verify.
            raise _err(
                "非住户领取须出示有效证件,请登记证件号码。",
                "Record the non-resident's ID number.",
                "collector_id_number",
            )
        if (
            collector_kind == HeldCollectorKind.NAMED
            and held.case == HoldCase.OWNER_FOR_OTHER
            and not collector_is_resident
            and id_copy is None
        ):
            # R-HOLD-02 (b): identity verified carefully and the ID photocopied.
            raise _err("他人代领须留有效证件复印件。", "Attach a copy of the collector's ID.", "id_copy")
        if collector_kind == HeldCollectorKind.THIRD_PARTY:
            if not id_number:
                raise _err(
                    "请登记领取人证件号码。", "Record the collector's ID number.", "collector_id_number"
                )
            if depositor_confirmed_via not in ConfirmVia.values:
                # R-HOLD-09: released only after the depositor confirms.
                raise _err(
                    "无法确认领取人身份时,须联系存放人确认后方可交付。",
                    "Contact the depositor and record the confirmation first.",
                    "depositor_confirmed_via",
                )
        else:
            depositor_confirmed_via = ""
        before = snapshot(held)
        held.status = HeldStatus.COLLECTED
        held.collected_at, held.released_by = now, actor
        held.collector_kind, held.collected_by_name = collector_kind, collector_name
        held.collector_is_resident = bool(collector_is_resident)
        held.identity_checked, held.collector_signed = True, True
        held.collector_id_number = id_number
        held.depositor_confirmed_via = depositor_confirmed_via
        held.depositor_confirmed_at = now if depositor_confirmed_via else None
        held.carry_help = bool(carry_help)
        held.save()
        if id_copy is not None:
            attachment_add(actor=actor, target=held, upload=id_copy)
        record(
            held,
            actor=actor,
            action=HistoryAction.TRANSITION,
            before=before,
            from_state=HeldStatus.HELD,
            to_state=held.status,
        )
    return held


@transaction.atomic
def held_item_chase_note(*, actor, item: HeldItem, note: str, now: datetime | None = None) -> HeldItem:
    """R-HOLD-13: staff record that they contacted the depositor about an item left too long."""
    require(actor, "holding.write", item.property_id)
    note = _text(note)
    if not note:
        raise _err("请填写联系情况。", "Describe the contact.", "note")
    now = now or timezone.now()
    held = HeldItem.objects.select_for_update().get(pk=item.pk)
    if held.status != HeldStatus.HELD:
        raise _err("物品已领取。", "Already collected.")
    before = snapshot(held)
    stamp = f"[{timezone.localtime(now):%m-%d %H:%M} {actor}] {note}"
    held.chase_note = f"{held.chase_note}\n{stamp}".strip()
    held.last_chased_at = now
    held.save(update_fields=["chase_note", "last_chased_at", "updated_at"])
    record(held, actor=actor, action=HistoryAction.UPDATE, before=before, reason="联系存放人")
    return held


def holding_chase_overdue(*, now: datetime | None = None) -> int:
    """R-HOLD-13, periodic and idempotent: each item left past its collection time (+ grace) reminds the
    desk at most once per interval. The reminder is claimed by a conditional UPDATE, so two runs at once
    never both remind."""
    now = now or timezone.now()
    # The thresholds are the property's (规则参数): one condition per property with items held.
    due = Q(pk__in=[])
    for prop in Property.objects.filter(
        pk__in=HeldItem.objects.filter(status=HeldStatus.HELD).values("property_id")
    ).only("pk", "rule_settings"):
        after = setting(prop, "storage.hold_chase_after")
        interval = setting(prop, "storage.hold_chase_interval")
        due |= Q(property_id=prop.pk, status=HeldStatus.HELD, collect_by__lt=now - after) & (
            Q(last_chased_at__isnull=True) | Q(last_chased_at__lt=now - interval)
        )
    sent = 0
    for held in HeldItem.objects.filter(due).select_related("property", "unit"):
        with transaction.atomic():
            if not HeldItem.objects.filter(due, pk=held.pk).update(
                last_chased_at=now, chase_count=F("chase_count") + 1
            ):
                continue
            held.refresh_from_db(fields=["chase_count", "last_chased_at"])
            record(
                held,
                actor=None,
                action=HistoryAction.UPDATE,
                reason="超期未领,提醒联系存放人",
                changes={"chase_count": [held.chase_count - 1, held.chase_count]},
            )
            notify_roles(
                held.property,
                sorted(CS_DESK),
                title=f"暂存物品超期未领:{held.record_no} {held.unit.label} {held.description}",
                body=f"约定 {timezone.localtime(held.collect_by):%m-%d %H:%M} 领取,请尽快联系存放人 {held.depositor_name} (R-HOLD-13)。",
                link=held.get_absolute_url(),
                level="warning",
                dedupe_key=f"hold-chase-{held.pk}-{held.chase_count}",
            )
            sent += 1
    return sent


# --- 捡拾物品 (R-INC-15..21) -----------------------------------------------------------------------------


def found_retention_until(found_on: date, value: Decimal) -> date:
    """R-INC-21: ≤ RMB 100 kept 3 months, > RMB 100 kept one year (AMBIGUOUS exactly 100 → 3 months)."""
    months = (
        FOUND_RETENTION_MONTHS_HIGH if value > FOUND_RETENTION_VALUE_ABOVE else FOUND_RETENTION_MONTHS_LOW
    )
    return add_months(found_on, months)


@transaction.atomic
def found_item_register(
    *,
    actor,
    prop: Property,
    name: str,
    quantity: int,
    features: str,
    found_where: str,
    found_at: datetime,
    finder_name: str,
    value_estimate,
    storage_location: str = "",
    finder=None,
    high_value_override: bool = False,
    handed_in_at: datetime | None = None,
    now: datetime | None = None,
) -> FoundItem:
    """R-INC-15/16: a found item handed to the desk is entered in the 《捡拾物品登记表》."""
    require(actor, "lostfound.register", prop.pk)
    now = now or timezone.now()
    name, features, found_where = _text(name), _text(features), _text(found_where)
    finder_name = _text(finder_name) or (str(finder) if finder else "")
    if not name:
        raise _err("请填写物品名称。", "Enter the item's name.", "name")
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        quantity = 0
    if quantity < 1:
        raise _err("数量至少为 1。", "Quantity must be at least 1.", "quantity")
    if not features:
        raise _err("请填写物品特征。", "Describe the item's features.", "features")
    if not found_where:
        raise _err("请填写拾获地点。", "Enter where it was found.", "found_where")
    if not finder_name:
        raise _err("请填写拾获人。", "Enter the finder.", "finder_name")
    if not isinstance(found_at, datetime):
        raise _err("请填写拾获时间。", "Enter when it was found.", "found_at")
    found_at = _aware(found_at)
    handed_in_at = _aware(handed_in_at) if handed_in_at else now
    if found_at > now + timedelta(minutes=5):
        raise _err("拾获时间不能晚于现在。", "The finding time cannot be in the future.", "found_at")
    if handed_in_at < found_at:
        raise _err("上交时间不能早于拾获时间。", "Handed in before it was found?", "found_at")
    try:
        value = Decimal(str(value_estimate))
    except (InvalidOperation, TypeError):
        raise _err("请填写估计价值(元)。", "Enter the estimated value.", "value_estimate") from None
    if value < 0:
        raise _err("估计价值不能为负。", "The value cannot be negative.", "value_estimate")
    high = value > setting(prop, "storage.found_high_value_above") or bool(high_value_override)  # R-INC-18
    location = SAFE_LOCATION if high else _text(storage_location)  # R-INC-17
    if not location:
        raise _err("请填写保管位置。", "Enter where it is kept.", "storage_location")
    late = handed_in_at - found_at > setting(prop, "storage.found_report_grace")  # R-INC-15
    item = FoundItem.objects.create(
        property=prop,
        record_no=next_number(prop, FOUND_PREFIX),
        name=name,
        quantity=quantity,
        features=features,
        found_where=found_where,
        found_at=found_at,
        finder_name=finder_name,
        finder=finder,
        handed_in_at=handed_in_at,
        late_report=late,
        registered_by=actor,
        value_estimate=value,
        high_value_override=bool(high_value_override),
        high_value=high,
        storage_location=location,
        retention_until=found_retention_until(timezone.localtime(found_at).date(), value),
        last_checked_at=now,
    )
    record(item, actor=actor, action=HistoryAction.CREATE)
    if high:
        # R-INC-17: reported at once to the 秩序维护部主管, the 客服主管 and the 管理处经理.
        _on_commit_notify_roles(
            prop,
            HIGH_VALUE_ROLES,
            title=f"贵重拾获物品:{item.name}(约 {value} 元)",
            body=f"{item.record_no} 拾获于 {found_where},已存入{SAFE_LOCATION} (R-INC-17)。",
            link=item.get_absolute_url(),
            level="warning",
        )
    if late:
        _on_commit_notify_roles(
            prop,
            [Role.CS_SUPERVISOR],
            title=f"拾获物品未及时上交:{item.name}",
            body=f"拾获 {timezone.localtime(found_at):%m-%d %H:%M},上交 {timezone.localtime(handed_in_at):%m-%d %H:%M} (R-INC-15)。",
            link=item.get_absolute_url(),
            level="warning",
        )
    return item


@transaction.atomic
def found_item_note_search(*, actor, item: FoundItem, note: str, now: datetime | None = None) -> FoundItem:
    """R-INC-19: CS tries to find the owner from the available information; each attempt is noted."""
    require(actor, "lostfound.register", item.property_id)
    note = _text(note)
    if not note:
        raise _err("请填写寻找失主的情况。", "Describe the search.", "note")
    found = FoundItem.objects.select_for_update().get(pk=item.pk)
    if found.status != FoundStatus.IN_CUSTODY:
        raise _err("物品已不在保管中。", "No longer in custody.")
    now = now or timezone.now()
    before = snapshot(found)
    found.owner_search_notes = (
        f"{found.owner_search_notes}\n[{timezone.localtime(now):%m-%d %H:%M} {actor}] {note}".strip()
    )
    found.save(update_fields=["owner_search_notes", "updated_at"])
    record(found, actor=actor, action=HistoryAction.UPDATE, before=before, reason="寻找失主")
    return found


@transaction.atomic
def found_item_claim(
    *,
    actor,
    item: FoundItem,
    claimant_name: str,
    claimant_id_number: str,
    claim_evidence: str,
    claimant_signed: bool,
    claimant_unit: Unit | None = None,
    now: datetime | None = None,
) -> FoundItem:
    """R-INC-20: the 客服主管 confirms with the owner, returns the item and has the owner sign the register."""
    require(actor, "lostfound.claim", item.property_id)
    found = FoundItem.objects.select_for_update().select_related("property").get(pk=item.pk)
    if found.status != FoundStatus.IN_CUSTODY:
        raise Conflict(_err(f"{found.record_no} 已认领或已处理。", "Already claimed or disposed of.").message)
    claimant_name, id_number, evidence = (
        _text(claimant_name),
        _text(claimant_id_number),
        _text(claim_evidence),
    )
    if not claimant_name:
        raise _err("请填写认领人。", "Enter the claimant.", "claimant_name")
    if not id_number:
        raise _err("请登记认领人证件号码。", "Record the claimant's ID number.", "claimant_id_number")
    if not evidence:
        raise _err(
            "请记录确认失主的依据(如说出物品特征)。", "Record how ownership was confirmed.", "claim_evidence"
        )
    if not claimant_signed:
        raise _err(
            "认领人须在《捡拾物品登记表》上签字。", "The claimant signs the register.", "claimant_signed"
        )
    claimant_unit = _unit_of(found.property, claimant_unit, "claimant_unit")
    before = snapshot(found)
    found.status = FoundStatus.CLAIMED
    found.claimant_name, found.claimant_id_number, found.claim_evidence = claimant_name, id_number, evidence
    found.claimant_unit, found.claimant_signed = claimant_unit, True
    found.claimed_at, found.claim_confirmed_by = now or timezone.now(), actor
    found.save()
    record(
        found,
        actor=actor,
        action=HistoryAction.TRANSITION,
        before=before,
        from_state=FoundStatus.IN_CUSTODY,
        to_state=found.status,
    )
    return found


@transaction.atomic
def found_item_dispose(
    *, actor, item: FoundItem, method: str, note: str, now: datetime | None = None
) -> FoundItem:
    """R-INC-21: after the retention period the 客服主管 decides how the item is disposed of."""
    require(actor, "lostfound.dispose", item.property_id)
    now = now or timezone.now()
    found = FoundItem.objects.select_for_update().get(pk=item.pk)
    if found.status != FoundStatus.IN_CUSTODY:
        raise Conflict(_err(f"{found.record_no} 已认领或已处理。", "Already claimed or disposed of.").message)
    if found.retention_until >= timezone.localtime(now).date():
        raise _err(
            f"保管期限至 {found.retention_until:%Y-%m-%d},期满后方可处理。",
            f"Kept until {found.retention_until:%Y-%m-%d}; dispose of it only afterwards.",
            "method",
        )
    if method not in DisposalMethod.values:
        raise _err("请选择处理方式。", "Choose the disposal method.", "method")
    note = _text(note)
    if not note:
        raise _err("请填写处理说明。", "Describe the disposal.", "note")
    before = snapshot(found)
    found.status = FoundStatus.DISPOSED
    found.disposal_method, found.disposal_note = method, note
    found.disposed_at, found.disposal_approved_by = now, actor
    found.save()
    record(
        found,
        actor=actor,
        action=HistoryAction.TRANSITION,
        before=before,
        from_state=FoundStatus.IN_CUSTODY,
        to_state=found.status,
    )
    return found


# --- handover check of everything in custody (R-STOR-11, R-HOLD-12, R-INC-19) ----------------------------


@transaction.atomic
def custody_check_record(
    *,
    actor,
    prop: Property,
    present: set[str] | list[str],
    notes: dict | None = None,
    outgoing=None,
    note: str = "",
    now: datetime | None = None,
) -> CustodyCheck:
    """The incoming clerk ticks every stored, held and found item; anything missing tells the 客服主管.

    `present`: keys "stored:<id>", "held:<id>", "found:<id>" of the items seen; `notes`: key → explanation
    of a doubtful or missing item (R-STOR-11: the outgoing explains before leaving)."""
    from .selectors import custody_items

    require(actor, "handover.do", prop.pk)
    now = now or timezone.now()
    notes = {str(k): _text(v) for k, v in (notes or {}).items()}
    present = {str(k) for k in (present or [])}
    if outgoing is not None and (outgoing.pk == actor.pk or not _has_role(outgoing, prop.pk, CS_DESK)):
        raise _err(
            "交班人须为本项目的其他前台人员。", "The outgoing must be another desk colleague.", "outgoing"
        )
    lines = []
    for row in custody_items(prop):
        key = f"{row['kind']}:{row['id']}"
        lines.append({**row, "key": key, "present": key in present, "note": notes.get(key, "")})
    missing = [ln for ln in lines if not ln["present"]]
    check = CustodyCheck.objects.create(
        property=prop,
        checked_by=actor,
        outgoing=outgoing,
        checked_at=now,
        lines=lines,
        total=len(lines),
        missing=len(missing),
        note=_text(note),
    )
    # R-INC-19: found items are checked regularly — this is that check.
    seen_found = [ln["id"] for ln in lines if ln["kind"] == "found" and ln["present"]]
    if seen_found:
        FoundItem.objects.filter(pk__in=seen_found).update(last_checked_at=now)
    record(check, actor=actor, action=HistoryAction.CREATE)
    if missing:
        listing = "、".join(f"{ln['no']} {ln['label']}" for ln in missing[:10])
        _on_commit_notify_roles(
            prop,
            [Role.CS_SUPERVISOR],
            title=f"交接清点发现 {len(missing)} 件物品缺失",
            body=f"{listing}(清点人:{actor})",
            link=reverse("storage:check", args=[check.pk]),
            level="danger",
        )
    return check
