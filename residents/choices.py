from django.db import models
from django.utils.translation import gettext_lazy as _


class ResidentKind(models.TextChoices):
    PERSON = "person", _("个人")
    COMPANY = "company", _("公司")


class OccupancyRole(models.TextChoices):
    OWNER = "owner", _("业主")
    TENANT = "tenant", _("租户")
    MEMBER = "member", _("家庭成员")
    COMPANY = "company", _("入驻公司")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")
    UNKNOWN = "", _("未填")


class CorrespondenceDirection(models.TextChoices):
    INCOMING = "in", _("来文")
    OUTGOING = "out", _("发文")


class GrantStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    REVOKED = "revoked", _("已撤销")


class GrantPurpose(models.TextChoices):
    READ = "read", _("查阅")
    EXPORT = "export", _("导出/打印")


class NeedStatus(models.TextChoices):
    """R-CUST-06: a need or piece of information gathered in contact with a 业户, passed to a department."""

    PENDING = "pending", _("待转交")
    PASSED = "passed", _("已转交")
    ANSWERED = "answered", _("已反馈")
