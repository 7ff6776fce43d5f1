"""Forms of the errands pages. Rules are checked by the services; forms only parse input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.choices import DepartmentKind
from core.models import User
from releases.forms import resolve_occupant

from . import rules
from .choices import CallOutcome, ErrandKind, GarmentFinish, LaundryKind, TicketKind

DT = {
    "widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    "input_formats": ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
}


class OccupantForm(forms.Form):
    """Room + (optional) name → unit and resident, for every register kept per owner."""

    unit_label = forms.CharField(label=_("房间"), max_length=40, help_text=_("如 3-1201"))
    resident_name = forms.CharField(
        label=_("业主姓名"), max_length=100, required=False, help_text=_("该房间只有一位住户时可不填")
    )

    def __init__(self, *args, prop=None, **kwargs):
        self.prop = prop
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not self.errors:
            data["unit"], data["resident"] = resolve_occupant(
                self.prop, data["unit_label"], data.get("resident_name")
            )
        return data

    service_fields: tuple = ()

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"unit": d["unit"], "resident": d["resident"], **{k: d.get(k) for k in self.service_fields}}


class TicketForm(OccupantForm):
    kind = forms.ChoiceField(label=_("类别"), choices=TicketKind.choices)
    passenger_name = forms.CharField(label=_("乘客姓名"), max_length=50)
    passenger_id_number = forms.CharField(label=_("证件号码"), max_length=40)
    id_checked = forms.BooleanField(label=_("已核对姓名与证件(必要时复印)"), required=False)
    carrier = forms.CharField(label=_("航空公司/铁路"), max_length=50)
    flight_no = forms.CharField(label=_("航班/车次"), max_length=20)
    departure_at = forms.DateTimeField(label=_("出发日期时间"), **DT)
    cabin_class = forms.CharField(
        label=_("座舱级别/席别"), max_length=20, help_text=_("如 经济舱、公务舱、二等座")
    )
    origin = forms.CharField(label=_("出发地"), max_length=50, required=False)
    destination = forms.CharField(label=_("目的地"), max_length=50)
    agency = forms.CharField(label=_("票务公司"), max_length=50)
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    service_fields = (
        "kind",
        "passenger_name",
        "passenger_id_number",
        "id_checked",
        "carrier",
        "flight_no",
        "departure_at",
        "cabin_class",
        "origin",
        "destination",
        "agency",
        "notes",
    )


class TicketBookForm(forms.Form):
    quoted_price = forms.DecimalField(label=_("票务公司报价"), max_digits=9, decimal_places=2)
    owner_agreed = forms.BooleanField(label=_("业主已同意票价"), required=False)
    booking_ref = forms.CharField(label=_("定座记录编号"), max_length=30)


class AmountForm(forms.Form):
    amount = forms.DecimalField(label=_("金额"), max_digits=9, decimal_places=2)


class ReconfirmForm(forms.Form):
    confirmation_no = forms.CharField(label=_("航空公司确认编号"), max_length=30)


class TicketChangeForm(forms.Form):
    action = forms.ChoiceField(label=_("办理"), choices=[("change", _("改签")), ("refund", _("退票"))])
    via = forms.ChoiceField(label=_("渠道"), choices=[("agency", _("票务公司")), ("office", _("原出票处"))])
    fee = forms.DecimalField(label=_("手续费"), max_digits=9, decimal_places=2, initial=0)
    new_flight_no = forms.CharField(label=_("新航班/车次(改签)"), max_length=20, required=False)
    new_departure_at = forms.DateTimeField(label=_("新出发时间(改签)"), required=False, **DT)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


class EmptyForm(forms.Form):
    pass


class ErrandForm(OccupantForm):
    kind = forms.ChoiceField(label=_("代办类别"), choices=ErrandKind.choices)
    service = forms.ChoiceField(
        label=_("增值服务项目(其他)"),
        required=False,
        choices=[("", "—")] + [(s, s) for s in rules.VALUE_ADDED_SERVICES],
    )
    description = forms.CharField(label=_("要求"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    weight_g = forms.IntegerField(label=_("重量(克)· 代寄"), required=False, min_value=1)
    destination = forms.CharField(label=_("寄往 · 代寄"), max_length=100, required=False)
    venue = forms.CharField(label=_("餐厅/演出场所"), max_length=100, required=False)
    programme = forms.CharField(label=_("节目名称与内容 · 演出"), max_length=200, required=False)
    party_size = forms.IntegerField(label=_("人数/票数"), required=False, min_value=1)
    event_at = forms.DateTimeField(label=_("用餐/演出时间"), required=False, **DT)
    contact_person = forms.CharField(label=_("联系人 · 订餐"), max_length=50, required=False)
    special_requests = forms.CharField(label=_("特别要求"), max_length=200, required=False)
    item_name = forms.CharField(label=_("物品名称 · 代购"), max_length=100, required=False)
    item_spec = forms.CharField(label=_("规格 · 代购"), max_length=100, required=False)
    item_quantity = forms.IntegerField(label=_("数量 · 代购"), required=False, min_value=1)
    item_price = forms.DecimalField(label=_("价格 · 代购"), required=False, max_digits=9, decimal_places=2)
    assigned_to = forms.ModelChoiceField(
        label=_("指定购买人 · 代购"), required=False, queryset=User.objects.none()
    )
    cost = forms.DecimalField(label=_("邮资/费用"), required=False, max_digits=9, decimal_places=2)
    service_fields = (
        "kind",
        "service",
        "description",
        "weight_g",
        "destination",
        "venue",
        "programme",
        "party_size",
        "event_at",
        "contact_person",
        "special_requests",
        "item_name",
        "item_spec",
        "item_quantity",
        "item_price",
        "assigned_to",
        "cost",
    )

    def __init__(self, *args, prop=None, **kwargs):
        super().__init__(*args, prop=prop, **kwargs)
        if prop is not None:
            self.fields["assigned_to"].queryset = (
                User.objects.filter(memberships__property=prop, memberships__active=True)
                .distinct()
                .order_by("username")
            )


class ErrandCompleteForm(forms.Form):
    venue_contact = forms.CharField(label=_("餐厅/票房联系人姓名"), max_length=50, required=False)
    cost = forms.DecimalField(label=_("实际费用"), required=False, max_digits=9, decimal_places=2)
    collected_from_owner = forms.DecimalField(
        label=_("向业主收取"), required=False, max_digits=9, decimal_places=2
    )
    result_note = forms.CharField(label=_("办理结果"), max_length=200, required=False)


class FileForm(forms.Form):
    file = forms.FileField(label=_("票据/收据扫描件"))


GARMENT_ROWS = 6


class LaundryForm(OccupantForm):
    kind = forms.ChoiceField(label=_("洗衣单"), choices=LaundryKind.choices)
    count_text = forms.CharField(
        label=_("件数标记"), max_length=8, help_text=_("件数+D(干洗)或 L(湿洗),如 3D、2L")
    )
    special = forms.CharField(label=_("特别要求"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(GARMENT_ROWS):
            self.fields[f"garment_{i}"] = forms.CharField(label=_("衣服类型"), max_length=50, required=False)
            self.fields[f"qty_{i}"] = forms.IntegerField(
                label=_("件数"), required=False, min_value=1, max_value=99
            )
            self.fields[f"finish_{i}"] = forms.ChoiceField(
                label=_("折叠/挂装"),
                choices=GarmentFinish.choices,
                initial=GarmentFinish.HUNG,
                required=False,
            )

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        items = [
            {
                "garment": d.get(f"garment_{i}"),
                "quantity": d.get(f"qty_{i}"),
                "finish": d.get(f"finish_{i}") or GarmentFinish.HUNG,
            }
            for i in range(GARMENT_ROWS)
            if d.get(f"garment_{i}")
        ]
        return {
            "unit": d["unit"],
            "resident": d["resident"],
            "kind": d["kind"],
            "items": items,
            "count_text": d["count_text"],
            "special": d.get("special", ""),
        }

    def garment_rows(self):
        return [(self[f"garment_{i}"], self[f"qty_{i}"], self[f"finish_{i}"]) for i in range(GARMENT_ROWS)]


class CollectForm(forms.Form):
    slot = forms.ChoiceField(
        label=_("收衣班次"),
        choices=[(rules.slot_label(t), rules.slot_label(t)) for t in rules.LAUNDRY_ROUNDS],
    )
    laundry_staff = forms.CharField(label=_("洗衣房收衣人签字"), max_length=50)
    orders = forms.MultipleChoiceField(label=_("送洗单"), choices=[], widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, orders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["orders"].choices = [
            (str(o.pk), f"{o.slip_no} {o.unit.label} {o.count_label}") for o in orders
        ]


class ReturnForm(forms.Form):
    laundry_staff = forms.CharField(label=_("洗衣房送回人签字"), max_length=50)
    returned_slip_nos = forms.CharField(
        label=_("送回单号(绿联)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一个单号,或用逗号分隔"),
    )

    def __init__(self, *args, orders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.orders = list(orders)
        for o in self.orders:
            self.fields[f"count_{o.pk}"] = forms.IntegerField(
                label=f"{o.slip_no} 送回件数(登记 {o.count_label})", min_value=0, max_value=999
            )

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        raw = d["returned_slip_nos"].replace(",", ",").replace(",", "\n").replace(" ", "\n")
        return {
            "returned_slip_nos": [s for s in raw.splitlines() if s.strip()],
            "returned_counts": {o.slip_no: d[f"count_{o.pk}"] for o in self.orders},
            "laundry_staff": d["laundry_staff"],
        }


class PickupForm(forms.Form):
    owner_signed_green = forms.BooleanField(label=_("业主已在绿联签字"), required=False)
    price = forms.DecimalField(label=_("洗衣费"), required=False, max_digits=8, decimal_places=2)
    paid = forms.BooleanField(label=_("已付款"), required=False)


class PriceForm(forms.Form):
    price = forms.DecimalField(label=_("洗衣费"), max_digits=8, decimal_places=2)


class CashUseForm(OccupantForm):
    purpose = forms.CharField(
        label=_("用途"), max_length=200, help_text=_("专款专用:为业主垫付的小额款项,如邮资")
    )
    amount = forms.DecimalField(label=_("金额(元)"), max_digits=9, decimal_places=2)
    prepaid_amount = forms.DecimalField(
        label=_("业主预付款(元)"),
        max_digits=9,
        decimal_places=2,
        required=False,
        help_text=_("超过 50 元时请询问业主预付部分款项(R-CASH-04)"),
    )
    over_limit_reason = forms.CharField(label=_("超额原因"), max_length=200, required=False)
    service_fields = ("purpose", "amount", "prepaid_amount", "over_limit_reason")


class SignForm(forms.Form):
    signature_name = forms.CharField(label=_("业主签字(姓名)"), max_length=50)


class InvoiceForm(forms.Form):
    invoice_no = forms.CharField(label=_("正式发票号码"), max_length=50)
    file = forms.FileField(label=_("发票扫描件"))
    handed_to_owner = forms.BooleanField(label=_("发票已交业主"), required=False)


class ReplenishForm(forms.Form):
    amount = forms.DecimalField(
        label=_("申请补充金额(元)"), max_digits=9, decimal_places=2, initial=rules.PETTY_CASH_MIN_TOPUP
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class CallForm(forms.Form):
    caller_name = forms.CharField(label=_("来电人"), max_length=50)
    phone = forms.CharField(label=_("来电号码"), max_length=30, required=False)
    unit_label = forms.CharField(label=_("房间"), max_length=40, required=False)
    subject = forms.CharField(label=_("事由"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(label=_("处理"), choices=CallOutcome.choices)
    transferred_to = forms.ChoiceField(
        label=_("转接部门"),
        required=False,
        choices=[("", "—")] + [c for c in DepartmentKind.choices if c[0] != DepartmentKind.CUSTOMER_SERVICE],
    )
    answered_within_three_rings = forms.BooleanField(label=_("铃响三声内接听"), required=False, initial=True)

    def __init__(self, *args, prop=None, **kwargs):
        self.prop = prop
        super().__init__(*args, **kwargs)

    def clean(self):
        from core.models import Unit

        data = super().clean()
        label = (data.get("unit_label") or "").strip()
        data["unit"] = None
        if label:
            data["unit"] = Unit.objects.filter(property=self.prop, label__iexact=label).first()
            if data["unit"] is None:
                self.add_error("unit_label", _("本项目没有这个房间。(No such unit.)"))
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            k: d.get(k)
            for k in (
                "caller_name",
                "phone",
                "subject",
                "outcome",
                "transferred_to",
                "answered_within_three_rings",
                "unit",
            )
        }


class CallbackForm(forms.Form):
    note = forms.CharField(label=_("覆电结果"), max_length=300)
