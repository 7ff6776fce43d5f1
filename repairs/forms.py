from django import forms
from django.utils.translation import gettext_lazy as _

from core.choices import LocationKind
from core.models import Location, Unit, User
from servicedesk.choices import Channel

from .choices import ChargeKind, HoldReason, NotifyMethod, PaymentMethod, Severity, SignerRole
from .models import PriceItem
from .services import CS_ROLES, ENGINEERING_ROLES, SECURITY_ROLES

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def when_field(label=None, required=False):
    return forms.DateTimeField(
        label=label or _("时间(空=现在)"), required=required, widget=DT, input_formats=DT_FORMATS
    )


def staff_of(prop, roles):
    return (
        User.objects.filter(
            memberships__property=prop, memberships__active=True, memberships__role__in=list(roles)
        )
        .distinct()
        .order_by("display_name", "username")
    )


class PropForm(forms.Form):
    def __init__(self, *args, prop=None, **kw):
        super().__init__(*args, **kw)
        self.prop = prop


class IntakeForm(PropForm):
    """R-REP-03/04 (户内), R-REP-17 (公共区域), R-REP-20 (会所)."""

    channel = forms.ChoiceField(label=_("受理方式"), choices=Channel.choices, initial=Channel.PHONE)
    unit = forms.CharField(label=_("房号"), required=False, help_text=_("如 3-1201"))
    location = forms.ModelChoiceField(label=_("位置"), queryset=Location.objects.none(), required=False)
    location_detail = forms.CharField(label=_("具体位置"), required=False)
    reporter_name = forms.CharField(label=_("报修人/联系人姓名"))
    reporter_department = forms.CharField(label=_("报修人部门"), required=False)
    contact_phone = forms.CharField(label=_("电话"), required=False)
    description = forms.CharField(label=_("维修内容"), widget=forms.Textarea(attrs={"rows": 3}))
    special_requests = forms.CharField(
        label=_("特殊要求"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    available_times = forms.CharField(label=_("可进行维修的时间"), required=False)
    appointment_at = when_field(_("预约服务时间"))
    spare_key_allowed = forms.BooleanField(label=_("户内无人时允许用备用钥匙进入维修"), required=False)
    accompany_requested = forms.BooleanField(label=_("业户要求客服人员陪同"), required=False)
    notify_method = forms.ChoiceField(
        label=_("通知工程部方式"), choices=NotifyMethod.choices, initial=NotifyMethod.PHONE
    )

    SCOPE_FIELDS = {
        "unit": [
            "channel",
            "unit",
            "reporter_name",
            "contact_phone",
            "description",
            "special_requests",
            "available_times",
            "appointment_at",
            "spare_key_allowed",
            "accompany_requested",
            "notify_method",
        ],
        "public": [
            "channel",
            "location",
            "location_detail",
            "reporter_name",
            "reporter_department",
            "contact_phone",
            "description",
            "special_requests",
            "notify_method",
        ],
        "clubhouse": [
            "location",
            "location_detail",
            "reporter_name",
            "contact_phone",
            "description",
            "special_requests",
            "notify_method",
        ],
    }

    def __init__(self, *args, scope="unit", **kw):
        super().__init__(*args, **kw)
        self.scope = scope
        keep = set(self.SCOPE_FIELDS[scope])
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "location" in self.fields and self.prop is not None:
            kind = LocationKind.CLUBHOUSE if scope == "clubhouse" else LocationKind.PUBLIC_AREA
            self.fields["location"].queryset = Location.objects.filter(property=self.prop, kind=kind)
            self.fields["location"].required = scope == "clubhouse"

    def clean_unit(self):
        label = (self.cleaned_data.get("unit") or "").strip()
        if not label:
            return None
        unit = Unit.objects.filter(property=self.prop, label=label).first()
        if unit is None:
            raise forms.ValidationError(_("本项目没有该房号。(No such unit in this property.)"))
        return unit


class EmergencyForm(PropForm):
    unit = forms.CharField(label=_("房间号"), required=False)
    location = forms.ModelChoiceField(label=_("公共位置"), queryset=Location.objects.none(), required=False)
    location_detail = forms.CharField(label=_("具体位置"), required=False)
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices)
    description = forms.CharField(label=_("情况"), widget=forms.Textarea(attrs={"rows": 3}))
    reporter_name = forms.CharField(label=_("报告人"))
    contact_phone = forms.CharField(label=_("电话"), required=False)
    method = forms.ChoiceField(
        label=_("通知工程部方式"), choices=NotifyMethod.choices, initial=NotifyMethod.RADIO
    )

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        if self.prop is not None:
            self.fields["location"].queryset = Location.objects.filter(property=self.prop)

    clean_unit = IntakeForm.clean_unit


class NotifyForm(PropForm):
    method = forms.ChoiceField(label=_("通知方式"), choices=NotifyMethod.choices)
    assignee = forms.ModelChoiceField(label=_("指派工程人员"), queryset=User.objects.none(), required=False)
    at = when_field()

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        if self.prop is not None:
            self.fields["assignee"].queryset = staff_of(self.prop, ENGINEERING_ROLES)


class CollectForm(PropForm):
    collector = forms.ModelChoiceField(label=_("取单人"), queryset=User.objects.none())
    signature = forms.CharField(label=_("取单人签字"), required=False)
    at = when_field(_("接单时间(空=现在)"))

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        if self.prop is not None:
            self.fields["collector"].queryset = staff_of(self.prop, ENGINEERING_ROLES)


class ArriveForm(PropForm):
    cs_on_site = forms.BooleanField(label=_("管理员同到现场/陪同"), required=False)
    at = when_field(_("到场时间(空=现在)"))


class HoldForm(PropForm):
    reason_kind = forms.ChoiceField(label=_("原因类别"), choices=HoldReason.choices)
    reason = forms.CharField(label=_("未能立即维修的原因"))
    resident_agreed = forms.BooleanField(label=_("已告知业户,业户同意"), required=False)
    rescheduled_for = when_field(_("与业户约定的再次维修时间"))
    at = when_field()


class RescheduleForm(PropForm):
    rescheduled_for = when_field(_("新约定时间"), required=True)
    note = forms.CharField(label=_("说明"), required=False)


class FollowUpForm(PropForm):
    text = forms.CharField(label=_("跟进情况"))


class ResumeForm(PropForm):
    note = forms.CharField(label=_("说明"), required=False)
    at = when_field()


class CompleteForm(PropForm):
    result = forms.CharField(label=_("维修结果"), widget=forms.Textarea(attrs={"rows": 2}))
    repairer_signature = forms.CharField(label=_("维修人签字"))
    signer_name = forms.CharField(label=_("业户/会所人员签字"), required=False)
    signer_role = forms.ChoiceField(
        label=_("签字人身份"), choices=[("", "—"), *SignerRole.choices], required=False
    )
    resident_comment = forms.CharField(label=_("业户意见"), required=False)
    reported_to_cs = forms.BooleanField(label=_("已电话通知客服部"), required=False, initial=True)
    at = when_field(_("完成时间(空=现在)"))


class SignForm(PropForm):
    signer_name = forms.CharField(label=_("签字人"))
    signer_role = forms.ChoiceField(label=_("身份"), choices=SignerRole.choices, required=False)
    comment = forms.CharField(label=_("意见"), required=False)


class EmptyForm(PropForm):
    at = when_field()


class ConfirmForm(PropForm):
    note = forms.CharField(label=_("与业户确认情况"), initial=_("业户确认使用正常"))


class ReconfirmForm(PropForm):
    note = forms.CharField(label=_("复核记录"), initial=_("电话与业户复核,同意户内无人时用备用钥匙进入"))


class KeyEnterForm(PropForm):
    cs_person = forms.ModelChoiceField(label=_("客服部人员"), queryset=User.objects.none())
    security_person = forms.ModelChoiceField(label=_("秩序维护部人员"), queryset=User.objects.none())
    engineering_person = forms.ModelChoiceField(label=_("工程部人员"), queryset=User.objects.none())
    key_reference = forms.CharField(label=_("钥匙编号"), required=False)
    entered_at = when_field(_("进入时间(空=现在)"))

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        if self.prop is not None:
            self.fields["cs_person"].queryset = staff_of(self.prop, CS_ROLES)
            self.fields["security_person"].queryset = staff_of(self.prop, SECURITY_ROLES)
            self.fields["engineering_person"].queryset = staff_of(self.prop, ENGINEERING_ROLES)


class KeyLeaveForm(PropForm):
    left_at = when_field(_("离开时间(空=现在)"))


class ChargeForm(PropForm):
    kind = forms.ChoiceField(label=_("类型"), choices=ChargeKind.choices)
    price_item = forms.ModelChoiceField(
        label=_("收费标准项目"), queryset=PriceItem.objects.none(), required=False
    )
    description = forms.CharField(label=_("材料/零部件"), required=False)
    quantity = forms.DecimalField(label=_("数量"), initial=1, min_value=0, decimal_places=2)
    unit_price = forms.DecimalField(label=_("单价(元)"), required=False, min_value=0, decimal_places=2)

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        if self.prop is not None:
            self.fields["price_item"].queryset = PriceItem.objects.filter(property=self.prop, active=True)


class ChargesConfirmForm(PropForm):
    resident_name = forms.CharField(label=_("确认的业户"))


class PaymentForm(PropForm):
    method = forms.ChoiceField(label=_("交费方式"), choices=PaymentMethod.choices)


class LossForm(PropForm):
    item = forms.CharField(label=_("受损物品/部位"))
    description = forms.CharField(label=_("损失情况"))
    estimated_amount = forms.DecimalField(
        label=_("估计损失(元)"), required=False, min_value=0, decimal_places=2
    )


class AccidentReportForm(PropForm):
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices)
    facts = forms.CharField(label=_("事件经过"), widget=forms.Textarea(attrs={"rows": 3}))
    impact = forms.CharField(
        label=_("对业户的影响及可能后果"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    handling = forms.CharField(label=_("处理情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AcknowledgeForm(PropForm):
    note = forms.CharField(label=_("主管意见"), required=False)


class PriceForm(PropForm):
    price = forms.DecimalField(label=_("价格(元)"), required=False, min_value=0, decimal_places=2)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)


class ReturnForm(PropForm):
    returned_by = forms.ModelChoiceField(label=_("工程部交单人"), queryset=User.objects.none())

    def __init__(self, *args, orders=(), **kw):
        super().__init__(*args, **kw)
        if self.prop is not None:
            self.fields["returned_by"].queryset = staff_of(self.prop, ENGINEERING_ROLES)
        self.orders = list(orders)
        for o in self.orders:
            if not o.finished_now:
                self.fields[f"reason_{o.pk}"] = forms.CharField(
                    label=f"{o.request.number} {_('未完成原因')}", required=False
                )

    def reasons(self):
        return {o.pk: self.cleaned_data.get(f"reason_{o.pk}", "") for o in self.orders if not o.finished_now}


class HandOverForm(PropForm):
    supervisor = forms.ModelChoiceField(label=_("工程部主管"), queryset=User.objects.none())

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        if self.prop is not None:
            from core.choices import Role

            self.fields["supervisor"].queryset = staff_of(self.prop, {Role.ENG_SUPERVISOR})
