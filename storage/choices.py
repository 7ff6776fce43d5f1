from django.db import models
from django.utils.translation import gettext_lazy as _


class DepositorKind(models.TextChoices):
    RESIDENT = "resident", _("住户")
    GUEST = "guest", _("访客")


class IntakeChannel(models.TextChoices):
    """R-STOR-04: brought to the desk, or fetched from the unit by a 管理员 at the owner's call."""

    DESK = "desk", _("前台寄存")
    FETCHED = "fetched", _("上门收取")


class SizeClass(models.TextChoices):
    """R-STOR-07 (INTERPRETATION): staff classify 大件/小件; the seed gives no size threshold."""

    LARGE = "large", _("大件行李")
    SMALL = "small", _("小件物品")


class StoredStatus(models.TextChoices):
    STORED = "stored", _("寄存中")
    LOST_TICKET = "lost_ticket", _("已挂失")
    COLLECTED = "collected", _("已领取")


class CollectMethod(models.TextChoices):
    TICKET = "ticket", _("凭下联领取")
    ID_AFTER_LOSS = "id", _("挂失后凭证件领取")


class LostReportOutcome(models.TextChoices):
    """R-STOR-18/19: still uncollected (the ticket is blocked) or already collected with the lost ticket."""

    BLOCKED = "blocked", _("已挂失,物品在库")
    ALREADY_COLLECTED = "already_collected", _("已被冒领,移交秩序维护部调查")


class HoldCase(models.TextChoices):
    """R-HOLD-02 (a)–(c); case (c) is allowed (R-HOLD-03 reading B)."""

    OWNER_SELF = "owner_self", _("业主自存自取")
    OWNER_FOR_OTHER = "owner_for_other", _("业主留交他人领取")
    VISITOR_FOR_OWNER = "visitor_for_owner", _("访客留交业主")


class EnvelopeMarking(models.TextChoices):
    """R-HOLD-05: written on the envelope in pencil (reusable) or on a firmly attached sticky note."""

    PENCIL = "pencil", _("铅笔写在信封上")
    STICKY = "sticky", _("粘贴便签")


class HeldStatus(models.TextChoices):
    HELD = "held", _("暂存中")
    COLLECTED = "collected", _("已领取")


class HeldCollectorKind(models.TextChoices):
    DEPOSITOR = "depositor", _("存放人本人")
    NAMED = "named", _("登记的领取人")
    THIRD_PARTY = "third_party", _("其他人(需存放人确认)")


class ConfirmVia(models.TextChoices):
    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信")
    IN_PERSON = "in_person", _("当面")
    WRITTEN = "written", _("书面")


class FoundStatus(models.TextChoices):
    IN_CUSTODY = "in_custody", _("保管中")
    CLAIMED = "claimed", _("已认领")
    DISPOSED = "disposed", _("已处理")


class DisposalMethod(models.TextChoices):
    POLICE = "police", _("上交公安机关")
    DONATE = "donate", _("捐赠")
    PUBLIC_USE = "public_use", _("转作公用")
    DESTROY = "destroy", _("销毁")
    OTHER = "other", _("其他")


class CheckKind(models.TextChoices):
    STORED = "stored", _("寄存物品")
    HELD = "held", _("暂存物品")
    FOUND = "found", _("捡拾物品")
