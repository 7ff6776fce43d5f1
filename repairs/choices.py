from django.db import models
from django.utils.translation import gettext_lazy as _


class RepairScope(models.TextChoices):
    """R-REP-01: in-unit rooms, public areas and the clubhouse."""

    UNIT = "unit", _("户内")
    PUBLIC = "public", _("公共区域")
    CLUBHOUSE = "clubhouse", _("会所")


class RepairStatus(models.TextChoices):
    """The 工程维修单's states (see repairs.workflow)."""

    REPORTED = "reported", _("已报修")
    DISPATCHED = "dispatched", _("已通知工程部(待接单)")
    COLLECTED = "collected", _("已接单")
    ARRIVED = "arrived", _("已到场")
    ON_HOLD = "on_hold", _("暂停(缺料/业户不在)")
    COMPLETED = "completed", _("已完工(待确认)")
    CONFIRMED = "confirmed", _("已确认完成")
    CANCELLED = "cancelled", _("已撤销")


OPEN_STATUSES = {
    RepairStatus.REPORTED,
    RepairStatus.DISPATCHED,
    RepairStatus.COLLECTED,
    RepairStatus.ARRIVED,
    RepairStatus.ON_HOLD,
}
# R-REP-23: an order is "finished" for the daily return once the work is done.
FINISHED_STATUSES = {RepairStatus.COMPLETED, RepairStatus.CONFIRMED, RepairStatus.CANCELLED}


class NotifyMethod(models.TextChoices):
    """R-REP-05 / R-REP-25: by phone or walkie-talkie."""

    PHONE = "phone", _("电话")
    RADIO = "radio", _("对讲机")
    IN_PERSON = "in_person", _("当面")


class HoldReason(models.TextChoices):
    PARTS = "parts", _("缺少配件(R-REP-12)")
    NOT_HOME = "not_home", _("业户不在家/外出(R-REP-13)")
    OTHER = "other", _("其他原因")


class SignerRole(models.TextChoices):
    RESIDENT = "resident", _("业户")
    CLUBHOUSE = "clubhouse", _("会所服务人员")
    REPORTER = "reporter", _("报修人")


class PriceCategory(models.TextChoices):
    """R-PAID-06: the engineering fee schedule's two lists (labour only, materials excluded)."""

    INSTALL = "install", _("安装类")
    REPAIR = "repair", _("维修类")


class ChargeKind(models.TextChoices):
    LABOUR = "labour", _("收费标准项目(人工)")
    MATERIAL = "material", _("材料费")
    OFF_LIST = "off_list", _("未列项目:零部件+20%服务费")


class PaymentMethod(models.TextChoices):
    """R-REP-15: 交费方式 noted on the order."""

    CASH = "cash", _("现金")
    WECHAT = "wechat", _("微信")
    ALIPAY = "alipay", _("支付宝")
    CARD = "card", _("银行卡")
    BILL = "bill", _("计入物业费账单")


class Severity(models.TextChoices):
    """R-REP-25: how serious the emergency is."""

    MINOR = "minor", _("轻微")
    SERIOUS = "serious", _("严重")
    CRITICAL = "critical", _("特别严重")


class AccidentReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已上报客服主管")
    ACKNOWLEDGED = "acknowledged", _("主管已阅")
