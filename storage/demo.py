"""Demo data of 寄存, 暂存 and 失物招领, made through the services with the demo staff as actors.

Per property: stored items (one large bag past its 24 hours, one sealed, one with its ticket reported lost
and a stranger who presented it, one collected and filed), held keys in sealed envelopes (one overdue),
found items (one of high value in the safe, one past its retention awaiting the supervisor's decision,
one claimed) and a handover custody check.
"""

from datetime import timedelta

from django.utils import timezone

from core.choices import Role
from core.errors import DomainError
from core.models import Membership
from residents.models import Occupancy

from . import services
from .choices import CollectMethod, DepositorKind, HeldCollectorKind, HoldCase, SizeClass
from .models import StoredItem


def _by_role(prop, staff: dict) -> dict:
    roles: dict[str, list] = {}
    ids = {u.pk: u for u in staff.values()}
    for m in Membership.objects.filter(property=prop, user_id__in=ids, active=True).order_by(
        "user__username"
    ):
        roles.setdefault(m.role, []).append(ids[m.user_id])
    return roles


def load(*, prop, staff: dict, rng) -> dict:
    if StoredItem.objects.filter(property=prop).exists():
        return {"skipped": True}
    roles = _by_role(prop, staff)
    desk = roles.get(Role.FRONT_DESK, []) + roles.get(Role.CS_ADMIN, []) + roles.get(Role.CLERK, [])
    supervisors = roles.get(Role.CS_SUPERVISOR, [])
    if not desk or not supervisors:
        return {"skipped": True}
    clerk, sup = desk[0], supervisors[0]
    other = desk[1] if len(desk) > 1 else None
    now = timezone.now()
    occs = list(
        Occupancy.objects.filter(unit__property=prop, end__isnull=True, resident__archived_at__isnull=True)
        .select_related("unit", "resident")
        .order_by("id")[:40]
    )
    if len(occs) < 6:
        return {"skipped": True}
    picks = rng.sample(occs, 6)
    made = {"stored": 0, "held": 0, "found": 0}

    def deposit(occ, **kw):
        args = {
            "actor": clerk,
            "prop": prop,
            "depositor_kind": DepositorKind.RESIDENT,
            "resident": occ.resident,
            "unit": occ.unit,
            "size_class": SizeClass.SMALL,
            "location": "前台储物柜",
            "notice_given": True,
            "parts_confirmed": True,
        }
        args.update(kw)
        made["stored"] += 1
        return services.stored_item_deposit(**args)

    # R-STOR-07: a large suitcase left 30 hours ago — past its 24 hours, the storeroom is suggested.
    deposit(
        picks[0],
        description="银色 28 寸行李箱",
        size_class=SizeClass.LARGE,
        location="行李房 1 号架",
        expected_collect_at=now + timedelta(hours=20),
        now=now - timedelta(hours=30),
    )
    # R-STOR-10: a loose parcel tied and sealed under the supervisor.
    sealed = deposit(
        picks[1],
        description="纸箱(散装书籍)两个",
        count=2,
        expected_collect_at=now + timedelta(days=2),
        now=now - timedelta(hours=3),
    )
    services.stored_item_seal(actor=clerk, item=sealed, supervisor=sup)
    # R-STOR-06: perishables only because the owner insisted.
    deposit(
        picks[2],
        description="土特产一箱(含腊肉)",
        perishable=True,
        owner_insisted=True,
        expected_collect_at=now + timedelta(hours=6),
        now=now - timedelta(hours=1),
    )
    # R-STOR-18/20: ticket reported lost, then a stranger presents it — refused, security alerted.
    lost = deposit(
        picks[3],
        description="黑色双肩包",
        expected_collect_at=now + timedelta(days=1),
        now=now - timedelta(hours=5),
    )
    services.lost_ticket_report(
        actor=clerk,
        prop=prop,
        ticket_no=lost.ticket_no,
        reporter_name=lost.depositor_name,
        unit_label=lost.unit.label,
    )
    try:
        services.stored_item_collect(
            actor=other or clerk,
            item=lost,
            method=CollectMethod.TICKET,
            presented_ticket_no=lost.ticket_no,
            collector_name="自称业主朋友的男子",
            halves_match=True,
            parts_stapled=True,
        )
    except DomainError:
        pass  # the point: refused, with the alert kept
    # a guest's item collected yesterday with the ticket, the stapled set filed by the supervisor (R-STOR-17).
    done = deposit(
        picks[4],
        depositor_kind=DepositorKind.GUEST,
        resident=None,
        depositor_name="访客陈先生",
        depositor_phone="13700001234",
        description="高尔夫球包",
        size_class=SizeClass.LARGE,
        location="行李房 2 号架",
        expected_collect_at=now - timedelta(hours=20),
        now=now - timedelta(hours=26),
    )
    services.stored_item_collect(
        actor=clerk,
        item=done,
        presented_ticket_no=done.ticket_no,
        collector_name="访客陈先生",
        halves_match=True,
        parts_stapled=True,
        carry_help=True,
        now=now - timedelta(hours=20),
    )
    services.stored_item_file(actor=sup, item=done)

    # 暂存: keys in sealed envelopes, one long overdue (R-HOLD-05/13).
    def hold(occ, **kw):
        args = {
            "actor": clerk,
            "prop": prop,
            "case": HoldCase.OWNER_FOR_OTHER,
            "unit": occ.unit,
            "owner_name": occ.resident.name,
            "depositor_name": occ.resident.name,
            "description": "入户门钥匙 2 把",
            "collector_name": "保洁阿姨刘女士",
            "is_key": True,
            "envelope_sealed": True,
            "envelope_marking": "pencil",
        }
        args.update(kw)
        made["held"] += 1
        return services.held_item_create(**args)

    hold(picks[0], collect_by=now + timedelta(hours=4), now=now - timedelta(hours=2))
    hold(
        picks[1],
        description="信箱钥匙 1 把",
        collector_name="装修公司王师傅",
        envelope_marking="sticky",
        collect_by=now - timedelta(days=3),
        now=now - timedelta(days=4),
    )
    hold(
        picks[5],
        case=HoldCase.VISITOR_FOR_OWNER,
        depositor_name="业主同事周女士",
        collector_name=picks[5].resident.name,
        description="文件袋一个",
        is_key=False,
        collect_by=now + timedelta(days=1),
        now=now - timedelta(hours=1),
    )
    given = hold(
        picks[2],
        case=HoldCase.OWNER_SELF,
        collector_name="",
        description="羽毛球拍",
        is_key=False,
        collect_by=now + timedelta(hours=2),
        now=now - timedelta(hours=8),
    )
    services.held_item_collect(
        actor=clerk,
        item=given,
        collector_kind=HeldCollectorKind.DEPOSITOR,
        collector_name=given.depositor_name,
        collector_is_resident=True,
        identity_checked=True,
        collector_signed=True,
    )
    services.holding_chase_overdue(now=now)

    # 捡拾物品: a high-value item in the safe (R-INC-17), one past retention (R-INC-21), one claimed (R-INC-20).
    def found(**kw):
        made["found"] += 1
        return services.found_item_register(actor=clerk, prop=prop, **kw)

    found(
        name="男士手表",
        quantity=1,
        features="银色钢带,表盘蓝色,背面刻字",
        found_where="会所健身房更衣室",
        found_at=now - timedelta(hours=3),
        handed_in_at=now - timedelta(hours=2, minutes=30),
        finder_name="会所前台",
        value_estimate="2500",
        now=now,
    )
    old_at = now - timedelta(days=110)
    found(
        name="儿童滑板车",
        quantity=1,
        features="粉色,把手贴卡通贴纸",
        found_where="儿童游乐区",
        found_at=old_at,
        handed_in_at=old_at + timedelta(minutes=20),
        finder_name="保洁员",
        value_estimate="80",
        storage_location="失物储物柜",
        now=old_at + timedelta(minutes=20),
    )
    umbrella = found(
        name="雨伞",
        quantity=1,
        features="黑色长柄伞",
        found_where="大堂",
        found_at=now - timedelta(days=2),
        handed_in_at=now - timedelta(days=2),
        finder_name=str(clerk),
        value_estimate="30",
        storage_location="失物储物柜",
        now=now - timedelta(days=2),
    )
    services.found_item_note_search(actor=clerk, item=umbrella, note="大堂公告栏张贴招领启事")
    services.found_item_claim(
        actor=sup,
        item=umbrella,
        claimant_name=picks[4].resident.name,
        claimant_unit=picks[4].unit,
        claimant_id_number="110101198805054321",
        claim_evidence="说出伞柄有划痕并附购买记录",
        claimant_signed=True,
    )
    if other:
        from .selectors import custody_items

        keys = [f"{r['kind']}:{r['id']}" for r in custody_items(prop)]
        services.custody_check_record(
            actor=other, prop=prop, present=keys, outgoing=clerk, note="交接清点无误"
        )
    return made
