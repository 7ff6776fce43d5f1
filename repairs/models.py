"""Repairs (报修): the 《工程维修单》 detail of a ServiceRequest, spare-key entries, the engineering fee
schedule and the charges of paid repairs, emergency loss records and the 《事故报告》, and the daily return of
the first copies (第一联) with the 《未完成工程维修记录》."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, Property

from .choices import (
    AccidentReportStatus,
    ChargeKind,
    HoldReason,
    NotifyMethod,
    PaymentMethod,
    PriceCategory,
    RepairScope,
    Severity,
    SignerRole,
)

USER = settings.AUTH_USER_MODEL


class RepairOrder(BaseModel):
    """《工程维修单》(= 维修工作单 = 《维修作业单》, R-REP-02): what the request page's panel shows and edits."""

    property_path = "request__property"

    request = models.OneToOneField(
        "servicedesk.ServiceRequest", primary_key=True, on_delete=models.PROTECT, related_name="repair"
    )
    scope = models.CharField(_("报修范围"), max_length=20, choices=RepairScope.choices)
    # R-REP-03 / R-REP-04
    special_requests = models.TextField(_("特殊要求"), blank=True)
    available_times = models.CharField(_("可进行维修的时间"), max_length=200, blank=True)
    appointment_at = models.DateTimeField(_("预约服务时间"), null=True, blank=True)
    spare_key_allowed = models.BooleanField(_("户内无人时可用备用钥匙进入"), default=False)
    spare_key_reconfirmed_at = models.DateTimeField(_("备用钥匙授权复核时间"), null=True, blank=True)
    spare_key_reconfirmed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("复核人")
    )
    spare_key_reconfirm_note = models.CharField(_("复核记录"), max_length=200, blank=True)
    accompany_requested = models.BooleanField(_("业户要求客服陪同"), default=False)  # R-REP-09
    # R-REP-17 / R-REP-20: who reported a public-area or clubhouse fault
    reporter_department = models.CharField(_("报修人部门"), max_length=50, blank=True)
    # R-REP-05 / R-REP-25
    notified_at = models.DateTimeField(_("通知工程部时间"), null=True, blank=True)
    notified_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    notify_method = models.CharField(_("通知方式"), max_length=20, choices=NotifyMethod.choices, blank=True)
    paper_skipped = models.BooleanField(_("紧急情况暂不填单"), default=False)
    severity = models.CharField(_("严重程度"), max_length=20, choices=Severity.choices, blank=True)
    supervisor_informed_at = models.DateTimeField(_("通知客服主管时间"), null=True, blank=True)
    # R-REP-07 / R-REP-08
    collected_at = models.DateTimeField(_("工程部接单时间"), null=True, blank=True)
    collector = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("取单人")
    )
    collector_signature = models.CharField(_("取单人签字"), max_length=50, blank=True)
    collect_late = models.BooleanField(_("接单超时"), default=False)
    # R-REP-09 / R-REP-25
    arrived_at = models.DateTimeField(_("到场时间"), null=True, blank=True)
    cs_on_site = models.BooleanField(_("管理员到场/陪同"), default=False)
    arrive_late = models.BooleanField(_("到场超时"), default=False)
    # R-REP-12 / R-REP-13
    hold_reason_kind = models.CharField(_("暂停原因"), max_length=20, choices=HoldReason.choices, blank=True)
    hold_reason = models.TextField(_("未能立即维修的原因"), blank=True)
    held_at = models.DateTimeField(_("暂停时间"), null=True, blank=True)
    resident_agreed = models.BooleanField(_("业户已知悉并同意"), default=False)
    rescheduled_for = models.DateTimeField(_("约定再次维修时间"), null=True, blank=True)
    remind_at = models.DateTimeField(_("提醒工程部时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("已提醒工程部"), null=True, blank=True)
    # R-REP-10 / R-REP-21
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    result = models.TextField(_("维修结果"), blank=True)
    repairer_signature = models.CharField(_("维修人签字"), max_length=50, blank=True)
    signer_name = models.CharField(_("验收签字"), max_length=50, blank=True)
    signer_role = models.CharField(_("签字人身份"), max_length=20, choices=SignerRole.choices, blank=True)
    signed_at = models.DateTimeField(_("签字时间"), null=True, blank=True)
    resident_comment = models.TextField(_("业户意见"), blank=True)
    # R-REP-11 / R-REP-19
    engineer_reported_at = models.DateTimeField(_("工程部电话通知客服时间"), null=True, blank=True)
    cs_confirmed_at = models.DateTimeField(_("客服与业户确认时间"), null=True, blank=True)
    cs_confirmed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("确认人")
    )
    cs_confirm_note = models.CharField(_("确认记录"), max_length=300, blank=True)
    # R-REP-15
    is_paid = models.BooleanField(_("有偿维修"), default=False)
    payment_method = models.CharField(_("交费方式"), max_length=20, choices=PaymentMethod.choices, blank=True)

    class Meta:
        verbose_name = _("工程维修单")
        verbose_name_plural = _("工程维修单")

    def __str__(self):
        return f"《工程维修单》{self.request.number}"

    def get_absolute_url(self):
        return reverse("servicedesk:detail", args=[self.pk])

    @property
    def charges_total(self) -> Decimal:
        return sum((c.total for c in self.charges.all()), Decimal("0.00"))


class SpareKeyEntry(BaseModel):
    """R-REP-14: entering a unit with the spare key when nobody is home — the three departments, named, with
    times; they leave together (one leaving time for all three)."""

    property_path = "order__request__property"

    order = models.ForeignKey(RepairOrder, on_delete=models.PROTECT, related_name="key_entries")
    cs_person = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("客服部人员")
    )
    security_person = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("秩序维护部人员")
    )
    engineering_person = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("工程部人员")
    )
    entered_at = models.DateTimeField(_("进入时间"))
    left_at = models.DateTimeField(_("离开时间"), null=True, blank=True)
    key_reference = models.CharField(_("钥匙编号/封存登记"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("备用钥匙入户记录")
        verbose_name_plural = _("备用钥匙入户记录")
        ordering = ["entered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=models.Q(left_at__isnull=True), name="repair_one_open_key_entry"
            )
        ]


class PriceItem(BaseModel):
    """R-PAID-06 《工程维修服务收费标准》: installation and repair items, labour only (不包括材料费).
    Prices are blank in the seed: the office enters them (R-PAID-04 INTERPRETATION)."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="repair_prices")
    category = models.CharField(_("类别"), max_length=20, choices=PriceCategory.choices)
    seq = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("服务项目"), max_length=100)
    price = models.DecimalField(
        _("价格(元,不含材料)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("单位"), max_length=20, blank=True, default="次")
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("工程维修收费标准")
        verbose_name_plural = _("工程维修收费标准")
        ordering = ["property_id", "category", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["property", "category", "seq"], name="repair_price_seq_unique")
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.seq}. {self.name}"


class RepairCharge(BaseModel):
    """A line of a paid repair: a fee-schedule item (labour), its materials, or an unlisted part with the 20%
    service fee (R-REP-16). Priced to the resident and confirmed by them before the work (R-REP-15)."""

    property_path = "order__request__property"

    order = models.ForeignKey(RepairOrder, on_delete=models.PROTECT, related_name="charges")
    kind = models.CharField(_("类型"), max_length=20, choices=ChargeKind.choices)
    price_item = models.ForeignKey(
        PriceItem, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("收费标准项目")
    )
    description = models.CharField(_("项目/材料/零部件"), max_length=200)
    quantity = models.DecimalField(_("数量"), max_digits=8, decimal_places=2, default=Decimal("1"))
    unit_price = models.DecimalField(_("单价(元)"), max_digits=10, decimal_places=2)
    amount = models.DecimalField(_("金额(元)"), max_digits=12, decimal_places=2)
    service_fee = models.DecimalField(_("服务费(元)"), max_digits=12, decimal_places=2, default=Decimal("0"))
    total = models.DecimalField(_("合计(元)"), max_digits=12, decimal_places=2)
    resident_confirmed_at = models.DateTimeField(_("业户确认时间"), null=True, blank=True)
    resident_confirmed_name = models.CharField(_("业户确认人"), max_length=50, blank=True)
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("维修收费明细")
        verbose_name_plural = _("维修收费明细")
        ordering = ["id"]


class LossRecord(BaseModel):
    """R-REP-27: the losses on site of an emergency, photographed and recorded."""

    property_path = "order__request__property"

    order = models.ForeignKey(RepairOrder, on_delete=models.PROTECT, related_name="losses")
    item = models.CharField(_("受损物品/部位"), max_length=100)
    description = models.TextField(_("损失情况"))
    estimated_amount = models.DecimalField(
        _("估计损失(元)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("损失记录")
        verbose_name_plural = _("损失记录")
        ordering = ["recorded_at", "id"]


class AccidentReport(BaseModel):
    """《事故报告》 (R-REP-28): filled by the 管理员 after an emergency repair, submitted to the 客服主管."""

    property_path = "order__request__property"

    order = models.OneToOneField(RepairOrder, on_delete=models.PROTECT, related_name="accident_report")
    occurred_at = models.DateTimeField(_("发生时间"))
    facts = models.TextField(_("事件经过"))
    severity = models.CharField(_("严重程度"), max_length=20, choices=Severity.choices)
    impact = models.TextField(_("对业户造成的影响及可能后果"), blank=True)
    handling = models.TextField(_("处理情况"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=AccidentReportStatus.choices, default=AccidentReportStatus.DRAFT
    )
    filled_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("填报人"))
    submitted_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("客服主管")
    )
    acknowledged_at = models.DateTimeField(_("主管阅示时间"), null=True, blank=True)
    supervisor_note = models.CharField(_("主管意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("事故报告")
        verbose_name_plural = _("事故报告")


class DailyReturn(BaseModel):
    """R-REP-23: the 工程部 returns the first copies (第一联) of the day's work orders to CS before 17:00.
    R-REP-24: the unfinished ones make the 《未完成工程维修记录》, passed to the 工程部主管 the next day."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="repair_returns")
    date = models.DateField(_("日期"))
    returned_at = models.DateTimeField(_("交回时间"))
    returned_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("工程部交单人")
    )
    received_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("客服部收单人")
    )
    late = models.BooleanField(_("17:00 后交回"), default=False)
    handed_to_supervisor_at = models.DateTimeField(_("转交工程部主管时间"), null=True, blank=True)
    handed_to = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("工程部主管")
    )

    class Meta:
        verbose_name = _("工程维修单交回记录")
        verbose_name_plural = _("工程维修单交回记录")
        ordering = ["-date", "-id"]
        constraints = [models.UniqueConstraint(fields=["property", "date"], name="repair_return_day_unique")]


class DailyReturnLine(models.Model):
    """One order's first copy in a day's return; each order is returned once (R-REP-23 INTERPRETATION)."""

    daily_return = models.ForeignKey(DailyReturn, on_delete=models.PROTECT, related_name="lines")
    order = models.OneToOneField(RepairOrder, on_delete=models.PROTECT, related_name="return_line")
    finished = models.BooleanField(_("已完成"))
    status_at_return = models.CharField(_("交回时状态"), max_length=30)
    unfinished_reason = models.CharField(_("未完成原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("交回明细")
        verbose_name_plural = _("交回明细")
        ordering = ["id"]
