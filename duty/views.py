"""Duty-log day page, entries, special incident reports and the handover pages. Every write calls a service."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from core.attachments import attachments_for
from core.errors import DomainError
from core.exports import xlsx_response
from core.history import history_for
from core.permissions import can
from core.views.decorators import needs
from core.views.generic import apply_domain_error, is_htmx, requested_property

from . import selectors, services
from .choices import HandoverStatus, LeaveReason, ReportStatus
from .forms import (
    AcknowledgeForm,
    AttendanceFilterForm,
    EntryForm,
    HandOverForm,
    HandoverItemForm,
    HandoverStartForm,
    PhotoForm,
    PostForm,
    PostSignInForm,
    PostSignOutForm,
    RejectForm,
    ReportForm,
    SignForm,
    VoidForm,
)
from .models import DutyEntry, Handover, HandoverItem, Post, PostShift, SpecialIncidentReport


def _parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Http404 from None


# --- the day page (R-DUTY-03) ---------------------------------------------------------------------------


def _day_context(request, prop, day, form=None):
    page, entries = selectors.duty_day(user=request.user, prop=prop, day=day)
    now = timezone.localtime()
    if form is None:
        default_time = now.time() if day == now.date() else prop.shift_start
        form = EntryForm(
            prop=prop,
            initial={
                "occurred_date": day,
                "occurred_time": default_time.strftime("%H:%M"),
                "category": "other",
            },
        )
    can_sign = can(request.user, "duty.signoff", prop.pk)
    return {
        "prop": prop,
        "props": selectors.duty_properties(user=request.user),
        "day": day,
        "weekday": "星期" + "一二三四五六日"[day.weekday()],
        "prev_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1) if day < now.date() else None,
        "is_today": day == now.date(),
        "page": page,
        "entries": entries,
        "active_count": sum(1 for e in entries if not e.is_void),
        "locked": bool(page and page.is_signed),
        "form": form,
        "can_write": can(request.user, "duty.write", prop.pk),
        "can_sign": can_sign and day <= now.date(),
        "sign_form": SignForm(),
        "unsigned": selectors.unsigned_days(user=request.user, prop=prop) if can_sign else [],
    }


@needs("duty.view")
def today(request):
    return day_page(request, timezone.localdate().isoformat())


@needs("duty.view")
def day_page(request, day):
    prop = requested_property(request, "duty.view")
    return render(request, "duty/day.html", _day_context(request, prop, _parse_day(day)))


@needs("duty.write")
@require_POST
def entry_add(request):
    """Quick entry from the day page; htmx gets the refreshed entry list + a fresh form."""
    prop = requested_property(request, "duty.write")
    form = EntryForm(request.POST, prop=prop)
    status = 200
    if form.is_valid():
        try:
            entry = services.duty_entry_create(actor=request.user, prop=prop, **form.service_kwargs())
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            status = exc.status_code
        else:
            day = timezone.localtime(entry.occurred_at).date()
            if not is_htmx(request):
                messages.success(request, _("已记录。"))
                return redirect(_with_property(reverse("duty:day", args=[day.isoformat()]), prop))
            return render(request, "duty/_partials/day_body.html", _day_context(request, prop, day))
    else:
        status = 400
    day = form.cleaned_data.get("occurred_date") or timezone.localdate()
    ctx = _day_context(request, prop, day, form=form)
    template = "duty/_partials/day_body.html" if is_htmx(request) else "duty/day.html"
    return render(request, template, ctx, status=status)


@needs("duty.signoff")
@require_POST
def day_sign(request, day):
    prop = requested_property(request, "duty.signoff")
    d = _parse_day(day)
    form = SignForm(request.POST)
    form.is_valid()
    try:
        services.duty_day_sign(
            actor=request.user, prop=prop, day=d, comment=form.cleaned_data.get("comment", "")
        )
    except DomainError as exc:
        ctx = _day_context(request, prop, d)
        ctx["sign_error"] = exc.message
        return render(request, "duty/day.html", ctx, status=exc.status_code)
    messages.success(request, _("%(date)s 的值班记录已签字。") % {"date": f"{d:%Y-%m-%d}"})
    return redirect(_with_property(reverse("duty:day", args=[d.isoformat()]), prop))


def _with_property(url: str, prop) -> str:
    return f"{url}?property={prop.pk}"


# --- one entry ------------------------------------------------------------------------------------------


def _entry(request, pk, action="duty.view"):
    return get_object_or_404(
        DutyEntry.objects.restrict(request.user, action).select_related(
            "property", "day", "recorded_by", "voided_by", "unit", "location", "day__signed_by"
        ),
        pk=pk,
    )


def _entry_context(request, entry, form=None, void_form=None):
    report = SpecialIncidentReport.objects.filter(entry=entry).first()
    if form is None:
        local = timezone.localtime(entry.occurred_at)
        form = EntryForm(
            prop=entry.property,
            initial={
                "occurred_date": local.date(),
                "occurred_time": local.strftime("%H:%M"),
                "category": entry.category,
                "course": entry.course,
                "handling": entry.handling,
                "result": entry.result,
                "unit_label": entry.unit.label if entry.unit else "",
                "location": entry.location_id,
                "is_major": entry.is_major,
            },
        )
    return {
        "entry": entry,
        "report": report,
        "form": form,
        "void_form": void_form or VoidForm(),
        "editable": not entry.is_void
        and not entry.day.is_signed
        and can(request.user, "duty.write", entry.property_id),
        "history": history_for(entry),
    }


@needs("duty.view")
def entry_detail(request, pk):
    entry = _entry(request, pk)
    return render(request, "duty/entry.html", _entry_context(request, entry))


@needs("duty.write")
@require_POST
def entry_edit(request, pk):
    entry = _entry(request, pk, "duty.write")
    form = EntryForm(request.POST, prop=entry.property)
    if form.is_valid():
        try:
            services.duty_entry_update(actor=request.user, entry=entry, **form.service_kwargs())
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            return render(
                request, "duty/entry.html", _entry_context(request, entry, form=form), status=exc.status_code
            )
        messages.success(request, _("已修改。"))
        return redirect("duty:entry", entry.pk)
    return render(request, "duty/entry.html", _entry_context(request, entry, form=form), status=400)


@needs("duty.write")
@require_POST
def entry_void(request, pk):
    entry = _entry(request, pk, "duty.write")
    form = VoidForm(request.POST)
    try:
        services.duty_entry_void(actor=request.user, entry=entry, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        form.is_valid()
        form.add_error("reason" if exc.field == "reason" else None, str(exc.message))
        return render(
            request, "duty/entry.html", _entry_context(request, entry, void_form=form), status=exc.status_code
        )
    messages.success(request, _("记录已作废。"))
    return redirect("duty:entry", entry.pk)


# --- special incident reports (R-DUTY-02) ----------------------------------------------------------------


@needs("duty.view")
def report_list(request):
    prop = requested_property(request, "duty.view")
    qs = (
        SpecialIncidentReport.objects.restrict(request.user, "duty.view")
        .filter(property=prop)
        .select_related("entry", "created_by", "acknowledged_by")
        .order_by("-created_at", "-id")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request, "duty/reports.html", {"prop": prop, "page_obj": page, "query_string": f"property={prop.pk}"}
    )


@needs("duty.write")
def report_create(request, entry_pk):
    entry = _entry(request, entry_pk, "duty.write")
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                report = services.special_report_create(actor=request.user, entry=entry, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
                status = exc.status_code
            else:
                messages.success(request, _("报告已保存为草稿,请上传现场照片后提交。"))
                return redirect(report)
        else:
            status = 400
    else:
        form = ReportForm(initial={"details": entry.course, "reported_to": "管理处经理"})
        status = 200
    return render(request, "duty/report_form.html", {"entry": entry, "form": form}, status=status)


def _report(request, pk, action="duty.view"):
    return get_object_or_404(
        SpecialIncidentReport.objects.restrict(request.user, action).select_related(
            "property",
            "entry",
            "entry__recorded_by",
            "entry__unit",
            "entry__location",
            "created_by",
            "acknowledged_by",
        ),
        pk=pk,
    )


def _report_context(request, report, **extra):
    prop_id = report.property_id
    ctx = {
        "report": report,
        "photos": list(attachments_for(report)),
        "history": history_for(report),
        "can_edit": report.status == ReportStatus.DRAFT and can(request.user, "duty.write", prop_id),
        "can_ack": report.status == ReportStatus.SUBMITTED
        and can(request.user, "duty.report.acknowledge", prop_id),
        "photo_form": PhotoForm(),
        "ack_form": AcknowledgeForm(),
        "edit_form": ReportForm(
            initial={k: getattr(report, k) for k in ("title", "details", "losses", "reported_to")}
        ),
    }
    ctx.update(extra)
    return ctx


@needs("duty.view")
def report_detail(request, pk):
    report = _report(request, pk)
    return render(request, "duty/report.html", _report_context(request, report))


@needs("duty.view")
def report_print(request, pk):
    report = _report(request, pk)
    return render(request, "duty/report_print.html", _report_context(request, report))


def _report_action(request, pk, action, perform, ok_message):
    report = _report(request, pk, action)
    try:
        perform(report)
    except DomainError as exc:
        return render(
            request,
            "duty/report.html",
            _report_context(request, report, error=exc.message),
            status=exc.status_code,
        )
    messages.success(request, ok_message)
    return redirect(report)


@needs("duty.write")
@require_POST
def report_edit(request, pk):
    form = ReportForm(request.POST)
    if not form.is_valid():
        report = _report(request, pk, "duty.write")
        return render(
            request, "duty/report.html", _report_context(request, report, edit_form=form), status=400
        )
    return _report_action(
        request,
        pk,
        "duty.write",
        lambda r: services.special_report_update(actor=request.user, report=r, **form.cleaned_data),
        _("报告已修改。"),
    )


@needs("duty.write")
@require_POST
def report_photo(request, pk):
    upload = request.FILES.get("photo")
    if upload is None:
        report = _report(request, pk, "duty.write")
        return render(
            request,
            "duty/report.html",
            _report_context(request, report, error="请选择照片文件。(Choose a photo.)"),
            status=400,
        )
    return _report_action(
        request,
        pk,
        "duty.write",
        lambda r: services.special_report_add_photo(actor=request.user, report=r, upload=upload),
        _("照片已上传。"),
    )


@needs("duty.write")
@require_POST
def report_submit(request, pk):
    return _report_action(
        request,
        pk,
        "duty.write",
        lambda r: services.special_report_submit(actor=request.user, report=r),
        _("报告已提交。"),
    )


@needs("duty.view")
@require_POST
def report_acknowledge(request, pk):
    return _report_action(
        request,
        pk,
        "duty.view",
        lambda r: services.special_report_acknowledge(
            actor=request.user, report=r, comment=request.POST.get("comment", "")
        ),
        _("已阅示。"),
    )


# --- handover (交接班, R-DUTY-08..13) ---------------------------------------------------------------------


def _handover_list_context(request, prop, start_form=None):
    now = timezone.now()
    shift_date, shift, at = services.next_handover(prop, now)
    qs = selectors.handover_list(user=request.user, prop=prop).order_by("-shift_date", "-started_at", "-id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return {
        "prop": prop,
        "props": selectors.duty_properties(user=request.user, action="handover.do"),
        "open": selectors.open_handovers(user=request.user, prop=prop),
        "page_obj": page,
        "query_string": f"property={prop.pk}",
        "start_form": start_form
        or HandoverStartForm(candidates=selectors.handover_candidates(prop=prop, exclude=request.user)),
        "next_shift_date": shift_date,
        "next_shift": shift,
        "next_at": at,
        "arrive_at": at - services.HANDOVER_LEAD,
        "tidy_at": at - timedelta(minutes=15),
    }


@needs("handover.do")
def handover_list(request):
    prop = requested_property(request, "handover.do")
    return render(request, "duty/handovers.html", _handover_list_context(request, prop))


@needs("handover.do")
@require_POST
def handover_start(request):
    prop = requested_property(request, "handover.do")
    form = HandoverStartForm(
        request.POST, candidates=selectors.handover_candidates(prop=prop, exclude=request.user)
    )
    if form.is_valid():
        try:
            handover = services.handover_start(
                actor=request.user, prop=prop, incoming=form.cleaned_data["incoming"]
            )
        except DomainError as exc:
            form.add_error("incoming" if exc.field == "incoming" else None, str(exc.message))
            status = exc.status_code
        else:
            return redirect(handover)
    else:
        status = 400
    return render(
        request, "duty/handovers.html", _handover_list_context(request, prop, start_form=form), status=status
    )


def _handover(request, pk):
    return get_object_or_404(
        Handover.objects.restrict(request.user, "handover.do").select_related(
            "property", "outgoing", "incoming"
        ),
        pk=pk,
    )


def _handover_context(request, handover, **extra):
    items = list(handover.items.all())
    at = handover.shift_window()[1]
    me = request.user.pk
    ctx = {
        "handover": handover,
        "items": items,
        "open_important": [i for i in items if i.important and not i.done],
        "counts": selectors.handover_counts(handover=handover),
        "entries": selectors.shift_entries(user=request.user, handover=handover),
        "history": history_for(handover),
        "is_outgoing": me == handover.outgoing_id,
        "is_incoming": me == handover.incoming_id,
        "is_draft": handover.status == HandoverStatus.DRAFT,
        "is_handed_over": handover.status == HandoverStatus.HANDED_OVER,
        "handover_at": at,
        "arrive_at": at - services.HANDOVER_LEAD,
        "item_form": HandoverItemForm(),
        "hand_over_form": HandOverForm(),
        "reject_form": RejectForm(),
    }
    ctx["can_edit"] = ctx["is_draft"] and (ctx["is_outgoing"] or ctx["is_incoming"])
    ctx.update(extra)
    return ctx


@needs("handover.do")
def handover_detail(request, pk):
    handover = _handover(request, pk)
    return render(request, "duty/handover.html", _handover_context(request, handover))


def _handover_action(request, pk, perform, ok_message, form_name=None, form=None):
    handover = _handover(request, pk)
    try:
        perform(handover)
    except DomainError as exc:
        extra = {"error": exc.message}
        if form_name and form is not None:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            extra[form_name] = form
        return render(
            request,
            "duty/handover.html",
            _handover_context(request, handover, **extra),
            status=exc.status_code,
        )
    messages.success(request, ok_message)
    return redirect("duty:handover", handover.pk)


def _checks_from_post(post) -> list[dict]:
    rows = []
    for i in range(int(post.get("check_count") or 0)):
        item = post.get(f"check-{i}-item", "").strip()
        if not item:
            continue
        rows.append(
            {
                "item": item,
                "expected": post.get(f"check-{i}-expected", ""),
                "actual": post.get(f"check-{i}-actual", ""),
                "note": post.get(f"check-{i}-note", ""),
            }
        )
    new_item = post.get("new_item", "").strip()
    if new_item:
        rows.append({"item": new_item, "expected": post.get("new_expected") or 0, "actual": None, "note": ""})
    return rows


@needs("handover.do")
@require_POST
def handover_update(request, pk):
    checks = _checks_from_post(request.POST)
    return _handover_action(
        request,
        pk,
        lambda h: services.handover_update(
            actor=request.user,
            handover=h,
            checks=checks,
            anomalies=request.POST.get("anomalies", ""),
            anomaly_explanation=request.POST.get("anomaly_explanation", ""),
            follow_ups=request.POST.get("follow_ups", ""),
        ),
        _("交接内容已保存。"),
    )


@needs("handover.do")
@require_POST
def handover_item_add(request, pk):
    handover = _handover(request, pk)
    form = HandoverItemForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            services.handover_add_item(actor=request.user, handover=handover, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
            status = exc.status_code
        else:
            form = HandoverItemForm()
    else:
        status = 400
    ctx = _handover_context(request, handover, item_form=form)
    if is_htmx(request):
        return render(request, "duty/_partials/handover_items.html", ctx, status=status)
    if status == 200:
        return redirect("duty:handover", handover.pk)
    return render(request, "duty/handover.html", ctx, status=status)


@needs("handover.do")
@require_POST
def handover_item_toggle(request, pk):
    item = get_object_or_404(
        HandoverItem.objects.restrict(request.user, "handover.do").select_related("handover"), pk=pk
    )
    services.handover_item_set_done(actor=request.user, item=item, done=request.POST.get("done") == "1")
    handover = _handover(request, item.handover_id)
    if is_htmx(request):
        return render(request, "duty/_partials/handover_items.html", _handover_context(request, handover))
    return redirect("duty:handover", handover.pk)


@needs("handover.do")
@require_POST
def handover_hand_over(request, pk):
    form = HandOverForm(request.POST)
    form.is_valid()
    return _handover_action(
        request,
        pk,
        lambda h: services.handover_hand_over(
            actor=request.user, handover=h, unfinished_reason=form.cleaned_data.get("unfinished_reason", "")
        ),
        _("已交班,等待接班人确认。"),
        form_name="hand_over_form",
        form=form,
    )


@needs("handover.do")
@require_POST
def handover_confirm(request, pk):
    return _handover_action(
        request,
        pk,
        lambda h: services.handover_confirm(actor=request.user, handover=h),
        _("已确认接班,开始值班。"),
    )


@needs("handover.do")
@require_POST
def handover_reject(request, pk):
    form = RejectForm(request.POST)
    form.is_valid()
    return _handover_action(
        request,
        pk,
        lambda h: services.handover_reject(
            actor=request.user, handover=h, reason=request.POST.get("reason", "")
        ),
        _("已退回交班人。"),
        form_name="reject_form",
        form=form,
    )


# --- post attendance (岗位签到签退, R-DUTY-15/16) ----------------------------------------------------------


def _board_context(request, prop, sign_in_form=None, sign_out=None):
    """The board: posts with who is on them; the sign-in form and each person's sign-out form.
    `sign_out` = (shift pk, posted data, error message) redraws a refused sign-out open with its message."""
    board = selectors.post_board(user=request.user, prop=prop)
    can_attend = can(request.user, "post.attend", prop.pk)
    staff = selectors.attendance_staff(prop=prop) if can_attend else []
    on_post = {s.staff_id for row in board for s in row["shifts"]}
    if can_attend and sign_in_form is None:
        sign_in_form = PostSignInForm(prop=prop, staff=[u for u in staff if u.pk not in on_post])
    return {
        "prop": prop,
        "props": selectors.duty_properties(user=request.user, action="post.view"),
        "board": board,
        "alerts": [row["post"] for row in board if row["alert"]],
        "on_post_count": len(on_post),
        "can_attend": can_attend,
        "can_manage": can(request.user, "post.manage", prop.pk),
        "sign_in_form": sign_in_form,
        "approvers": selectors.leave_approvers(prop=prop) if can_attend else [],
        "reasons": LeaveReason.choices,
        "sign_out_pk": sign_out[0] if sign_out else None,
        "sign_out_data": sign_out[1] if sign_out else {},
        "sign_out_error": sign_out[2] if sign_out else "",
    }


def _board_answer(request, prop, ok_message, status=200, **ctx_kw):
    """htmx: the board fragment; a browser: back to the board (or the page again with the refusal)."""
    if status == 200 and not is_htmx(request):
        messages.success(request, ok_message)
        return redirect(_with_property(reverse("duty:posts"), prop))
    template = "duty/_partials/post_board.html" if is_htmx(request) else "duty/posts.html"
    ctx = _board_context(request, prop, **ctx_kw)
    if status == 200:
        ctx["ok_message"] = ok_message
    return render(request, template, ctx, status=status)


@needs("post.view")
def post_board(request):
    prop = requested_property(request, "post.view")
    template = "duty/_partials/post_board.html" if is_htmx(request) else "duty/posts.html"
    return render(request, template, _board_context(request, prop))


@needs("post.attend")
@require_POST
def post_sign_in(request):
    """R-DUTY-16: the front desk signs someone in on a post."""
    prop = requested_property(request, "post.attend")
    form = PostSignInForm(request.POST, prop=prop, staff=selectors.attendance_staff(prop=prop))
    if not form.is_valid():
        return _board_answer(request, prop, "", status=400, sign_in_form=form)
    d = form.cleaned_data
    try:
        shift = services.post_sign_in(actor=request.user, post=d["post"], staff=d["staff"], note=d["note"])
    except DomainError as exc:
        apply_domain_error(form, exc)
        return _board_answer(request, prop, "", status=exc.status_code, sign_in_form=form)
    return _board_answer(
        request, prop, _("%(who)s 已在 %(post)s 签到。") % {"who": shift.staff, "post": shift.post.name}
    )


@needs("post.attend")
@require_POST
def post_sign_out(request, pk):
    """R-DUTY-16 sign-out; R-DUTY-15 refusals (approval, relief) come back on the person's row."""
    shift = get_object_or_404(
        PostShift.objects.restrict(request.user, "post.attend").select_related("property", "post", "staff"),
        pk=pk,
    )
    prop = shift.property
    form = PostSignOutForm(request.POST, shift=shift, approvers=selectors.leave_approvers(prop=prop))
    if not form.is_valid():
        errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
        return _board_answer(request, prop, "", status=400, sign_out=(shift.pk, request.POST, errors))
    d = form.cleaned_data
    try:
        services.post_sign_out(
            actor=request.user,
            shift=shift,
            reason=d["reason"],
            approved_by=d["approved_by"],
            relieved_by=d["relieved_by"],
            note=d["note"],
        )
    except DomainError as exc:
        return _board_answer(
            request, prop, "", status=exc.status_code, sign_out=(shift.pk, request.POST, str(exc.message))
        )
    return _board_answer(
        request, prop, _("%(who)s 已从 %(post)s 签退。") % {"who": shift.staff, "post": shift.post.name}
    )


