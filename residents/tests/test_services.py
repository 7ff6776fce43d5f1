from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.choices import Role, UnitStatus
from core.errors import DomainError, NotAllowed
from core.history import history_for
from core.models import Notification
from residents import services
from residents.choices import GrantPurpose, GrantStatus, OccupancyRole, ResidentKind
from residents.models import ArchiveAccessLog, ContactPerson, Occupancy, Resident

pytestmark = pytest.mark.django_db


def test_create_keeps_search_keys(world):
    r = services.resident_create(actor=world.frontdesk, prop=world.p1, name="张三丰", phone="138-1234-5678")
    assert (r.name_pinyin, r.name_initials, r.phone_last4) == ("zhangsanfeng", "zsf", "5678")
    r = services.resident_update(actor=world.frontdesk, resident=r, name="李四", phone="13900009999")
    assert (r.name_pinyin, r.name_initials, r.phone_last4) == ("lisi", "ls", "9999")
    assert history_for(r)[0].changes["phone"] == [
        "138****5678",
        "139****9999",
    ]  # R-ARCH-06: masked in history


def test_create_refuses_bad_input_and_wrong_role(world):
    with pytest.raises(DomainError) as e:
        services.resident_create(actor=world.frontdesk, prop=world.p1, name="  ")
    assert e.value.field == "name"
    with pytest.raises(DomainError):
        services.resident_create(actor=world.frontdesk, prop=world.p1, name="王五", phone="abc")
    with pytest.raises(NotAllowed):
        services.resident_create(actor=world.engineer, prop=world.p1, name="王五")
    with pytest.raises(NotAllowed):
        services.resident_create(actor=world.frontdesk2, prop=world.p1, name="王五")
    assert not Resident.objects.exists()


