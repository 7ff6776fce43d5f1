from django.db import models
from django.utils.translation import gettext_lazy as _


class CallbackMethod(models.TextChoices):
    """R-CB-01: 回访方式."""

    PHONE = "phone", _("电话沟通")
    EMAIL = "email", _("电邮沟通")
    FACE = "face", _("面谈")
    HOME = "home", _("上门回访")


class CallbackSource(models.TextChoices):
    """What the callback is about; each source has its own deadline (R-CB-07, R-CB-11..15)."""

    COMPLAINT = "complaint", _("投诉处理")
    REPAIR = "repair", _("维修服务")
    HELP = "help", _("求助服务")
    OTHER_SERVICE = "other", _("其他管理服务")
    SPECIAL_SERVICE = "special", _("特约服务")
    ACTIVITY = "activity", _("文体活动")
    PERIODIC = "periodic", _("定期/特色回访")


class CallerLead(models.TextChoices):
    """R-CB-16: who organises the callback."""

    SERVICE_CENTRE = "centre", _("服务中心组织")
    DEPARTMENT_WITH_CS = "dept_cs", _("责任部门负责人会同客服")
    CUSTOMER_SERVICE = "cs", _("客服")


class CallbackStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("待回访")
    ISSUED = "issued", _("已发回访记录表")
    DONE = "done", _("已回访待审核")
    ESCALATED = "escalated", _("不合格已上报")
    CLOSED = "closed", _("已完成")


OPEN_STATUSES = [CallbackStatus.SCHEDULED, CallbackStatus.ISSUED]


class Satisfaction(models.TextChoices):
    """R-CB-09 (the same values as servicedesk.choices.Satisfaction)."""

    SATISFIED = "satisfied", _("满意")
    AVERAGE = "average", _("一般")
    UNSATISFIED = "unsatisfied", _("不满意")


class Decision(models.TextChoices):
    REOPEN = "reopen", _("重新处理(重开请求)")
    NO_REOPEN = "keep", _("不重开,按处理意见跟进")


class VisitStatus(models.TextChoices):
    RECORDED = "recorded", _("已登记")
    FED_BACK = "fed_back", _("已反馈解决方案")
    FILED = "filed", _("主管已审核归档")


class ReportStatus(models.TextChoices):
    GENERATED = "generated", _("已生成")
    REVIEWED = "reviewed", _("主管已审核")
    SENT = "sent", _("已报送主任")
    FILED = "filed", _("已归档")


class SurveyStatus(models.TextChoices):
    OPEN = "open", _("发放/回收中")
    CLOSED = "closed", _("已统计上报")
