"""求助: the help-request detail of a servicedesk.ServiceRequest, its checklist steps and referrals, the
突发事件 (Incident) a help request opens, and the yearly archive batches of the 《住户求助登记表》."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, Department, Property
from core.permissions import RestrictedQuerySet

from .choices import BatchStatus, HelpCategory, IncidentStatus, IncidentType, ReferralKind


class HelpRegisterBatch(BaseModel):
    """One year's 《住户求助登记表》 archived together (R-HELP-17): kept two years, then voided by the
    supervisor. Never deleted: disposal marks the batch and its requests void."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="+", verbose_name=_("项目"))
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(
        _("状态"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.ARCHIVED
    )
    archived_at = models.DateTimeField(_("归档时间"))
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("归档人"),
    )
    dispose_after = models.DateField(_("可销毁日期"))
    request_count = models.PositiveIntegerField(_("登记条数"), default=0)
    disposed_at = models.DateTimeField(_("销毁时间"), null=True, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("销毁人"),
    )
    disposal_note = models.CharField(_("销毁说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("《住户求助登记表》年度归档")
        verbose_name_plural = _("《住户求助登记表》年度归档")
        ordering = ["-year", "property_id"]
        constraints = [models.UniqueConstraint(fields=["property", "year"], name="help_batch_year_unique")]

    def __str__(self):
        return f"{self.property} {self.year} 年《住户求助登记表》"


class HelpRequest(models.Model):
    """《住户求助登记表》 line (R-HELP-02): the help-specific part of a 求助 service request."""

    request = models.OneToOneField(
        "servicedesk.ServiceRequest", primary_key=True, on_delete=models.PROTECT, related_name="help"
    )
    category = models.CharField(_("求助类别"), max_length=20, choices=HelpCategory.choices)
    confidential = models.BooleanField(_("涉及公司机密"), default=False)  # R-HELP-11
    is_principle = models.BooleanField(_("原则性问题"), default=False)  # R-HELP-13
    supervisor_reply = models.TextField(_("主管意见"), blank=True)
    supervisor_reply_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supervisor_reply_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(_("首次响应时间"), null=True, blank=True)  # R-HELP-03
    first_response_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_paid = models.BooleanField(_("有偿服务"), default=False)  # R-HELP-16
    fee = models.DecimalField(_("收费(元)"), max_digits=10, decimal_places=2, null=True, blank=True)
    fee_note = models.CharField(_("收费说明"), max_length=200, blank=True)
    result = models.TextField(_("处理结果"), blank=True)
    batch = models.ForeignKey(
        HelpRegisterBatch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("归档批次"),
    )
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    property_path = "request__property"

    class Meta:
        verbose_name = _("住户求助")
        verbose_name_plural = _("住户求助")
        indexes = [models.Index(fields=["category"]), models.Index(fields=["batch"])]

    def __str__(self):
        return str(self.request)

    def get_absolute_url(self):
        return reverse("servicedesk:detail", args=[self.pk])


class HelpStep(models.Model):
    """One ticked step of the category's handling checklist (assistance.checklists): who, when, what."""

    help = models.ForeignKey(HelpRequest, on_delete=models.PROTECT, related_name="steps")
    key = models.CharField(max_length=40)
    label = models.CharField(_("步骤"), max_length=200)
    value = models.JSONField(default=dict, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(_("时间"))

    objects = RestrictedQuerySet.as_manager()
    property_path = "help__request__property"

    class Meta:
        verbose_name = _("求助处理步骤")
        verbose_name_plural = _("求助处理步骤")
        ordering = ["done_at", "id"]
        constraints = [models.UniqueConstraint(fields=["help", "key"], name="help_step_once")]


class HelpReferral(models.Model):
    """R-HELP-05 / R-HELP-14: the request passed to a flow, a department or an outside body."""

    help = models.ForeignKey(HelpRequest, on_delete=models.PROTECT, related_name="referrals")
    kind = models.CharField(_("转介方式"), max_length=20, choices=ReferralKind.choices)
    target = models.CharField(_("转介对象"), max_length=200)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("部门")
    )
    linked_request = models.ForeignKey(
        "servicedesk.ServiceRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("关联请求"),
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("时间"))

    objects = RestrictedQuerySet.as_manager()
    property_path = "help__request__property"

    class Meta:
        verbose_name = _("求助转介")
        verbose_name_plural = _("求助转介")
        ordering = ["created_at", "id"]


class Incident(BaseModel):
    """突发事件 opened from a help request (R-HELP-14, R-INC-01/10). The seed of a future incidents area
    (section INC): type, time, place, who was notified, open → handled → closed."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="+", verbose_name=_("项目"))
    number = models.CharField(_("编号"), max_length=30)  # serial per property (core.numbering)
    type = models.CharField(_("事件类型"), max_length=20, choices=IncidentType.choices)
    occurred_at = models.DateTimeField(_("发生时间"))
    place = models.CharField(_("地点"), max_length=200)
    description = models.TextField(_("经过"))
    status = models.CharField(
        _("状态"), max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    help = models.ForeignKey(
        HelpRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("求助"),
    )
    # R-INC-10 / R-HELP-14: 秩序维护部, 客服主管, 管理处经理 told at once — when it was done.
    notified_security_at = models.DateTimeField(_("已通知秩序维护部"), null=True, blank=True)
    notified_supervisor_at = models.DateTimeField(_("已通知客服主管"), null=True, blank=True)
    notified_manager_at = models.DateTimeField(_("已通知管理处经理"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    handling = models.TextField(_("处置经过"), blank=True)
    handled_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("突发事件")
        verbose_name_plural = _("突发事件")
        ordering = ["-occurred_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["property", "number"], name="incident_number_unique")]

    def __str__(self):
        return f"{self.number} {self.get_type_display()}"

    def get_absolute_url(self):
        return reverse("assistance:incident", args=[self.pk])
