from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Department, User

from .choices import AnalysisCategory, BasicType, Definition, Emotion, Judgment, RefusalBasis, Severity, Step

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
CHANNELS = [("phone", _("电话")), ("visit", _("来访")), ("written", _("书面"))]
YES_NO_UNKNOWN = [("", _("未判断")), ("yes", _("是")), ("no", _("否"))]


def _tri(value):
    return {"yes": True, "no": False}.get(value)


def _staff(prop):
    return (
        User.objects.filter(memberships__property=prop, memberships__active=True)
        .distinct()
        .order_by("display_name")
    )


class IntakeForm(forms.Form):
    """《客户投诉登记表》 / 《客户投诉记录》 (R-CMP-03/04)."""

    property = forms.ModelChoiceField(label=_("项目"), queryset=None)
    channel = forms.ChoiceField(label=_("受理方式"), choices=CHANNELS, initial="phone")
    apologised = forms.BooleanField(
        label=_("已首先向客户表示歉意"),
        required=False,
        help_text=_("R-CMP-06:无论投诉何事,先致歉,再登记(书面投诉除外)"),
    )
    unit_label = forms.CharField(
        label=_("房号"), required=False, help_text=_("如 3-1201;输入后可选择在住业户")
    )
    reporter_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reporter_name = forms.CharField(label=_("投诉人"), max_length=100)
    caller_company = forms.CharField(
        label=_("单位"), max_length=100, required=False, help_text=_("电话投诉:来电业户的单位/公司")
    )
    contact_phone = forms.CharField(label=_("联系方式"), max_length=30, required=False)
    received_at = forms.DateTimeField(
        label=_("投诉时间"), required=False, widget=DT, input_formats=DT_FORMATS
    )
    title = forms.CharField(label=_("事由"), max_length=200)
    description = forms.CharField(label=_("投诉内容"), widget=forms.Textarea(attrs={"rows": 3}))
    occurred_at = forms.DateTimeField(
        label=_("发生时间"), required=False, widget=DT, input_formats=DT_FORMATS
    )
    occurred_place = forms.CharField(label=_("发生地点"), max_length=200, required=False)
    subject_person = forms.CharField(label=_("被投诉人"), max_length=100, required=False)
    subject_department = forms.ModelChoiceField(
        label=_("被投诉部门"), queryset=Department.objects.none(), required=False
    )
    narrative = forms.CharField(label=_("发生经过"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    demand = forms.CharField(label=_("业户的要求"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    emotion = forms.ChoiceField(label=_("情绪"), choices=[("", "—")] + Emotion.choices, required=False)
    our_fault = forms.ChoiceField(label=_("是否我方原因"), choices=YES_NO_UNKNOWN, required=False)
    basic_type = forms.ChoiceField(label=_("投诉基本类型"), choices=BasicType.choices)
    analysis_category = forms.ChoiceField(
        label=_("分析类别"), choices=AnalysisCategory.choices, initial="service"
    )
    is_serious = forms.BooleanField(label=_("严重事故(立即通知客服主管)"), required=False)
    ask_supervisor = forms.BooleanField(label=_("不能自行解决,请主管出面"), required=False)
    lease_related = forms.BooleanField(label=_("租赁相关"), required=False)
    is_engineering = forms.BooleanField(label=_("工程项目投诉"), required=False)
    steps = forms.MultipleChoiceField(
        label=_("五清楚"),
        choices=[(s.value, s.label) for s in (Step.HEAR, Step.ASK, Step.RECORD)],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, props=None, **kw):
        super().__init__(*args, **kw)
        self.fields["property"].queryset = props
        plist = list(props) if props is not None else []
        if len(plist) == 1:
            self.fields["property"].initial = plist[0].pk
            self.fields["property"].widget = forms.HiddenInput()
        self.fields["subject_department"].queryset = Department.objects.filter(property__in=plist)

    def clean_our_fault(self):
        return _tri(self.cleaned_data.get("our_fault"))


class JudgeForm(forms.Form):
    judgment = forms.ChoiceField(label=_("投诉判断"), choices=Judgment.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("判断理由"), widget=forms.Textarea(attrs={"rows": 2}))
    definition = forms.ChoiceField(
        label=_("投诉界定"), choices=[("", "—")] + Definition.choices, required=False
    )
    severity = forms.ChoiceField(
        label=_("投诉级别"), choices=[("", _("不变"))] + Severity.choices, required=False
    )
    responsible_department = forms.ModelChoiceField(
        label=_("责任部门"), queryset=Department.objects.none(), required=False
    )
    responsible_external = forms.CharField(
        label=_("或外部责任单位"), required=False, help_text=_("如 开发商、供电部门")
    )
    assignee = forms.ModelChoiceField(label=_("责任人"), queryset=User.objects.none(), required=False)
    follower = forms.ModelChoiceField(
        label=_("跟单人员(工程投诉)"), queryset=User.objects.none(), required=False
    )
    investigation_hours = forms.IntegerField(
        label=_("请业户给予的调查时间(工作小时)"), required=False, min_value=1, max_value=400, initial=7
    )
    our_fault = forms.ChoiceField(label=_("是否我方原因"), choices=YES_NO_UNKNOWN, required=False)
    refusal_basis = forms.ChoiceField(
        label=_("婉拒依据(不成立)"), choices=[("", "—")] + RefusalBasis.choices, required=False
    )

    def __init__(self, *args, prop=None, **kw):
        super().__init__(*args, **kw)
        if prop is not None:
            self.fields["responsible_department"].queryset = Department.objects.filter(property=prop)
            self.fields["assignee"].queryset = _staff(prop)
            self.fields["follower"].queryset = _staff(prop)

    def clean_our_fault(self):
        return _tri(self.cleaned_data.get("our_fault"))


class ProposalForm(forms.Form):
    text = forms.CharField(label=_("方案内容"), widget=forms.Textarea(attrs={"rows": 2}))
    department = forms.ModelChoiceField(
        label=_("提出部门"), queryset=Department.objects.none(), required=False
    )

    def __init__(self, *args, prop=None, **kw):
        super().__init__(*args, **kw)
        if prop is not None:
            self.fields["department"].queryset = Department.objects.filter(property=prop)


class InstructForm(forms.Form):
    proposal = forms.IntegerField(widget=forms.HiddenInput)
    instruction = forms.CharField(label=_("批示"), widget=forms.Textarea(attrs={"rows": 2}))


class ResolutionForm(forms.Form):
    resolution = forms.CharField(label=_("处理结果"), widget=forms.Textarea(attrs={"rows": 3}))
    owner_signed = forms.BooleanField(label=_("业户已签字确认(工程投诉)"), required=False)


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    next_reply_at = forms.DateTimeField(
        label=_("下次回复时间"),
        required=False,
        widget=DT,
        input_formats=DT_FORMATS,
        help_text=_("暂不能解决时约定"),
    )


class UnderstandingForm(forms.Form):
    understanding = forms.CharField(label=_("业户谅解情况"), widget=forms.Textarea(attrs={"rows": 2}))


class ApologyForm(forms.Form):
    improvement = forms.CharField(label=_("改进措施"), widget=forms.Textarea(attrs={"rows": 2}))


class EscalateForm(forms.Form):
    report = forms.CharField(label=_("书面报告"), widget=forms.Textarea(attrs={"rows": 2}))
    incident_report = forms.CharField(
        label=_("《事故报告》(书面投诉)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class UrgeForm(forms.Form):
    note = forms.CharField(label=_("催办说明"), required=False)


class CheckForm(forms.Form):
    step = forms.ChoiceField(choices=Step.choices)


class EngineeringForm(forms.Form):
    """R-CMP-22: paid repair consent and charge standard."""

    is_paid = forms.BooleanField(label=_("有偿维修"), required=False)
    charge_standard = forms.CharField(label=_("收费标准"), required=False)
    pay_consent = forms.BooleanField(label=_("业户同意付费"), required=False)


class StepForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("原因/说明"), required=False)
