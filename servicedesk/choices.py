from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    COMPLAINT = "complaint", _("投诉")
    REPAIR = "repair", _("报修")
    HELP = "help", _("求助")
    CONSULTATION = "consultation", _("咨询")


# Number prefixes of each kind's register (TS20261127-0001 …).
NUMBER_PREFIX = {
    RequestKind.COMPLAINT: "TS",
    RequestKind.REPAIR: "BX",
    RequestKind.HELP: "QZ",
    RequestKind.CONSULTATION: "ZX",
}


class Channel(models.TextChoices):
    """How the request reached us (R-CMP-01, R-REP-03, R-REP-17, R-REP-20)."""

    VISIT = "visit", _("来访")
    PHONE = "phone", _("电话")
    WRITTEN = "written", _("书面")
    RESIDENT_APP = "app", _("业主手机")
    PATROL = "patrol", _("巡查发现")
    DEPARTMENT = "department", _("其他部门")
    OTHER = "other", _("其他")


class Priority(models.TextChoices):
    LOW = "low", _("低")
    NORMAL = "normal", _("普通")
    HIGH = "high", _("高")
    URGENT = "urgent", _("紧急")


class Satisfaction(models.TextChoices):
    """R-CB-09: 满意程度评价."""

    SATISFIED = "satisfied", _("满意")
    AVERAGE = "average", _("一般")
    UNSATISFIED = "unsatisfied", _("不满意")


class EventKind(models.TextChoices):
    CREATED = "created", _("受理")
    STATUS = "status", _("状态变更")
    ASSIGNED = "assigned", _("派单")
    NOTE = "note", _("记录")
    CALL = "call", _("电话联系")
    REPLY = "reply", _("答复业户")
    CLOCK = "clock", _("时限")
    FEEDBACK = "feedback", _("业户评价")
    ATTACHMENT = "attachment", _("附件")
    ESCALATION = "escalation", _("升级上报")


class ConsultationCategory(models.TextChoices):
    """What `ServiceRequest.category` holds for a consultation (blank for an ordinary one)."""

    CONFIDENTIAL = "confidential", _("保密咨询")
