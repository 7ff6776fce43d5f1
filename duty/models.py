"""Duty log (值班记录 / 客服工作台帐), special incident reports and shift handover (交接班) — R-DUTY."""

import builtins
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import BaseModel, Building, Department, Location, Property, Unit

from .choices import DutyCategory, HandoverStatus, LeaveReason, ReportStatus, Shift


class DutyDay(BaseModel):
    """One page of the 《客服工作台帐》 (alias 《值班记录表》/《客服部值班记录》): a property's duty log for one date.

    R-DUTY-03: each day starts on a new page with its date. The page row is made with the day's first entry
    (or when the 客服主管 signs an empty day). R-DUTY-05/14: the 客服主管 signs it every day; once signed the
    page is locked — its entries can no longer be added, edited or voided.
    """

    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="duty_days", verbose_name=_("项目")
    )
    date = models.DateField(_("日期"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("主管签字"),
    )
    signed_at = models.DateTimeField(_("签字时间"), null=True, blank=True)
    comment = models.TextField(_("主管意见"), blank=True)

    class Meta:
        verbose_name = _("值班日")
        verbose_name_plural = _("值班日")
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["property", "date"], name="duty_day_unique")]
        indexes = [models.Index(fields=["property", "signed_at", "date"])]

    def __str__(self):
        return f"{self.property} {self.date:%Y-%m-%d}"

    @builtins.property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def get_absolute_url(self):
        return reverse("duty:day", args=[self.date.isoformat()])


class DutyEntry(BaseModel):
    """《客服工作台帐》 entry (alias 《值班记录表》; R-DUTY-06 reading B: one record type for both names).

    R-DUTY-03: time, course of events (事情过程), handling method (处理方法) and result (处理结果), truthfully.
    R-DUTY-04: the category says which kind of reportable event it is. Entries are never deleted: a wrong
    entry is voided with a reason and stays on the page, struck through.
    """

    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="duty_entries", verbose_name=_("项目")
    )
    day = models.ForeignKey(
        DutyDay, on_delete=models.PROTECT, related_name="entries", verbose_name=_("值班日")
    )
    occurred_at = models.DateTimeField(_("时间"), db_index=True)
    category = models.CharField(_("类别"), max_length=20, choices=DutyCategory.choices)
    course = models.TextField(_("事情过程"))
    handling = models.TextField(_("处理方法"), blank=True)
    result = models.TextField(_("处理结果"), blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("房间"))
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("位置")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("记录人")
    )
    is_major = models.BooleanField(_("重大事件"), default=False)  # R-DUTY-02: needs a 《特别事件报告》
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("作废人"),
    )
    void_reason = models.TextField(_("作废原因"), blank=True)

    class Meta:
        verbose_name = _("值班记录")
        verbose_name_plural = _("值班记录")
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["property", "occurred_at"])]

    def __str__(self):
        return f"{timezone.localtime(self.occurred_at):%m-%d %H:%M} {self.get_category_display()}"

    @builtins.property
    def is_void(self) -> bool:
        return self.voided_at is not None

    def get_absolute_url(self):
        return reverse("duty:entry", args=[self.pk])


