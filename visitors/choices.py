from django.db import models
from django.utils.translation import gettext_lazy as _


class IdType(models.TextChoices):
    ID_CARD = "id_card", _("身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAO = "hk_macao", _("港澳通行证")
    TAIWAN = "taiwan", _("台胞证")
    DRIVER = "driver", _("驾驶证")
    OTHER = "other", _("其他证件")


class VisitStatus(models.TextChoices):
    """A line of the 《访客登记表》 from registration to departure (R-VIS-01)."""

    PENDING = "pending", _("待业主确认")
    ADMITTED = "admitted", _("在访")
    LEFT = "left", _("已离开")
    REFUSED = "refused", _("业主拒绝")
    MESSAGE_LEFT = "message_left", _("已留言离开")
    CANCELLED = "cancelled", _("访客放弃")


# The visit is on: the visitor is in the building (admitted) or waiting at the desk (pending).
OPEN_STATUSES = (VisitStatus.PENDING, VisitStatus.ADMITTED)


class ConfirmMethod(models.TextChoices):
    """R-VIS-04: the desk phones the owner or takes the visitor to the door intercom."""

    PHONE = "phone", _("电话")
    INTERCOM = "intercom", _("对讲")


class ConfirmResult(models.TextChoices):
    AGREED = "agreed", _("同意")
    REFUSED = "refused", _("拒绝")
    NO_ANSWER = "no_answer", _("无人应答")


class ContactSource(models.TextChoices):
    """R-VIS-06/09: where the number the desk dialled came from."""

    REGISTER = "register", _("登记电话/对讲")
    ARCHIVE = "archive", _("业主档案联系方式")
    VISITOR = "visitor", _("访客提供的联系方式")
    PREAUTH = "preauth", _("业主预留的联系方式")


class PreauthSource(models.TextChoices):
    PHONE = "phone", _("业主来电")
    VISIT = "visit", _("业主到前台")


class KeyStatus(models.TextChoices):
    """A key an owner left at the desk for a visitor (R-VIS-10, R-HOLD-05)."""

    HELD = "held", _("前台保管中")
    HANDED_OVER = "handed_over", _("已交访客")
    RETURNED = "returned", _("已退还业主")


class SpareKeyStatus(models.TextChoices):
    """R-VIS-11/12/13: the spare key (备用钥匙) used to let a visitor in while the owner is out."""

    AWAITING_LETTER = "awaiting_letter", _("待回传确认函")
    LETTER_RECEIVED = "letter_received", _("已收到确认函")
    DECLINED = "declined", _("业主未签·不予进入")
    KEY_OUT = "key_out", _("钥匙已借出")
    VISITOR_INSIDE = "visitor_inside", _("访客已入户·钥匙已归还")
    LOCKED = "locked", _("已锁门·完成")
