from django.db import models
from django.utils.translation import gettext_lazy as _


class DutyCategory(models.TextChoices):
    """R-DUTY-04: the events that must be logged."""

    COMPLAINT = "complaint", _("业主投诉")
    SECURITY = "security", _("治安/违法事件")
    ACCIDENT = "accident", _("风/火/水/电意外事故")
    STAFF = "staff", _("员工违规")
    OCCUPANCY = "occupancy", _("入住/人员变动")
    OTHER = "other", _("其他")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    ACKNOWLEDGED = "acknowledged", _("已阅")


class Shift(models.TextChoices):
    """The shift being handed over. R-DUTY-07: the day shift runs shift_start–shift_end (08:00–19:00)."""

    DAY = "day", _("白班")
    NIGHT = "night", _("夜班")


class HandoverStatus(models.TextChoices):
    DRAFT = "draft", _("交接中")
    HANDED_OVER = "handed_over", _("已交班")
    CONFIRMED = "confirmed", _("已接班")


class LeaveReason(models.TextChoices):
    """Why a staff member signs out of a post (《岗位签到表》 签退). R-DUTY-15: anything but 下班 at the
    shift's end needs the 客服主管's approval."""

    OFF_DUTY = "off_duty", _("下班")
    MEAL = "meal", _("用餐")
    TEMPORARY = "temporary", _("临时离岗")
    OTHER = "other", _("其他")
