"""代办服务: 《票务预定登记表》, concierge errands, laundry slips and rounds, 《备用金使用登记表》, phone log."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.choices import DepartmentKind
from core.masking import mask_id, mask_phone
from core.models import BaseModel, Property, Unit

from .choices import (
    CallOutcome,
    CashUseStatus,
    ErrandKind,
    ErrandStatus,
    GarmentFinish,
    LaundryKind,
    LaundryStatus,
    ReplenishStatus,
    TicketKind,
    TicketStatus,
)

USER = settings.AUTH_USER_MODEL


class TicketBooking(BaseModel):
    """《票务预定登记表》 (R-TIX-05): one air or train ticket booked for an owner."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, verbose_name=_("项目"))
    number = models.CharField(_("登记编号"), max_length=30)
    kind = models.CharField(_("类别"), max_length=10, choices=TicketKind.choices, default=TicketKind.AIR)
    status = models.CharField(
        _("状态"), max_length=20, choices=TicketStatus.choices, default=TicketStatus.REQUESTED
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("房间"))
    resident = models.ForeignKey("residents.Resident", on_delete=models.PROTECT, verbose_name=_("业主"))
    # R-TIX-02: the passenger's name and ID number, checked (photocopied if necessary).
    passenger_name = models.CharField(_("乘客姓名"), max_length=50)
    passenger_id_number = models.CharField(_("证件号码"), max_length=40)
    id_checked = models.BooleanField(_("已核对证件"), default=False)
    # R-TIX-01: airline, date, flight, cabin class, destination.
    carrier = models.CharField(_("航空公司/铁路"), max_length=50)
    flight_no = models.CharField(_("航班/车次"), max_length=20)
    departure_at = models.DateTimeField(_("出发时间"))
    cabin_class = models.CharField(_("座舱级别/席别"), max_length=20)
    origin = models.CharField(_("出发地"), max_length=50, blank=True)
    destination = models.CharField(_("目的地"), max_length=50)
    agency = models.CharField(_("票务公司"), max_length=50)
    # R-TIX-03: price confirmed with the agency, agreed by the owner before booking.
    quoted_price = models.DecimalField(_("票价"), max_digits=9, decimal_places=2, null=True, blank=True)
    price_agreed_at = models.DateTimeField(_("业主同意票价时间"), null=True, blank=True)
    # R-TIX-09/10: paid in advance, in cash.
    prepaid_amount = models.DecimalField(_("预付款(现金)"), max_digits=9, decimal_places=2, default=0)
    prepaid_at = models.DateTimeField(_("预付时间"), null=True, blank=True)
    booking_ref = models.CharField(_("定座记录编号"), max_length=30, blank=True)
    delivered_at = models.DateTimeField(_("票送达管理处时间"), null=True, blank=True)
    # R-TIX-06/07: reconfirmation 24 h before departure, with the airline's confirmation number.
    confirmation_no = models.CharField(_("确认编号"), max_length=30, blank=True)
    reconfirmed_at = models.DateTimeField(_("再确认时间"), null=True, blank=True)
    reconfirmed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # R-TIX-08: change/refund and their fees.
    change_note = models.TextField(_("改签/退票记录"), blank=True)
    change_fees = models.DecimalField(_("改签/退票手续费"), max_digits=9, decimal_places=2, default=0)
    notes = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("票务预定登记")
        verbose_name_plural = _("票务预定登记表")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["property", "number"], name="ticket_number_unique")]

    def __str__(self):
        return f"{self.number} {self.flight_no}"

    def get_absolute_url(self):
        return reverse("errands:ticket", args=[self.pk])

    def masked_id(self) -> str:
        return mask_id(self.passenger_id_number)


