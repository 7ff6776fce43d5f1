"""Pages of 寄存, 暂存, 失物招领 and the custody check at handover. Every write calls a service."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.attachments import attachments_for
from core.errors import DomainError
from core.exports import xlsx_response
from core.history import history_for
from core.masking import mask_phone
from core.permissions import can
from core.views.decorators import needs
from core.views.generic import (
    ServiceCreateView,
    ServiceStepView,
    apply_domain_error,
    paginate,
    requested_property,
)

from . import selectors, services
from .choices import CollectMethod, FoundStatus, HeldStatus, StoredStatus
from .forms import (
    ClaimForm,
    CollectForm,
    DepositForm,
    DisposeForm,
    FoundForm,
    HeldCollectForm,
    HoldForm,
    LostTicketForm,
    NoteForm,
    SealForm,
)
from .models import CustodyCheck, FoundItem, HeldItem, StoredItem

# --- 寄存 register ---------------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    gettext_lazy("认领单号"),
    gettext_lazy("寄存时间"),
    gettext_lazy("寄存人"),
    gettext_lazy("房间"),
    gettext_lazy("物品"),
    gettext_lazy("件数"),
    gettext_lazy("大小"),
    gettext_lazy("存放位置"),
    gettext_lazy("状态"),
    gettext_lazy("电话"),
]


@needs("storage.view")
def item_list(request):
    prop = requested_property(request, "storage.view")
    status = request.GET.get("status", "in_custody")
    q = request.GET.get("q", "")
    qs = selectors.stored_item_list(user=request.user, prop=prop, status=status, q=q)
    if request.GET.get("export") == "xlsx":
        rows = (
            [
                it.ticket_no,
                timezone.localtime(it.deposited_at).strftime("%Y-%m-%d %H:%M"),
                it.depositor_name,
                it.unit.label if it.unit else "",
                it.description,
                it.count,
                it.get_size_class_display(),
                it.location,
                it.get_status_display(),
                mask_phone(it.depositor_phone),
            ]
            for it in qs.iterator(chunk_size=2000)
        )
        return xlsx_response("寄存物品登记表.xlsx", EXPORT_COLUMNS, rows, gettext_lazy("寄存物品登记表"))
    page, query = paginate(request, qs)
    return render(
        request,
        "storage/item_list.html",
        {
            "prop": prop,
            "props": selectors.storage_properties(user=request.user),
            "page_obj": page,
            "query_string": query,
            "status": status,
            "q": q,
            "statuses": [("in_custody", _("在库(含挂失)"))]
            + list(StoredStatus.choices)
            + [("all", _("全部"))],
            "now": timezone.now(),
            "summary": selectors.desk_summary(user=request.user, prop=prop),
            "can_deposit": can(request.user, "storage.deposit", prop.pk),
            "can_release": can(request.user, "storage.release", prop.pk),
        },
    )


class ItemNew(ServiceCreateView):
    """寄存 registration (R-STOR-01..10): the two-part ticket is printed from the item's page."""

    action = "storage.deposit"
    form_class = DepositForm
    template_name = "storage/item_new.html"
    service = staticmethod(services.stored_item_deposit)
    hx_redirect = False

    def success_message(self, item):
        return _("已登记寄存,认领单号 %(ticket_no)s。请打印两联认领单。") % {"ticket_no": item.ticket_no}

    def succeeded(self, item):
        resp = super().succeeded(item)
        for w in item.warnings[1:]:
            messages.warning(self.request, w)
        return resp

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "large_hours": int(services.LARGE_LUGGAGE_STOREROOM_AFTER.total_seconds() // 3600),
            "small_days": services.SMALL_ITEM_STOREROOM_AFTER.days,
        }


item_new = ItemNew.as_view()


def _item(request, pk, action="storage.view"):
    return get_object_or_404(
        StoredItem.objects.restrict(request.user, action).select_related(
            "property", "unit", "resident", "deposited_by", "seal_supervisor", "fetched_by"
        ),
        pk=pk,
    )


