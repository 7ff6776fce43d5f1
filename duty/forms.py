from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Location, Unit, User

from .choices import DutyCategory


class EntryForm(forms.Form):
    """《客服工作台帐》 line: date + time, category, 事情过程 / 处理方法 / 处理结果 (R-DUTY-03/04)."""

    occurred_date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    occurred_time = forms.TimeField(
        label=_("时间"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    category = forms.ChoiceField(label=_("类别"), choices=DutyCategory.choices)
    course = forms.CharField(label=_("事情过程"), widget=forms.Textarea(attrs={"rows": 3}))
    handling = forms.CharField(label=_("处理方法"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    result = forms.CharField(label=_("处理结果"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    unit_label = forms.CharField(
        label=_("房间"), required=False, max_length=40, help_text=_("如 3-1201,可不填")
    )
    location = forms.ModelChoiceField(label=_("位置"), queryset=Location.objects.none(), required=False)
    is_major = forms.BooleanField(label=_("重大事件(需填写特别事件报告)"), required=False)

    def __init__(self, *args, prop, **kwargs):
        super().__init__(*args, **kwargs)
        self.prop = prop
        self.fields["location"].queryset = Location.objects.filter(property=prop)

    def clean_unit_label(self):
        label = (self.cleaned_data.get("unit_label") or "").strip()
        if not label:
            self.unit = None
            return ""
        self.unit = Unit.objects.filter(property=self.prop, label=label).first()
        if self.unit is None:
            raise forms.ValidationError(_("本项目没有房间 %(l)s。(No such unit.)") % {"l": label})
        return label

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        occurred_at = timezone.make_aware(datetime.combine(d["occurred_date"], d["occurred_time"]))
        return {
            "occurred_at": occurred_at,
            "category": d["category"],
            "course": d["course"],
            "handling": d["handling"],
            "result": d["result"],
            "unit": self.unit,
            "location": d["location"],
            "is_major": d["is_major"],
        }


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("作废原因"), max_length=500)


class SignForm(forms.Form):
    comment = forms.CharField(label=_("主管意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.Form):
    title = forms.CharField(label=_("事件名称"), max_length=200)
    details = forms.CharField(label=_("事件经过"), widget=forms.Textarea(attrs={"rows": 6}))
    losses = forms.CharField(label=_("损失情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reported_to = forms.CharField(
        label=_("报告对象"), required=False, max_length=100, help_text=_("如 管理处经理、公安部门")
    )


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("现场照片"))


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(label=_("阅示意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HandoverStartForm(forms.Form):
    incoming = forms.ModelChoiceField(label=_("接班人"), queryset=User.objects.none())

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incoming"].queryset = User.objects.filter(pk__in=[u.pk for u in candidates])


class HandoverItemForm(forms.Form):
    description = forms.CharField(label=_("未完成工作"), max_length=300)
    important = forms.BooleanField(label=_("重要"), required=False)


class HandOverForm(forms.Form):
    unfinished_reason = forms.CharField(
        label=_("重要工作未完成原因"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), max_length=500)
