"""Residents and the owner archive (业主档案, R-ARCH) and customer assignment (R-CUST)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, Department, Property, Unit
from core.permissions import RestrictedQuerySet

from .choices import (
    CorrespondenceDirection,
    Gender,
    GrantPurpose,
    GrantStatus,
    NeedStatus,
    OccupancyRole,
    ResidentKind,
)


class Resident(BaseModel):
    """《业主资料登记表》: an owner, tenant, household member — or a company occupying office units."""

    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="residents", verbose_name=_("项目")
    )
    kind = models.CharField(
        _("类别"), max_length=10, choices=ResidentKind.choices, default=ResidentKind.PERSON
    )
    name = models.CharField(_("姓名/公司名称"), max_length=100)
    # Search keys kept on the row (R-ROLE-15 master data; the front desk searches by these).
    name_pinyin = models.CharField(_("拼音"), max_length=300, blank=True)
    name_initials = models.CharField(_("拼音首字母"), max_length=100, blank=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True, default="")
    phone = models.CharField(_("手机"), max_length=30, blank=True)
    phone_last4 = models.CharField(max_length=4, blank=True)
    phone2 = models.CharField(_("其他电话"), max_length=30, blank=True)
    id_number = models.CharField(_("证件号码"), max_length=40, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    is_key_customer = models.BooleanField(_("重点客户"), default=False)
    notes = models.TextField(_("备注"), blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("住户")
        verbose_name_plural = _("住户")
        ordering = ["property_id", "name_initials", "id"]
        indexes = [
            models.Index(fields=["property", "name"]),
            models.Index(fields=["property", "name_initials"]),
            models.Index(fields=["property", "phone_last4"]),
            models.Index(fields=["property", "kind"]),
            models.Index(fields=["property", "name_pinyin"]),  # search: full pinyin prefix
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("residents:detail", args=[self.pk])

    # R-ARCH-06: what pages, exports and the API show by default.
    def masked_phone(self) -> str:
        from core.masking import mask_phone

        return mask_phone(self.phone)

    def masked_id_number(self) -> str:
        from core.masking import mask_id

        return mask_id(self.id_number)

    def key_customer_label(self) -> str:
        return "是" if self.is_key_customer else ""

    def current_units(self) -> list:
        """Units of the current occupancies; uses the `current_occupancies` prefetch when present."""
        occs = getattr(self, "current_occupancies", None)
        if occs is None:
            occs = list(self.occupancies.filter(end__isnull=True).select_related("unit"))
        return [o.unit for o in occs]

    def current_units_label(self) -> str:
        return "、".join(u.label for u in self.current_units())


class Occupancy(BaseModel):
    """A resident's link to a unit over time: history survives a sale or the end of a lease."""

    property_path = "unit__property"

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="occupancies", verbose_name=_("房间")
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="occupancies", verbose_name=_("住户")
    )
    role = models.CharField(_("身份"), max_length=10, choices=OccupancyRole.choices)
    relation = models.CharField(_("与业主关系"), max_length=30, blank=True)
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("入住关系")
        verbose_name_plural = _("入住关系")
        ordering = ["-start", "id"]
        indexes = [models.Index(fields=["unit", "end"]), models.Index(fields=["resident", "end"])]


