"""Callbacks (回访, R-CB-01..23), owner visits (业主回访, R-CB-24..29) and the owner survey (R-CB-30)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, Department, Property, Unit

from .choices import (
    CallbackMethod,
    CallbackSource,
    CallbackStatus,
    CallerLead,
    Decision,
    ReportStatus,
    Satisfaction,
    SurveyStatus,
    VisitStatus,
)

USER = settings.AUTH_USER_MODEL


class SpecialServiceContract(BaseModel):
    """特约服务合同: its callback falls due at the contract's midpoint (R-CB-13 reading A)."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, verbose_name=_("项目"))
    title = models.CharField(_("服务内容"), max_length=200)
    resident = models.ForeignKey(
        "residents.Resident", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("业户")
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("房间"))
    start = models.DateField(_("合同开始"))
    end = models.DateField(_("合同结束"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("特约服务合同")
        verbose_name_plural = _("特约服务合同")
        ordering = ["-start", "-id"]

    def __str__(self):
        return self.title


class Activity(BaseModel):
    """文体活动: its callback is due no later than 1 month after it ends (R-CB-14 reading B)."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, verbose_name=_("项目"))
    title = models.CharField(_("活动名称"), max_length=200)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    participants = models.PositiveIntegerField(_("参加人数"), default=0)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("文体活动")
        verbose_name_plural = _("文体活动")
        ordering = ["-end", "-id"]

    def __str__(self):
        return self.title


class Callback(BaseModel):
    """《回访记录表》: one callback — who calls whom, by when, how, and what the resident said."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, verbose_name=_("项目"))
    source = models.CharField(_("回访类别"), max_length=20, choices=CallbackSource.choices)
    request = models.ForeignKey(
        "servicedesk.ServiceRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="callbacks",
        verbose_name=_("服务请求"),
    )
    contract = models.ForeignKey(
        SpecialServiceContract, null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks"
    )
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks"
    )
    resident = models.ForeignKey(
        "residents.Resident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="callbacks",
        verbose_name=_("业户"),
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("房间"))
    contact_name = models.CharField(_("回访对象"), max_length=100)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    subject = models.CharField(_("回访事项"), max_length=200)
    is_key_customer = models.BooleanField(_("重点客户"), default=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=CallbackStatus.choices, default=CallbackStatus.SCHEDULED
    )
    method = models.CharField(
        _("回访方式"), max_length=10, choices=CallbackMethod.choices, default=CallbackMethod.PHONE
    )
    due_at = models.DateTimeField(_("回访期限"))
    # R-CB-16
    lead = models.CharField(_("回访组织"), max_length=10, choices=CallerLead.choices)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("责任部门")
    )
    callers = models.ManyToManyField(USER, blank=True, related_name="callbacks", verbose_name=_("回访人"))
    # R-CB-17/18: the record sheet handed to the caller; chased 3 days later if not done.
    issued_at = models.DateTimeField(_("发表时间"), null=True, blank=True)
    issued_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    chased_at = models.DateTimeField(_("催办时间"), null=True, blank=True)
    # R-CB-03/06: a time agreed with the customer.
    agreed_at = models.DateTimeField(_("约定回访时间"), null=True, blank=True)
    # The result (R-CB-05, R-CB-09, R-CB-17, R-CB-19).
    called_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    satisfaction = models.CharField(_("满意程度"), max_length=20, choices=Satisfaction.choices, blank=True)
    shortcomings = models.TextField(_("缺点与不足评价"), blank=True)
    suggestions = models.TextField(_("住户建议"), blank=True)
    resident_confirmed = models.BooleanField(_("住户已确认"), default=False)
    resident_signature = models.CharField(_("住户签名"), max_length=100, blank=True)
    caller_signature = models.CharField(_("回访人签名"), max_length=100, blank=True)
    # R-CB-20: 客服 review; 不合格 → reported upward with a handling opinion.
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("客服审核意见"), blank=True)
    unqualified = models.BooleanField(_("不合格"), default=False)
    handling_opinion = models.TextField(_("处理意见"), blank=True)
    escalated_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    decision = models.CharField(_("主管决定"), max_length=10, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_note = models.TextField(_("主管意见"), blank=True)
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)  # R-CB-23
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("回访记录表")
        verbose_name_plural = _("回访记录表")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["property", "status", "due_at"]),
            models.Index(fields=["property", "called_at"]),
            models.Index(fields=["resident", "called_at"]),
        ]
        constraints = [
            # One callback in progress per request: a listener run twice does not schedule two.
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(status__in=["scheduled", "issued"]),
                name="callback_one_open_per_request",
            )
        ]

    def __str__(self):
        return f"回访 {self.subject}"

    def get_absolute_url(self):
        return reverse("callbacks:detail", args=[self.pk])


