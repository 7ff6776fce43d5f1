"""寄存 (R-STOR), 暂存 (R-HOLD) and 捡拾物品 (R-INC-15..21) at the front desk."""

import builtins

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.masking import mask_id, mask_phone
from core.models import BaseModel, Property, Unit

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

USER = settings.AUTH_USER_MODEL


def _user_fk(label, **kw):
    return models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=label, **kw)


class StoredItem(BaseModel):
    """《寄存物品登记表》 line, copied from the two-part 《寄存物品认领单》 (R-STOR-05/08).

    `ticket_no` is the one number printed on both the 上联 (tied to the item) and the 下联 (given to the
    depositor). stored → collected; stored → lost_ticket (挂失) → collected with ID (R-STOR-18).
    """

    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="stored_items", verbose_name=_("项目")
    )
    ticket_no = models.CharField(_("认领单号"), max_length=30)
    status = models.CharField(
        _("状态"), max_length=20, choices=StoredStatus.choices, default=StoredStatus.STORED
    )
    depositor_kind = models.CharField(_("寄存人类别"), max_length=10, choices=DepositorKind.choices)
    resident = models.ForeignKey(
        "residents.Resident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stored_items",
        verbose_name=_("住户"),
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("房间"))
    depositor_name = models.CharField(_("寄存人"), max_length=50)
    depositor_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    intake = models.CharField(
        _("寄存方式"), max_length=10, choices=IntakeChannel.choices, default=IntakeChannel.DESK
    )
    fetched_by = _user_fk(_("上门收取的管理员"), null=True, blank=True)
    description = models.CharField(_("物品名称及特征"), max_length=300)
    count = models.PositiveSmallIntegerField(_("件数"), default=1)
    size_class = models.CharField(_("大小"), max_length=10, choices=SizeClass.choices)
    perishable = models.BooleanField(_("含食品/异味/易碎/易腐/腐蚀性物品"), default=False)
    owner_insisted = models.BooleanField(_("业主坚持寄存,自行负责"), default=False)
    warnings = models.JSONField(_("提示记录"), default=list, blank=True)
    expected_collect_at = models.DateTimeField(_("预计领取时间"))
    storeroom_due_at = models.DateTimeField(_("建议转储物间时间"), db_index=True)
    storeroom_suggested = models.BooleanField(_("已建议使用储物间"), default=False)
    location = models.CharField(_("存放位置"), max_length=100)
    sealed = models.BooleanField(_("已封条"), default=False)
    sealed_at = models.DateTimeField(_("封条时间"), null=True, blank=True)
    seal_supervisor = _user_fk(_("监督封条的客服主管"), null=True, blank=True)
    deposited_at = models.DateTimeField(_("寄存时间"), db_index=True)
    deposited_by = _user_fk(_("经办人"))

    class Meta:
        verbose_name = _("寄存物品")
        verbose_name_plural = _("寄存物品登记表")
        ordering = ["-deposited_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["property", "ticket_no"], name="stored_item_ticket_unique")
        ]
        indexes = [models.Index(fields=["property", "status"])]

    def __str__(self):
        return f"{self.ticket_no} {self.description}"

    def get_absolute_url(self):
        return reverse("storage:item", args=[self.pk])

    @builtins.property
    def in_custody(self) -> bool:
        return self.status != StoredStatus.COLLECTED

    def masked_phone(self) -> str:
        return mask_phone(self.depositor_phone)

    def storeroom_overdue(self, now=None) -> bool:
        return self.in_custody and self.storeroom_due_at <= (now or timezone.now())


class StorageCollection(BaseModel):
    """The collection of a stored item (R-STOR-12..17): who took it, against which ticket, and the filing."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="+", verbose_name=_("项目"))
    item = models.OneToOneField(
        StoredItem, on_delete=models.PROTECT, related_name="collection", verbose_name=_("寄存物品")
    )
    method = models.CharField(_("领取方式"), max_length=10, choices=CollectMethod.choices)
    presented_ticket_no = models.CharField(_("出示单号"), max_length=30, blank=True)
    collector_name = models.CharField(_("领取人"), max_length=50)
    collector_is_depositor = models.BooleanField(_("寄存人本人领取"), default=True)
    collector_id_number = models.CharField(_("领取人证件号码"), max_length=40, blank=True)
    halves_match = models.BooleanField(_("上下联号码与内容相符"), default=False)  # R-STOR-14
    inspected_ok = models.BooleanField(_("当面验收无异议"), default=True)  # R-STOR-15
    damage_note = models.TextField(_("缺损情况说明"), blank=True)
    compensation = models.DecimalField(
        _("照价赔偿金额"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    carry_help = models.BooleanField(_("协助搬运"), default=False)  # R-STOR-16
    parts_stapled = models.BooleanField(_("上下联已钉合"), default=False)  # R-STOR-17
    collected_at = models.DateTimeField(_("领取时间"))
    released_by = _user_fk(_("发放人"))
    filed_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    filed_by = _user_fk(_("归档的客服主管"), null=True, blank=True)

    class Meta:
        verbose_name = _("寄存领取记录")
        verbose_name_plural = _("寄存领取记录")
        ordering = ["-collected_at", "-id"]

    def masked_id_number(self) -> str:
        return mask_id(self.collector_id_number)


class LostTicketReport(BaseModel):
    """挂失 of a 下联 (R-STOR-18/19): the depositor gives room, name and ticket number."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="+", verbose_name=_("项目"))
    item = models.ForeignKey(
        StoredItem, on_delete=models.PROTECT, related_name="lost_reports", verbose_name=_("寄存物品")
    )
    reporter_name = models.CharField(_("挂失人"), max_length=50)
    unit_label = models.CharField(_("房间号"), max_length=40, blank=True)
    outcome = models.CharField(_("结果"), max_length=20, choices=LostReportOutcome.choices)
    note = models.TextField(_("备注"), blank=True)
    reported_at = models.DateTimeField(_("挂失时间"))
    recorded_by = _user_fk(_("受理人"))

    class Meta:
        verbose_name = _("认领单挂失")
        verbose_name_plural = _("认领单挂失")
        ordering = ["-reported_at", "-id"]


