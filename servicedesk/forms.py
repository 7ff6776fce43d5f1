from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Department, User

from .choices import EventKind, Satisfaction

NOTE_KINDS = [(k, label) for k, label in EventKind.choices if k in {"note", "call", "reply", "escalation"}]


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=NOTE_KINDS, initial="note")
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("责任部门"), queryset=Department.objects.none(), required=False
    )
    assignee = forms.ModelChoiceField(label=_("责任人"), queryset=User.objects.none(), required=False)
    note = forms.CharField(label=_("说明"), required=False)

    def __init__(self, *args, prop=None, **kw):
        super().__init__(*args, **kw)
        if prop is not None:
            self.fields["department"].queryset = Department.objects.filter(property=prop)
            self.fields["assignee"].queryset = (
                User.objects.filter(memberships__property=prop, memberships__active=True)
                .distinct()
                .order_by("display_name")
            )


class FeedbackForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=Satisfaction.choices)
    comment = forms.CharField(label=_("业户意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PhotoForm(forms.Form):
    file = forms.FileField(label=_("照片/扫描件"))
    caption = forms.CharField(label=_("说明"), required=False)


class TransitionForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("原因/说明"), required=False)
    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)
