from django.db import models
from django.utils.translation import gettext_lazy as _


class NonConformitySource(models.TextChoices):
    DAILY_CHECK = "daily_check", _("日常检查")  # R-ROLE-09: the 客服主管's daily check of the front desk
    PATROL = "patrol", _("楼宇巡查")  # R-ROLE-12: problems found on the supervisor's patrols
    CALLBACK = "callback", _("回访不合格")
    COMPLAINT = "complaint", _("投诉")
    OTHER = "other", _("其他")


class NonConformityStatus(models.TextChoices):
    """R-ROLE-13 INTERPRETATION: 跟踪 → 验证 → 处理完成; a wrong entry is voided, never deleted."""

    TRACKING = "tracking", _("跟踪中")
    TO_VERIFY = "to_verify", _("待验证")
    DONE = "done", _("已完成")
    VOID = "void", _("已作废")


OPEN_STATUSES = (NonConformityStatus.TRACKING, NonConformityStatus.TO_VERIFY)


class VerificationResult(models.TextChoices):
    PASSED = "passed", _("验证通过")
    FAILED = "failed", _("验证不通过")
