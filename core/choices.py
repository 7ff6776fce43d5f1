from django.db import models
from django.utils.translation import gettext_lazy as _


class PropertyKind(models.TextChoices):
    RESIDENTIAL = "residential", _("住宅")
    OFFICE = "office", _("写字楼/公寓")


class UnitStatus(models.TextChoices):
    VACANT = "vacant", _("空置")
    OCCUPIED = "occupied", _("已入住")
    RENOVATING = "renovating", _("装修中")
    LEASED = "leased", _("出租")


class LocationKind(models.TextChoices):
    PUBLIC_AREA = "public", _("公共区域")
    CLUBHOUSE = "clubhouse", _("会所")


class DepartmentKind(models.TextChoices):
    CUSTOMER_SERVICE = "cs", _("客服部")
    ENGINEERING = "eng", _("工程部")
    SECURITY = "sec", _("秩序维护部")
    CLEANING = "clean", _("保洁")
    FINANCE = "fin", _("财务")
    MANAGEMENT = "mgmt", _("管理处")


class Role(models.TextChoices):
    """R-ROLE-01/02: the staff roles acting in customer-service work."""

    MANAGER = "manager", _("管理处经理")
    CS_SUPERVISOR = "cs_supervisor", _("客服主管")
    CS_ADMIN = "cs_admin", _("客服管理员")
    FRONT_DESK = "front_desk", _("前台接待")
    CLERK = "clerk", _("文员")
    FINANCE = "finance", _("财务")
    ENG_SUPERVISOR = "eng_supervisor", _("工程部主管")
    ENGINEER = "engineer", _("工程人员")
    SEC_SUPERVISOR = "sec_supervisor", _("秩序维护主管")
    GUARD = "guard", _("秩序维护员")


ROLE_DEPARTMENT = {
    Role.MANAGER: DepartmentKind.MANAGEMENT,
    Role.CS_SUPERVISOR: DepartmentKind.CUSTOMER_SERVICE,
    Role.CS_ADMIN: DepartmentKind.CUSTOMER_SERVICE,
    Role.FRONT_DESK: DepartmentKind.CUSTOMER_SERVICE,
    Role.CLERK: DepartmentKind.CUSTOMER_SERVICE,
    Role.FINANCE: DepartmentKind.FINANCE,
    Role.ENG_SUPERVISOR: DepartmentKind.ENGINEERING,
    Role.ENGINEER: DepartmentKind.ENGINEERING,
    Role.SEC_SUPERVISOR: DepartmentKind.SECURITY,
    Role.GUARD: DepartmentKind.SECURITY,
}


class HistoryAction(models.TextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    TRANSITION = "transition", _("状态变更")
    VOID = "void", _("作废")
    ARCHIVE = "archive", _("归档")


class DeadlineState(models.TextChoices):
    RUNNING = "running", _("计时中")
    PAUSED = "paused", _("暂停")
    MET = "met", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class OutboxChannel(models.TextChoices):
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信")
    EMAIL = "email", _("邮件")


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
