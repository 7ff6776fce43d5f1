"""What every area shares: the office, its places, its people and their roles."""

from datetime import time

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import (
    DeadlineState,
    DepartmentKind,
    HistoryAction,
    LocationKind,
    OutboxChannel,
    OutboxStatus,
    PropertyKind,
    Role,
    UnitStatus,
)
from .permissions import RestrictedQuerySet


class BaseModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    # Path from this model to its Property, used by restrict(); None = not property-scoped.
    property_path: str | None = "property"

    class Meta:
        abstract = True


class User(AbstractUser):
    """A staff account. Its roles per property are Memberships."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("员工账号")
        verbose_name_plural = _("员工账号")

    def __str__(self):
        return self.display_name or self.username


def default_office_windows():
    return [["08:30", "12:00"], ["13:30", "17:30"]]


class Property(BaseModel):
    """管理处/物业项目. Holds the per-property settings the seed leaves open."""

    property_path = "self"

    name = models.CharField(_("项目名称"), max_length=100)
    code = models.SlugField(_("项目代码"), max_length=30, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=PropertyKind.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("服务中心电话"), max_length=30, blank=True)
    # Business calendar: several working windows a day (lunch break) — office hours, R-REL-08.
    office_windows = models.JSONField(_("办公时段"), default=default_office_windows)
    # R-DUTY-07 (reading A): the standard day shift.
    shift_start = models.TimeField(_("值班开始"), default=time(8, 0))
    shift_end = models.TimeField(_("值班结束"), default=time(19, 0))
    # R-CB-03 / R-EXP-10: no calls to residents while they rest.
    quiet_start = models.TimeField(_("免打扰开始"), default=time(21, 30))
    quiet_end = models.TimeField(_("免打扰结束"), default=time(8, 0))
    deadline_warn_share = models.PositiveSmallIntegerField(_("预警比例(%)"), default=75)
    archive_grant_hours = models.PositiveSmallIntegerField(_("档案查阅授权时长(小时)"), default=4)
    first_contact_days = models.PositiveSmallIntegerField(_("首次联系期限(天)"), default=7)  # R-CUST-04
    # 规则参数: the other values the seed leaves open, key → value (core.rule_settings; unset = default).
    rule_settings = models.JSONField(_("规则参数"), default=dict, blank=True)

    class Meta:
        verbose_name = _("物业项目")
        verbose_name_plural = _("物业项目")
        ordering = ["id"]

    def __str__(self):
        return self.name


class Building(BaseModel):
    """楼座."""

    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("项目")
    )
    name = models.CharField(_("楼座"), max_length=50)
    code = models.CharField(_("楼号"), max_length=20, help_text=_("如 3, A"))
    floors = models.PositiveSmallIntegerField(_("层数"), default=1)
    entrances = models.PositiveSmallIntegerField(_("单元数"), default=1)

    class Meta:
        verbose_name = _("楼座")
        verbose_name_plural = _("楼座")
        ordering = ["property_id", "code"]
        constraints = [models.UniqueConstraint(fields=["property", "code"], name="building_code_unique")]

    def __str__(self):
        return self.name


class Unit(BaseModel):
    """单元/房号."""

    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="units", verbose_name=_("项目")
    )
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="units", verbose_name=_("楼座")
    )
    entrance = models.CharField(_("单元"), max_length=10, blank=True)
    number = models.CharField(_("房号"), max_length=20, db_index=True)
    floor = models.SmallIntegerField(_("楼层"))
    area = models.DecimalField(_("面积(m²)"), max_digits=8, decimal_places=2)
    status = models.CharField(_("状态"), max_length=20, choices=UnitStatus.choices, default=UnitStatus.VACANT)
    # "3-1201": what people type at the desk; kept for fast exact lookup.
    label = models.CharField(_("房间"), max_length=40, db_index=True)

    class Meta:
        verbose_name = _("房间")
        verbose_name_plural = _("房间")
        ordering = ["building__code", "number"]
        constraints = [models.UniqueConstraint(fields=["building", "number"], name="unit_number_unique")]
        indexes = [models.Index(fields=["property", "number"])]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        self.label = f"{self.building.code}-{self.number}"
        super().save(*args, **kwargs)


class Location(BaseModel):
    """Public areas (公共区域) and the clubhouse (会所): places a request can point at."""

    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="locations", verbose_name=_("项目")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=LocationKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    building = models.ForeignKey(
        Building, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("楼座")
    )

    class Meta:
        verbose_name = _("公共位置")
        verbose_name_plural = _("公共位置")
        ordering = ["property_id", "kind", "name"]

    def __str__(self):
        return self.name


class Department(BaseModel):
    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="departments", verbose_name=_("项目")
    )
    kind = models.CharField(_("部门"), max_length=20, choices=DepartmentKind.choices)
    name = models.CharField(_("名称"), max_length=50)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        constraints = [models.UniqueConstraint(fields=["property", "kind"], name="department_kind_unique")]

    def __str__(self):
        return self.name


class Membership(BaseModel):
    """A staff member works for a property in a role. They see only their properties' data."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("项目")
    )
    role = models.CharField(_("岗位"), max_length=30, choices=Role.choices)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("部门")
    )
    active = models.BooleanField(_("在岗"), default=True)
    # R-CUST-03: balanced assignment takes each administrator's capacity and ability into account.
    capacity = models.PositiveIntegerField(_("客户容量"), default=300)
    ability = models.PositiveSmallIntegerField(_("业务能力(1-5)"), default=3)

    class Meta:
        verbose_name = _("岗位任职")
        verbose_name_plural = _("岗位任职")
        constraints = [models.UniqueConstraint(fields=["user", "property", "role"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.property}"


class HistoryEntry(models.Model):
    """Every change of every domain record: who, when, what (before/after), from → to, why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.BigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    property = models.ForeignKey(Property, null=True, blank=True, on_delete=models.PROTECT)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    at = models.DateTimeField(_("时间"), db_index=True)
    action = models.CharField(_("操作"), max_length=20, choices=HistoryAction.choices)
    from_state = models.CharField(_("原状态"), max_length=40, blank=True)
    to_state = models.CharField(_("新状态"), max_length=40, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)  # {field: [before, after]}
    reason = models.TextField(_("原因"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    property_path = "property"

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]


class CalendarDay(models.Model):
    """A day that differs from the ordinary week: a public holiday, or a make-up working day (调休).
    Seeded from chinese-calendar; editable by the office (property=None applies to all properties)."""

    property = models.ForeignKey(Property, null=True, blank=True, on_delete=models.CASCADE)
    date = models.DateField(_("日期"))
    is_workday = models.BooleanField(_("工作日"))
    name = models.CharField(_("名称"), max_length=50, blank=True)

    objects = RestrictedQuerySet.as_manager()
    property_path = "property"

    class Meta:
        verbose_name = _("节假日/调休")
        verbose_name_plural = _("节假日/调休")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["property", "date"], name="calendar_day_unique"),
            models.UniqueConstraint(
                fields=["date"], condition=models.Q(property__isnull=True), name="calendar_day_global_unique"
            ),
        ]


class Deadline(models.Model):
    """A due_at clock on any record. Stored when the clock starts, so "overdue" is a query."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.BigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    property = models.ForeignKey(Property, on_delete=models.PROTECT)
    kind = models.CharField(_("时限"), max_length=50)
    label = models.CharField(_("说明"), max_length=200)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="deadlines"
    )
    started_at = models.DateTimeField(_("开始"))
    due_at = models.DateTimeField(_("到期"), db_index=True)
    warn_at = models.DateTimeField(_("预警"), null=True, blank=True)
    business_hours = models.BooleanField(_("按工作时间计"), default=False)
    state = models.CharField(max_length=20, choices=DeadlineState.choices, default=DeadlineState.RUNNING)
    paused_at = models.DateTimeField(null=True, blank=True)
    remaining_seconds = models.BigIntegerField(null=True, blank=True)  # while paused
    met_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    link = models.CharField(max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()
    property_path = "property"

    class Meta:
        verbose_name = _("时限")
        verbose_name_plural = _("时限")
        indexes = [
            models.Index(fields=["state", "due_at"]),
            # A property's overdue / about-to-breach lists read only its own open clocks, in due order.
            models.Index(fields=["property", "state", "due_at"]),
            # …and one kind of record's (requests, callbacks) in due order: SQLite would otherwise pick the
            # (content_type, object_id) index and sort every open clock (2,000,000 requests: make bench).
            models.Index(fields=["content_type", "state", "due_at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"],
                condition=models.Q(state__in=["running", "paused"]),
                name="deadline_one_open_per_kind",
            )
        ]


class Notification(models.Model):
    """The staff notification centre."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    property = models.ForeignKey(Property, null=True, blank=True, on_delete=models.PROTECT)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(max_length=300, blank=True)
    level = models.CharField(max_length=20, default="info")  # info / warning / danger
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Same event, same person → one notification, however often a periodic check runs.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    property_path = "property"

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_dedupe"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]


class OutboxMessage(models.Model):
    """A message to a resident (SMS/WeChat/email), sent by an adapter; the record stays either way."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT)
    resident_ct = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    resident_id = models.BigIntegerField(null=True, blank=True)
    channel = models.CharField(_("渠道"), max_length=20, choices=OutboxChannel.choices)
    to = models.CharField(_("收件人"), max_length=200)
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    status = models.CharField(
        _("状态"), max_length=20, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED
    )
    adapter = models.CharField(max_length=50, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    property_path = "property"

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["-created_at"]


def attachment_path(instance, filename):
    return f"attachments/{instance.content_type_id}/{instance.object_id}/{filename}"


class Attachment(models.Model):
    """A photo or scan attached to any record (special-incident photos, correspondence scans)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.BigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    property = models.ForeignKey(Property, on_delete=models.PROTECT)
    file = models.FileField(_("文件"), upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))
    mime = models.CharField(_("类型"), max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    property_path = "property"

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        indexes = [models.Index(fields=["content_type", "object_id"])]


class Sequence(models.Model):
    """Serial numbers per property and key (request numbers, two-part tickets, notification slips)."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT)
    key = models.CharField(max_length=50)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")
        constraints = [models.UniqueConstraint(fields=["property", "key"], name="sequence_unique")]