# R-ARCH-08: move-in, move-out and household changes are recorded and reported to the supervisor.
def test_occupancy_move_in_out_notifies_supervisor_and_sets_unit_status(
    world, django_capture_on_commit_callbacks
):
    r = services.resident_create(actor=world.frontdesk, prop=world.p1, name="张三")
    with django_capture_on_commit_callbacks(execute=True):
        occ = services.occupancy_start(
            actor=world.frontdesk,
            resident=r,
            unit=world.u2,
            role=OccupancyRole.TENANT,
            start=date(2024, 1, 1),
        )
    world.u2.refresh_from_db()
    assert world.u2.status == UnitStatus.LEASED  # R-ARCH-09
    assert Notification.objects.filter(recipient=world.supervisor, title__contains="迁入").count() == 1
    assert not Notification.objects.filter(recipient=world.admin1).exists()
    with pytest.raises(DomainError):
        services.occupancy_end(actor=world.frontdesk, occupancy=occ, end=date(2023, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.occupancy_end(actor=world.frontdesk, occupancy=occ, end=date(2024, 6, 30), reason="租约到期")
    world.u2.refresh_from_db()
    assert world.u2.status == UnitStatus.VACANT
    assert Notification.objects.filter(recipient=world.supervisor, title__contains="迁出").count() == 1
    assert Occupancy.objects.filter(pk=occ.pk, end=date(2024, 6, 30)).exists()  # history kept


# R-ARCH-08: a household member joining is a household change reported to the supervisor.
def test_household_member_change(world, zhangsan, django_capture_on_commit_callbacks):
    m = services.resident_create(actor=world.frontdesk, prop=world.p1, name="李梅")
    with django_capture_on_commit_callbacks(execute=True):
        services.occupancy_start(
            actor=world.frontdesk,
            resident=m,
            unit=world.u1,
            role=OccupancyRole.MEMBER,
            start=date(2024, 1, 1),
            relation="配偶",
        )
    assert Notification.objects.filter(recipient=world.supervisor, title__contains="家庭成员变动").exists()
    with pytest.raises(DomainError):  # twice the same unit
        services.occupancy_start(
            actor=world.frontdesk, resident=m, unit=world.u1, role="member", start=date(2024, 1, 1)
        )
    with pytest.raises(DomainError):  # another property's unit
        services.occupancy_start(
            actor=world.frontdesk, resident=m, unit=world.u_p2, role="member", start=date(2024, 1, 1)
        )


# R-ARCH-02 (f): the company's day-to-day contact over time.
def test_contact_person_change_keeps_history(world):
    c = services.resident_create(
        actor=world.frontdesk, prop=world.p1, name="翠湖贸易公司", kind=ResidentKind.COMPANY
    )
    first = services.contact_person_change(
        actor=world.frontdesk, company=c, name="王秘书", start=date(2023, 1, 1)
    )
    with pytest.raises(DomainError) as e:
        services.contact_person_change(
            actor=world.frontdesk, company=c, name="刘助理", start=date(2024, 1, 1)
        )
    assert e.value.field == "reason"
    services.contact_person_change(
        actor=world.frontdesk, company=c, name="刘助理", start=date(2024, 1, 1), reason="王秘书离职"
    )
    first.refresh_from_db()
    assert first.end == date(2024, 1, 1)
    assert list(ContactPerson.objects.filter(company=c, end__isnull=True).values_list("name", flat=True)) == [
        "刘助理"
    ]
    person = services.resident_create(actor=world.frontdesk, prop=world.p1, name="张三")
    with pytest.raises(DomainError):
        services.contact_person_change(
            actor=world.frontdesk, company=person, name="x", start=date(2024, 1, 1)
        )


def test_emergency_contact_void_and_archive_never_deletes(world, zhangsan):
    ec = services.emergency_contact_add(
        actor=world.frontdesk, resident=zhangsan, name="张父", phone="13700001111"
    )
    services.emergency_contact_remove(actor=world.frontdesk, contact=ec, reason="号码停用")
    ec.refresh_from_db()
    assert ec.active is False
    with pytest.raises(DomainError):  # still living in 3-1201
        services.resident_archive(actor=world.frontdesk, resident=zhangsan, reason="迁出")
    occ = zhangsan.occupancies.get()
    services.occupancy_end(actor=world.frontdesk, occupancy=occ, end=date(2024, 1, 1))
    services.resident_archive(actor=world.frontdesk, resident=zhangsan, reason="已迁出")
    assert Resident.objects.get(pk=zhangsan.pk).archived_at is not None


def test_correspondence_with_attachment(world, zhangsan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.attachments import attachments_for

    pdf = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    c = services.correspondence_add(
        actor=world.clerk,
        resident=zhangsan,
        direction="in",
        subject="装修申请",
        date=date(2024, 3, 1),
        files=[pdf],
    )
    assert [a.name for a in attachments_for(c)] == ["letter.pdf"]
    bad = SimpleUploadedFile("x.exe", b"MZ....", content_type="application/pdf")
    with pytest.raises(DomainError):
        services.correspondence_add(
            actor=world.clerk,
            resident=zhangsan,
            direction="in",
            subject="x",
            date=date(2024, 3, 1),
            files=[bad],
        )
    assert zhangsan.correspondence.count() == 1


# R-ARCH-05: request → supervisor approves → full read logged (who, why, when).
def test_confidentiality_flow(world, zhangsan, django_capture_on_commit_callbacks):
    with pytest.raises(DomainError):
        services.archive_read_full(actor=world.frontdesk, resident=zhangsan)
    with django_capture_on_commit_callbacks(execute=True):
        g = services.archive_access_request(
            actor=world.frontdesk,
            resident=zhangsan,
            reason="核对业主身份办理门禁卡",
            purpose=GrantPurpose.READ,
        )
    assert g.status == GrantStatus.PENDING
    assert Notification.objects.filter(recipient=world.supervisor, title__contains="档案查阅申请").exists()
    with pytest.raises(DomainError):  # still pending
        services.archive_read_full(actor=world.frontdesk, resident=zhangsan)
    with pytest.raises(NotAllowed):  # front desk cannot approve
        services.archive_access_decide(actor=world.admin1, grant=g, approve=True)
    g = services.archive_access_decide(actor=world.supervisor, grant=g, approve=True, note="同意")
    assert g.expires_at == g.decided_at + timedelta(hours=world.p1.archive_grant_hours)
    data = services.archive_read_full(actor=world.frontdesk, resident=zhangsan)
    assert data["phone"] == "13812345678" and data["id_number"] == "110101199001011234"
    log = ArchiveAccessLog.objects.get()
    assert (log.reader, log.reason, log.purpose) == (world.frontdesk, "核对业主身份办理门禁卡", "read")
    # the grant is the requester's: another user still cannot read
    with pytest.raises(DomainError):
        services.archive_read_full(actor=world.clerk, resident=zhangsan)
    # a read grant does not allow an export (R-ARCH-04)
    with pytest.raises(DomainError):
        services.archive_read_full(actor=world.frontdesk, resident=zhangsan, purpose=GrantPurpose.EXPORT)


# R-ARCH-05: the approval is time-limited.
def test_expired_grant_refused(world, zhangsan):
    g = services.archive_access_request(actor=world.frontdesk, resident=zhangsan, reason="核对资料信息")
    services.archive_access_decide(actor=world.supervisor, grant=g, approve=True)
    g.refresh_from_db()
    type(g).objects.filter(pk=g.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(DomainError):
        services.archive_read_full(actor=world.frontdesk, resident=zhangsan)
    assert not ArchiveAccessLog.objects.exists()


# R-ARCH-05: an approver cannot approve their own request.
def test_self_approval_refused(world, zhangsan):
    g = services.archive_access_request(actor=world.supervisor, resident=zhangsan, reason="主管自查档案")
    with pytest.raises(DomainError):
        services.archive_access_decide(actor=world.supervisor, grant=g, approve=True)
    g.refresh_from_db()
    assert g.status == GrantStatus.PENDING
    services.archive_access_decide(actor=world.manager, grant=g, approve=True)
    assert services.archive_read_full(actor=world.supervisor, resident=zhangsan)["name"] == "张三"


def test_reject_needs_note_and_decides_once(world, zhangsan):
    g = services.archive_access_request(actor=world.frontdesk, resident=zhangsan, reason="核对资料信息")
    with pytest.raises(DomainError):
        services.archive_access_decide(actor=world.supervisor, grant=g, approve=False)
    services.archive_access_decide(actor=world.supervisor, grant=g, approve=False, note="事由不充分")
    with pytest.raises(DomainError):
        services.archive_access_decide(actor=world.manager, grant=g, approve=True)
    with pytest.raises(DomainError):
        services.archive_read_full(actor=world.frontdesk, resident=zhangsan)
    with pytest.raises(NotAllowed):  # another property's supervisor
        g2 = services.archive_access_request(actor=world.frontdesk, resident=zhangsan, reason="再次申请核对")
        services.archive_access_decide(actor=world.supervisor2, grant=g2, approve=True)


def test_notify_roles_only_supervisor(world):
    assert Role.CS_SUPERVISOR == "cs_supervisor"
