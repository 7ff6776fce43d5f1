"""Visitors (访客, R-VIS): the 《访客登记表》, owners' standing instructions, keys left for visitors and
spare-key entries against a signed 《确认函》."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.masking import mask_id, mask_phone
from core.models import BaseModel, Property, Unit
from core.permissions import RestrictedQuerySet

from .choices import (
    ConfirmMethod,
    ConfirmResult,
    ContactSource,
    IdType,
    KeyStatus,
    PreauthSource,
    SpareKeyStatus,
    VisitStatus,
)

User = settings.AUTH_USER_MODEL


class VisitorPreauthorization(BaseModel):
    """业主预先交代 (R-VIS-08/09): how to receive an expected visitor, the visitor's details filled in by
    the owner in advance, valid for a period; may also cover the case nobody is home. Revocable."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="+", verbose_name=_("项目"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("房间"))
    resident = models.ForeignKey(
        "residents.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("业主")
    )
    visitor_name = models.CharField(_("访客姓名"), max_length=50)
    visitor_id_type = models.CharField(
        _("证件类型"), max_length=20, choices=IdType.choices, default=IdType.ID_CARD
    )
    visitor_id_number = models.CharField(_("证件号码"), max_length=40, blank=True)
    visitor_phone = models.CharField(_("访客电话"), max_length=30, blank=True)
    party_size = models.PositiveSmallIntegerField(_("人数"), default=1)
    valid_from = models.DateTimeField(_("有效期自"))
    valid_to = models.DateTimeField(_("有效期至"))
    nobody_home = models.BooleanField(_("届时家中无人"), default=False)
    # R-VIS-09: the visitor contacts the owner this way; the visit proceeds once the owner tells the desk.
    contact_method = models.CharField(_("业主留下的联系方式"), max_length=200, blank=True)
    instructions = models.TextField(_("接待交代"), blank=True)  # R-VIS-08
    source = models.CharField(_("来源"), max_length=10, choices=PreauthSource.choices)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("经办人")
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoke_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("访客预约(业主交代)")
        verbose_name_plural = _("访客预约(业主交代)")
        ordering = ["-valid_from", "-id"]
        indexes = [
            models.Index(fields=["property", "revoked_at", "valid_to"]),
            models.Index(fields=["unit", "valid_to"]),
        ]

    def __str__(self):
        return f"{self.unit} · {self.visitor_name}"

    def get_absolute_url(self):
        return reverse("visitors:preauths") + f"?property={self.property_id}"

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.valid_from <= at <= self.valid_to

    def masked_id_number(self) -> str:
        return mask_id(self.visitor_id_number)

    def masked_phone(self) -> str:
        return mask_phone(self.visitor_phone)


