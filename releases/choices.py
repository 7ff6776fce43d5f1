from django.db import models
from django.utils.translation import gettext_lazy as _


class ReleaseKind(models.TextChoices):
    ORDINARY = "ordinary", _("一般携物")
    MOVE_OUT = "move_out", _("迁离搬出")
    COMPANY = "company", _("公司产品定期出门")  # R-REL-05


class ReleaseStatus(models.TextChoices):
    APPLIED = "applied", _("已申请")
    CONFIRMED = "confirmed", _("已电话确认")
    ISSUED = "issued", _("已开具")
    PASSED = "passed", _("已放行")
    RETURNED = "returned", _("不符退回")
