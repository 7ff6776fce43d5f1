from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import CorrespondenceDirection, Gender, GrantPurpose, OccupancyRole, ResidentKind


class DateInput(forms.DateInput):
    input_type = "date"


class ResidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=ResidentKind.choices)
    name = forms.CharField(label=_("姓名/公司名称"), max_length=100)
    gender = forms.ChoiceField(label=_("性别"), choices=Gender.choices, required=False)
    phone = forms.CharField(label=_("手机"), max_length=30, required=False)
    phone2 = forms.CharField(label=_("其他电话"), max_length=30, required=False)
    id_number = forms.CharField(label=_("证件号码"), max_length=40, required=False)
    email = forms.EmailField(label=_("邮箱"), required=False)
    is_key_customer = forms.BooleanField(label=_("重点客户"), required=False)
    notes = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ResidentEditForm(ResidentForm):
    """Phone and ID are edited only when typed again (the page never shows them unmasked)."""

    reason = forms.CharField(label=_("修改原因"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in ("phone", "phone2", "id_number"):
            self.fields[f].help_text = _("留空则保持不变 (leave empty to keep)")


class OccupancyStartForm(forms.Form):
    unit = forms.CharField(label=_("房间"), max_length=40, help_text=_("如 3-1201"))
    role = forms.ChoiceField(label=_("身份"), choices=OccupancyRole.choices)
    relation = forms.CharField(label=_("与业主关系"), max_length=30, required=False)
    start = forms.DateField(label=_("起始日期"), widget=DateInput, initial=timezone.localdate)


class OccupancyEndForm(forms.Form):
    end = forms.DateField(label=_("结束日期"), widget=DateInput, initial=timezone.localdate)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class ContactPersonForm(forms.Form):
    name = forms.CharField(label=_("新联系人"), max_length=50)
    title = forms.CharField(label=_("职务"), max_length=50, required=False)
    phone = forms.CharField(label=_("电话"), max_length=30, required=False)
    start = forms.DateField(label=_("起始日期"), widget=DateInput, initial=timezone.localdate)
    reason = forms.CharField(label=_("变更原因"), max_length=200, required=False)


class EmergencyContactForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    relation = forms.CharField(label=_("关系"), max_length=30, required=False)
    phone = forms.CharField(label=_("电话"), max_length=30)


class CorrespondenceForm(forms.Form):
    direction = forms.ChoiceField(label=_("方向"), choices=CorrespondenceDirection.choices)
    subject = forms.CharField(label=_("标题"), max_length=200)
    date = forms.DateField(label=_("日期"), widget=DateInput, initial=timezone.localdate)
    summary = forms.CharField(label=_("摘要"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    file = forms.FileField(label=_("附件(JPG/PNG/PDF)"), required=False)


class AccessRequestForm(forms.Form):
    purpose = forms.ChoiceField(label=_("用途"), choices=GrantPurpose.choices)
    reason = forms.CharField(label=_("查询事由"), widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("决定"), choices=[("1", _("批准")), ("0", _("驳回"))], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label=_("审批意见"), max_length=200, required=False)


class ArchiveForm(forms.Form):
    reason = forms.CharField(label=_("归档原因"), max_length=200)


class FirstContactForm(forms.Form):
    note = forms.CharField(label=_("联系记录"), widget=forms.Textarea(attrs={"rows": 2}))


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("业主名册(.xlsx)"))


class AssignConfirmForm(forms.Form):
    pairs = forms.CharField(widget=forms.HiddenInput)

    def parsed(self) -> list[tuple[int, int]]:
        out = []
        for part in self.cleaned_data["pairs"].split(","):
            if ":" in part:
                r, u = part.split(":", 1)
                if r.isdigit() and u.isdigit():
                    out.append((int(r), int(u)))
        return out
