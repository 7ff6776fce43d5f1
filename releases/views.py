"""Pages of the goods-release area. Every write calls a service; every queryset starts from restrict()."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.attachments import attachments_for
from core.errors import DomainError
from core.exports import xlsx_response
from core.history import history_for
from core.permissions import can
from core.views.decorators import needs
from core.views.generic import ServiceStepView, paginate, requested_property

from . import rules, selectors, services
from .choices import ReleaseKind, ReleaseStatus
from .forms import ConfirmPhoneForm, ExitForm, FeesForm, IdCopyForm, IssueForm, ReleaseForm

EXPORT_COLUMNS = [
    (gettext_lazy("编号"), lambda r: r.number),
    (gettext_lazy("类别"), lambda r: r.get_kind_display()),
    (gettext_lazy("房间"), lambda r: r.unit.label),
    (gettext_lazy("申请业户"), lambda r: r.resident.name),
    (gettext_lazy("经办人"), lambda r: r.carrier_name),
    (gettext_lazy("经办人证件"), lambda r: r.masked_carrier_id()),
    (gettext_lazy("预计出门"), lambda r: r.planned_at.strftime("%Y-%m-%d %H:%M")),
    (gettext_lazy("物品件数"), lambda r: r.item_count),
    (gettext_lazy("状态"), lambda r: r.get_status_display()),
]


@needs("releases.view")
def release_list(request):
    qs = selectors.release_list(
        user=request.user, status=request.GET.get("status", ""), q=request.GET.get("q", "")
    )
    if request.GET.get("export") == "xlsx":
        rows = ([f(r) for _, f in EXPORT_COLUMNS] for r in qs)
        return xlsx_response("物品放行条.xlsx", [c for c, _ in EXPORT_COLUMNS], rows)
    page, query_string = paginate(request, qs)
    return render(
        request,
        "releases/list.html",
        {
            "page_obj": page,
            "object_list": page.object_list,
            "statuses": ReleaseStatus.choices,
            "status": request.GET.get("status", ""),
            "q": request.GET.get("q", ""),
            "query_string": query_string,
            "can_apply": can(request.user, "releases.apply"),
            "can_exit": can(request.user, "releases.exit"),
        },
    )


@needs("releases.apply")
def release_create(request):
    prop = requested_property(request, "releases.apply")
    status = 200
    if request.method == "POST":
        form = ReleaseForm(request.POST, prop=prop)
        if form.is_valid():
            try:
                rel = services.release_apply(actor=request.user, prop=prop, **form.service_kwargs())
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
                status = exc.status_code
            else:
                messages.success(
                    request, _("已登记放行申请 %(number)s,请电话联系业户确认。") % {"number": rel.number}
                )
                return redirect(rel)
        else:
            status = 400
    else:
        form = ReleaseForm(prop=prop, initial={"kind": ReleaseKind.ORDINARY})
    ctx = {
        "form": form,
        "prop": prop,
        "large_items": rules.LARGE_ITEMS,
        "office_hours": rules.office_hours_text(prop),
        "notice_days": rules.MOVE_OUT_NOTICE_WORKING_DAYS,
    }
    return render(request, "releases/form.html", ctx, status=status)


def _detail_context(request, rel, **forms):
    user = request.user
    pid = rel.property_id
    ctx = {
        "rel": rel,
        "items": list(rel.items.all()),
        "attachments": list(attachments_for(rel)),
        "history": history_for(rel),
        "can_apply": can(user, "releases.apply", pid),
        "can_issue": can(user, "releases.issue", pid),
        "can_fees": can(user, "releases.fees", pid),
        "can_exit": can(user, "releases.exit", pid),
        "confirm_form": forms.get("confirm_form")
        or ConfirmPhoneForm(initial={"confirmed_with": rel.resident.name}),
        "fees_form": forms.get("fees_form") or FeesForm(),
        "issue_form": forms.get("issue_form") or IssueForm(),
        "id_form": forms.get("id_form") or IdCopyForm(),
        "error": forms.get("error"),
    }
    return ctx


@needs("releases.view")
def release_detail(request, pk):
    rel = selectors.release_detail(user=request.user, pk=pk)
    return render(request, "releases/detail.html", _detail_context(request, rel))


@needs("releases.view")
def release_print(request, pk):
    """R-REL-02: two copies on one A4 — 存档联 (archived) and 业主联 (for the owner)."""
    rel = selectors.release_detail(user=request.user, pk=pk)
    return render(
        request,
        "releases/print.html",
        {"rel": rel, "items": list(rel.items.all()), "copies": ["第一联 存档联", "第二联 业主联"]},
    )


class ReleaseStep(ServiceStepView):
    """A step on the slip's page. A refusal naming a field of the form shows on it; any other refusal, and
    an invalid form's page, show the slip again."""

    record_kwarg = "release"
    page_refusals = True

    def get_object(self):
        return selectors.release_detail(user=self.request.user, pk=self.kwargs["pk"], action=self.action)

    def render_form(self, form, status, error=None):
        forms = {"error": error} if error is not None else {self.form_key: form}
        ctx = _detail_context(self.request, self.object, **forms)
        return render(self.request, "releases/detail.html", ctx, status=status)


