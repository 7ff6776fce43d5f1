"""不符合项 (R-ROLE-13, R-ROLE-09): work that does not conform to the service standards, tracked to closure."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, Department, Property

from .choices import NonConformitySource, NonConformityStatus, VerificationResult


class NonConformity(BaseModel):
    """《不符合项跟踪记录》: found → corrected by the responsible person → verified by someone else → closed.

    The correction's due time is stored when the item is raised (and again when a verification fails), so
    "overdue" is a query: still 跟踪中 and due_at in the past."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, verbose_name=_("项目"))
    number = models.CharField(_("编号"), max_length=30)
    source = models.CharField(_("来源"), max_length=20, choices=NonConformitySource.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=NonConformityStatus.choices, default=NonConformityStatus.TRACKING
    )
    found_at = models.DateTimeField(_("发现时间"))
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发现人")
    )
    place = models.CharField(_("岗位/区域/房间"), max_length=100, blank=True)
    description = models.TextField(_("不符合情况"))
    standard = models.CharField(_("依据的服务规范"), max_length=200, blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, verbose_name=_("责任部门"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("责任人"),
    )
    requirement = models.TextField(_("整改要求"))
    due_at = models.DateTimeField(_("整改期限"))
    # The correction (the last one, when a verification failed; earlier ones stay in the history).
    correction = models.TextField(_("整改情况"), blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    # The verification (R-ROLE-13 "verifies").
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(_("验证时间"), null=True, blank=True)
    verification_result = models.CharField(
        _("验证结果"), max_length=20, choices=VerificationResult.choices, blank=True
    )
    verification_note = models.TextField(_("验证说明"), blank=True)
    failed_verifications = models.PositiveSmallIntegerField(_("验证不通过次数"), default=0)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("不符合项")
        verbose_name_plural = _("不符合项")
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["property", "number"], name="nonconformity_number_unique")
        ]
        indexes = [
            models.Index(fields=["property", "found_at"], name="nonconformity_found"),
            # The open ones (what the overdue list and the handover count read) stay a small set.
            models.Index(
                fields=["property", "due_at"],
                name="nonconformity_open_due",
                condition=Q(status__in=["tracking", "to_verify"]),
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("quality:detail", args=[self.pk])

    def is_overdue(self, now=None) -> bool:
        return self.status == NonConformityStatus.TRACKING and self.due_at < (now or timezone.now())
