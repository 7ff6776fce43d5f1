"""Forms of the office's own settings pages. Validation that is a rule lives in core.services."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from .deadlines import format_windows

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PropertySettingsForm(forms.Form):
    """项目设置: office windows (R-REL-08), day shift (R-DUTY-07), quiet hours (R-CB-03, R-EXP-10)."""

    name = forms.CharField(label=_("项目名称"), max_length=100)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    phone = forms.CharField(label=_("服务中心电话"), max_length=30, required=False)
    office_windows = forms.CharField(
        label=_("办公时段"),
        max_length=200,
        help_text=_("可填多段,用逗号分隔,如 08:30-12:00,13:30-17:30(午休不计入工作时间)"),
    )
    shift_start = forms.TimeField(label=_("值班开始"), widget=TIME_INPUT)
    shift_end = forms.TimeField(label=_("值班结束"), widget=TIME_INPUT)
    quiet_start = forms.TimeField(
        label=_("免打扰开始"), widget=TIME_INPUT, help_text=_("此后不给住户打电话(R-EXP-10 默认 21:30)")
    )
    quiet_end = forms.TimeField(label=_("免打扰结束"), widget=TIME_INPUT, help_text=_("可跨午夜,如 08:00"))
    deadline_warn_share = forms.IntegerField(
        label=_("预警比例(%)"), help_text=_("时限过去该比例时提醒负责人,1–99"), min_value=1, max_value=99
    )
    archive_grant_hours = forms.IntegerField(label=_("档案查阅授权时长(小时)"), min_value=1, max_value=720)
    first_contact_days = forms.IntegerField(label=_("首次联系期限(天)"), min_value=1, max_value=365)

    @classmethod
    def initial_for(cls, prop) -> dict:
        return {
            "name": prop.name,
            "address": prop.address,
            "phone": prop.phone,
            "office_windows": format_windows(prop.office_windows),
            "shift_start": prop.shift_start,
            "shift_end": prop.shift_end,
            "quiet_start": prop.quiet_start,
            "quiet_end": prop.quiet_end,
            "deadline_warn_share": prop.deadline_warn_share,
            "archive_grant_hours": prop.archive_grant_hours,
            "first_contact_days": prop.first_contact_days,
        }


class CalendarDayForm(forms.Form):
    """节假日与调休: add or override one day for the property."""

    KIND_CHOICES = [("holiday", _("放假(非工作日)")), ("workday", _("调休上班(工作日)"))]

    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("类型"), choices=KIND_CHOICES)
    name = forms.CharField(label=_("名称"), max_length=50, required=False, help_text=_("如 国庆节、调休上班"))


class CalendarSeedForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)


class RuleSettingsForm(forms.Form):
    """规则参数: one field per declared setting (core.rule_settings), named by its key; blank = back to the
    default.
    The fields only carry text: core.services.rule_settings_update validates (bounds, whole numbers) so the
    page, the API and any script refuse a value with the same message."""

    def __init__(self, *args, rows: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            attrs = {"inputmode": "decimal" if row["unit"] == "decimal" else "numeric", "size": 8}
            if row["unit"] == "time":
                widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
            else:
                widget = forms.TextInput(attrs=attrs)
            self.fields[row["key"]] = forms.CharField(
                label=row["label"], required=False, max_length=20, widget=widget
            )
            if not self.is_bound:
                self.initial[row["key"]] = row["value"]

    def groups(self) -> list[dict]:
        """The fields grouped by area (in declaration order), each with its row of core.rule_settings.rows."""
        out: dict[str, dict] = {}
        for row in self.rows:
            g = out.setdefault(row["area"], {"area": row["area"], "label": row["area_label"], "items": []})
            g["items"].append({**row, "field": self[row["key"]]})
        return list(out.values())


class PlainModelChoiceIterator(ModelChoiceIterator):
    """A select's choices read with one plain query. Django's default reads them with .iterator(), which on
    PostgreSQL opens a server-side cursor (DECLARE … WITH HOLD, FETCH, CLOSE): three more round trips for
    every select on every form page (a repair's page has five). Choice lists are short; exports keep
    their server-side cursors. Installed for every ModelChoiceField in CoreConfig.ready()."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


def lazy_form(factory):
    """A form made only when a page draws it ({% lazyform %}: most of a record's step forms stay closed)."""
    return SimpleLazyObject(factory)