class SpecialIncidentReport(BaseModel):
    """《特别事件报告》 (R-DUTY-02): every major event gets one, with on-site photos attached.

    Photos are core Attachments on this report; at least one is needed to submit. draft → submitted
    (by the duty staff) → acknowledged (by the 客服主管 or the 管理处经理).
    """

    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="special_reports", verbose_name=_("项目")
    )
    entry = models.OneToOneField(
        DutyEntry, on_delete=models.PROTECT, related_name="special_report", verbose_name=_("值班记录")
    )
    title = models.CharField(_("事件名称"), max_length=200)
    details = models.TextField(_("事件经过"))
    losses = models.TextField(_("损失情况"), blank=True)
    reported_to = models.CharField(_("报告对象"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("填报人")
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("阅示人"),
    )
    acknowledged_at = models.DateTimeField(_("阅示时间"), null=True, blank=True)
    acknowledge_comment = models.TextField(_("阅示意见"), blank=True)

    class Meta:
        verbose_name = _("特别事件报告")
        verbose_name_plural = _("特别事件报告")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("duty:report", args=[self.pk])


class Handover(BaseModel):
    """交接班 record (R-DUTY-08..13), kept in the 《客服工作台帐》.

    The outgoing staff member starts it and names the incoming one; together they count the public property
    (R-DUTY-09), note anomalies with the outgoing's explanation (R-DUTY-11), items to follow up (R-DUTY-10)
    and unfinished work (R-DUTY-13). The outgoing signs by handing over; the incoming signs by confirming,
    which is also the incoming's signature of the previous shift's 台帐 (R-DUTY-11).
    `counts_snapshot` keeps the HANDOVER_COUNTS values at hand-over time: {key: {"label", "value"}}.
    `checks`: [{"item", "expected", "actual", "note"}] — the public-property count.
    """

    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="handovers", verbose_name=_("项目")
    )
    shift_date = models.DateField(_("班次日期"))
    shift = models.CharField(_("交班班次"), max_length=10, choices=Shift.choices)
    outgoing = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("交班人")
    )
    incoming = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("接班人")
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=HandoverStatus.choices, default=HandoverStatus.DRAFT
    )
    started_at = models.DateTimeField(_("开始交接"))
    handed_over_at = models.DateTimeField(_("交班时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("接班时间"), null=True, blank=True)
    checks = models.JSONField(_("公物清点"), default=list, blank=True)
    anomalies = models.TextField(_("异常情况"), blank=True)
    anomaly_explanation = models.TextField(_("交班人说明"), blank=True)
    follow_ups = models.TextField(_("需跟进事项"), blank=True)
    unfinished_reason = models.TextField(_("重要工作未完成原因"), blank=True)
    counts_snapshot = models.JSONField(_("交班时数量"), default=dict, blank=True)
    outgoing_signed_at = models.DateTimeField(_("交班人签名"), null=True, blank=True)
    incoming_signed_at = models.DateTimeField(_("接班人签名"), null=True, blank=True)
    # R-DUTY-11: the previous shift's 台帐 entries the incoming signed for on confirming.
    ledger_entry_ids = models.JSONField(_("已签阅的台帐记录"), default=list, blank=True)
    reject_reason = models.TextField(_("退回原因"), blank=True)

    class Meta:
        verbose_name = _("交接班")
        verbose_name_plural = _("交接班")
        ordering = ["-shift_date", "-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["property", "shift_date", "shift", "outgoing"], name="handover_once_per_shift"
            )
        ]
        indexes = [models.Index(fields=["property", "status"])]

    def __str__(self):
        return f"{self.shift_date:%Y-%m-%d} {self.get_shift_display()} {self.outgoing} → {self.incoming}"

    def get_absolute_url(self):
        return reverse("duty:handover", args=[self.pk])

    def shift_window(self) -> tuple[datetime, datetime]:
        return shift_window(self.property, self.shift_date, self.shift)


def shift_window(prop: Property, day, shift: str) -> tuple[datetime, datetime]:
    """R-DUTY-07: 白班 = day shift_start–shift_end; 夜班 = shift_end until the next day's shift_start."""
    tz = timezone.get_current_timezone()
    if shift == Shift.DAY:
        start = datetime.combine(day, prop.shift_start, tzinfo=tz)
        end = datetime.combine(day, prop.shift_end, tzinfo=tz)
    else:
        start = datetime.combine(day, prop.shift_end, tzinfo=tz)
        end = datetime.combine(day + timedelta(days=1), prop.shift_start, tzinfo=tz)
    return start, end


# A sign-in up to 15 minutes before a shift begins belongs to that shift (R-DUTY-08: the incoming arrives
# 5 minutes early; a building post is a walk away from the front desk).
SIGN_IN_EARLY = timedelta(minutes=15)


def attendance_window(prop: Property, signed_in_at: datetime) -> tuple[datetime, datetime]:
    """R-DUTY-07: the day or night shift a post sign-in belongs to (its start and end)."""
    at = timezone.localtime(signed_in_at) + SIGN_IN_EARLY
    day = at.date()
    start, end = shift_window(prop, day, Shift.DAY)
    if start <= at < end:
        return start, end
    if at >= end:
        return shift_window(prop, day, Shift.NIGHT)
    return shift_window(prop, day - timedelta(days=1), Shift.NIGHT)


class HandoverItem(BaseModel):
    """An unfinished work item handed to the next shift (R-DUTY-13). 重要 items block a plain hand-over."""

    property_path = "handover__property"

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="items")
    description = models.CharField(_("未完成工作"), max_length=300)
    important = models.BooleanField(_("重要"), default=False)
    done = models.BooleanField(_("已完成"), default=False)

    class Meta:
        verbose_name = _("未完成工作")
        verbose_name_plural = _("未完成工作")
        ordering = ["-important", "id"]

    def __str__(self):
        return self.description


