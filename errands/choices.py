from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketKind(models.TextChoices):
    AIR = "air", _("机票")
    TRAIN = "train", _("火车票")


class TicketStatus(models.TextChoices):
    REQUESTED = "requested", _("已登记")
    RESERVED = "reserved", _("已订座")  # R-TIX-10: not prepaid → seat only
    ISSUED = "issued", _("已出票")
    DELIVERED = "delivered", _("票已送达")  # R-TIX-04
    REFUNDED = "refunded", _("已退票")
    CANCELLED = "cancelled", _("已取消")


class ErrandKind(models.TextChoices):
    POSTAGE = "postage", _("代寄邮件")  # R-ERR-03
    RESTAURANT = "restaurant", _("代订餐厅")  # R-ERR-04
    THEATRE = "theatre", _("代订演出票")  # R-ERR-05
    SHOPPING = "shopping", _("代购物品")  # R-ERR-06
    OTHER = "other", _("其他增值服务")  # R-ERR-01


class ErrandStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class LaundryKind(models.TextChoices):
    DRY = "dry", _("干洗")
    WET = "wet", _("湿洗")


class LaundryStatus(models.TextChoices):
    RECEIVED = "received", _("前台已收")
    COLLECTED = "collected", _("洗衣房已收")
    RETURNED = "returned", _("已送回")
    PICKED_UP = "picked_up", _("业主已取")


class GarmentFinish(models.TextChoices):
    FOLDED = "folded", _("折叠")
    HUNG = "hung", _("挂装")


class CashUseStatus(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    OWNER_SIGNED = "owner_signed", _("业主已签字")
    APPROVED = "approved", _("主管已批准")
    INVOICED = "invoiced", _("已取得发票")
    REJECTED = "rejected", _("已驳回")


class ReplenishStatus(models.TextChoices):
    REQUESTED = "requested", _("已申请")
    RECEIVED = "received", _("已补充")


class CallOutcome(models.TextChoices):
    DONE = "done", _("当场办结")
    TRANSFERRED = "transferred", _("已转接")
    CALLBACK = "callback", _("需覆电")
