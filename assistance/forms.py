from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Department, Location, Unit
from servicedesk.choices import Channel

from .choices import HelpCategory, ReferralKind


class HelpIntakeForm(forms.Form):
    """Quick intake: the category first; its checklist (and for first aid, the address and phone) follow."""

    category = forms.ChoiceField(label=_("求助类别"), choices=HelpCategory.choices, widget=forms.RadioSelect)
    channel = forms.ChoiceField(label=_("受理方式"), choices=Channel.choices, initial=Channel.PHONE)
    reporter_name = forms.CharField(label=_("求助人"), max_length=100)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    unit_label = forms.CharField(
        label=_("房间"), max_length=40, required=False, help_text=_("如 3-1201,可不填")
    )
    location = forms.ModelChoiceField(label=_("公共位置"), queryset=Location.objects.none(), required=False)
    location_detail = forms.CharField(label=_("具体位置"), max_length=200, required=False)
    description = forms.CharField(label=_("求助内容"), widget=forms.Textarea(attrs={"rows": 3}))
    # R-HELP-06: first aid — floor/address and phone are asked before anything else.
    floor_address = forms.CharField(label=_("病人楼层住址"), max_length=200, required=False)
    patient_phone = forms.CharField(label=_("病人联系电话"), max_length=30, required=False)
    confidential = forms.BooleanField(label=_("涉及公司机密(保密处理)"), required=False)
    is_paid = forms.BooleanField(label=_("有偿服务"), required=False)

    def __init__(self, *args, prop, **kw):
        super().__init__(*args, **kw)
        self.prop = prop
        self.unit = None
        self.fields["location"].queryset = Location.objects.filter(property=prop)

    def clean_unit_label(self):
        label = (self.cleaned_data.get("unit_label") or "").strip()
        if label:
            self.unit = Unit.objects.filter(property=self.prop, label=label).first()
            if self.unit is None:
                raise forms.ValidationError(_("本项目没有房间 %(l)s。(No such unit.)") % {"l": label})
        return label

    def clean(self):
        d = super().clean()
        if d.get("category") == HelpCategory.FIRST_AID:
            for f in ("floor_address", "patient_phone"):
                if not (d.get(f) or "").strip():
                    self.add_error(
                        f, _("急救求助须先问清楼层住址和联系电话。(Ask the address and phone first.)")
                    )
        return d

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "category": d["category"],
            "channel": d["channel"],
            "reporter_name": d["reporter_name"],
            "contact_phone": d["contact_phone"],
            "unit": self.unit,
            "location": d["location"],
            "location_detail": d["location_detail"],
            "description": d["description"],
            "floor_address": d["floor_address"],
            "patient_phone": d["patient_phone"],
            "confidential": d["confidential"],
            "is_paid": d["is_paid"],
        }


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(label=_("转介方式"), choices=ReferralKind.choices)
    department = forms.ModelChoiceField(label=_("部门"), queryset=Department.objects.none(), required=False)
    target = forms.CharField(
        label=_("转介对象"), max_length=200, required=False, help_text=_("如 供电局、社区居委会")
    )
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args, departments=None, **kw):
        super().__init__(*args, **kw)
        if departments is not None:
            self.fields["department"].queryset = departments


class PromiseForm(forms.Form):
    answer_by = forms.DateTimeField(
        label=_("承诺答复时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class PrincipleForm(forms.Form):
    note = forms.CharField(label=_("原则性问题说明"), max_length=500)


class SupervisorReplyForm(forms.Form):
    reply = forms.CharField(label=_("主管意见/协调结果"), widget=forms.Textarea(attrs={"rows": 2}))


class FeeForm(forms.Form):
    is_paid = forms.BooleanField(label=_("有偿服务"), required=False)
    fee = forms.DecimalField(label=_("收费(元)"), max_digits=10, decimal_places=2, required=False)
    note = forms.CharField(label=_("收费说明"), max_length=200, required=False)


class ResolveForm(forms.Form):
    result = forms.CharField(label=_("处理结果"), widget=forms.Textarea(attrs={"rows": 2}))
    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)


class UnsatisfiableForm(forms.Form):
    reason = forms.CharField(label=_("无法满足的原因"), widget=forms.Textarea(attrs={"rows": 2}))
    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)


class IncidentHandleForm(forms.Form):
    handling = forms.CharField(label=_("处置经过"), widget=forms.Textarea(attrs={"rows": 3}))


class IncidentCloseForm(forms.Form):
    note = forms.CharField(label=_("结案说明"), max_length=300, required=False)


class ArchiveForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)


class DisposeForm(forms.Form):
    reason = forms.CharField(label=_("销毁说明"), max_length=300)
