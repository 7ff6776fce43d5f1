"""Forms of the 不符合项 pages. Rules are checked by the services; forms only parse input."""

from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Department, User
from core.permissions import ACTIONS
from core.rule_settings import setting

from .choices import NonConformitySource

DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def dt_field(label, **kw):
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=DT_FORMATS,
        **kw,
    )


def default_due(now=None, prop=None):
    """The form's suggestion: the end of the working day the property's correction time on (规则参数
    quality.correct_within, three days unless the office changed it)."""
    day = timezone.localtime(now or timezone.now()).date() + setting(prop, "quality.correct_within")
    return timezone.make_aware(datetime.combine(day, time(17, 30)))


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class RaiseForm(forms.Form):
    source = forms.ChoiceField(label=_("来源"), choices=NonConformitySource.choices)
    found_at = dt_field(_("发现时间"))
    place = forms.CharField(
        label=_("岗位/区域/房间"), max_length=100, required=False, help_text=_("如 前台、3栋大堂")
    )
    description = forms.CharField(
        label=_("不符合情况"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("哪里不符合、不符合哪一条服务规范"),
    )
    standard = forms.CharField(label=_("依据的服务规范"), max_length=200, required=False)
    department = forms.ModelChoiceField(label=_("责任部门"), queryset=Department.objects.none())
    responsible = StaffChoiceField(label=_("责任人"), queryset=User.objects.none(), required=False)
    requirement = forms.CharField(label=_("整改要求"), widget=forms.Textarea(attrs={"rows": 2}))
    due_at = dt_field(_("整改期限"))

    def __init__(self, *args, prop=None, **kwargs):
        kwargs.setdefault("initial", {})
        now = timezone.localtime()
        kwargs["initial"].setdefault("found_at", now.replace(second=0, microsecond=0))
        kwargs["initial"].setdefault("due_at", default_due(now, prop))
        super().__init__(*args, **kwargs)
        self.prop = prop
        self.fields["department"].queryset = Department.objects.filter(property=prop).order_by("id")
        self.fields["responsible"].queryset = (
            User.objects.filter(
                is_active=True,
                memberships__property=prop,
                memberships__active=True,
                memberships__role__in=[str(r) for r in ACTIONS["quality.view"]],
            )
            .distinct()
            .order_by("id")
        )


class CorrectForm(forms.Form):
    correction = forms.CharField(
        label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("做了什么、结果如何")
    )


class VerifyForm(forms.Form):
    result = forms.ChoiceField(
        label=_("验证结果"), choices=[("passed", _("验证通过")), ("failed", _("验证不通过"))]
    )
    note = forms.CharField(
        label=_("验证说明"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("不通过时必填原因"),
    )
    new_due_at = dt_field(_("新的整改期限"), required=False, help_text=_("不通过时必填"))

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"passed": d["result"] == "passed", "note": d["note"], "new_due_at": d["new_due_at"]}


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("作废原因"), max_length=200)