class VisitPlan(BaseModel):
    """业主回访计划 (R-CB-24): every owner in scope is visited within the period."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, verbose_name=_("项目"))
    title = models.CharField(_("计划名称"), max_length=200)
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("结束日期"))
    administrator = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("管理员")
    )
    building = models.ForeignKey(
        "core.Building", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("楼座(空=全部)")
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("业主回访计划")
        verbose_name_plural = _("业主回访计划")
        ordering = ["-period_start", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("callbacks:plan", args=[self.pk])


class VisitPlanEntry(models.Model):
    plan = models.ForeignKey(VisitPlan, on_delete=models.CASCADE, related_name="entries")
    resident = models.ForeignKey("residents.Resident", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    is_key_customer = models.BooleanField(default=False)
    visited_at = models.DateTimeField(null=True, blank=True)

    objects = models.Manager()
    property_path = "plan__property"

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["plan", "resident"], name="visit_plan_entry_unique")]
        indexes = [models.Index(fields=["plan", "visited_at"])]


class OwnerVisit(BaseModel):
    """《建议/意见登记表》 (R-CB-25..29): what the owner said, the solution fed back, the supervisor's review."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, verbose_name=_("项目"))
    resident = models.ForeignKey(
        "residents.Resident", on_delete=models.PROTECT, related_name="owner_visits", verbose_name=_("业主")
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("房间"))
    plan_entry = models.ForeignKey(
        VisitPlanEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    visited_at = models.DateTimeField(_("回访时间"))
    visitor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("回访人"))
    method = models.CharField(
        _("回访方式"), max_length=10, choices=CallbackMethod.choices, default=CallbackMethod.HOME
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.RECORDED
    )
    opinions = models.TextField(_("意见"), blank=True)
    suggestions = models.TextField(_("建议"), blank=True)
    needs = models.TextField(_("需求(设施合理性等)"), blank=True)
    solution = models.TextField(_("解决方案"), blank=True)
    fed_back_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    satisfaction = models.CharField(_("业主满意度"), max_length=20, choices=Satisfaction.choices, blank=True)
    further_suggestions = models.TextField(_("其他建议"), blank=True)
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("主管审核意见"), blank=True)
    supervisor_signature = models.CharField(_("主管签名"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("建议/意见登记表")
        verbose_name_plural = _("建议/意见登记表")
        ordering = ["-visited_at", "-id"]
        indexes = [
            models.Index(fields=["resident", "visited_at"]),
            models.Index(fields=["property", "status"]),
        ]

    def __str__(self):
        return f"{self.resident} {self.visited_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("callbacks:visit", args=[self.pk])


class QuarterlyReport(BaseModel):
    """统计分析报告 of a quarter's callbacks (R-CB-21..23)."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, verbose_name=_("项目"))
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    status = models.CharField(
        _("状态"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.GENERATED
    )
    data = models.JSONField(_("统计数据"), default=dict)
    analysis = models.TextField(_("分析说明"), blank=True)
    generated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField(_("生成时间"))
    review_opinion = models.TextField(_("主管书面审核意见"), blank=True)
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    sent_to = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("报送主任")
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    filed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    file_due_at = models.DateTimeField(_("归档期限"))

    class Meta:
        verbose_name = _("回访统计分析报告")
        verbose_name_plural = _("回访统计分析报告")
        ordering = ["-year", "-quarter", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["property", "year", "quarter"], name="quarterly_report_unique")
        ]

    def __str__(self):
        return f"{self.year}年第{self.quarter}季度回访统计分析报告"

    def get_absolute_url(self):
        return reverse("callbacks:report", args=[self.pk])


class Survey(BaseModel):
    """《业户意见调查表》 (R-CB-30): a round of the owner survey, its questions and proposed measures."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, verbose_name=_("项目"))
    title = models.CharField(_("调查名称"), max_length=200)
    distributed_on = models.DateField(_("发放日期"))
    collect_by = models.DateField(_("回收截止"))
    status = models.CharField(
        _("状态"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.OPEN
    )
    corrective_measures = models.TextField(_("整改措施"), blank=True)
    reported_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("业户意见调查")
        verbose_name_plural = _("业户意见调查")
        ordering = ["-distributed_on", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("callbacks:survey", args=[self.pk])


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("调查项目"), max_length=200)

    objects = models.Manager()
    property_path = "survey__property"

    class Meta:
        ordering = ["order", "id"]


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    resident = models.ForeignKey("residents.Resident", null=True, blank=True, on_delete=models.PROTECT)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT)
    comment = models.TextField(_("意见"), blank=True)
    collected_at = models.DateTimeField(_("回收时间"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    objects = models.Manager()
    property_path = "survey__property"

    class Meta:
        ordering = ["-collected_at", "-id"]


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    rating = models.CharField(max_length=20, choices=Satisfaction.choices)

    objects = models.Manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="survey_answer_unique")]