class Post(BaseModel):
    """A post (岗位) of the 《岗位签到表》: the front desk, a building lobby, the car park, the clubhouse.

    R-DUTY-16: the front desk signs every building post's staff in and out. R-DUTY-15: a `never_empty` post
    must always be staffed — its last person leaves only once a relief has signed in. Posts are managed by
    the 客服主管 or the 管理处经理 and never deleted: a post no longer staffed is deactivated.
    """

    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="posts", verbose_name=_("项目")
    )
    name = models.CharField(_("岗位名称"), max_length=50)
    building = models.ForeignKey(
        Building, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("楼座")
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("部门")
    )
    never_empty = models.BooleanField(_("严禁空岗"), default=True)  # R-DUTY-15
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = pgettext_lazy("duty post", "岗位")
        verbose_name_plural = pgettext_lazy("duty post", "岗位")
        ordering = ["property_id", "name"]
        constraints = [models.UniqueConstraint(fields=["property", "name"], name="post_name_unique")]
        indexes = [models.Index(fields=["property", "active", "never_empty"], name="post_prop_active")]

    def __str__(self):
        return self.name


class PostShift(BaseModel):
    """One line of the 《岗位签到表》: who was on which post from when to when, recorded by the front desk.

    R-DUTY-16: sign-in and sign-out are recorded by the front desk (`signed_in_by` / `signed_out_by`).
    R-DUTY-15: leaving before the shift's end, for a meal or temporarily needs `approved_by` (客服主管 or
    管理处经理); on a never-empty post the leaver's relief (`relieved_by`, the row of whoever took over)
    signs in first. An open row (signed_out_at empty) means the person is on the post now; a staff member has
    at most one open row anywhere.
    """

    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, related_name="post_shifts", verbose_name=_("项目")
    )
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="shifts", verbose_name=pgettext_lazy("duty post", "岗位")
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="post_shifts", verbose_name=_("员工")
    )
    signed_in_at = models.DateTimeField(_("签到时间"))
    signed_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("签到登记人")
    )
    signed_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    signed_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("签退登记人"),
    )
    leave_reason = models.CharField(_("离岗原因"), max_length=20, choices=LeaveReason.choices, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("批准人"),
    )
    relieved_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relieved",
        verbose_name=_("接替人"),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("岗位签到")
        verbose_name_plural = _("岗位签到")
        ordering = ["signed_in_at", "id"]
        constraints = [
            # R-DUTY-16: one person is on one post at a time.
            models.UniqueConstraint(
                fields=["staff"],
                condition=Q(signed_out_at__isnull=True),
                name="post_shift_one_open_per_staff",
            )
        ]
        indexes = [
            # Who is on post now (by property) and which never-empty posts are empty (by post): both read
            # the few open rows only, however long the attendance history grows.
            models.Index(
                fields=["property"], condition=Q(signed_out_at__isnull=True), name="post_shift_open_prop"
            ),
            models.Index(
                fields=["post"], condition=Q(signed_out_at__isnull=True), name="post_shift_open_post"
            ),
            # A day's attendance list.
            models.Index(fields=["property", "signed_in_at"], name="post_shift_prop_in"),
        ]

    def __str__(self):
        return f"{self.post} {self.staff} {timezone.localtime(self.signed_in_at):%m-%d %H:%M}"

    @builtins.property
    def is_open(self) -> bool:
        return self.signed_out_at is None