class ConciergeErrand(BaseModel):
    """代办: postage, restaurant and theatre bookings, shopping, other value-added services (R-ERR)."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, verbose_name=_("项目"))
    number = models.CharField(_("编号"), max_length=30)
    kind = models.CharField(_("代办类别"), max_length=20, choices=ErrandKind.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=ErrandStatus.choices, default=ErrandStatus.OPEN
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("房间(公寓号码)"))
    resident = models.ForeignKey("residents.Resident", on_delete=models.PROTECT, verbose_name=_("业主"))
    service = models.CharField(_("增值服务项目"), max_length=50, blank=True)  # R-ERR-01
    description = models.TextField(_("要求"), blank=True)
    # R-ERR-03 postage
    weight_g = models.PositiveIntegerField(_("重量(克)"), null=True, blank=True)
    destination = models.CharField(_("寄往"), max_length=100, blank=True)
    posted_at = models.DateTimeField(_("交邮局时间"), null=True, blank=True)
    # R-ERR-04 restaurant / R-ERR-05 theatre
    venue = models.CharField(_("餐厅/演出场所"), max_length=100, blank=True)
    programme = models.CharField(_("节目名称与内容"), max_length=200, blank=True)
    party_size = models.PositiveSmallIntegerField(_("人数/票数"), null=True, blank=True)
    event_at = models.DateTimeField(_("用餐/演出时间"), null=True, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    special_requests = models.CharField(_("特别要求"), max_length=200, blank=True)
    venue_contact = models.CharField(_("对方联系人(餐厅/票房)"), max_length=50, blank=True)
    # R-ERR-06 shopping
    item_name = models.CharField(_("物品名称"), max_length=100, blank=True)
    item_spec = models.CharField(_("规格"), max_length=100, blank=True)
    item_quantity = models.PositiveIntegerField(_("数量"), null=True, blank=True)
    item_price = models.DecimalField(_("单价"), max_digits=9, decimal_places=2, null=True, blank=True)
    assigned_to = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("指定购买人")
    )
    # cost and receipt
    cost = models.DecimalField(_("费用"), max_digits=9, decimal_places=2, null=True, blank=True)
    collected_from_owner = models.DecimalField(
        _("向业主收取"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    result_note = models.CharField(_("办理结果"), max_length=200, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("代办事项")
        verbose_name_plural = _("代办事项")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["property", "number"], name="errand_number_unique")]

    def __str__(self):
        return f"{self.number} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("errands:errand", args=[self.pk])


class LaundryRound(BaseModel):
    """A collection round of the 洗衣房 at CS (R-LAUN-06), and its return (R-LAUN-07/09)."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, verbose_name=_("项目"))
    date = models.DateField(_("日期"))
    slot = models.CharField(_("收衣班次"), max_length=5)  # "09:30" / "17:30"
    collected_at = models.DateTimeField(_("收衣时间"))
    laundry_staff = models.CharField(_("洗衣房收衣人签字"), max_length=50)
    supervisor = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("客服主管")
    )
    due_back_at = models.DateTimeField(_("应送回时间"))
    returned_at = models.DateTimeField(_("送回时间"), null=True, blank=True)
    return_staff = models.CharField(_("洗衣房送回人签字"), max_length=50, blank=True)
    return_checked_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("洗衣收送班次")
        verbose_name_plural = _("洗衣收送班次")
        ordering = ["-date", "-slot"]
        constraints = [
            models.UniqueConstraint(fields=["property", "date", "slot"], name="laundry_round_unique")
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.slot}"

    def get_absolute_url(self):
        return reverse("errands:laundry_round", args=[self.pk])