ATTENDANCE_COLUMNS = [
    pgettext_lazy("duty post", "岗位"),
    gettext_lazy("人员"),
    gettext_lazy("签到时间"),
    gettext_lazy("签到登记人"),
    gettext_lazy("签退时间"),
    gettext_lazy("签退登记人"),
    gettext_lazy("离岗原因"),
    gettext_lazy("批准人"),
    gettext_lazy("接替人"),
    gettext_lazy("备注"),
]


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


@needs("post.view")
def post_attendance(request):
    """The day's 《岗位签到表》 for the supervisor's review; ?export=xlsx for the Excel sheet."""
    prop = requested_property(request, "post.view")
    form = AttendanceFilterForm(request.GET or None, prop=prop)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    day = data.get("date") or timezone.localdate()
    rows = selectors.attendance_day(user=request.user, prop=prop, day=day, post=data.get("post"))
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"岗位签到表-{prop.code}-{day.isoformat()}.xlsx",
            [str(c) for c in ATTENDANCE_COLUMNS],
            (
                [
                    s.post.name,
                    str(s.staff),
                    _local(s.signed_in_at),
                    str(s.signed_in_by),
                    _local(s.signed_out_at),
                    str(s.signed_out_by or ""),
                    s.get_leave_reason_display(),
                    str(s.approved_by or ""),
                    str(s.relieved_by.staff) if s.relieved_by else "",
                    s.note,
                ]
                for s in rows
            ),
            sheet_title=_("岗位签到表"),
        )
    return render(
        request,
        "duty/post_attendance.html",
        {
            "prop": prop,
            "props": selectors.duty_properties(user=request.user, action="post.view"),
            "form": form,
            "day": day,
            "prev_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "rows": list(rows),
        },
        status=400 if form.errors else 200,
    )