class ContactPerson(BaseModel):
    """A company's day-to-day contact (日常工作联系人); the rows over time are its 人事变迁 (R-ARCH-02 f)."""

    property_path = "company__property"

    company = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="contact_persons")
    name = models.CharField(_("联系人"), max_length=50)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)
    change_reason = models.CharField(_("变更原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("日常联系人")
        verbose_name_plural = _("日常联系人")
        ordering = ["-start", "-id"]


class EmergencyContact(BaseModel):
    """紧急事故联络人 (R-ARCH-02 e)."""

    property_path = "resident__property"

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="emergency_contacts")
    name = models.CharField(_("姓名"), max_length=50)
    relation = models.CharField(_("关系"), max_length=30, blank=True)
    phone = models.CharField(_("电话"), max_length=30)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("紧急联络人")
        verbose_name_plural = _("紧急联络人")


class Correspondence(BaseModel):
    """业主与客服部往来文件 (R-ARCH-02 g), with attachments (core.Attachment)."""

    property_path = "resident__property"

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="correspondence")
    direction = models.CharField(_("方向"), max_length=3, choices=CorrespondenceDirection.choices)
    subject = models.CharField(_("标题"), max_length=200)
    summary = models.TextField(_("摘要"), blank=True)
    date = models.DateField(_("日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("往来文件")
        verbose_name_plural = _("往来文件")
        ordering = ["-date", "-id"]


class ArchiveAccessGrant(BaseModel):
    """R-ARCH-05: reading (or exporting/printing) an archive in full needs the supervisor's prior approval,
    time-limited."""

    property_path = "resident__property"

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="access_grants")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(
        _("用途"), max_length=10, choices=GrantPurpose.choices, default=GrantPurpose.READ
    )
    reason = models.TextField(_("查询事由"))
    status = models.CharField(
        _("状态"), max_length=10, choices=GrantStatus.choices, default=GrantStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = _("档案查阅申请")
        verbose_name_plural = _("档案查阅申请")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["resident", "requested_by", "status", "expires_at"])]


class ArchiveAccessLog(models.Model):
    """R-ARCH-05: every full read: 查询人, 查询事由, 查询时间."""

    property_path = "resident__property"

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="access_logs")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    grant = models.ForeignKey(ArchiveAccessGrant, on_delete=models.PROTECT, related_name="reads")
    reason = models.TextField(_("查询事由"))
    purpose = models.CharField(_("用途"), max_length=10, choices=GrantPurpose.choices)
    at = models.DateTimeField(_("查询时间"), db_index=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("档案查阅记录")
        verbose_name_plural = _("档案查阅记录")
        ordering = ["-at"]


class CustomerAssignment(BaseModel):
    """客户分配 (R-CUST-03/04): a resident in the care of one administrator; first contact within a week."""

    property_path = "resident__property"

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="assignments")
    administrator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="customers"
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("分配时间"))
    first_contact_due = models.DateTimeField(_("首次联系期限"), db_index=True)
    first_contacted_at = models.DateTimeField(_("首次联系时间"), null=True, blank=True)
    first_contact_note = models.TextField(_("联系记录"), blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("客户分配")
        verbose_name_plural = _("客户分配")
        ordering = ["-assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=models.Q(ended_at__isnull=True),
                name="one_active_assignment_per_resident",
            )
        ]
        indexes = [models.Index(fields=["administrator", "ended_at"])]


class DevelopmentReview(BaseModel):
    """客户动态查阅记录 (R-CUST-01/02): the administrator went through their customers' developments today.
    One row per administrator, property and day: a second 已查阅 the same day updates it."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="+", verbose_name=_("项目"))
    administrator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("客服管理员")
    )
    date = models.DateField(_("日期"))
    reviewed_at = models.DateTimeField(_("查阅时间"))
    seen = models.PositiveIntegerField(_("查阅动态条数"), default=0)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("客户动态查阅记录")
        verbose_name_plural = _("客户动态查阅记录")
        ordering = ["-date", "-reviewed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["administrator", "property", "date"], name="one_development_review_per_day"
            )
        ]
        indexes = [models.Index(fields=["property", "date"])]


class CustomerNeed(BaseModel):
    """需求与信息转交 (R-CUST-06): what a 业户 said or asked for in contact with the 客服, organised and passed
    to the department concerned as work guidance; the department's answer is recorded back."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="+", verbose_name=_("项目"))
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="needs", verbose_name=_("业户")
    )
    text = models.TextField(_("需求/信息"))
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("转交部门"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.PENDING
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("记录人")
    )
    recorded_at = models.DateTimeField(_("记录时间"))
    passed_at = models.DateTimeField(_("转交时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    answer = models.TextField(_("部门反馈"), blank=True)

    class Meta:
        verbose_name = _("需求与信息转交")
        verbose_name_plural = _("需求与信息转交")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["resident", "recorded_at"]),
            models.Index(fields=["property", "status"]),
        ]

    def __str__(self):
        return f"{self.resident} · {self.text[:20]}"
