"""Letters (R-LET), express items / registered mail / parcels / money orders (R-EXP) and the mail
notification slips (R-SLIP) at the front desk."""

import builtins

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, OutboxMessage, Property, Unit
from core.permissions import RestrictedQuerySet
from residents.models import Resident

from .choices import (
    HELD_STATUSES,
    AddresseeMatch,
    AttemptChannel,
    AttemptOutcome,
    CollectionMode,
    FaultStatus,
    InstructionKind,
    LetterKind,
    LetterStatus,
    MailKind,
    OwnerChoice,
    ParcelStatus,
    ReceiptMark,
    SlipStatus,
    VerifyMethod,
)

USER = settings.AUTH_USER_MODEL


class MailInstruction(BaseModel):
    """Special mail instructions of a resident (R-LET-03: hold at the desk) and the forwarding contact
    left when a tenancy ends (R-LET-07/10)."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="mail_instructions", verbose_name=_("住户")
    )
    kind = models.CharField(_("指示"), max_length=10, choices=InstructionKind.choices)
    contact_name = models.CharField(_("联系人/代领人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("邮件特别指示")
        verbose_name_plural = _("邮件特别指示")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["resident", "ended_at"])]

    def __str__(self):
        return f"{self.resident} · {self.get_kind_display()}"


class Letter(BaseModel):
    """《邮件投送记录表》 — one letter, newspaper or document received by the front desk (R-LET-01/03)."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=10, choices=LetterKind.choices, default=LetterKind.LETTER)
    sender = models.CharField(_("寄件人"), max_length=100, blank=True)
    addressee_name = models.CharField(_("收件人姓名"), max_length=100)
    unit_text = models.CharField(_("信封所写房号"), max_length=40, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("房间"))
    resident = models.ForeignKey(
        Resident,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
        verbose_name=_("住户"),
    )
    match = models.CharField(_("核对结果"), max_length=10, choices=AddresseeMatch.choices)
    verify_method = models.CharField(
        _("核实方式"), max_length=12, choices=VerifyMethod.choices, blank=True, default=""
    )
    hold_instruction = models.BooleanField(_("业主要求留前台"), default=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=LetterStatus.choices, default=LetterStatus.REGISTERED
    )
    received_on = models.DateField(_("收件日期"))
    registered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    delivered_at = models.DateTimeField(_("投递时间"), null=True, blank=True)
    delivered_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    held_reason = models.CharField(_("留存原因"), max_length=200, blank=True)
    collected_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    collector_name = models.CharField(_("签收人"), max_length=50, blank=True)
    return_reason = models.CharField(_("退信原因"), max_length=200, blank=True)
    returned_at = models.DateTimeField(_("退信时间"), null=True, blank=True)
    return_due_on = models.DateField(_("交回邮递员日期"), null=True, blank=True)
    handed_back_at = models.DateTimeField(_("已交回邮递员"), null=True, blank=True)

    class Meta:
        verbose_name = _("邮件投送记录")
        verbose_name_plural = _("邮件投送记录")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["property", "status", "received_on"]),
            models.Index(fields=["property", "received_on"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.addressee_name}"

    def get_absolute_url(self):
        return reverse("parcels:letter", args=[self.pk])


class MailboxFault(BaseModel):
    """R-LET-08: a damaged mailbox or lock found while delivering."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("房间"))
    description = models.CharField(_("损坏情况"), max_length=200)
    owner_informed = models.BooleanField(_("已告知业主"), default=False)
    owner_agreed = models.BooleanField(_("业主同意报修"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=FaultStatus.choices, default=FaultStatus.OPEN)
    found_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("报工程部时间"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("信箱损坏")
        verbose_name_plural = _("信箱损坏")
        ordering = ["-created_at"]


class ParcelBatch(BaseModel):
    """One courier's delivery logged at once (bulk arrival)."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="+")
    courier = models.CharField(_("快递公司"), max_length=50)
    is_postal = models.BooleanField(_("邮政(EMS)"), default=False)
    received_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("接收时间"))
    count = models.PositiveIntegerField(_("件数"), default=0)

    class Meta:
        verbose_name = _("批量接收")
        verbose_name_plural = _("批量接收")
        ordering = ["-received_at"]


