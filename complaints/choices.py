"""Enums of the complaint record (《客户投诉登记表》), with the Chinese labels the office uses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintStatus(models.TextChoices):
    """R-CMP-32: 受理 → 判断 → (成立: 调查 → 方案/批示 → 处理 → 已处理) → 回复 → 回访 → 归档;
    不成立 → 答复 → 关闭."""

    RECEIVED = "received", _("已受理")
    INVESTIGATING = "investigating", _("调查中")
    AWAITING_INSTRUCTION = "awaiting_instruction", _("方案待批示")
    INSTRUCTED = "instructed", _("已批示")
    HANDLING = "handling", _("处理中")
    HANDLED = "handled", _("已处理")
    REPLIED = "replied", _("已回复结果")
    CALLED_BACK = "called_back", _("已回访")
    ARCHIVED = "archived", _("已归档")
    NOT_UPHELD = "not_upheld", _("不成立待答复")
    ANSWERED = "answered", _("已婉转答复")
    CLOSED = "closed", _("已关闭")


# States in which a 成立 complaint is still "not resolved" (R-CMP-10 kind 3, one-month escalation).
UNRESOLVED_STATES = {
    ComplaintStatus.RECEIVED,
    ComplaintStatus.INVESTIGATING,
    ComplaintStatus.AWAITING_INSTRUCTION,
    ComplaintStatus.INSTRUCTED,
    ComplaintStatus.HANDLING,
}
OPEN_STATES = UNRESOLVED_STATES | {
    ComplaintStatus.HANDLED,
    ComplaintStatus.REPLIED,
    ComplaintStatus.CALLED_BACK,
    ComplaintStatus.NOT_UPHELD,
    ComplaintStatus.ANSWERED,
}
FINAL_STATES = {ComplaintStatus.ARCHIVED, ComplaintStatus.CLOSED}


class Emotion(models.TextChoices):
    """R-CMP-07: 情绪判断."""

    ANGRY = "angry", _("愤怒")
    ANXIOUS = "anxious", _("焦虑")
    SAD = "sad", _("悲伤")
    LOUD = "loud", _("喧哗")


class BasicType(models.TextChoices):
    """R-CMP-09: 投诉基本类型."""

    FACILITIES = "facilities", _("对设备设施")
    ATTITUDE = "attitude", _("对服务态度")
    QUALITY = "quality", _("对服务质量")
    EMERGENCY = "emergency", _("对突发或紧急事件")
    OTHER = "other", _("其他")


class AnalysisCategory(models.TextChoices):
    """R-CMP-35/36 (reading B): the weekly analysis categories, a field of their own."""

    ENERGY = "energy", _("能源")
    EQUIPMENT = "equipment", _("设备")
    SERVICE = "service", _("服务")


class Definition(models.TextChoices):
    """R-CMP-10: 投诉界定."""

    UNDELIVERED = "1", _("(1) 承诺或合同服务未兑现/明显不足,多次反映未解决")
    MAJOR_LOSS = "2", _("(2) 开发商或物业公司造成重大经济损失或人身伤害")
    MONTH_UNRESOLVED = "3", _("(3) 有效投诉一个月内未合理解决")
    FAULT = "4", _("(4) 管理服务不到位或有过失")
    MINOR = "5", _("(5) 设施设备或管理水平所限的轻微不便,非人为,可改进解决")


class Severity(models.TextChoices):
    """R-CMP-11 (reading B): 投诉级别, set by the 客服主管 at judgment."""

    MAJOR = "major", _("重大投诉")
    ORDINARY = "ordinary", _("一般投诉")


class Judgment(models.TextChoices):
    """R-CMP-12: 投诉判断."""

    VALID = "valid", _("成立")
    INVALID = "invalid", _("不成立")


class RefusalBasis(models.TextChoices):
    """R-CMP-16: the document a declined request rests on."""

    COVENANT = "covenant", _("《管理公约》")
    RENOVATION = "renovation", _("《装修指南》")
    HANDBOOK = "handbook", _("《业主手册》")


class Step(models.TextChoices):
    """R-CMP-27: 五清楚,一报告."""

    HEAR = "hear", _("听清楚")
    ASK = "ask", _("问清楚")
    RECORD = "record", _("记清楚")
    FOLLOW = "follow", _("跟清楚")
    REPLY = "reply", _("复清楚")
    REPORT = "report", _("报告")


STEP_HELP = {
    Step.HEAR: _("耐心听业户讲完,不打断"),
    Step.ASK: _("再问清事实经过"),
    Step.RECORD: _("记录事项、处理过程与结果并存档"),
    Step.FOLLOW: _("跟进直到解决并回复"),
    Step.REPLY: _("向业户回复处理过程与结果"),
    Step.REPORT: _("严重/重大投诉及时上报"),
}
