from django.db import models
from django.utils.translation import gettext_lazy as _


class LetterKind(models.TextChoices):
    """R-LET-01: letters, and newspapers and other written documents."""

    LETTER = "letter", _("信件")
    NEWSPAPER = "newspaper", _("报刊")
    DOCUMENT = "document", _("文件")


class LetterStatus(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    MAILBOX = "mailbox", _("已投信箱")
    HELD = "held", _("前台保管")
    COLLECTED = "collected", _("已领取")
    RETURNED = "returned", _("已退信")


class AddresseeMatch(models.TextChoices):
    """R-LET-03/05: the name on the envelope checked against the archive of the unit."""

    CURRENT = "current", _("现住业主")
    FORMER = "former", _("已迁离")
    UNKNOWN = "unknown", _("待核实")
    NOT_OURS = "not_ours", _("非本区住户")


class VerifyMethod(models.TextChoices):
    """R-LET-05: how an unclear addressee was confirmed."""

    ARCHIVE = "archive", _("查业主档案")
    PHONE = "phone", _("电话联系业主")
    DEPARTMENT = "department", _("其他部门确认")


class InstructionKind(models.TextChoices):
    """R-LET-03 special mail instructions; R-LET-10 forwarding after a tenancy ends."""

    HOLD_AT_DESK = "hold", _("邮件留前台保管")
    CALL_TO_COLLECT = "call", _("迁离后来信电话通知领取")
    SIGN_CONSENT = "consent", _("同意前台代签快件")


class FaultStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    REPORTED = "reported", _("已报工程部")
    DECLINED = "declined", _("业主不同意维修")
    CLOSED = "closed", _("已修复")


class MailKind(models.TextChoices):
    """R-EXP-01: the items of this area."""

    EXPRESS = "express", _("快件")
    REGISTERED = "registered", _("挂号信")
    PARCEL = "parcel", _("包裹")
    PARCEL_SLIP = "parcel_slip", _("包裹单")
    MONEY_ORDER = "money_order", _("汇款单")


class ReceiptMark(models.TextChoices):
    """R-EXP-05: a postal item is stamped with the 邮件收发章, or signed by the receiving staff member."""

    STAMP = "stamp", _("盖邮件收发章")
    SIGNED = "signed", _("经办人签收")


class ParcelStatus(models.TextChoices):
    RECEIVED = "received", _("已登记")
    NOTIFIED = "notified", _("已通知")
    COLLECTED = "collected", _("已领取")
    DELIVERED = "delivered", _("已送达")
    RETURNED = "returned", _("已退回")


HELD_STATUSES = (ParcelStatus.RECEIVED, ParcelStatus.NOTIFIED)


class OwnerChoice(models.TextChoices):
    """R-EXP-08/09: collect at the desk, or property staff deliver to the unit."""

    COLLECT = "collect", _("到前台领取")
    DELIVER = "deliver", _("送货上门")


class AttemptChannel(models.TextChoices):
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信")
    NOTICE = "notice", _("快件通知单(信箱)")


class AttemptOutcome(models.TextChoices):
    REACHED = "reached", _("已联系上")
    NO_ANSWER = "no_answer", _("无人接听")
    BUSY = "busy", _("占线/关机")
    MESSAGE_SENT = "sent", _("已发送")


class SlipStatus(models.TextChoices):
    ISSUED = "issued", _("已发出")
    CLOSED = "closed", _("已领取")
    VOID = "void", _("作废")


class CollectionMode(models.TextChoices):
    """R-SLIP-06/07: how the mail of a slip reached the owner."""

    WITH_SLIP = "with_slip", _("持首联领取")
    WITHOUT_SLIP = "without_slip", _("未带首联,签第二联")
    DELIVERED = "delivered", _("送至单元,首联签回")