class VisitorEntry(BaseModel):
    """《访客登记表》: one visit, registration to departure (R-VIS-01/02). Serial number per property/day."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="+", verbose_name=_("项目"))
    number = models.CharField(_("登记编号"), max_length=30)
    visitor_name = models.CharField(_("访客姓名"), max_length=50)
    visitor_id_type = models.CharField(
        _("证件类型"), max_length=20, choices=IdType.choices, default=IdType.ID_CARD
    )
    visitor_id_number = models.CharField(_("证件号码"), max_length=40)
    visitor_phone = models.CharField(_("访客电话"), max_length=30, blank=True)
    party_size = models.PositiveSmallIntegerField(_("人数"), default=1)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("被访房间"))
    resident = models.ForeignKey(
        "residents.Resident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("被访住户"),
    )
    purpose = models.CharField(_("来访事由"), max_length=200)
    arrived_at = models.DateTimeField(_("来访时间"))  # R-VIS-02
    expected_leave_at = models.DateTimeField(_("预计离开时间"))  # R-VIS-02/03: 来访时间 + 访问时间
    left_at = models.DateTimeField(_("离开时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.PENDING
    )
    preauthorization = models.ForeignKey(
        VisitorPreauthorization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("业主预先交代"),
    )
    # R-VIS-04: the confirmation that let the visitor up (or turned them away).
    confirm_method = models.CharField(_("确认方式"), max_length=10, choices=ConfirmMethod.choices, blank=True)
    confirmed_with = models.CharField(_("确认人(住户方)"), max_length=50, blank=True)
    confirmed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("确认经办人")
    )
    confirm_result = models.CharField(_("确认结果"), max_length=10, choices=ConfirmResult.choices, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    contact_attempts = models.PositiveSmallIntegerField(_("联系次数"), default=0)
    message = models.TextField(_("留言"), blank=True)  # R-VIS-06
    extension_count = models.PositiveSmallIntegerField(_("延时次数"), default=0)  # R-VIS-05
    registered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    closed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    notes = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("访客登记")
        verbose_name_plural = _("访客登记")
        ordering = ["-arrived_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["property", "number"], name="visitor_entry_number")]
        indexes = [
            # "in building" / "overstaying" / "waiting": a handful of open rows among a million closed
            # ones, reached by (property, status) and ordered/ranged by expected_leave_at.
            models.Index(fields=["property", "status", "expected_leave_at"], name="visitor_open_idx"),
            # today's list, the day sheet, history by date.
            models.Index(fields=["property", "arrived_at"], name="visitor_day_idx"),
            models.Index(fields=["unit", "arrived_at"], name="visitor_unit_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.visitor_name}"

    def get_absolute_url(self):
        return reverse("visitors:entry", args=[self.pk])

    def masked_id_number(self) -> str:
        return mask_id(self.visitor_id_number)

    def masked_phone(self) -> str:
        return mask_phone(self.visitor_phone)

    def is_open(self) -> bool:
        return self.status in (VisitStatus.PENDING, VisitStatus.ADMITTED)

    def is_overstaying(self, now=None) -> bool:
        """R-VIS-03: in the building past the registered time."""
        return self.status == VisitStatus.ADMITTED and self.expected_leave_at < (now or timezone.now())

    def directions(self) -> str:
        """R-VIS-04 / R-ARCH-07: the floor and unit are told to the visitor only once the owner agreed."""
        if self.confirm_result != ConfirmResult.AGREED:
            return ""
        return f"{self.unit.floor} 层 {self.unit.label}"

    def duration_minutes(self) -> int:
        return int((self.expected_leave_at - self.arrived_at).total_seconds() // 60)


class VisitorContactAttempt(models.Model):
    """Each call / intercom try to reach the visited owner (R-VIS-04/06): the 'contact tried' trail."""

    property_path = "entry__property"

    entry = models.ForeignKey(VisitorEntry, on_delete=models.CASCADE, related_name="attempts")
    method = models.CharField(_("方式"), max_length=10, choices=ConfirmMethod.choices)
    source = models.CharField(
        _("号码来源"), max_length=10, choices=ContactSource.choices, default=ContactSource.REGISTER
    )
    contacted_with = models.CharField(_("接听人"), max_length=50, blank=True)
    result = models.CharField(_("结果"), max_length=10, choices=ConfirmResult.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("经办人"))
    at = models.DateTimeField(_("时间"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("联系业主记录")
        verbose_name_plural = _("联系业主记录")
        ordering = ["at", "id"]


class VisitorContactLookup(models.Model):
    """R-VIS-07 / R-ARCH-05: the desk read an owner's contact fields from the archive to reach them for a
    visitor — 查询人, 查询事由, 查询时间, logged for every lookup."""

    property_path = "property"

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(VisitorEntry, on_delete=models.PROTECT, related_name="lookups")
    resident = models.ForeignKey("residents.Resident", on_delete=models.PROTECT, related_name="+")
    reader = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("查询人"))
    reason = models.CharField(_("查询事由"), max_length=200)
    at = models.DateTimeField(_("查询时间"), db_index=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("访客联系方式查询记录")
        verbose_name_plural = _("访客联系方式查询记录")
        ordering = ["-at", "-id"]


class KeyForVisitor(BaseModel):
    """A unit key the owner left at the desk for a visitor: its line of the 《业主物品临时存放记录表》
    (R-VIS-10, R-HOLD-04/05/09). Handed over only after an identity check and the visitor's signature."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="+", verbose_name=_("项目"))
    number = models.CharField(_("存放编号"), max_length=30)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("单元号"))
    resident = models.ForeignKey(
        "residents.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("业主")
    )
    description = models.CharField(_("物品"), max_length=100, default="房门钥匙")
    collector_name = models.CharField(_("领取人姓名"), max_length=50)
    collector_id_number = models.CharField(_("领取人证件号码(业主提供)"), max_length=40, blank=True)
    expected_collect_at = models.DateTimeField(_("预计领取时间"), null=True, blank=True)
    envelope_sealed = models.BooleanField(_("已封入信封并注明单元号/日期/领取人"), default=False)  # R-HOLD-05
    deposited_at = models.DateTimeField(_("留存时间"))
    received_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("经办人")
    )
    status = models.CharField(_("状态"), max_length=20, choices=KeyStatus.choices, default=KeyStatus.HELD)
    # Handover (R-VIS-10): the visitor's visit, the identity check and the signature in 领取人签署.
    entry = models.ForeignKey(
        VisitorEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="keys"
    )
    checked_id_type = models.CharField(_("核验证件类型"), max_length=20, choices=IdType.choices, blank=True)
    checked_id_number = models.CharField(_("核验证件号码"), max_length=40, blank=True)
    signature_name = models.CharField(_("领取人签署"), max_length=50, blank=True)
    signed_at = models.DateTimeField(_("签署时间"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(_("退还时间"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("代访客保管钥匙")
        verbose_name_plural = _("代访客保管钥匙")
        ordering = ["-deposited_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["property", "number"], name="visitor_key_number")]
        indexes = [models.Index(fields=["property", "status", "deposited_at"])]

    def __str__(self):
        return f"{self.number} {self.unit} → {self.collector_name}"

    def get_absolute_url(self):
        return reverse("visitors:key", args=[self.pk])

    def masked_collector_id(self) -> str:
        return mask_id(self.collector_id_number)

    def masked_checked_id(self) -> str:
        return mask_id(self.checked_id_number)


class SpareKeyEntry(BaseModel):
    """备用钥匙开门 for a visitor while the owner is out (R-VIS-11/12/13, R-KEY-12): only against the owner's
    signed 《确认函》; the desk clerk who borrowed the key keeps it throughout."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="+", verbose_name=_("项目"))
    entry = models.ForeignKey(VisitorEntry, on_delete=models.PROTECT, related_name="spare_keys")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("房间"))
    resident = models.ForeignKey(
        "residents.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("业主")
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=SpareKeyStatus.choices, default=SpareKeyStatus.AWAITING_LETTER
    )
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("经办人")
    )
    letter_faxed_at = models.DateTimeField(_("确认函发出时间"))
    letter_signed_on = models.DateField(_("确认函签署日期"), null=True, blank=True)
    letter_received_at = models.DateTimeField(_("确认函收回时间"), null=True, blank=True)
    declined_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("解释的主管")
    )
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_note = models.CharField(_("解释说明"), max_length=200, blank=True)
    # R-KEY-12 (reading A): the spare key is a custodial key; its 《封存钥匙使用申请单》 is referenced here.
    key_use_ref = models.CharField(_("钥匙使用申请单号"), max_length=50, blank=True)
    lent_by = models.CharField(_("秩序维护部借出人"), max_length=50, blank=True)
    key_holder = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("持钥匙人")
    )
    key_borrowed_at = models.DateTimeField(_("借出时间"), null=True, blank=True)
    people_present = models.CharField(_("在场人员"), max_length=200, blank=True)
    entered_at = models.DateTimeField(_("进入时间"), null=True, blank=True)
    key_returned_at = models.DateTimeField(_("钥匙归还时间"), null=True, blank=True)
    exited_at = models.DateTimeField(_("离开时间"), null=True, blank=True)
    locked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    locked_at = models.DateTimeField(_("锁门时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("备用钥匙开门")
        verbose_name_plural = _("备用钥匙开门")
        ordering = ["-letter_faxed_at", "-id"]
        indexes = [models.Index(fields=["property", "status"])]

    def __str__(self):
        return f"{self.unit} · {self.entry.visitor_name}"

    def get_absolute_url(self):
        return reverse("visitors:spare_key", args=[self.pk])
