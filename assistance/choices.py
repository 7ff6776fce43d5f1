from django.db import models
from django.utils.translation import gettext_lazy as _


class HelpCategory(models.TextChoices):
    """R-HELP-01: the six categories of a resident help request, plus 其他 (R-HELP-15)."""

    FIRST_AID = "first_aid", _("急救病人求助")
    REPAIR = "repair", _("报修求助")
    COMPLAINT = "complaint", _("投诉求助")
    CONSULTATION = "consultation", _("咨询求助")
    CRIME = "crime", _("盗窃/打架斗殴/抢劫/凶杀/中毒/交通意外求助")
    DISASTER = "disaster", _("水浸/火灾等灾害事故求助")
    OTHER = "other", _("其他求助")


class HelpStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    HANDLING = "handling", _("处理中")
    ESCALATED = "escalated", _("已请示主管")
    HELPED = "helped", _("已办结")
    UNSATISFIABLE = "unsatisfiable", _("无法满足(已协助联系)")


class FirstAidChoice(models.TextChoices):
    """R-HELP-06: what the requester wants done for the patient."""

    HOSPITAL = "hospital", _("协助送医院")
    CALL_120 = "call_120", _("呼叫120")
    CARE = "care", _("派人协助照顾")


class IncidentType(models.TextChoices):
    """R-HELP-14: the 突发事件 a help request can open (crime/accident and disasters)."""

    THEFT = "theft", _("盗窃")
    FIGHT = "fight", _("打架斗殴")
    ROBBERY = "robbery", _("抢劫")
    HOMICIDE = "homicide", _("凶杀")
    POISONING = "poisoning", _("中毒")
    TRAFFIC = "traffic", _("交通意外")
    FLOOD = "flood", _("水浸")
    FIRE = "fire", _("火灾")
    OTHER_DISASTER = "other_disaster", _("其他灾害事故")


CRIME_TYPES = [
    IncidentType.THEFT,
    IncidentType.FIGHT,
    IncidentType.ROBBERY,
    IncidentType.HOMICIDE,
    IncidentType.POISONING,
    IncidentType.TRAFFIC,
]
DISASTER_TYPES = [IncidentType.FLOOD, IncidentType.FIRE, IncidentType.OTHER_DISASTER]


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("处理中")
    HANDLED = "handled", _("已处置")
    CLOSED = "closed", _("已结案")


class ReferralKind(models.TextChoices):
    """R-HELP-05 / R-HELP-14: where a request was passed on."""

    FLOW = "flow", _("转入处理流程")
    DEPARTMENT = "department", _("转相关部门")
    EXTERNAL = "external", _("协助联系外部单位")


class BatchStatus(models.TextChoices):
    ARCHIVED = "archived", _("已归档")
    DISPOSED = "disposed", _("已销毁(作废)")
