from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from openpyxl import Workbook

from core.choices import DeadlineState
from core.errors import DomainError
from core.models import Deadline, Membership
from residents import selectors, services
from residents.choices import OccupancyRole, ResidentKind
from residents.models import CustomerAssignment, Occupancy, Resident

pytestmark = pytest.mark.django_db


# R-CUST-03: balanced per administrator, taking capacity and ability into account.
def test_balanced_proposal(world, make_resident):
    Membership.objects.filter(user=world.admin1).update(capacity=100, ability=3)
    Membership.objects.filter(user=world.admin2).update(capacity=100, ability=3)
    Membership.objects.filter(user=world.supervisor).update(capacity=100, ability=3)
    first = [make_resident(f"住户{i}") for i in range(6)]
    services.customers_assign(
        actor=world.supervisor, prop=world.p1, assignments=[(r, world.admin1) for r in first]
    )
    residents = [make_resident(f"新客{i}") for i in range(12)]
    p = selectors.propose_assignment(world.p1, residents)
    totals = {h.user.username: h.total for h in p.holders}
    assert totals == {"admin1": 6, "admin2": 6, "supervisor": 6}
    assert len(p.pairs) == 12 and not any(u == world.admin1 for _, u in p.pairs)
    # capacity is a hard limit while anyone else has room: weights 6, 3.3, 3.3
    Membership.objects.filter(user=world.admin1).update(capacity=6, ability=3)
    Membership.objects.filter(user=world.admin2).update(capacity=2, ability=5)
    Membership.objects.filter(user=world.supervisor).update(capacity=10, ability=1)
    p = selectors.propose_assignment(world.p1, residents)
    assert {h.user.username: h.proposed for h in p.holders} == {"admin1": 0, "admin2": 2, "supervisor": 10}
    assert not p.over_capacity
    assert selectors.propose_assignment(world.p1, residents + [make_resident("多一位")]).over_capacity
    # ability weighs in: at equal capacity, the abler administrator is proposed more customers
    Membership.objects.filter(user=world.supervisor).update(active=False)
    Membership.objects.filter(user=world.admin1).update(capacity=100, ability=1)
    Membership.objects.filter(user=world.admin2).update(capacity=100, ability=5)
    p = selectors.propose_assignment(world.p1, residents)
    by = {h.user.username: h for h in p.holders}
    assert set(by) == {"admin1", "admin2"}
    assert by["admin2"].proposed > by["admin1"].proposed


# R-CUST-04: first contact within a week, a clock on the administrator's home page; overdue is a query.
def test_first_contact_clock_and_overdue(world, make_resident, client_as):
    r = make_resident("张三", unit=world.u1)
    (a,) = services.customers_assign(actor=world.supervisor, prop=world.p1, assignments=[(r, world.admin1)])
    assert a.first_contact_due - a.assigned_at == timedelta(days=7)
    ct = ContentType.objects.get_for_model(CustomerAssignment)
    dl = Deadline.objects.get(content_type=ct, object_id=a.pk, kind="first_contact")
    assert (
        dl.responsible == world.admin1
        and dl.state == DeadlineState.RUNNING
        and dl.link == r.get_absolute_url()
    )
    assert "首次联系客户:张三" in client_as(world.admin1).get("/").content.decode()
    later = timezone.now() + timedelta(days=8)
    assert list(selectors.overdue_first_contacts(user=world.supervisor, now=later)) == [a]
    assert list(selectors.overdue_first_contacts(user=world.admin1, now=later)) == [a]
    assert list(selectors.overdue_first_contacts(user=world.admin2, now=later)) == []
    assert list(selectors.overdue_first_contacts(user=world.supervisor)) == []
    with pytest.raises(DomainError):  # someone else's customer
        services.customer_first_contact_record(actor=world.admin2, assignment=a, note="电话联系过了")
    with pytest.raises(DomainError):
        services.customer_first_contact_record(actor=world.admin1, assignment=a, note="")
    services.customer_first_contact_record(actor=world.admin1, assignment=a, note="电话联系,介绍服务")
    dl.refresh_from_db()
    assert dl.state == DeadlineState.MET
    assert list(selectors.overdue_first_contacts(user=world.supervisor, now=later)) == []


def test_reassign_ends_previous_and_refuses_non_holder(world, make_resident):
    r = make_resident("张三")
    (a,) = services.customers_assign(actor=world.supervisor, prop=world.p1, assignments=[(r, world.admin1)])
    (b,) = services.customers_assign(actor=world.supervisor, prop=world.p1, assignments=[(r, world.admin2)])
    a.refresh_from_db()
    assert a.ended_at is not None and b.ended_at is None
    with pytest.raises(DomainError):
        services.customers_assign(actor=world.supervisor, prop=world.p1, assignments=[(r, world.frontdesk)])
    with pytest.raises(DomainError):
        services.customers_assign(actor=world.admin1, prop=world.p1, assignments=[(r, world.admin1)])