release_confirm = ReleaseStep.as_view(
    action="releases.apply",
    form_class=ConfirmPhoneForm,
    form_key="confirm_form",
    service=services.release_confirm_phone,
    success_message=gettext_lazy("已记录业户电话确认。"),
)
release_id_copy = ReleaseStep.as_view(
    action="releases.apply",
    form_class=IdCopyForm,
    form_key="id_form",
    call=lambda u, rel, d: services.release_attach_id_copy(actor=u, release=rel, upload=d["file"]),
    success_message=gettext_lazy("已上传经办人证件复印件。"),
)
release_fees = ReleaseStep.as_view(
    action="releases.fees",
    form_class=FeesForm,
    form_key="fees_form",
    service=services.release_confirm_fees,
    success_message=gettext_lazy("已确认费用结清。"),
)
release_issue = ReleaseStep.as_view(
    action="releases.issue",
    form_class=IssueForm,
    form_key="issue_form",
    service=services.release_issue,
    success_message=gettext_lazy("放行条已开具,请打印一式两份。"),
)
release_file = ReleaseStep.as_view(
    action="releases.apply", service=services.release_file, success_message=gettext_lazy("放行条已归档。")
)


class ReleaseReapply(ReleaseStep):
    """A slip turned back at the exit is applied for again: the new slip's page."""

    action = "releases.apply"
    service = staticmethod(services.release_reapply)

    def success_message(self, new):
        return _("已重新办理,新放行条 %(number)s。") % {"number": new.number}

    def get_success_url(self, result=None):
        return result.get_absolute_url()


release_reapply = ReleaseReapply.as_view()


# --- the exit post (a guard on a phone) -----------------------------------------------------------------


@needs("releases.exit")
def exit_list(request):
    q = (request.GET.get("q") or "").strip()
    rows = selectors.releases_to_check(user=request.user)
    if q:
        rows = rows.filter(number__icontains=q)
    rows = list(rows[:50])
    if q and len(rows) == 1:
        return redirect("releases:exit_check", pk=rows[0].pk)
    return render(request, "releases/exit_list.html", {"rows": rows, "q": q})


@needs("releases.exit")
def exit_check(request, pk):
    rel = selectors.release_detail(user=request.user, pk=pk, action="releases.exit")
    items = list(rel.items.all())
    status, error = 200, None
    form = ExitForm(items=items)
    if request.method == "POST":
        form = ExitForm(request.POST, items=items)
        if form.is_valid():
            try:
                services.release_exit_check(
                    actor=request.user,
                    release=rel,
                    match=form.cleaned_data["match"] == "1",
                    mismatched_item_ids=form.cleaned_data["mismatched"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                error, status = exc.message, exc.status_code
            else:
                rel.refresh_from_db()
                if rel.status == ReleaseStatus.PASSED:
                    messages.success(
                        request,
                        _("%(number)s 核对相符,已签字放行。请将放行条交回客服中心归档。")
                        % {"number": rel.number},
                    )
                else:
                    messages.warning(
                        request,
                        _("%(number)s 核对不符,已退回携物人,请其到客服中心重新办理。")
                        % {"number": rel.number},
                    )
                return redirect("releases:exit_list")
        else:
            error, status = "请选择核对结果。(Choose match or mismatch.)", 400
    return render(
        request,
        "releases/exit_check.html",
        {"rel": rel, "items": items, "form": form, "error": error},
        status=status,
    )
