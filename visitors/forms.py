from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Unit
from residents.models import Occupancy

from .choices import ConfirmMethod, ConfirmResult, ContactSource, IdType, PreauthSource

DT_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DURATIONS = [
    (30, "30 分钟"),
    (60, "1 小时"),
    (120, "2 小时"),
    (180, "3 小时"),
    (240, "4 小时"),
    (480, "8 小时"),
]


class OccupantMixin:
    """The visited resident + unit chosen from the lookup-as-you-type list (value "resident:unit"), or a
    unit typed as its label ("3-1201") when the visitor does not name a resident."""

    require_resident = False

    def _init_occupant(self, prop):
        self.prop = prop
        self.resident = None
        self.unit = None

    def clean_occupant_pair(self):
        d = self.cleaned_data
        pair = (d.get("occupant") or "").strip()
        label = (d.get("unit_label") or "").strip()
        if pair:
            try:
                rid, uid = (int(x) for x in pair.split(":"))
            except ValueError:
                self.add_error("occupant", _("请从列表中选择住户。(Pick a resident from the list.)"))
                return
            occ = (
                Occupancy.objects.filter(
                    resident_id=rid, unit_id=uid, end__isnull=True, unit__property=self.prop
                )
                .select_related("resident", "unit")
                .first()
            )
            if occ is None:
                self.add_error("occupant", _("该住户不是本项目此房间的在住住户。(Not a current occupant.)"))
                return
            self.resident, self.unit = occ.resident, occ.unit
        elif label and not self.require_resident:
            self.unit = Unit.objects.filter(property=self.prop, label=label).first()
            if self.unit is None:
                self.add_error("unit_label", _("本项目没有房间 %(l)s。(No such unit.)") % {"l": label})
        else:
            self.add_error("occupant", _("请输入姓名或房号查找并选择住户。(Look up and pick the resident.)"))


def _occupant_fields():
    return (
        forms.CharField(label=_("被访住户"), required=False, widget=forms.HiddenInput),
        forms.CharField(label=_("或直接填写房间"), required=False, max_length=40, help_text=_("如 3-1201")),
    )


class RegisterForm(OccupantMixin, forms.Form):
    """《访客登记表》 (R-VIS-02): the visitor, the unit visited, the 来访时间 and the 访问时间."""

    occupant, unit_label = _occupant_fields()
    visitor_name = forms.CharField(label=_("访客姓名"), max_length=50)
    visitor_id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices, initial=IdType.ID_CARD)
    visitor_id_number = forms.CharField(label=_("证件号码"), max_length=40)
    visitor_phone = forms.CharField(label=_("访客电话"), max_length=30, required=False)
    party_size = forms.IntegerField(label=_("人数"), min_value=1, max_value=50, initial=1)
    purpose = forms.CharField(label=_("来访事由"), max_length=200)
    duration = forms.TypedChoiceField(
        label=_("访问时间"), choices=DURATIONS, coerce=int, initial=120, help_text=_("预计停留时长")
    )
    notes = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, prop, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_occupant(prop)

    def clean(self):
        super().clean()
        self.clean_occupant_pair()
        return self.cleaned_data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        now = timezone.now()
        return {
            "visitor_name": d["visitor_name"],
            "visitor_id_type": d["visitor_id_type"],
            "visitor_id_number": d["visitor_id_number"],
            "visitor_phone": d["visitor_phone"],
            "party_size": d["party_size"],
            "unit": self.unit,
            "resident": self.resident,
            "purpose": d["purpose"],
            "arrived_at": now,
            "expected_leave_at": now + timedelta(minutes=d["duration"]),
            "notes": d["notes"],
        }