class LostTicketAlert(BaseModel):
    """R-STOR-20: someone presented a ticket reported lost. Kept (and security told) although the release
    is refused."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="+", verbose_name=_("项目"))
    item = models.ForeignKey(
        StoredItem, on_delete=models.PROTECT, related_name="alerts", verbose_name=_("寄存物品")
    )
    presenter_name = models.CharField(_("来人自称"), max_length=50, blank=True)
    raised_at = models.DateTimeField(_("报警时间"))
    raised_by = _user_fk(_("前台"))

    class Meta:
        verbose_name = _("挂失单出示警报")
        verbose_name_plural = _("挂失单出示警报")
        ordering = ["-raised_at", "-id"]


class HeldItem(BaseModel):
    """《业主物品临时存放记录表》 (alias 《业主物品暂时存放记录》, R-HOLD-07: one record type) with its
    《物品临时存放标签》 (R-HOLD-04) — keys in sealed envelopes (R-HOLD-05)."""

    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="held_items", verbose_name=_("项目")
    )
    record_no = models.CharField(_("编号"), max_length=30)
    case = models.CharField(_("存放情形"), max_length=20, choices=HoldCase.choices)
    status = models.CharField(_("状态"), max_length=20, choices=HeldStatus.choices, default=HeldStatus.HELD)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("单元号"))
    owner_name = models.CharField(_("业主姓名"), max_length=50)
    resident = models.ForeignKey(
        "residents.Resident", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("住户")
    )
    depositor_name = models.CharField(_("存放人"), max_length=50)
    description = models.CharField(_("物品"), max_length=200)
    count = models.PositiveSmallIntegerField(_("数量"), default=1)
    is_key = models.BooleanField(_("钥匙"), default=False)
    envelope_sealed = models.BooleanField(_("已装信封封口"), default=False)
    envelope_marking = models.CharField(
        _("信封标注方式"), max_length=10, choices=EnvelopeMarking.choices, blank=True
    )
    collector_name = models.CharField(_("领取人姓名"), max_length=50)
    collect_by = models.DateTimeField(_("约定领取时间"), db_index=True)
    held_at = models.DateTimeField(_("留存时间"))
    handled_by = _user_fk(_("经办人"))
    # R-HOLD-13: chasing items left long past their collection time.
    chase_count = models.PositiveSmallIntegerField(_("催领次数"), default=0)
    last_chased_at = models.DateTimeField(_("最近催领"), null=True, blank=True)
    chase_note = models.TextField(_("联系存放人记录"), blank=True)
    # Collection (R-HOLD-08/09/11).
    collected_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    released_by = _user_fk(_("发放人"), null=True, blank=True)
    collector_kind = models.CharField(
        _("领取人身份"), max_length=20, choices=HeldCollectorKind.choices, blank=True
    )
    collected_by_name = models.CharField(_("实际领取人"), max_length=50, blank=True)
    collector_is_resident = models.BooleanField(_("领取人为住户"), default=False)
    identity_checked = models.BooleanField(_("已核实身份"), default=False)
    collector_id_number = models.CharField(_("领取人证件号码"), max_length=40, blank=True)
    depositor_confirmed_via = models.CharField(
        _("存放人确认方式"), max_length=20, choices=ConfirmVia.choices, blank=True
    )
    depositor_confirmed_at = models.DateTimeField(_("存放人确认时间"), null=True, blank=True)
    collector_signed = models.BooleanField(_("领取人签署"), default=False)
    carry_help = models.BooleanField(_("协助搬运"), default=False)  # R-HOLD-10

    class Meta:
        verbose_name = _("暂存物品")
        verbose_name_plural = _("业主物品临时存放记录表")
        ordering = ["-held_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["property", "record_no"], name="held_item_no_unique")]
        indexes = [models.Index(fields=["property", "status"])]

    def __str__(self):
        return f"{self.record_no} {self.description}"

    def get_absolute_url(self):
        return reverse("storage:held", args=[self.pk])

    def masked_id_number(self) -> str:
        return mask_id(self.collector_id_number)

    def overdue(self, now=None) -> bool:
        return self.status == HeldStatus.HELD and self.collect_by < (now or timezone.now())


class FoundItem(BaseModel):
    """《捡拾物品登记表》 (R-INC-16/20): found items in the front desk's custody until claimed or disposed of."""

    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="found_items", verbose_name=_("项目")
    )
    record_no = models.CharField(_("编号"), max_length=30)
    status = models.CharField(
        _("状态"), max_length=20, choices=FoundStatus.choices, default=FoundStatus.IN_CUSTODY
    )
    name = models.CharField(_("物品名称"), max_length=100)
    quantity = models.PositiveSmallIntegerField(_("数量"), default=1)
    features = models.TextField(_("物品特征"))
    found_where = models.CharField(_("拾获地点"), max_length=200)
    found_at = models.DateTimeField(_("拾获时间"))
    finder_name = models.CharField(_("拾获人"), max_length=50)
    finder = _user_fk(_("拾获员工"), null=True, blank=True)
    handed_in_at = models.DateTimeField(_("交到前台时间"))
    late_report = models.BooleanField(_("未及时上交"), default=False)  # R-INC-15
    registered_by = _user_fk(_("登记人"))
    value_estimate = models.DecimalField(_("估计价值(元)"), max_digits=10, decimal_places=2)
    high_value_override = models.BooleanField(_("按贵重物品处理"), default=False)  # R-INC-18 override
    high_value = models.BooleanField(_("贵重物品"), default=False)
    storage_location = models.CharField(_("保管位置"), max_length=100)
    retention_until = models.DateField(_("保管期限至"), db_index=True)
    owner_search_notes = models.TextField(_("寻找失主记录"), blank=True)
    last_checked_at = models.DateTimeField(_("最近检查"), null=True, blank=True)  # R-INC-19
    # Claim (R-INC-20).
    claimant_name = models.CharField(_("认领人"), max_length=50, blank=True)
    claimant_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("认领人房间")
    )
    claimant_id_number = models.CharField(_("认领人证件号码"), max_length=40, blank=True)
    claim_evidence = models.TextField(_("确认失主的依据"), blank=True)
    claimant_signed = models.BooleanField(_("认领人已签字"), default=False)
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    claim_confirmed_by = _user_fk(_("确认的客服主管"), null=True, blank=True)
    # Disposal after the retention period (R-INC-21).
    disposal_method = models.CharField(
        _("处理方式"), max_length=20, choices=DisposalMethod.choices, blank=True
    )
    disposal_note = models.TextField(_("处理说明"), blank=True)
    disposed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    disposal_approved_by = _user_fk(_("批准人"), null=True, blank=True)

    class Meta:
        verbose_name = _("捡拾物品")
        verbose_name_plural = _("捡拾物品登记表")
        ordering = ["-found_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["property", "record_no"], name="found_item_no_unique")]
        indexes = [models.Index(fields=["property", "status"])]

    def __str__(self):
        return f"{self.record_no} {self.name}"

    def get_absolute_url(self):
        return reverse("storage:found", args=[self.pk])

    def masked_id_number(self) -> str:
        return mask_id(self.claimant_id_number)

    def retention_over(self, today=None) -> bool:
        return self.status == FoundStatus.IN_CUSTODY and self.retention_until < (
            today or timezone.localdate()
        )


class CustodyCheck(BaseModel):
    """The incoming clerk's check of every stored, held and found item at a shift change (R-STOR-11,
    R-HOLD-12, R-INC-19). `lines`: [{"kind", "id", "no", "label", "present", "note"}]."""

    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="custody_checks", verbose_name=_("项目")
    )
    checked_by = _user_fk(_("接班人"))
    outgoing = _user_fk(_("交班人"), null=True, blank=True)
    checked_at = models.DateTimeField(_("检查时间"), db_index=True)
    lines = models.JSONField(_("清点明细"), default=list)
    total = models.PositiveIntegerField(_("应有件数"), default=0)
    missing = models.PositiveIntegerField(_("缺失件数"), default=0)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("寄存/暂存/失物交接清点")
        verbose_name_plural = _("寄存/暂存/失物交接清点")
        ordering = ["-checked_at", "-id"]

    def get_absolute_url(self):
        return reverse("storage:check", args=[self.pk])

    def missing_lines(self):
        return [ln for ln in self.lines if not ln.get("present")]
