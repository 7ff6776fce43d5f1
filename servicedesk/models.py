"""One request engine for complaints, repairs, help requests and consultations.

A ServiceRequest holds what every kind shares — number, channel, place, reporter, description, priority,
the responsible department and person, status, clocks, feedback; each kind keeps its own fields in a
one-to-one detail model in its own app (complaints.Complaint, repairs.RepairOrder, assistance.HelpRequest)
and its own state machine (servicedesk.engine.Workflow). Everything said and done is a TimelineEvent.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, Department, Location, Property, Unit
from core.permissions import RestrictedQuerySet

from .choices import Channel, EventKind, Priority, RequestKind, Satisfaction


class ServiceRequest(BaseModel):
    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="requests", verbose_name=_("项目")
    )
    kind = models.CharField(_("类别"), max_length=20, choices=RequestKind.choices)
    number = models.CharField(_("编号"), max_length=30)  # serial per property (core.numbering)
    channel = models.CharField(_("受理方式"), max_length=20, choices=Channel.choices)
    status = models.CharField(_("状态"), max_length=30, db_index=True)
    # Where: a unit, a public area / the clubhouse, or words.
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="requests", verbose_name=_("房间")
    )
    location = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("公共位置"),
    )
    location_detail = models.CharField(_("具体位置"), max_length=200, blank=True)
    # Who: a resident of the archive if known, and always a name and a contact.
    reporter = models.ForeignKey(
        "residents.Resident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("业户"),
    )
    reporter_name = models.CharField(_("联系人"), max_length=100)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    title = models.CharField(_("事由"), max_length=200)
    description = models.TextField(_("内容"))
    category = models.CharField(_("分类"), max_length=40, blank=True)
    priority = models.CharField(_("优先级"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    is_emergency = models.BooleanField(_("紧急"), default=False)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("责任部门")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_requests",
        verbose_name=_("责任人"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("受理人")
    )
    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重开次数"), default=0)
    satisfaction = models.CharField(_("满意度"), max_length=20, choices=Satisfaction.choices, blank=True)
    feedback = models.TextField(_("业户意见"), blank=True)

    class Meta:
        verbose_name = _("服务请求")
        verbose_name_plural = _("服务请求")
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["property", "number"], name="request_number_unique")]
        indexes = [
            models.Index(fields=["property", "kind", "status"]),
            # The quarterly analysis groups a quarter's complaints / repairs by unit and category (R-CB-22):
            # with unit and category in the index it reads the index alone, not a row per request scattered
            # over the table (2,000,000 requests, a cold cache: 1.9 s → make bench).
            models.Index(fields=["property", "kind", "received_at", "unit", "category"]),
            models.Index(fields=["unit", "kind", "received_at"]),
            models.Index(fields=["assignee", "status"]),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("servicedesk:detail", args=[self.pk])

    def place(self) -> str:
        parts = [str(self.unit or self.location or "")]
        if self.location_detail:
            parts.append(self.location_detail)
        return " ".join(p for p in parts if p)


class TimelineEvent(models.Model):
    """Everything said and done on a request, in order: who, when, what, from → to."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    kind = models.CharField(_("类型"), max_length=20, choices=EventKind.choices)
    text = models.TextField(_("内容"), blank=True)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = RestrictedQuerySet.as_manager()
    property_path = "request__property"

    class Meta:
        verbose_name = _("处理记录")
        verbose_name_plural = _("处理记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"])]