class LaundryOrder(BaseModel):
    """干洗单 / 湿洗单 (three copies: 白联 owner, 绿联 and 黄联 with the bag), a line of the 《衣物送洗登记表》."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, verbose_name=_("项目"))
    slip_no = models.CharField(_("洗衣单号"), max_length=30)
    kind = models.CharField(_("类别"), max_length=5, choices=LaundryKind.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=LaundryStatus.choices, default=LaundryStatus.RECEIVED
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("房号"))
    resident = models.ForeignKey("residents.Resident", on_delete=models.PROTECT, verbose_name=_("姓名"))
    received_at = models.DateTimeField(_("日期"))
    handler = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("经手人"))
    pieces = models.PositiveSmallIntegerField(_("件数"))
    count_label = models.CharField(_("件数标记"), max_length=8)  # "3D" / "2L" (R-LAUN-03)
    special = models.CharField(_("特别要求"), max_length=200, blank=True)
    round = models.ForeignKey(
        LaundryRound,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("收衣班次"),
    )
    returned_pieces = models.PositiveSmallIntegerField(_("送回件数"), null=True, blank=True)
    picked_up_at = models.DateTimeField(_("领取日期"), null=True, blank=True)
    pickup_handler = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_signed_green = models.BooleanField(_("业主已在绿联签字"), default=False)
    price = models.DecimalField(_("洗衣费"), max_digits=8, decimal_places=2, null=True, blank=True)
    paid = models.BooleanField(_("已付款"), default=False)
    paid_at = models.DateTimeField(_("付款时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("洗衣单")
        verbose_name_plural = _("衣物送洗登记表")
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["property", "slip_no"], name="laundry_slip_unique")]
        indexes = [models.Index(fields=["property", "status"])]

    def __str__(self):
        return f"{self.slip_no} {self.count_label}"

    def get_absolute_url(self):
        return reverse("errands:laundry", args=[self.pk])


class LaundryItem(models.Model):
    """衣服类型与件数 on the slip; folded or hung (R-LAUN-10)."""

    order = models.ForeignKey(LaundryOrder, on_delete=models.CASCADE, related_name="items")
    garment = models.CharField(_("衣服类型"), max_length=50)
    quantity = models.PositiveSmallIntegerField(_("件数"))
    finish = models.CharField(
        _("折叠/挂装"), max_length=10, choices=GarmentFinish.choices, default=GarmentFinish.HUNG
    )

    class Meta:
        ordering = ["id"]


class PettyCashUse(BaseModel):
    """《备用金使用登记表》: one use of the petty-cash fund on an owner's behalf (R-CASH-01..07)."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, verbose_name=_("项目"))
    number = models.CharField(_("登记编号"), max_length=30)
    status = models.CharField(
        _("状态"), max_length=20, choices=CashUseStatus.choices, default=CashUseStatus.REGISTERED
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("房间"))
    resident = models.ForeignKey("residents.Resident", on_delete=models.PROTECT, verbose_name=_("业主"))
    purpose = models.CharField(_("用途"), max_length=200)
    amount = models.DecimalField(_("金额"), max_digits=9, decimal_places=2)
    prepaid_amount = models.DecimalField(_("业主预付款"), max_digits=9, decimal_places=2, default=0)
    over_limit_reason = models.CharField(_("超额原因"), max_length=200, blank=True)
    errand = models.ForeignKey(
        ConciergeErrand,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("代办事项"),
    )
    registered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("管理员")
    )
    owner_signed_at = models.DateTimeField(_("业主签字时间"), null=True, blank=True)
    owner_signature_name = models.CharField(_("业主签字"), max_length=50, blank=True)
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("主管批准时间"), null=True, blank=True)
    invoice_no = models.CharField(_("发票号码"), max_length=50, blank=True)
    invoice_handed_at = models.DateTimeField(_("发票交业主时间"), null=True, blank=True)
    repaid_amount = models.DecimalField(_("业主归还"), max_digits=9, decimal_places=2, default=0)
    repaid_at = models.DateTimeField(_("归还时间"), null=True, blank=True)
    reject_reason = models.CharField(_("驳回原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("备用金使用")
        verbose_name_plural = _("备用金使用登记表")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["property", "number"], name="cash_use_number_unique")]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("errands:cash_use", args=[self.pk])

    def fund_amount(self):
        """What the fund itself advances: the amount less the owner's prepayment (R-CASH-04)."""
        return self.amount - self.prepaid_amount


class PettyCashReplenishment(BaseModel):
    """A top-up application to the 管理处 (R-CASH-06): at least RMB 200, when the balance is below 100."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, verbose_name=_("项目"))
    status = models.CharField(
        _("状态"), max_length=20, choices=ReplenishStatus.choices, default=ReplenishStatus.REQUESTED
    )
    amount = models.DecimalField(_("申请金额"), max_digits=9, decimal_places=2)
    balance_at_request = models.DecimalField(_("申请时余额"), max_digits=9, decimal_places=2)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("说明"), max_length=200, blank=True)
    received_amount = models.DecimalField(
        _("实收金额"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    received_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("补充时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("备用金补充申请")
        verbose_name_plural = _("备用金补充申请")
        ordering = ["-created_at", "-id"]


class PhoneCall(BaseModel):
    """电话接听记录 (R-TEL-09): every call, with the call-back task when not finished in 20 s (R-TEL-04)."""

    property = models.ForeignKey(Property, on_delete=models.PROTECT, verbose_name=_("项目"))
    at = models.DateTimeField(_("来电时间"))
    caller_name = models.CharField(_("来电人"), max_length=50)
    phone = models.CharField(_("来电号码"), max_length=30)
    resident = models.ForeignKey(
        "residents.Resident", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("住户")
    )
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("房间"))
    subject = models.CharField(_("事由"), max_length=300)
    outcome = models.CharField(
        _("处理"), max_length=20, choices=CallOutcome.choices, default=CallOutcome.DONE
    )
    transferred_to = models.CharField(
        _("转接部门"), max_length=20, choices=DepartmentKind.choices, blank=True
    )  # R-TEL-06
    answered_within_three_rings = models.BooleanField(_("三声内接听"), default=True)  # R-TEL-01
    handled_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("接听人"))
    callback_due_at = models.DateTimeField(_("覆电期限"), null=True, blank=True)
    callback_done_at = models.DateTimeField(_("已覆电时间"), null=True, blank=True)
    callback_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    callback_note = models.CharField(_("覆电结果"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("电话接听记录")
        verbose_name_plural = _("电话接听记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["property", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.caller_name}"

    def get_absolute_url(self):
        return reverse("errands:call", args=[self.pk])

    def masked_phone(self) -> str:
        return mask_phone(self.phone)