@pytest.fixture
def search_world(world, make_resident):
    zs = make_resident("张三", unit=world.u1, phone="13812345678")
    ls = make_resident("李四", unit=world.u2, phone="13900005678")
    old = make_resident("王五", unit=world.u3, phone="13700001111")
    Occupancy.objects.filter(resident=old).update(end=timezone.localdate())  # moved out
    co = make_resident(
        "翠湖科技有限公司", kind=ResidentKind.COMPANY, unit=world.u3, role=OccupancyRole.COMPANY
    )
    return {"zs": zs, "ls": ls, "old": old, "co": co}


def _names(user, q):
    return [r.name for r in selectors.resident_search(user=user, q=q)]


@pytest.mark.parametrize(
    "q,expected",
    [
        ("zs", ["张三"]),
        ("ZS", ["张三"]),
        ("zhang", ["张三"]),
        ("张", ["张三"]),
        ("3-1201", ["张三"]),
        ("3栋1201", ["张三"]),
        ("3#1201", ["张三"]),
        ("1201", ["张三"]),
        ("5678", ["张三", "李四"]),
        ("科技", ["翠湖科技有限公司"]),
        ("0501", ["翠湖科技有限公司"]),  # only current occupants: 王五 moved out
        ("13812345678", ["张三"]),
        ("nobody", []),
    ],
)
def test_search_forms(world, search_world, q, expected):
    assert sorted(_names(world.frontdesk, q)) == sorted(expected)


def test_search_results_show_units_and_are_scoped(world, search_world):
    (r,) = selectors.resident_search(user=world.frontdesk, q="zs")
    assert [u.label for u in r.current_units()] == ["3-1201"]
    assert _names(world.frontdesk2, "zs") == []
    assert _names(world.frontdesk2, "3-1201") == []
    assert _names(world.frontdesk2, "5678") == []


def _xlsx(rows, headers=("楼号", "房号", "姓名", "身份", "手机", "证件号码", "入住日期", "重点客户")):
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(row)
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def test_import_all_or_nothing_with_row_report(world):
    bad = _xlsx(
        [
            ["3", "1201", "张三", "业主", "13812345678", "", "2023-05-01", "是"],
            ["3", "9999", "李四", "业主", "", "", "2023-05-01", "否"],
            ["3", "1202", "", "租户", "123", "", "2023/13/01", "x"],
        ]
    )
    report = services.roster_import(actor=world.admin1, prop=world.p1, file=bad, dry_run=False)
    assert not report.ok and not report.written
    assert [r.row for r in report.good] == [2]
    reasons = {r.row: r.reason for r in report.bad}
    assert "9999" in reasons[3]
    assert (
        "姓名为空" in reasons[4]
        and "11 位" in reasons[4]
        and "入住日期" in reasons[4]
        and "是/否" in reasons[4]
    )
    assert not Resident.objects.exists()
    good = _xlsx(
        [
            ["3", "1201", "张三", "业主", "138 1234 5678", "", "2023-05-01", "是"],
            ["3栋", "1201", "李梅", "家庭成员", "", "", "2023.5.1", ""],
            ["", "3-1202", "赵六", "租户", "13900001111", "", "", "否"],
        ],
        headers=("楼栋", "房间号", "业主姓名", "类型", "手机号", "身份证号", "入住时间", "是否重点客户"),
    )
    preview = services.roster_import(actor=world.admin1, prop=world.p1, file=good, dry_run=True)
    assert preview.ok and not Resident.objects.exists()
    good.seek(0)
    report = services.roster_import(actor=world.admin1, prop=world.p1, file=good, dry_run=False)
    assert report.written
    zs = Resident.objects.get(name="张三")
    assert zs.is_key_customer and zs.phone == "13812345678"
    assert Occupancy.objects.filter(unit=world.u2, role="tenant", end__isnull=True).count() == 1


def test_import_refused_for_front_desk_and_other_property(world):
    from core.errors import NotAllowed

    f = _xlsx([["3", "1201", "张三", "业主", "", "", "", ""]])
    with pytest.raises(NotAllowed):
        services.roster_import(actor=world.frontdesk, prop=world.p1, file=f)
    with pytest.raises(NotAllowed):
        services.roster_import(actor=world.supervisor2, prop=world.p1, file=f)
