"""Forms of the goods-release pages. Rules are checked by the services; forms only parse input."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Unit
from residents.models import Occupancy

from .choices import ReleaseKind

DT_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
LARGE_MARK = "[大件]"
LINE_RE = re.compile(r"^(?P<name>.+?)(?:\s*[×xX*]\s*|\s+)(?P<qty>\d{1,4})(?:\s+(?P<note>.*))?$")


def parse_item_lines(text: str) -> list[dict]:
    """One item per line: "沙发 2", "电脑 ×1 旧", "书籍纸箱 5"; "[大件]" marks a large item by hand."""
    out = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        large = LARGE_MARK in line
        line = line.replace(LARGE_MARK, "").strip()
        m = LINE_RE.match(line)
        if m:
            out.append(
                {
                    "name": m["name"].strip(),
                    "quantity": int(m["qty"]),
                    "note": (m["note"] or "").strip(),
                    "is_large": large,
                }
            )
        else:
            out.append({"name": line, "quantity": 1, "note": "", "is_large": large})
    return out


def resolve_occupant(prop, unit_label: str, name: str):
    """(unit, resident) from a typed room ("3-1201") and, when several people live there, a name."""
    unit = Unit.objects.filter(property=prop, label__iexact=(unit_label or "").strip()).first()
    if unit is None:
        raise forms.ValidationError({"unit_label": _("本项目没有这个房间。(No such unit.)")})
    occs = list(Occupancy.objects.filter(unit=unit, end__isnull=True).select_related("resident"))
    name = (name or "").strip()
    if name:
        occs = [o for o in occs if o.resident.name == name]
    if not occs:
        raise forms.ValidationError({"resident_name": _("该房间没有此现住业户。(No such current occupant.)")})
    if len(occs) > 1:
        raise forms.ValidationError(
            {"resident_name": _("该房间有多位住户,请填写申请人姓名。(Several occupants: enter the name.)")}
        )
    return unit, occs[0].resident


class ReleaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=ReleaseKind.choices)
    unit_label = forms.CharField(label=_("房间"), max_length=40, help_text=_("如 3-1201"))
    resident_name = forms.CharField(
        label=_("申请业户"), max_length=100, required=False, help_text=_("该房间只有一位住户时可不填")
    )
    carrier_name = forms.CharField(label=_("经办人(携物人)姓名"), max_length=50)
    carrier_id_number = forms.CharField(label=_("经办人证件号码"), max_length=40)
    carrier_phone = forms.CharField(label=_("经办人联系电话"), max_length=30)
    planned_at = forms.DateTimeField(
        label=_("预计出门时间"), widget=DT_INPUT, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    items_text = forms.CharField(
        label=_("物品清单"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "每行一件:名称 数量 备注,如“沙发 1”“书籍纸箱 5”。大件(R-REL-06 所列家具电器)自动识别;其他大件请加 [大件]。"
        ),
    )
    reason = forms.CharField(label=_("事由"), max_length=200, required=False)
    company_format_ref = forms.CharField(
        label=_("公司专用放行格式批准编号"),
        max_length=50,
        required=False,
        help_text=_("公司产品定期出门时必填"),
    )

    def __init__(self, *args, prop=None, **kwargs):
        self.prop = prop
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        data["unit"], data["resident"] = resolve_occupant(
            self.prop, data["unit_label"], data["resident_name"]
        )
        data["items"] = parse_item_lines(data["items_text"])
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            k: d[k]
            for k in (
                "kind",
                "unit",
                "resident",
                "carrier_name",
                "carrier_id_number",
                "carrier_phone",
                "planned_at",
                "items",
                "reason",
                "company_format_ref",
            )
        }


class ConfirmPhoneForm(forms.Form):
    confirmed_with = forms.CharField(label=_("电话确认的业户"), max_length=50)


class FeesForm(forms.Form):
    note = forms.CharField(
        label=_("结算说明"), max_length=200, required=False, help_text=_("如 管理费、电费已结清至本月")
    )


class IssueForm(forms.Form):
    carrier_signed = forms.BooleanField(label=_("经办人已在放行条上签字"), required=False)


class IdCopyForm(forms.Form):
    file = forms.FileField(label=_("经办人身份证复印件(扫描/照片)"))


class ExitForm(forms.Form):
    match = forms.ChoiceField(choices=[("1", "相符"), ("0", "不符")])
    mismatched = forms.MultipleChoiceField(required=False, choices=[])
    note = forms.CharField(required=False, max_length=500)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mismatched"].choices = [(str(i.pk), i.name) for i in items]
