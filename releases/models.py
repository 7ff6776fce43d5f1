"""物品放行条 (alias 携物出门条, R-REL-03 reading B): one record type for both sets of rules."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.masking import mask_id, mask_phone
from core.models import BaseModel, Property, Unit

from .choices import ReleaseKind, ReleaseStatus


class GoodsRelease(BaseModel):
    """《物品放行条》/《携物出门条》: application, phone confirmation, issue, exit check, filing."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, verbose_name=_("项目"))
    number = models.CharField(_("放行条编号"), max_length=30)
    kind = models.CharField(
        _("类别"), max_length=20, choices=ReleaseKind.choices, default=ReleaseKind.ORDINARY
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ReleaseStatus.choices, default=ReleaseStatus.APPLIED
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("房间"))
    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        related_name="goods_releases",
        verbose_name=_("申请业户"),
    )
    # R-REL-04/07: the person carrying the goods (经办人) leaves an ID copy and contact details and signs.
    carrier_name = models.CharField(_("经办人(携物人)"), max_length=50)
    carrier_id_number = models.CharField(_("经办人证件号码"), max_length=40)
    carrier_phone = models.CharField(_("经办人联系电话"), max_length=30)
    carrier_signed_at = models.DateTimeField(_("经办人签字时间"), null=True, blank=True)
    planned_at = models.DateTimeField(_("预计出门时间"))
    reason = models.CharField(_("事由"), max_length=200, blank=True)
    # R-REL-05: a company's regular product shipments use the format approved by the service centre.
    company_format_ref = models.CharField(_("公司专用放行格式批准编号"), max_length=50, blank=True)
    has_large_items = models.BooleanField(_("含大件物品"), default=False)
    # R-REL-04: CS phones the owner to confirm the release.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("电话确认时间"), null=True, blank=True)
    confirmed_with = models.CharField(_("确认人(业户)"), max_length=50, blank=True)
    # R-REL-09 / R-MOVE-09: fees settled before a move-out release (recorded here until a fees area exists).
    fees_settled_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fees_settled_at = models.DateTimeField(_("费用结清确认时间"), null=True, blank=True)
    fees_note = models.CharField(_("结算说明"), max_length=200, blank=True)
    # R-REL-01/02: signed by CS, two copies.
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("开具时间"), null=True, blank=True)
    # R-REL-10/11: the exit check.
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("出口核对时间"), null=True, blank=True)
    exit_note = models.TextField(_("不符情况"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    # R-REL-10: after a mismatch the owner redoes the formalities: the new slip points at the returned one.
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("重新办理自"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("物品放行条")
        verbose_name_plural = _("物品放行条")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["property", "number"], name="goods_release_number_unique")
        ]
        indexes = [models.Index(fields=["property", "status"])]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("releases:detail", args=[self.pk])

    def is_move_out(self) -> bool:
        return self.kind == ReleaseKind.MOVE_OUT

    def masked_carrier_id(self) -> str:
        return mask_id(self.carrier_id_number)

    def masked_carrier_phone(self) -> str:
        return mask_phone(self.carrier_phone)


class ReleaseItem(models.Model):
    """One line of the slip's item list."""

    release = models.ForeignKey(GoodsRelease, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("物品名称"), max_length=100)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    is_large = models.BooleanField(_("大件"), default=False)
    note = models.CharField(_("备注"), max_length=100, blank=True)
    mismatch = models.BooleanField(_("出口核对不符"), default=False)

    class Meta:
        verbose_name = _("放行物品")
        verbose_name_plural = _("放行物品")
        ordering = ["id"]

    def __str__(self):
        return f"{self.name} ×{self.quantity}"
