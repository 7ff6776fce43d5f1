from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Building, Membership, Unit, User
from core.permissions import ACTIONS

from .choices import CallbackMethod, CallbackSource, Decision, Satisfaction

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
D = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def staff_for(prop, action):
    roles = ACTIONS.get(action, set())
    ids = Membership.objects.filter(property=prop, role__in=list(roles), active=True).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("username")


class ResidentIdField(forms.IntegerField):
    def __init__(self, **kw):
        kw.setdefault("required", False)
        kw.setdefault("label", _("住户编号"))
        kw.setdefault("help_text", _("住户档案页地址中的编号(可选)"))
        super().__init__(**kw)


class _PropForm(forms.Form):
    def __init__(self, *args, prop=None, **kw):
        super().__init__(*args, **kw)
        self.prop = prop
        if "unit" in self.fields:
            self.fields["unit"].queryset = Unit.objects.filter(property=prop).order_by("label")

    def clean_resident(self):
        from residents.models import Resident

        rid = self.cleaned_data.get("resident")
        if not rid:
            return None
        r = Resident.objects.filter(pk=rid, property=self.prop).first()
        if r is None:
            raise forms.ValidationError(_("本项目没有该住户。(No such resident in this property.)"))
        return r


class CallbackCreateForm(_PropForm):
    subject = forms.CharField(label=_("回访事项"), max_length=200)
    source = forms.ChoiceField(label=_("回访类别"), choices=CallbackSource.choices, initial="periodic")
    resident = ResidentIdField()
    unit = forms.ModelChoiceField(label=_("房间"), queryset=Unit.objects.none(), required=False)
    contact_name = forms.CharField(label=_("回访对象"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    method = forms.ChoiceField(label=_("回访方式"), choices=CallbackMethod.choices)
    due_at = forms.DateTimeField(label=_("回访期限"), widget=DT, required=False, help_text=_("默认 3 天内"))


class ContractForm(_PropForm):
    title = forms.CharField(label=_("服务内容"), max_length=200)
    resident = ResidentIdField()
    unit = forms.ModelChoiceField(label=_("房间"), queryset=Unit.objects.none(), required=False)
    start = forms.DateField(label=_("合同开始"), widget=D)
    end = forms.DateField(label=_("合同结束"), widget=D)


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("活动名称"), max_length=200)
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    start = forms.DateField(label=_("开始日期"), widget=D)
    end = forms.DateField(label=_("结束日期"), widget=D)
    participants = forms.IntegerField(label=_("参加人数"), min_value=0, initial=0)


class AssignForm(forms.Form):
    callers = forms.ModelMultipleChoiceField(label=_("回访人"), queryset=User.objects.none())
    method = forms.ChoiceField(label=_("回访方式"), choices=CallbackMethod.choices)

    def __init__(self, *args, prop=None, **kw):
        super().__init__(*args, **kw)
        self.fields["callers"].queryset = staff_for(prop, "callback.record")


class AgreeForm(forms.Form):
    agreed_at = forms.DateTimeField(label=_("约定回访时间"), widget=DT)


class RecordForm(forms.Form):
    method = forms.ChoiceField(label=_("回访方式"), choices=CallbackMethod.choices)
    called_at = forms.DateTimeField(label=_("回访时间"), widget=DT, required=False, help_text=_("默认现在"))
    satisfaction = forms.ChoiceField(
        label=_("满意程度评价"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    shortcomings = forms.CharField(
        label=_("缺点与不足评价"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    suggestions = forms.CharField(
        label=_("住户建议"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    resident_confirmed = forms.BooleanField(label=_("住户已确认以上内容"), required=False)
    resident_signature = forms.CharField(
        label=_("住户签名"), max_length=100, required=False, help_text=_("面谈/上门回访时必填")
    )
    caller_signature = forms.CharField(label=_("回访人签名"), max_length=100)


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("客服审核意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    unqualified = forms.BooleanField(
        label=_("不合格(上报)"), required=False, help_text=_("业户不满意时自动视为不合格")
    )
    handling_opinion = forms.CharField(
        label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("主管决定"), choices=Decision.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("主管意见"), widget=forms.Textarea(attrs={"rows": 2}))


class PlanForm(forms.Form):
    title = forms.CharField(label=_("计划名称"), max_length=200)
    period_start = forms.DateField(label=_("开始日期"), widget=D)
    period_end = forms.DateField(label=_("结束日期"), widget=D)
    administrator = forms.ModelChoiceField(label=_("管理员"), queryset=User.objects.none())
    building = forms.ModelChoiceField(
        label=_("楼座(空=全部)"), queryset=Building.objects.none(), required=False
    )

    def __init__(self, *args, prop=None, **kw):
        super().__init__(*args, **kw)
        self.fields["administrator"].queryset = staff_for(prop, "visit.record")
        self.fields["building"].queryset = Building.objects.filter(property=prop).order_by("code")


class VisitForm(_PropForm):
    resident = ResidentIdField(required=True)
    unit = forms.ModelChoiceField(label=_("房间"), queryset=Unit.objects.none(), required=False)
    method = forms.ChoiceField(
        label=_("回访方式"), choices=CallbackMethod.choices, initial=CallbackMethod.HOME
    )
    visited_at = forms.DateTimeField(label=_("回访时间"), widget=DT, required=False, help_text=_("默认现在"))
    opinions = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    suggestions = forms.CharField(label=_("建议"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    needs = forms.CharField(
        label=_("需求(设施合理性等)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class VisitFeedbackForm(forms.Form):
    solution = forms.CharField(label=_("解决方案"), widget=forms.Textarea(attrs={"rows": 3}))
    satisfaction = forms.ChoiceField(
        label=_("业主满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    further_suggestions = forms.CharField(
        label=_("其他建议"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class VisitReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("主管审核意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    signature = forms.CharField(label=_("主管签名"), max_length=100)


class ReportGenerateForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("季度"), coerce=int, choices=[(i, f"第{i}季度") for i in (1, 2, 3, 4)]
    )
    analysis = forms.CharField(label=_("分析说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReportReviewForm(forms.Form):
    opinion = forms.CharField(label=_("主管书面审核意见"), widget=forms.Textarea(attrs={"rows": 3}))


class ReportSendForm(forms.Form):
    manager = forms.ModelChoiceField(label=_("报送主任(管理处经理)"), queryset=User.objects.none())

    def __init__(self, *args, prop=None, **kw):
        super().__init__(*args, **kw)
        ids = Membership.objects.filter(property=prop, role="manager", active=True).values("user_id")
        self.fields["manager"].queryset = User.objects.filter(pk__in=ids).order_by("username")


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("调查名称"), max_length=200)
    distributed_on = forms.DateField(label=_("发放日期"), widget=D)
    collect_by = forms.DateField(label=_("回收截止"), widget=D)
    questions = forms.CharField(
        label=_("调查项目"), widget=forms.Textarea(attrs={"rows": 6}), help_text=_("每行一个项目")
    )


class SurveyResponseForm(_PropForm):
    unit = forms.ModelChoiceField(label=_("房间"), queryset=Unit.objects.none(), required=False)
    comment = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, survey=None, **kw):
        super().__init__(*args, prop=survey.property, **kw)
        self.questions = list(survey.questions.all())
        for q in self.questions:
            self.fields[f"q_{q.pk}"] = forms.ChoiceField(
                label=q.text, choices=[("", "—")] + list(Satisfaction.choices), required=False
            )

    def answers(self):
        return {q.pk: self.cleaned_data.get(f"q_{q.pk}") for q in self.questions}


class SurveyReportForm(forms.Form):
    corrective_measures = forms.CharField(label=_("整改措施"), widget=forms.Textarea(attrs={"rows": 4}))
