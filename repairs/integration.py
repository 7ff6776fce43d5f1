"""How repairs plug into the pages of other areas: the panel on the request page, the archive section (i),
the handover count, and the fee schedule seeded for every new property."""

from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.forms import lazy_form
from core.permissions import can
from servicedesk.choices import RequestKind

from . import forms as f
from . import selectors
from .choices import FINISHED_STATUSES, OPEN_STATUSES, AccidentReportStatus, RepairScope
from .choices import RepairStatus as S
from .models import RepairOrder


def panel(req, user) -> dict:
    order = RepairOrder.objects.select_related(
        "collector", "notified_by", "cs_confirmed_by", "spare_key_reconfirmed_by"
    ).get(pk=req.pk)
    order.request = req
    data = selectors.order_panel(order)
    prop, pid, st = req.property, req.property_id, req.status
    dispatch = can(user, "repairs.dispatch", pid)
    work = can(user, "repairs.work", pid)
    charge = can(user, "repairs.charge", pid)
    key = can(user, "repairs.spare_key", pid)
    open_entry = next((e for e in data["key_entries"] if e.left_at is None), None)
    report = data["report"]
    pending_charges = [c for c in data["charges"] if c.resident_confirmed_at is None]
    steps = []

    def offer(name, label, form_class, allowed=True, **extra):
        """A step the user may take now; its form is made when opened ({% lazyform %} on the panel)."""
        if allowed:
            # several forms on one page: distinct ids
            form = lazy_form(lambda: form_class(prop=prop, auto_id=f"{name}_%s", **extra))
            if not form_class.base_fields:  # a bare button: drawn with the page
                form = form_class(prop=prop, auto_id=f"{name}_%s", **extra)
            steps.append({"name": name, "label": label, "form": form})

    if st == S.REPORTED:
        offer("notify", gettext_lazy("通知工程部取单(R-REP-05)"), f.NotifyForm, dispatch)
    if st == S.DISPATCHED and not req.is_emergency:
        offer("collect", gettext_lazy("工程部接单签字(R-REP-07/08)"), f.CollectForm, work)
    if st in {S.COLLECTED, S.ON_HOLD} or (st == S.DISPATCHED and req.is_emergency):
        offer("arrive", gettext_lazy("到场"), f.ArriveForm, work, initial={"cs_on_site": req.is_emergency})
    if st in {S.COLLECTED, S.ARRIVED}:
        offer("hold", gettext_lazy("暂停:缺料 / 业户不在(R-REP-12/13)"), f.HoldForm, dispatch)
    if st == S.ON_HOLD:
        offer("resume", gettext_lazy("恢复维修"), f.ResumeForm, work)
        offer("reschedule", gettext_lazy("改约时间(R-REP-13)"), f.RescheduleForm, dispatch)
        offer("follow_up", gettext_lazy("跟进记录(R-REP-12)"), f.FollowUpForm, dispatch)
    if st == S.ARRIVED:
        initial = {"signer_role": "clubhouse" if order.scope == RepairScope.CLUBHOUSE else ""}
        offer("complete", gettext_lazy("完工签字(R-REP-10/21)"), f.CompleteForm, work, initial=initial)
    if st == S.COMPLETED:
        if not order.signer_name:
            offer("sign", gettext_lazy("补签(业户/会所人员)"), f.SignForm, work)
        if not order.engineer_reported_at:
            offer("report", gettext_lazy("工程部电话通知客服完工(R-REP-11/19)"), f.EmptyForm, work)
        offer("confirm", gettext_lazy("客服与业户确认使用正常(R-REP-11)"), f.ConfirmForm, dispatch)
    if order.scope == RepairScope.UNIT and order.spare_key_allowed and st in OPEN_STATUSES:
        if not order.spare_key_reconfirmed_at:
            offer("reconfirm", gettext_lazy("复核备用钥匙入户授权(R-REP-14)"), f.ReconfirmForm, dispatch)
        elif open_entry is None and st in {S.COLLECTED, S.ARRIVED, S.ON_HOLD}:
            offer("key_enter", gettext_lazy("备用钥匙入户:三方同时在场(R-REP-14)"), f.KeyEnterForm, key)
    if open_entry is not None:
        offer("key_leave", gettext_lazy("三方同时离开(R-REP-14)"), f.KeyLeaveForm, key)
    if st not in FINISHED_STATUSES:
        offer("charge", gettext_lazy("有偿维修:收费项目(R-REP-15/16)"), f.ChargeForm, charge)
        if pending_charges:
            offer(
                "charges_confirm",
                gettext_lazy("业户确认价格(R-REP-15)"),
                f.ChargesConfirmForm,
                charge,
                initial={"resident_name": req.reporter_name},
            )
        if data["charges"]:
            offer(
                "payment",
                gettext_lazy("交费方式"),
                f.PaymentForm,
                charge,
                initial={"method": order.payment_method},
            )
    if req.is_emergency and st != S.CANCELLED:
        offer("loss", gettext_lazy("损失记录(R-REP-27)"), f.LossForm, dispatch)
        if order.completed_at and (report is None or report.status == AccidentReportStatus.DRAFT):
            initial = {"severity": order.severity, "facts": req.description}
            if report is not None:
                initial = {
                    "severity": report.severity,
                    "facts": report.facts,
                    "impact": report.impact,
                    "handling": report.handling,
                }
            offer(
                "accident_report",
                gettext_lazy("《事故报告》(R-REP-28)"),
                f.AccidentReportForm,
                dispatch,
                initial=initial,
            )
        if report is not None and report.status == AccidentReportStatus.DRAFT:
            offer("accident_submit", gettext_lazy("上报客服主管"), f.EmptyForm, dispatch)
        if report is not None and report.status == AccidentReportStatus.SUBMITTED:
            offer(
                "accident_ack",
                gettext_lazy("主管阅示《事故报告》"),
                f.AcknowledgeForm,
                can(user, "repairs.accident_ack", pid),
            )
    return {
        "template": "repairs/_panel.html",
        "order": order,
        "req": req,
        "steps": steps,
        "pending_charges": pending_charges,
        "total": sum((c.total for c in data["charges"]), 0),
        "open_entry": open_entry,
        "now": timezone.now(),
        **data,
    }


def archive_section(resident, user):
    """(i) 报修记录 (one query)."""
    limit = 100
    rows = list(selectors.orders_for_resident(resident, limit))
    return {
        "kind": "table",
        "columns": ["编号", "报修时间", "房间/位置", "内容", "状态", "完成时间"],
        "rows": [
            [
                o.request.number,
                timezone.localtime(o.request.received_at).strftime("%Y-%m-%d %H:%M"),
                o.request.place(),
                o.request.description[:60],
                S(o.request.status).label if o.request.status in S.values else o.request.status,
                timezone.localtime(o.completed_at).strftime("%Y-%m-%d %H:%M") if o.completed_at else "",
            ]
            for o in rows[:limit]
        ],
        "more": len(rows) > limit,
        "empty": "暂无报修记录",
    }


def open_orders_count(prop) -> int:
    return RepairOrder.objects.filter(
        request__property=prop, request__kind=RequestKind.REPAIR, request__status__in=OPEN_STATUSES
    ).count()


def seed_new_property(sender, instance, created, raw=False, **kwargs):
    """Every new property gets the R-PAID-06 fee schedule (prices to be entered by the office)."""
    if created and not raw:
        from .services import price_list_seed

        price_list_seed(prop=instance)