@needs("post.manage")
def post_manage(request):
    """The 客服主管 sets up the posts: the list (active and not) and a form for a new one."""
    prop = requested_property(request, "post.manage")
    status = 200
    if request.method == "POST":
        form = PostForm(request.POST, prop=prop)
        if form.is_valid():
            try:
                post = services.post_create(
                    actor=request.user,
                    prop=prop,
                    **{k: form.cleaned_data[k] for k in ("name", "building", "department", "never_empty")},
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("岗位 %(name)s 已添加。") % {"name": post.name})
                return redirect(_with_property(reverse("duty:post_manage"), prop))
        else:
            status = 400
    else:
        form = PostForm(prop=prop)
    posts = (
        Post.objects.restrict(request.user, "post.manage")
        .filter(property=prop)
        .select_related("building", "department")
        .order_by("-active", "name", "pk")
    )
    return render(
        request,
        "duty/post_manage.html",
        {
            "prop": prop,
            "props": selectors.duty_properties(user=request.user, action="post.manage"),
            "posts": posts,
            "form": form,
        },
        status=status,
    )


@needs("post.manage")
def post_edit(request, pk):
    post = get_object_or_404(
        Post.objects.restrict(request.user, "post.manage").select_related("property"), pk=pk
    )
    status = 200
    if request.method == "POST":
        form = PostForm(request.POST, prop=post.property)
        if form.is_valid():
            try:
                services.post_update(actor=request.user, post=post, **form.cleaned_data)
            except DomainError as exc:
                apply_domain_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("岗位已修改。"))
                return redirect(_with_property(reverse("duty:post_manage"), post.property))
        else:
            status = 400
    else:
        form = PostForm(
            prop=post.property,
            initial={
                "name": post.name,
                "building": post.building_id,
                "department": post.department_id,
                "never_empty": post.never_empty,
                "active": post.active,
            },
        )
    return render(
        request,
        "duty/post_edit.html",
        {"post": post, "prop": post.property, "form": form, "history": history_for(post)},
        status=status,
    )
