"""Forms of the storage pages. They only shape input; the services decide (and refuse)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Unit
from residents.models import Resident

from .choices import (
    CollectMethod,
    ConfirmVia,
    DepositorKind,
    DisposalMethod,
    EnvelopeMarking,
    HeldCollectorKind,
    HoldCase,
    IntakeChannel,
    SizeClass,
)

DT = {"type": "datetime-local"}


def _dt_field(label, **kw):
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs=DT, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        **kw,
    )


class UnitLabelMixin:
    """Resolve a typed room label ("3-1201") to a Unit of the form's property."""

    def _unit(self, name, required=False):
        label = (self.cleaned_data.get(name) or "").strip()
        if not label:
            if required:
                raise forms.ValidationError(_("请填写房间号。(Enter the unit.)"))
            return None
        unit = Unit.objects.filter(property=self.prop, label=label).first()
        if unit is None:
            raise forms.ValidationError(_("本项目没有房间 %(l)s。(No such unit.)") % {"l": label})
        return unit


class DepositForm(UnitLabelMixin, forms.Form):
    """《寄存物品认领单》 content (R-STOR-05/06/07/08)."""

    depositor_kind = forms.ChoiceField(label=_("寄存人类别"), choices=DepositorKind.choices)
    unit_label = forms.CharField(label=_("房间号"), required=False, max_length=40, help_text=_("如 3-1201"))
    depositor_name = forms.CharField(label=_("寄存人姓名"), max_length=50)
    depositor_phone = forms.CharField(label=_("联系电话"), required=False, max_length=30)
    intake = forms.ChoiceField(label=_("寄存方式"), choices=IntakeChannel.choices, initial=IntakeChannel.DESK)
    fetched_by = forms.ModelChoiceField(label=_("上门收取的管理员"), queryset=None, required=False)
    description = forms.CharField(label=_("物品名称及特征"), max_length=300)
    count = forms.IntegerField(label=_("件数"), min_value=1, initial=1)
    size_class = forms.ChoiceField(label=_("大小"), choices=SizeClass.choices)
    expected_collect_at = _dt_field(_("预计领取时间"))
    location = forms.CharField(
        label=_("存放位置"), max_length=100, help_text=_("按寄存时间和大小选择 (R-STOR-09)")
    )
    hazardous = forms.BooleanField(label=_("含易燃、易爆、有毒或违禁物品"), required=False)
    valuables = forms.BooleanField(label=_("含现金或贵重物品(珠宝首饰等)"), required=False)
    perishable = forms.BooleanField(label=_("含食品、异味、易碎、易腐或腐蚀性物品"), required=False)
    owner_insisted = forms.BooleanField(label=_("业主坚持寄存上述物品并自行负责"), required=False)
    notice_given = forms.BooleanField(
        label=_("已告知寄存人:下联是唯一领取凭证,遗失被冒领前台不负责"), required=False
    )
    parts_confirmed = forms.BooleanField(
        label=_("上下联内容一致;下联已交寄存人,上联已系于物品上"), required=False
    )

    def __init__(self, *args, prop, **kwargs):
        super().__init__(*args, **kwargs)
        self.prop = prop
        from core.choices import Role
        from core.models import User

        self.fields["fetched_by"].queryset = User.objects.filter(
            memberships__property=prop, memberships__role=Role.CS_ADMIN, memberships__active=True
        ).distinct()

    def clean_unit_label(self):
        self.unit = self._unit("unit_label")
        return self.cleaned_data.get("unit_label", "")

    def clean(self):
        d = super().clean()
        self.resident = None
        if d.get("depositor_kind") == DepositorKind.RESIDENT and getattr(self, "unit", None):
            name = (d.get("depositor_name") or "").strip()
            self.resident = (
                Resident.objects.filter(
                    property=self.prop,
                    name=name,
                    occupancies__unit=self.unit,
                    occupancies__end__isnull=True,
                    archived_at__isnull=True,
                )
                .distinct()
                .first()
            )
            if self.resident is None:
                self.add_error(
                    "depositor_name",
                    _("该房间没有这位住户;访客请选择“访客”。(No such resident in this unit.)"),
                )
        elif d.get("depositor_kind") == DepositorKind.RESIDENT:
            self.add_error("unit_label", _("住户寄存请填写房间号。(Enter the resident's unit.)"))
        return d

    def service_kwargs(self) -> dict:
        d = dict(self.cleaned_data)
        d.pop("unit_label", None)
        return {**d, "unit": self.unit, "resident": self.resident}


