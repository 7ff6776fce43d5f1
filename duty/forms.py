from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import Building, Department, Location, Unit, User

from .choices import DutyCategory, LeaveReason
from .models import Post, PostShift


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


# --- post attendance (岗位签到, R-DUTY-15/16) --------------------------------------------------------------


def _user_label(user) -> str:
    return str(user)


class PostSignInForm(forms.Form):
    """《岗位签到表》 签到: which post, who (the property's staff)."""

    post = forms.ModelChoiceField(label=pgettext_lazy("duty post", "岗位"), queryset=Post.objects.none())
    staff = forms.ModelChoiceField(label=_("签到人员"), queryset=User.objects.none())
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, prop, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = Post.objects.filter(property=prop, active=True).order_by("name", "pk")
        self.fields["staff"].queryset = User.objects.filter(pk__in=[u.pk for u in staff]).order_by("username")
        self.fields["staff"].label_from_instance = _user_label


class PostSignOutForm(forms.Form):
    """《岗位签到表》 签退: why, who approved (R-DUTY-15), who took over."""

    reason = forms.ChoiceField(label=_("离岗原因"), choices=LeaveReason.choices)
    approved_by = forms.ModelChoiceField(label=_("批准人"), queryset=User.objects.none(), required=False)
    relieved_by = forms.ModelChoiceField(label=_("接替人"), queryset=PostShift.objects.none(), required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, shift, approvers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved_by"].queryset = User.objects.filter(pk__in=[u.pk for u in approvers])
        self.fields["relieved_by"].queryset = PostShift.objects.filter(
            post_id=shift.post_id, signed_out_at__isnull=True
        ).exclude(pk=shift.pk)


class PostForm(forms.Form):
    """A post of the 《岗位签到表》, set up by the 客服主管 or the 管理处经理."""

    name = forms.CharField(label=_("岗位名称"), max_length=50, help_text=_("如 前台、3栋大堂岗、地下车场岗"))
    building = forms.ModelChoiceField(label=_("楼座"), queryset=Building.objects.none(), required=False)
    department = forms.ModelChoiceField(label=_("部门"), queryset=Department.objects.none(), required=False)
    never_empty = forms.BooleanField(
        label=_("严禁空岗"),
        required=False,
        initial=True,
        help_text=_("最后一人须有人接替才能签退(R-DUTY-15)"),
    )
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, prop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(property=prop).order_by("code")
        self.fields["department"].queryset = Department.objects.filter(property=prop).order_by("kind")


class AttendanceFilterForm(forms.Form):
    date = forms.DateField(label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    post = forms.ModelChoiceField(
        label=pgettext_lazy("duty post", "岗位"), queryset=Post.objects.none(), required=False
    )

    def __init__(self, *args, prop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = Post.objects.filter(property=prop).order_by("name", "pk")
