"""《客户投诉登记表》 (R-CMP-05 reading B: one record type holding the union of the fields of the
《客户投诉登记表》, the 《客户投诉记录》 and the 记录册, with 用户意见受理表 as its monthly summary view).

A complaint is a servicedesk.ServiceRequest of kind "complaint" (number, channel, complainant, contact,
unit, 投诉内容, timeline, clocks) plus this detail row, one-to-one.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.permissions import RestrictedQuerySet

from .choices import (
    AnalysisCategory,
    BasicType,
    Definition,
    Emotion,
    Judgment,
    RefusalBasis,
    Severity,
    Step,
)

USER = settings.AUTH_USER_MODEL


class Complaint(models.Model):
    """《客户投诉登记表》/《客户投诉记录》: the complaint's own fields (R-CMP-03/04)."""

    request = models.OneToOneField(
        "servicedesk.ServiceRequest", primary_key=True, on_delete=models.PROTECT, related_name="complaint"
    )
    # R-CMP-04: the 《客户投诉记录》 fields beyond the request's own (complainant, time, content, contact).
    caller_company = models.CharField(_("单位"), max_length=100, blank=True)
    occurred_at = models.DateTimeField(_("发生时间"), null=True, blank=True)
    occurred_place = models.CharField(_("发生地点"), max_length=200, blank=True)
    subject_person = models.CharField(_("被投诉人"), max_length=100, blank=True)
    subject_department = models.ForeignKey(
        "core.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("被投诉部门"),
    )
    narrative = models.TextField(_("发生经过"), blank=True)
    demand = models.TextField(_("业户的要求"), blank=True)
    emotion = models.CharField(_("情绪"), max_length=10, choices=Emotion.choices, blank=True)  # R-CMP-07
    our_fault = models.BooleanField(_("是否我方原因"), null=True, blank=True)  # R-CMP-08
    basic_type = models.CharField(_("投诉基本类型"), max_length=20, choices=BasicType.choices)  # R-CMP-09
    analysis_category = models.CharField(  # R-CMP-36 reading B
        _("分析类别"), max_length=20, choices=AnalysisCategory.choices
    )
    definition = models.CharField(  # R-CMP-10
        _("投诉界定"), max_length=2, choices=Definition.choices, blank=True
    )
    severity = models.CharField(  # R-CMP-11 reading B
        _("投诉级别"), max_length=10, choices=Severity.choices, default=Severity.ORDINARY
    )
    is_serious = models.BooleanField(_("严重事故/事件"), default=False)  # R-CMP-19, R-CMP-30
    lease_related = models.BooleanField(_("租赁相关"), default=False)  # R-CMP-31
    # R-CMP-22: 工程项目投诉.
    is_engineering = models.BooleanField(_("工程项目投诉"), default=False)
    follower = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("跟单人员")
    )
    is_paid = models.BooleanField(_("有偿维修"), default=False)
    charge_standard = models.CharField(_("收费标准"), max_length=200, blank=True)
    pay_consent = models.BooleanField(_("业户同意付费"), default=False)
    owner_signed = models.BooleanField(_("业户完工签字"), default=False)
    # R-CMP-12..14: judgment.
    judgment = models.CharField(_("投诉判断"), max_length=10, choices=Judgment.choices, blank=True)
    judgment_reason = models.TextField(_("判断理由"), blank=True)
    judged_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("判断人")
    )
    judged_at = models.DateTimeField(_("判断时间"), null=True, blank=True)
    responsible_department = models.ForeignKey(
        "core.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("责任部门"),
    )
    responsible_external = models.CharField(_("外部责任单位"), max_length=100, blank=True)
    investigation_hours = models.PositiveSmallIntegerField(
        _("请业户给予的调查时间(工作小时)"), null=True, blank=True
    )
    refusal_basis = models.CharField(  # R-CMP-16
        _("婉拒依据"), max_length=20, choices=RefusalBasis.choices, blank=True
    )
    # R-CMP-27: 五清楚一报告 — {step: {"by": user id, "name": display, "at": iso time}}.
    checklist = models.JSONField(_("五清楚一报告"), default=dict, blank=True)
    # R-CMP-20: written complaints.
    incoming_doc_no = models.CharField(_("收文登记号"), max_length=30, blank=True)
    written_reply = models.TextField(_("书面回复稿"), blank=True)
    written_reply_approved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("回复批准人")
    )
    written_reply_approved_at = models.DateTimeField(_("回复批准时间"), null=True, blank=True)
    # R-CMP-26: apology letter in the name of the 管理中心.
    apology_text = models.TextField(_("道歉信"), blank=True)
    apology_issued_at = models.DateTimeField(_("道歉信发出时间"), null=True, blank=True)
    apology_issued_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("道歉信发出人"),
    )
    next_reply_at = models.DateTimeField(_("下次回复时间"), null=True, blank=True)  # R-CMP-28
    resolution = models.TextField(_("处理结果"), blank=True)  # R-CMP-35: the resolution method
    understanding = models.TextField(_("业户谅解情况"), blank=True)  # R-CMP-13
    incident_report = models.TextField(_("事故报告"), blank=True)  # R-CMP-21
    instructed_proposal = models.ForeignKey(
        "HandlingProposal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("批示方案"),
    )
    # Clocks' outcomes kept on the row so lists and reports filter by a column.
    same_day_replied_at = models.DateTimeField(_("当日回复时间"), null=True, blank=True)  # R-CMP-24
    same_day_reply_missed = models.BooleanField(_("当日未回复"), default=False)
    major_reported_at = models.DateTimeField(_("重大投诉上报时间"), null=True, blank=True)  # R-CMP-29
    month_escalated_at = models.DateTimeField(_("逾月升级时间"), null=True, blank=True)  # R-CMP-10 (3)
    handled_at = models.DateTimeField(_("处理完成时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    property_path = "request__property"

    class Meta:
        verbose_name = _("客户投诉登记表")
        verbose_name_plural = _("客户投诉登记表")
        indexes = [
            models.Index(fields=["judgment", "month_escalated_at"]),
            models.Index(fields=["same_day_replied_at", "same_day_reply_missed"]),
        ]

    def __str__(self):
        return f"{self.request.number} {self.request.title}"

    def get_absolute_url(self):
        return self.request.get_absolute_url()

    @property
    def responsible_label(self) -> str:
        if self.responsible_department_id:
            return str(self.responsible_department)
        return self.responsible_external

    @property
    def internal_fault(self) -> bool:
        """R-CMP-26: the office's own fault — a 成立 complaint whose 责任部门 is one of ours (or marked 我方原因)."""
        return self.judgment == Judgment.VALID and (
            bool(self.responsible_department_id) or bool(self.our_fault)
        )

    def progress(self) -> list[dict]:
        """R-CMP-27: the 五清楚一报告 checklist as the work's progress."""
        from .choices import STEP_HELP

        out = []
        for step in Step:
            done = self.checklist.get(step.value)
            out.append(
                {
                    "step": step.value,
                    "label": str(step.label),
                    "help": str(STEP_HELP[step]),
                    "done": bool(done),
                    "by": (done or {}).get("name", ""),
                    "at": (done or {}).get("at", ""),
                }
            )
        return out


class HandlingProposal(models.Model):
    """解决方案 (R-CMP-15): several may be drafted; the 主管领导 picks one and writes the 批示."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="proposals")
    text = models.TextField(_("方案内容"))
    department = models.ForeignKey(
        "core.Department", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("提出部门")
    )
    proposed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("提出人")
    )
    proposed_at = models.DateTimeField(_("提出时间"))
    chosen = models.BooleanField(_("选定"), default=False)
    instruction = models.TextField(_("批示"), blank=True)
    instructed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("批示人")
    )
    instructed_at = models.DateTimeField(_("批示时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    property_path = "complaint__request__property"

    class Meta:
        verbose_name = _("解决方案")
        verbose_name_plural = _("解决方案")
        ordering = ["proposed_at", "id"]

    def __str__(self):
        return self.text[:40]