def _item_context(request, item, seal_form=None):
    coll = selectors.collection_for(item)
    return {
        "item": item,
        "prop": item.property,
        "collection": coll,
        "id_copies": list(attachments_for(coll)) if coll else [],
        "lost_reports": list(item.lost_reports.select_related("recorded_by")),
        "alerts": list(item.alerts.select_related("raised_by")),
        "history": history_for(item),
        "now": timezone.now(),
        "seal_form": seal_form or SealForm(prop=item.property),
        "can_deposit": can(request.user, "storage.deposit", item.property_id),
        "can_release": can(request.user, "storage.release", item.property_id),
        "can_file": can(request.user, "storage.file", item.property_id),
    }


@needs("storage.view")
def item_detail(request, pk):
    item = _item(request, pk)
    return render(request, "storage/item_detail.html", _item_context(request, item))


@needs("storage.view")
def item_ticket(request, pk):
    """R-STOR-05: the two-part 《寄存物品认领单》, the same number on the 上联 and the 下联 (A5 landscape)."""
    item = _item(request, pk)
    return render(request, "storage/ticket_print.html", {"item": item, "prop": item.property})


class StoredItemStep(ServiceStepView):
    """A form on the 寄存 item's page; a refusal draws the page again with the form in error."""

    record_kwarg = "item"

    def get_object(self):
        return _item(self.request, self.kwargs["pk"], self.action)

    def render_form(self, form, status, error=None):
        ctx = _item_context(self.request, self.object, form)
        return render(self.request, "storage/item_detail.html", ctx, status=status)


item_seal = StoredItemStep.as_view(
    action="storage.deposit",
    form_class=SealForm,
    form_kwargs=lambda item: {"prop": item.property},
    service=services.stored_item_seal,
    success_message=gettext_lazy("已封条。"),
)


@needs("storage.file")
@require_POST
def item_file(request, pk):
    item = _item(request, pk, "storage.file")
    try:
        services.stored_item_file(actor=request.user, item=item)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("storage:item", item.pk)
    messages.success(request, _("认领单已归档。"))
    return redirect("storage:item", item.pk)


@needs("storage.release")
def collect(request):
    """R-STOR-12..14, R-STOR-20: look the presented 下联 up by number, then release — or raise the alarm."""
    prop = requested_property(request, "storage.release")
    data = request.POST if request.method == "POST" else request.GET
    ticket_no = (data.get("ticket_no") or "").strip().upper()
    item = (
        selectors.stored_item_by_ticket(user=request.user, prop=prop, ticket_no=ticket_no)
        if ticket_no
        else None
    )
    ctx = {"prop": prop, "ticket_no": ticket_no, "item": item, "alarm": None}
    status = 200
    if ticket_no and item is None:
        ctx["lookup_error"] = "没有这个认领单号。(No such ticket number.)"
        status = 404 if request.method == "POST" else 200
    method = data.get("method") or CollectMethod.TICKET
    if request.method == "POST" and item is not None:
        form = CollectForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.stored_item_collect(
                    actor=request.user,
                    item=item,
                    method=d["method"],
                    presented_ticket_no=d["presented_ticket_no"]
                    or (ticket_no if d["method"] == CollectMethod.TICKET else ""),
                    collector_name=d["collector_name"],
                    collector_is_depositor=d["collector_is_depositor"],
                    collector_id_number=d["collector_id_number"],
                    id_copy=d["id_copy"],
                    halves_match=d["halves_match"],
                    inspected_ok=d["inspected_ok"],
                    damage_note=d["damage_note"],
                    compensation=d["compensation"],
                    carry_help=d["carry_help"],
                    parts_stapled=d["parts_stapled"],
                )
            except DomainError as exc:
                if exc.code == "lost_ticket":
                    ctx["alarm"] = exc.message  # R-STOR-20: keep the person here; security is on its way
                else:
                    apply_domain_error(form, exc)
                status = exc.status_code
                item.refresh_from_db()
            else:
                messages.success(
                    request,
                    _("%(ticket_no)s 已发放。请将上下联钉合交客服主管存档。") % {"ticket_no": item.ticket_no},
                )
                return redirect("storage:item", item.pk)
        else:
            status = 400
    else:
        form = CollectForm(
            initial={
                "method": method,
                "presented_ticket_no": ticket_no if method == CollectMethod.TICKET else "",
                "collector_name": item.depositor_name if item else "",
                "collector_is_depositor": True,
                "inspected_ok": True,
            }
        )
    ctx["form"] = form
    return render(request, "storage/collect.html", ctx, status=status)