class TicketLookupForm(forms.Form):
    ticket_no = forms.CharField(label=_("下联号码"), max_length=30)


class CollectForm(forms.Form):
    """R-STOR-12..17."""

    method = forms.ChoiceField(label=_("领取方式"), choices=CollectMethod.choices)
    presented_ticket_no = forms.CharField(label=_("出示的下联号码"), max_length=30, required=False)
    collector_name = forms.CharField(label=_("领取人"), max_length=50)
    collector_is_depositor = forms.BooleanField(label=_("寄存人本人领取"), required=False, initial=True)
    collector_id_number = forms.CharField(label=_("领取人证件号码"), max_length=40, required=False)
    id_copy = forms.FileField(label=_("证件复印件(代领或挂失领取)"), required=False)
    halves_match = forms.BooleanField(label=_("已核对上下联号码及内容相符"), required=False)
    inspected_ok = forms.BooleanField(label=_("寄存人当面验收无异议"), required=False, initial=True)
    damage_note = forms.CharField(
        label=_("缺损情况"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    compensation = forms.DecimalField(label=_("照价赔偿金额(元)"), required=False, min_value=0)
    carry_help = forms.BooleanField(label=_("协助搬运到房间或车上"), required=False)
    parts_stapled = forms.BooleanField(label=_("上下联已背对背、上端对齐钉合,交客服主管存档"), required=False)


class LostTicketForm(forms.Form):
    """R-STOR-18: room number, owner name and ticket number."""

    ticket_no = forms.CharField(label=_("认领单号"), max_length=30)
    reporter_name = forms.CharField(label=_("业主姓名"), max_length=50)
    unit_label = forms.CharField(label=_("房间号"), max_length=40, required=False)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SealForm(forms.Form):
    supervisor = forms.ModelChoiceField(label=_("监督的客服主管"), queryset=None)

    def __init__(self, *args, prop, **kwargs):
        super().__init__(*args, **kwargs)
        from core.choices import Role
        from core.models import User

        self.fields["supervisor"].queryset = User.objects.filter(
            memberships__property=prop, memberships__role=Role.CS_SUPERVISOR, memberships__active=True
        ).distinct()


class HoldForm(UnitLabelMixin, forms.Form):
    """《业主物品临时存放记录表》 (R-HOLD-04/05)."""

    case = forms.ChoiceField(label=_("存放情形"), choices=HoldCase.choices)
    unit_label = forms.CharField(label=_("单元号"), max_length=40, help_text=_("如 3-1201"))
    owner_name = forms.CharField(label=_("业主姓名"), max_length=50)
    depositor_name = forms.CharField(label=_("存放人"), max_length=50)
    description = forms.CharField(label=_("物品"), max_length=200)
    count = forms.IntegerField(label=_("数量"), min_value=1, initial=1)
    is_key = forms.BooleanField(label=_("钥匙"), required=False)
    envelope_sealed = forms.BooleanField(label=_("钥匙已装入信封并封口"), required=False)
    envelope_marking = forms.ChoiceField(
        label=_("信封标注(单元号、留存日期、领取人姓名)"),
        choices=[("", "—")] + list(EnvelopeMarking.choices),
        required=False,
    )
    collector_name = forms.CharField(label=_("领取人姓名"), max_length=50, required=False)
    collect_by = _dt_field(_("约定领取时间"))

    def __init__(self, *args, prop, **kwargs):
        super().__init__(*args, **kwargs)
        self.prop = prop

    def clean_unit_label(self):
        self.unit = self._unit("unit_label", required=True)
        return self.cleaned_data.get("unit_label", "")

    def service_kwargs(self) -> dict:
        d = dict(self.cleaned_data)
        d.pop("unit_label", None)
        return {**d, "unit": self.unit}


class HeldCollectForm(forms.Form):
    """R-HOLD-08/09/11."""

    collector_kind = forms.ChoiceField(label=_("领取人身份"), choices=HeldCollectorKind.choices)
    collector_name = forms.CharField(label=_("领取人姓名"), max_length=50)
    collector_is_resident = forms.BooleanField(label=_("领取人是本项目住户"), required=False)
    collector_id_number = forms.CharField(label=_("证件号码(非住户必填)"), max_length=40, required=False)
    id_copy = forms.FileField(label=_("证件复印件"), required=False)
    identity_checked = forms.BooleanField(label=_("已核实领取人身份"), required=False)
    depositor_confirmed_via = forms.ChoiceField(
        label=_("存放人确认方式(其他人领取时)"),
        choices=[("", "—")] + list(ConfirmVia.choices),
        required=False,
    )
    collector_signed = forms.BooleanField(label=_("领取人已在“领取人签署”栏签字"), required=False)
    carry_help = forms.BooleanField(label=_("协助搬运到房间"), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("记录"), widget=forms.Textarea(attrs={"rows": 2}))


class FoundForm(forms.Form):
    """《捡拾物品登记表》 (R-INC-16)."""

    name = forms.CharField(label=_("物品名称"), max_length=100)
    quantity = forms.IntegerField(label=_("数量"), min_value=1, initial=1)
    features = forms.CharField(label=_("物品特征"), widget=forms.Textarea(attrs={"rows": 2}))
    found_where = forms.CharField(label=_("拾获地点"), max_length=200)
    found_at = _dt_field(_("拾获时间"))
    finder_name = forms.CharField(label=_("拾获人"), max_length=50)
    value_estimate = forms.DecimalField(label=_("估计价值(元)"), min_value=0, max_digits=10, decimal_places=2)
    high_value_override = forms.BooleanField(label=_("虽未达贵重物品金额,仍按贵重物品处理"), required=False)
    storage_location = forms.CharField(
        label=_("保管位置"), max_length=100, required=False, help_text=_("贵重物品自动存入贵重物品保险箱")
    )


class ClaimForm(UnitLabelMixin, forms.Form):
    """R-INC-20."""

    claimant_name = forms.CharField(label=_("认领人"), max_length=50)
    unit_label = forms.CharField(label=_("认领人房间"), max_length=40, required=False)
    claimant_id_number = forms.CharField(label=_("证件号码"), max_length=40)
    claim_evidence = forms.CharField(label=_("确认失主的依据"), widget=forms.Textarea(attrs={"rows": 2}))
    claimant_signed = forms.BooleanField(label=_("认领人已在《捡拾物品登记表》上签字"), required=False)

    def __init__(self, *args, prop, **kwargs):
        super().__init__(*args, **kwargs)
        self.prop = prop

    def clean_unit_label(self):
        self.unit = self._unit("unit_label")
        return self.cleaned_data.get("unit_label", "")

    def service_kwargs(self) -> dict:
        d = dict(self.cleaned_data)
        d.pop("unit_label", None)
        return {**d, "claimant_unit": self.unit}


class DisposeForm(forms.Form):
    """R-INC-21."""

    method = forms.ChoiceField(label=_("处理方式"), choices=DisposalMethod.choices)
    note = forms.CharField(label=_("处理说明"), widget=forms.Textarea(attrs={"rows": 2}))