class ParcelQuerySet(RestrictedQuerySet):
    def held(self):
        """Items still at the desk. The statuses are written into the SQL as constants (not bound
        parameters) so SQLite's planner can use the held-items indexes even when ANALYZE statistics say
        the status column is unselective (hundreds of thousands of collected items, a few hundred held)."""
        return self.filter(
            RawSQL(
                '"parcels_parcel"."status" IN (%s)' % ", ".join(f"'{s}'" for s in HELD_STATUSES),  # noqa: UP031
                (),
                output_field=models.BooleanField(),
            )
        )


class Parcel(BaseModel):
    """An express item, registered letter, parcel, parcel slip or money order held for a resident
    (R-EXP-01); every such item is a line of the 《邮件投送记录表》 (R-EXP-12)."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="+")
    objects = ParcelQuerySet.as_manager()
    batch = models.ForeignKey(
        ParcelBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="parcels"
    )
    kind = models.CharField(_("类别"), max_length=12, choices=MailKind.choices, default=MailKind.EXPRESS)
    courier = models.CharField(_("快递公司"), max_length=50)
    is_postal = models.BooleanField(_("邮政(EMS)"), default=False)
    tracking_no = models.CharField(_("运单号"), max_length=60, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("房间"))
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="parcels", verbose_name=_("收件人")
    )
    oversize = models.BooleanField(_("超大件(放不进信箱)"), default=False)
    shelf = models.CharField(_("存放位置"), max_length=20, blank=True)
    receipt_mark = models.CharField(
        _("收件凭证"), max_length=10, choices=ReceiptMark.choices, blank=True, default=""
    )
    consent_by = models.CharField(_("同意代签人"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("接收时间"))
    received_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("接收人")
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ParcelStatus.choices, default=ParcelStatus.RECEIVED
    )
    owner_choice = models.CharField(
        _("业主选择"), max_length=10, choices=OwnerChoice.choices, blank=True, default=""
    )
    reached_at = models.DateTimeField(_("联系上业主"), null=True, blank=True)
    notified_at = models.DateTimeField(_("首次通知"), null=True, blank=True)
    # The cadence of R-EXP-10/11: when the desk should phone next; None once the owner is reached.
    next_call_at = models.DateTimeField(_("下次致电"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("联系次数"), default=0)
    not_collected_reason = models.CharField(_("未领原因"), max_length=200, blank=True)  # R-EXP-13
    chased_on = models.DateField(_("最近跟进日"), null=True, blank=True)
    released_at = models.DateTimeField(_("领取/送达时间"), null=True, blank=True)
    released_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    collector_name = models.CharField(_("签收人"), max_length=50, blank=True)
    collector_relation = models.CharField(_("与收件人关系"), max_length=30, blank=True)
    id_checked = models.BooleanField(_("已核对身份"), default=False)
    return_reason = models.CharField(_("退回原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("快件/包裹")
        verbose_name_plural = _("快件/包裹")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["property", "status", "received_at"], name="parcel_prop_status_recv"),
            # Held items only (a few hundred among hundreds of thousands): the desk summary, the held list
            # and the call list stay index-only whatever the history (SQLite and PostgreSQL partial indexes).
            models.Index(
                fields=["property", "received_at"],
                condition=Q(status__in=["received", "notified"]),
                name="parcel_held_recv",
            ),
            models.Index(
                fields=["property", "next_call_at"],
                condition=Q(status__in=["received", "notified"]),
                name="parcel_held_next_call",
            ),
            models.Index(fields=["property", "tracking_no"], name="parcel_prop_tracking"),
            models.Index(fields=["unit", "status"], name="parcel_unit_status"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.tracking_no or self.pk} · {self.resident}"

    def get_absolute_url(self):
        return reverse("parcels:parcel", args=[self.pk])

    def is_held(self) -> bool:
        return self.status in HELD_STATUSES


class NotifyAttempt(models.Model):
    """One attempt to tell the owner: a phone call, an SMS/WeChat through the outbox, or a handwritten
    快件通知单 in the mailbox (R-EXP-10)."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="+")
    parcel = models.ForeignKey(
        Parcel, null=True, blank=True, on_delete=models.CASCADE, related_name="attempts_log"
    )
    letter = models.ForeignKey(
        Letter, null=True, blank=True, on_delete=models.CASCADE, related_name="attempts_log"
    )
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("经办人"))
    channel = models.CharField(_("方式"), max_length=10, choices=AttemptChannel.choices)
    outcome = models.CharField(_("结果"), max_length=10, choices=AttemptOutcome.choices)
    owner_choice = models.CharField(_("业主选择"), max_length=10, choices=OwnerChoice.choices, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    message = models.ForeignKey(OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL)

    objects = RestrictedQuerySet.as_manager()
    property_path = "property"

    class Meta:
        verbose_name = _("通知记录")
        verbose_name_plural = _("通知记录")
        ordering = ["-at", "-id"]


class ParcelChase(models.Model):
    """R-EXP-13: a day on which a not-yet-delivered item is chased, with the reason it was not delivered."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="+")
    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="chases")
    day = models.DateField(_("跟进日期"))
    reason = models.CharField(_("未领原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    property_path = "property"

    class Meta:
        verbose_name = _("未领跟进")
        verbose_name_plural = _("未领跟进")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["parcel", "day"], name="parcel_chase_once_a_day")]


class NotificationSlip(BaseModel):
    """《邮件接收通知单》 — red serial number, two parts: 首联 (white, under the door) and 第二联 (green,
    taped to the mail). Its rows in serial order are the 《邮件接收通知单使用记录》 (R-SLIP-03)."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="+")
    serial = models.PositiveIntegerField(_("序号"))
    parcel = models.ForeignKey(Parcel, null=True, blank=True, on_delete=models.PROTECT, related_name="slips")
    letter = models.ForeignKey(Letter, null=True, blank=True, on_delete=models.PROTECT, related_name="slips")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("房间"))
    resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("业主")
    )
    mail_description = models.CharField(_("邮件"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=SlipStatus.choices, default=SlipStatus.ISSUED)
    issued_at = models.DateTimeField(_("填发时间"))
    issued_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("填发人"))
    door_delivered_at = models.DateTimeField(_("首联送达门下"), null=True, blank=True)  # R-SLIP-04
    label_attached = models.BooleanField(_("第二联已贴于邮件"), default=False)  # R-SLIP-05
    closed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    closed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    collection_mode = models.CharField(
        _("领取方式"), max_length=14, choices=CollectionMode.choices, blank=True, default=""
    )
    owner_signature = models.CharField(_("业主签署"), max_length=50, blank=True)
    # R-SLIP-10: written in the blank area of the 第二联.
    followup_at = models.DateTimeField(_("72小时回访时间"), null=True, blank=True)
    followup_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    followup_reached = models.BooleanField(_("已联系上"), null=True, blank=True)
    followup_note = models.CharField(_("回访备注"), max_length=200, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # R-SLIP-11: reviewed by the 值班经理, bound by the 客服主管.
    reviewed_at = models.DateTimeField(_("值班经理审核"), null=True, blank=True)
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    bound_at = models.DateTimeField(_("装订存档"), null=True, blank=True)
    bound_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("邮件接收通知单")
        verbose_name_plural = _("邮件接收通知单")
        ordering = ["-serial"]
        constraints = [
            models.UniqueConstraint(fields=["property", "serial"], name="slip_serial_unique"),
            models.UniqueConstraint(
                fields=["parcel"], condition=Q(status="issued"), name="slip_one_open_per_parcel"
            ),
        ]
        indexes = [models.Index(fields=["property", "status", "serial"], name="slip_prop_status_serial")]

    def __str__(self):
        return self.number

    @builtins.property
    def number(self) -> str:
        return f"No.{self.serial:06d}"

    def get_absolute_url(self):
        return reverse("parcels:slip", args=[self.pk])


class SlipCount(BaseModel):
    """R-SLIP-09: the count of undelivered mail of the use register at a shift handover."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="+")
    counted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("清点人"))
    outgoing = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("交班人")
    )
    counted_at = models.DateTimeField(_("清点时间"))
    expected = models.PositiveIntegerField(_("应在件数"))
    found = models.PositiveIntegerField(_("实点件数"))
    missing = models.JSONField(_("缺失"), default=list, blank=True)  # [{"slip": "No.000012", ...}]
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("通知单邮件清点")
        verbose_name_plural = _("通知单邮件清点")
        ordering = ["-counted_at"]