class StorageFormPage(ServiceCreateView):
    """A registration on the storage form page (title and rule shown above the form)."""

    template_name = "storage/form_page.html"
    hx_redirect = False
    rule = ""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "rule": self.rule}


class LostReport(StorageFormPage):
    """R-STOR-18/19: a lost 下联 blocks the item, or — already collected with it — security investigates."""

    action = "storage.release"
    form_class = LostTicketForm
    form_takes_property = False
    service = staticmethod(services.lost_ticket_report)
    title, rule = gettext_lazy("认领单挂失"), "R-STOR-18"

    def get_initial(self):
        return {"ticket_no": self.request.GET.get("ticket_no", "")}

    def succeeded(self, report):
        if report.outcome == "blocked":
            messages.success(
                self.request,
                _("认领单 %(ticket_no)s 已挂失。业主可凭有效证件领取。")
                % {"ticket_no": report.item.ticket_no},
            )
        else:
            messages.warning(self.request, _("物品已被凭单领取,已通知秩序维护部调查 (R-STOR-19)。"))
        return redirect("storage:item", report.item_id)


lost_report = LostReport.as_view()


# --- 暂存 (R-HOLD) -----------------------------------------------------------------------------------------


@needs("storage.view")
def held_list(request):
    prop = requested_property(request, "storage.view")
    status = request.GET.get("status", HeldStatus.HELD)
    q = request.GET.get("q", "")
    page, query = paginate(
        request, selectors.held_item_list(user=request.user, prop=prop, status=status, q=q)
    )
    return render(
        request,
        "storage/held_list.html",
        {
            "prop": prop,
            "props": selectors.storage_properties(user=request.user),
            "page_obj": page,
            "query_string": query,
            "status": status,
            "q": q,
            "statuses": list(HeldStatus.choices) + [("overdue", _("超期未领")), ("all", _("全部"))],
            "now": timezone.now(),
            "can_write": can(request.user, "holding.write", prop.pk),
        },
    )


held_new = StorageFormPage.as_view(
    action="holding.write",
    form_class=HoldForm,
    service=services.held_item_create,
    title=gettext_lazy("暂存登记《业主物品临时存放记录表》"),
    rule="R-HOLD-04",
    success_message=lambda held: (
        _("已登记暂存 %(record_no)s。请打印并粘贴《物品临时存放标签》。") % {"record_no": held.record_no}
    ),
)


def _held(request, pk, action="storage.view"):
    return get_object_or_404(
        HeldItem.objects.restrict(request.user, action).select_related(
            "property", "unit", "handled_by", "released_by"
        ),
        pk=pk,
    )


def _held_context(request, held, collect_form=None, chase_form=None):
    return {
        "held": held,
        "prop": held.property,
        "history": history_for(held),
        "id_copies": list(attachments_for(held)),
        "now": timezone.now(),
        "collect_form": collect_form or HeldCollectForm(initial={"collector_name": held.collector_name}),
        "chase_form": chase_form or NoteForm(),
        "can_write": can(request.user, "holding.write", held.property_id),
    }


@needs("storage.view")
def held_detail(request, pk):
    held = _held(request, pk)
    return render(request, "storage/held_detail.html", _held_context(request, held))