class ContactForm(forms.Form):
    """R-VIS-04: one try to reach the owner, and its outcome."""

    method = forms.ChoiceField(label=_("确认方式"), choices=ConfirmMethod.choices, widget=forms.RadioSelect)
    source = forms.ChoiceField(
        label=_("号码来源"), choices=ContactSource.choices, initial=ContactSource.REGISTER, required=False
    )
    contacted_with = forms.CharField(label=_("确认人(接听的住户)"), max_length=50, required=False)
    result = forms.ChoiceField(label=_("结果"), choices=ConfirmResult.choices, widget=forms.RadioSelect)
    identity_checked = forms.BooleanField(
        label=_("已核对访客证件与业主预留信息"), required=False, help_text=_("业主交代“家中无人”时必选")
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def clean_source(self):
        return self.cleaned_data.get("source") or ContactSource.REGISTER


class MessageForm(forms.Form):
    message = forms.CharField(label=_("留言内容"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    send_sms = forms.BooleanField(label=_("短信发送给业主"), required=False, initial=True)


class LookupForm(forms.Form):
    reason = forms.CharField(label=_("查询事由"), max_length=200, required=False)


class ExtendForm(forms.Form):
    """R-VIS-05: the owner notified the desk of a longer stay."""

    minutes = forms.TypedChoiceField(label=_("延长"), choices=DURATIONS, coerce=int, initial=60)
    notified_by = forms.CharField(label=_("通知的业主"), max_length=50)
    reason = forms.CharField(label=_("说明"), max_length=100, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


class PreauthForm(OccupantMixin, forms.Form):
    """业主预先交代 (R-VIS-08/09)."""

    require_resident = True
    occupant, unit_label = _occupant_fields()
    visitor_name = forms.CharField(label=_("访客姓名"), max_length=50)
    visitor_id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices, initial=IdType.ID_CARD)
    visitor_id_number = forms.CharField(label=_("证件号码"), max_length=40, required=False)
    visitor_phone = forms.CharField(label=_("访客电话"), max_length=30, required=False)
    party_size = forms.IntegerField(label=_("人数"), min_value=1, max_value=50, initial=1)
    valid_from = forms.DateTimeField(label=_("有效期自"), widget=DT_WIDGET)
    valid_to = forms.DateTimeField(label=_("有效期至"), widget=DT_WIDGET)
    nobody_home = forms.BooleanField(label=_("届时家中无人"), required=False)
    contact_method = forms.CharField(
        label=_("访客联系业主的方式"), max_length=200, required=False, help_text=_("家中无人时必填")
    )
    instructions = forms.CharField(
        label=_("接待交代"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    source = forms.ChoiceField(label=_("来源"), choices=PreauthSource.choices)

    def __init__(self, *args, prop, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_occupant(prop)
        self.fields.pop("unit_label")

    def clean(self):
        super().clean()
        self.clean_occupant_pair()
        return self.cleaned_data

    def service_kwargs(self) -> dict:
        d = dict(self.cleaned_data)
        d.pop("occupant", None)
        return {**d, "unit": self.unit, "resident": self.resident}


class KeyDepositForm(OccupantMixin, forms.Form):
    """The owner leaves the unit key for a visitor (R-VIS-10, R-HOLD-04/05)."""

    require_resident = True
    occupant, unit_label = _occupant_fields()
    collector_name = forms.CharField(label=_("领取人姓名"), max_length=50)
    collector_id_number = forms.CharField(label=_("领取人证件号码"), max_length=40, required=False)
    description = forms.CharField(label=_("物品"), max_length=100, initial="房门钥匙")
    expected_collect_at = forms.DateTimeField(label=_("预计领取时间"), widget=DT_WIDGET, required=False)
    envelope_sealed = forms.BooleanField(
        label=_("已封入信封,并用铅笔注明单元号、留存日期、领取人姓名"), required=False
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, prop, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_occupant(prop)
        self.fields.pop("unit_label")

    def clean(self):
        super().clean()
        self.clean_occupant_pair()
        return self.cleaned_data

    def service_kwargs(self) -> dict:
        d = dict(self.cleaned_data)
        d.pop("occupant", None)
        return {**d, "unit": self.unit, "resident": self.resident}


class KeyHandoverForm(forms.Form):
    """R-VIS-10: identity check + the visitor's signature in the 领取人签署 column."""

    entry = forms.ChoiceField(label=_("访客登记"))
    checked_id_type = forms.ChoiceField(label=_("核验证件类型"), choices=IdType.choices)
    checked_id_number = forms.CharField(label=_("核验证件号码"), max_length=40)
    identity_checked = forms.BooleanField(label=_("已核对证件原件与本人相符"), required=False)
    signature_name = forms.CharField(label=_("领取人签署(姓名)"), max_length=50)
    signed = forms.BooleanField(label=_("已签名"), required=False)

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = {str(e.pk): e for e in entries}
        self.fields["entry"].choices = [
            (str(e.pk), f"{e.number} {e.visitor_name}({e.get_status_display()})") for e in entries
        ]


class LetterForm(forms.Form):
    signed_on = forms.DateField(label=_("《确认函》签署日期"), widget=forms.DateInput(attrs={"type": "date"}))
    scan = forms.FileField(label=_("确认函扫描件(可选)"), required=False)


class DeclineForm(forms.Form):
    note = forms.CharField(label=_("主管解释说明"), max_length=200)


class BorrowForm(forms.Form):
    lent_by = forms.CharField(label=_("秩序维护部借出人"), max_length=50)
    key_use_ref = forms.CharField(
        label=_("钥匙使用申请单号"), max_length=50, help_text=_("《封存钥匙使用申请单》")
    )
    people_present = forms.CharField(label=_("在场人员"), max_length=200)


class LockForm(forms.Form):
    lent_by = forms.CharField(label=_("秩序维护部借出人"), max_length=50, required=False)