@needs("storage.view")
def held_label(request, pk):
    """R-HOLD-04/05: the 《物品临时存放标签》 (or the key envelope): unit, owner, time held, clerk."""
    held = _held(request, pk)
    return render(request, "storage/held_label.html", {"held": held, "prop": held.property})


class HeldStep(ServiceStepView):
    """A form on the 暂存 record's page; a refusal draws the page again with the form in error."""

    action = "holding.write"
    record_kwarg = "item"
    refresh_on_refusal = False  # read the record again: a refused service may have changed it in memory

    def get_object(self):
        return _held(self.request, self.kwargs["pk"], self.action)

    def refused(self, form, exc):
        if self.refresh_on_refusal:
            self.object.refresh_from_db()
        return super().refused(form, exc)

    def render_form(self, form, status, error=None):
        ctx = _held_context(self.request, self.object, **{self.form_key: form})
        return render(self.request, "storage/held_detail.html", ctx, status=status)


held_collect = HeldStep.as_view(
    form_class=HeldCollectForm,
    form_key="collect_form",
    service=services.held_item_collect,
    refresh_on_refusal=True,
    success_message=lambda held: _("%(record_no)s 已交付。") % {"record_no": held.record_no},
)
held_chase = HeldStep.as_view(
    form_class=NoteForm,
    form_key="chase_form",
    service=services.held_item_chase_note,
    success_message=gettext_lazy("已记录联系情况。"),
)


# --- 失物招领 (R-INC-15..21) ---------------------------------------------------------------------------------


@needs("lostfound.view")
def found_list(request):
    prop = requested_property(request, "lostfound.view")
    status = request.GET.get("status", FoundStatus.IN_CUSTODY)
    q = request.GET.get("q", "")
    page, query = paginate(
        request, selectors.found_item_list(user=request.user, prop=prop, status=status, q=q)
    )
    return render(
        request,
        "storage/found_list.html",
        {
            "prop": prop,
            "props": selectors.storage_properties(user=request.user, action="lostfound.view"),
            "page_obj": page,
            "query_string": query,
            "status": status,
            "q": q,
            "statuses": list(FoundStatus.choices)
            + [("high_value", _("贵重(保险箱)")), ("awaiting_disposal", _("期满待处理")), ("all", _("全部"))],
            "today": timezone.localdate(),
            "can_register": can(request.user, "lostfound.register", prop.pk),
        },
    )


class FoundNew(StorageFormPage):
    """R-INC-16: 捡拾物品登记; valuables go to the safe and the leads are told (R-INC-17)."""

    action = "lostfound.register"
    form_class = FoundForm
    form_takes_property = False
    service = staticmethod(services.found_item_register)
    title, rule = gettext_lazy("拾获物品登记《捡拾物品登记表》"), "R-INC-16"

    def get_initial(self):
        return {"finder_name": str(self.request.user)}

    def success_message(self, found):
        msg = _("已登记 %(record_no)s,保管至 %(until)s。") % {
            "record_no": found.record_no,
            "until": f"{found.retention_until:%Y-%m-%d}",
        }
        if found.high_value:
            msg += _("贵重物品已存入保险箱,并已通知秩序维护主管、客服主管和管理处经理。")
        return msg


found_new = FoundNew.as_view()


def _found(request, pk, action="lostfound.view"):
    return get_object_or_404(
        FoundItem.objects.restrict(request.user, action).select_related(
            "property", "registered_by", "claim_confirmed_by", "disposal_approved_by", "claimant_unit"
        ),
        pk=pk,
    )


def _found_context(request, found, note_form=None, claim_form=None, dispose_form=None):
    return {
        "found": found,
        "prop": found.property,
        "history": history_for(found),
        "today": timezone.localdate(),
        "note_form": note_form or NoteForm(),
        "claim_form": claim_form or ClaimForm(prop=found.property),
        "dispose_form": dispose_form or DisposeForm(),
        "can_register": can(request.user, "lostfound.register", found.property_id),
        "can_claim": can(request.user, "lostfound.claim", found.property_id),
        "can_dispose": can(request.user, "lostfound.dispose", found.property_id),
    }


@needs("lostfound.view")
def found_detail(request, pk):
    found = _found(request, pk)
    return render(request, "storage/found_detail.html", _found_context(request, found))


class FoundStep(ServiceStepView):
    """A form on the 失物 record's page; the page is drawn again (from the database) with the form in error."""

    record_kwarg = "item"
    success_message = gettext_lazy("已保存。")

    def get_object(self):
        return _found(self.request, self.kwargs["pk"], self.action)

    def render_form(self, form, status, error=None):
        self.object.refresh_from_db()
        ctx = _found_context(self.request, self.object, **{self.form_key: form})
        return render(self.request, "storage/found_detail.html", ctx, status=status)


found_note = FoundStep.as_view(
    action="lostfound.register",
    form_class=NoteForm,
    form_key="note_form",
    service=services.found_item_note_search,
)
found_claim = FoundStep.as_view(
    action="lostfound.claim",
    form_class=ClaimForm,
    form_key="claim_form",
    form_kwargs=lambda found: {"prop": found.property},
    service=services.found_item_claim,
)
found_dispose = FoundStep.as_view(
    action="lostfound.dispose",
    form_class=DisposeForm,
    form_key="dispose_form",
    service=services.found_item_dispose,
)


# --- custody check at handover (R-STOR-11, R-HOLD-12, R-INC-19) -------------------------------------------


def _check_context(request, prop, error=None):
    from core.choices import Role
    from core.models import User

    since = timezone.now() - timedelta(hours=12)
    return {
        "prop": prop,
        "props": selectors.storage_properties(user=request.user, action="handover.do"),
        "rows": selectors.custody_items(prop),
        "movements": selectors.shift_movements(user=request.user, prop=prop, since=since),
        "checks": list(selectors.custody_checks(user=request.user, prop=prop)[:10]),
        "colleagues": User.objects.filter(
            memberships__property=prop,
            memberships__active=True,
            memberships__role__in=[Role.FRONT_DESK, Role.CS_ADMIN, Role.CLERK, Role.CS_SUPERVISOR],
        )
        .exclude(pk=request.user.pk)
        .distinct()
        .order_by("username"),
        "error": error,
    }


@needs("handover.do")
def check_page(request):
    prop = requested_property(request, "handover.do")
    if request.method == "POST":
        from core.models import User

        outgoing = None
        if request.POST.get("outgoing", "").isdigit():
            outgoing = User.objects.filter(pk=request.POST["outgoing"]).first()
        notes = {k[5:]: v for k, v in request.POST.items() if k.startswith("note:") and v.strip()}
        try:
            check = services.custody_check_record(
                actor=request.user,
                prop=prop,
                present=request.POST.getlist("present"),
                notes=notes,
                outgoing=outgoing,
                note=request.POST.get("note", ""),
            )
        except DomainError as exc:
            return render(
                request,
                "storage/check.html",
                _check_context(request, prop, exc.message),
                status=exc.status_code,
            )
        if check.missing:
            messages.warning(request, _("清点完成:%(n)s 件缺失,已通知客服主管。") % {"n": check.missing})
        else:
            messages.success(request, _("清点完成:%(n)s 件全部在位。") % {"n": check.total})
        return redirect("storage:check", check.pk)
    return render(request, "storage/check.html", _check_context(request, prop))


@needs("handover.do")
def check_detail(request, pk):
    check = get_object_or_404(
        CustodyCheck.objects.restrict(request.user, "handover.do").select_related(
            "property", "checked_by", "outgoing"
        ),
        pk=pk,
    )
    return render(request, "storage/check_detail.html", {"check": check, "prop": check.property})
