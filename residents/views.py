"""Pages of the residents area. Every write calls a service; every queryset starts from restrict()."""

import base64
from io import BytesIO

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.exports import xlsx_response
from core.history import history_for
from core.models import Department, Property, Unit, User
from core.permissions import can
from core.views.generic import ObjectListView, ServiceFormView, hx_redirect

from . import selectors, services
from .archive import render_sections
from .choices import GrantPurpose, GrantStatus
from .filtersets import ResidentFilterSet
from .forms import (
    AccessRequestForm,
    ArchiveForm,
    AssignConfirmForm,
    ContactPersonForm,
    CorrespondenceForm,
    DecideForm,
    EmergencyContactForm,
    FirstContactForm,
    OccupancyEndForm,
    OccupancyStartForm,
    ResidentEditForm,
    ResidentForm,
    RosterUploadForm,
)
from .importer import template_bytes
from .models import (
    ArchiveAccessGrant,
    CustomerAssignment,
    CustomerNeed,
    EmergencyContact,
    Occupancy,
    Resident,
)


def _need(user, action, prop_id=None):
    if not can(user, action, prop_id):
        raise PermissionDenied


def _props(user, action):
    return list(Property.objects.restrict(user, action).order_by("id"))


# --- list, search -----------------------------------------------------------------------------------


class ResidentListView(ObjectListView):
    model = Resident
    action = "resident.view"
    filterset_class = ResidentFilterSet
    export_action = "resident.export"
    export_filename = "住户档案.xlsx"
    template_name = "residents/resident_list.html"
    partial_template_name = "residents/_partials/resident_table.html"
    paginate_by = 50
    # R-ARCH-06: the export carries masked phone and ID numbers, like the page.
    columns = [
        (gettext_lazy("姓名/公司名称"), "name"),
        (gettext_lazy("类别"), "get_kind_display"),
        (gettext_lazy("房间"), "current_units_label"),
        (gettext_lazy("手机"), "masked_phone"),
        (gettext_lazy("证件号码"), "masked_id_number"),
        (gettext_lazy("重点客户"), "key_customer_label"),
    ]

    def get_queryset(self):
        exporting = self.request.GET.get("export") == "xlsx"
        qs = selectors.resident_list(
            user=self.request.user, action="resident.export" if exporting else "resident.view"
        )
        if "archived" not in self.request.GET:
            qs = qs.filter(archived_at__isnull=True)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_edit"] = can(self.request.user, "resident.edit")
        ctx["can_import"] = can(self.request.user, "resident.import")
        return ctx


@login_required
def search(request):
    _need(request.user, "resident.view")
    q = request.GET.get("q", "").strip()
    results = selectors.resident_search(user=request.user, q=q, limit=20) if q else []
    ctx = {"q": q, "results": results}
    if request.headers.get("HX-Request"):
        return render(request, "residents/_partials/search_results.html", ctx)
    return render(request, "residents/search.html", ctx)


# --- the archive page ------------------------------------------------------------------------------


@login_required
def resident_detail(request, pk):
    _need(request.user, "resident.view")
    resident = selectors.resident_for_page(user=request.user, pk=pk)
    user, prop_id = request.user, resident.property_id
    ctx = {
        "resident": resident,
        "can_archive": can(user, "archive.view", prop_id),
        "can_edit": can(user, "resident.edit", prop_id) and not resident.archived_at,
        "can_correspond": can(user, "correspondence.edit", prop_id) and not resident.archived_at,
        "can_request": can(user, "archive.request", prop_id),
        "history": history_for(resident),
        "tab": request.GET.get("tab", "archive"),
        "current": list(
            resident.occupancies.filter(end__isnull=True).select_related("unit").order_by("unit__label")
        ),
    }
    # R-CUST-06: a need or piece of information from contact with the 业户, passed to a department.
    ctx["can_need"] = can(user, "assignment.hold", prop_id) and not resident.archived_at
    if ctx["can_need"]:
        ctx["departments"] = list(Department.objects.filter(property_id=prop_id).order_by("id"))
    if ctx["can_archive"]:
        ctx["sections"] = render_sections(resident, user)
        ctx["emergency"] = list(
            EmergencyContact.objects.filter(resident=resident, active=True).order_by("id")
        )
        now = timezone.now()
        ctx["my_grants"] = list(
            ArchiveAccessGrant.objects.filter(resident=resident, requested_by=user)
            .filter(status__in=[GrantStatus.PENDING, GrantStatus.APPROVED])
            .order_by("-created_at")[:10]
        )
        ctx["live_read"] = any(
            g.status == GrantStatus.APPROVED
            and g.expires_at
            and g.expires_at > now
            and g.purpose == GrantPurpose.READ
            for g in ctx["my_grants"]
        )
        ctx["live_export"] = any(
            g.status == GrantStatus.APPROVED
            and g.expires_at
            and g.expires_at > now
            and g.purpose == GrantPurpose.EXPORT
            for g in ctx["my_grants"]
        )
        ctx["assignment"] = (
            CustomerAssignment.objects.filter(resident=resident, ended_at__isnull=True)
            .select_related("administrator")
            .first()
        )
    return render(request, "residents/resident_detail.html", ctx)


@login_required
@require_POST
def archive_full(request, pk):
    """R-ARCH-05: the unmasked archive, behind a live approved grant; the read is logged."""
    resident = selectors.resident_for_page(user=request.user, pk=pk, action="archive.view")
    data = services.archive_read_full(actor=request.user, resident=resident, purpose=GrantPurpose.READ)
    return render(request, "residents/archive_full.html", {"resident": resident, "data": data})


@login_required
@require_POST
def archive_export(request, pk):
    """Export/print of an archive in full: the same kind of grant, purpose export (R-ARCH-04/05)."""
    resident = selectors.resident_for_page(user=request.user, pk=pk, action="archive.view")
    data = services.archive_read_full(actor=request.user, resident=resident, purpose=GrantPurpose.EXPORT)
    rows = [
        ["姓名/公司名称", data["name"]],
        ["手机", data["phone"]],
        ["其他电话", data["phone2"]],
        ["证件号码", data["id_number"]],
        ["邮箱", data["email"]],
        ["重点客户", "是" if data["is_key_customer"] else "否"],
        ["备注", data["notes"]],
    ]
    for o in data["occupancies"]:
        rows.append(["入住", f"{o['unit']} {o['role']} {o['start']}—{o['end'] or '至今'}"])
    for e in data["emergency_contacts"]:
        rows.append(["紧急联络人", f"{e['name']}({e['relation']}) {e['phone']}"])
    for c in data["contact_persons"]:
        rows.append(
            ["日常联系人", f"{c['name']} {c['title']} {c['phone']} {c['start']}—{c['end'] or '现任'}"]
        )
    for c in data["correspondence"]:
        rows.append(["往来文件", f"{c['date']} {c['direction']} {c['subject']}"])
    return xlsx_response(f"业主档案-{resident.name}.xlsx", ["项目", "内容"], rows, sheet_title="业主档案")


# --- forms on a resident ---------------------------------------------------------------------------


class ResidentFormView(ServiceFormView):
    """A service form about one resident (404 outside the user's properties)."""

    model = Resident
    action = "resident.edit"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and "pk" in kwargs:
            _need(request.user, self.action)
            self.resident = get_object_or_404(
                Resident.objects.restrict(request.user, self.action), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if hasattr(self, "resident"):
            ctx["title"] = f"{self.title} · {self.resident.name}"
        return ctx


class ResidentCreateView(ServiceFormView):
    model = Resident
    action = "resident.edit"
    title = gettext_lazy("新建住户")

    def get_form(self, form_class=None):
        form = ResidentForm(**self.get_form_kwargs())
        props = _props(self.request.user, "resident.edit")
        if len(props) > 1:
            form.fields["prop"] = forms.ModelChoiceField(
                label="项目", queryset=Property.objects.filter(pk__in=[p.pk for p in props])
            )
        self.props = props
        return form

    def perform(self, form):
        d = dict(form.cleaned_data)
        prop = d.pop("prop", None) or self.props[0]
        return services.resident_create(actor=self.request.user, prop=prop, **d)


class ResidentEditView(ResidentFormView):
    title = gettext_lazy("修改住户资料")
    form_class = ResidentEditForm

    def get_initial(self):
        r = self.resident
        return {
            "kind": r.kind,
            "name": r.name,
            "gender": r.gender,
            "email": r.email,
            "is_key_customer": r.is_key_customer,
            "notes": r.notes,
        }

    def perform(self, form):
        d = dict(form.cleaned_data)
        reason = d.pop("reason", "")
        for f in ("phone", "phone2", "id_number"):
            if not d.get(f):
                d.pop(f, None)
        return services.resident_update(actor=self.request.user, resident=self.resident, reason=reason, **d)


class OccupancyStartView(ResidentFormView):
    title = gettext_lazy("迁入 / 家庭成员变动登记")
    form_class = OccupancyStartForm

    def perform(self, form):
        d = form.cleaned_data
        label = d["unit"].strip().upper().replace("栋", "-").replace("#", "-")
        unit = (
            Unit.objects.restrict(self.request.user, "resident.edit")
            .filter(property_id=self.resident.property_id)
            .filter(label__in=selectors.parse_room(label) or [label])
            .first()
        )
        if unit is None:
            raise DomainError(f"本项目没有房间 {d['unit']}。(No such unit in this property.)", field="unit")
        services.occupancy_start(
            actor=self.request.user,
            resident=self.resident,
            unit=unit,
            role=d["role"],
            start=d["start"],
            relation=d["relation"],
        )
        return self.resident


class OccupancyEndView(ServiceFormView):
    model = Occupancy
    action = "resident.edit"
    title = gettext_lazy("迁出 / 结束入住关系")
    form_class = OccupancyEndForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _need(request.user, self.action)
            self.occupancy = get_object_or_404(
                Occupancy.objects.restrict(request.user, self.action).select_related("unit", "resident"),
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = f"{self.title} · {self.occupancy.resident.name} · {self.occupancy.unit.label}"
        return ctx

    def perform(self, form):
        occ = services.occupancy_end(actor=self.request.user, occupancy=self.occupancy, **form.cleaned_data)
        return occ.resident


class ContactPersonChangeView(ResidentFormView):
    title = gettext_lazy("日常联系人变更")
    form_class = ContactPersonForm

    def perform(self, form):
        services.contact_person_change(actor=self.request.user, company=self.resident, **form.cleaned_data)
        return self.resident


class EmergencyContactAddView(ResidentFormView):
    title = gettext_lazy("新增紧急事故联络人")
    form_class = EmergencyContactForm

    def perform(self, form):
        services.emergency_contact_add(actor=self.request.user, resident=self.resident, **form.cleaned_data)
        return self.resident


@login_required
@require_POST
def emergency_contact_remove(request, pk):
    contact = get_object_or_404(
        EmergencyContact.objects.restrict(request.user, "resident.edit").select_related("resident"), pk=pk
    )
    services.emergency_contact_remove(
        actor=request.user, contact=contact, reason=request.POST.get("reason", "")
    )
    messages.success(request, _("已移除紧急联络人 %(name)s。") % {"name": contact.name})
    return redirect(contact.resident)


class CorrespondenceAddView(ResidentFormView):
    action = "correspondence.edit"
    title = gettext_lazy("登记往来文件")
    form_class = CorrespondenceForm

    def perform(self, form):
        d = dict(form.cleaned_data)
        f = d.pop("file", None)
        services.correspondence_add(
            actor=self.request.user, resident=self.resident, files=[f] if f else [], **d
        )
        return self.resident


class ArchiveView(ResidentFormView):
    title = gettext_lazy("归档住户档案")
    form_class = ArchiveForm

    def perform(self, form):
        return services.resident_archive(actor=self.request.user, resident=self.resident, **form.cleaned_data)


@login_required
@require_POST
def key_customer_toggle(request, pk):
    resident = get_object_or_404(Resident.objects.restrict(request.user, "resident.edit"), pk=pk)
    services.resident_set_key_customer(
        actor=request.user, resident=resident, value=request.POST.get("value") == "1"
    )
    return redirect(resident)


# --- confidentiality --------------------------------------------------------------------------------


class AccessRequestView(ResidentFormView):
    action = "archive.request"
    title = gettext_lazy("申请查阅完整档案")
    form_class = AccessRequestForm

    def get_initial(self):
        return {"purpose": self.request.GET.get("purpose", GrantPurpose.READ)}

    def perform(self, form):
        services.archive_access_request(actor=self.request.user, resident=self.resident, **form.cleaned_data)
        messages.success(self.request, _("申请已提交,等待客服主管审批。"))
        return self.resident


@login_required
def access_queue(request):
    _need(request.user, "archive.approve")
    pending = list(selectors.pending_grants(user=request.user)[:200])
    recent = list(
        ArchiveAccessGrant.objects.restrict(request.user, "archive.approve")
        .exclude(status=GrantStatus.PENDING)
        .select_related("resident", "requested_by", "decided_by")
        .order_by("-decided_at")[:30]
    )
    return render(
        request, "residents/access_queue.html", {"pending": pending, "recent": recent, "form": DecideForm()}
    )


@login_required
@require_POST
def access_decide(request, pk):
    grant = get_object_or_404(ArchiveAccessGrant.objects.restrict(request.user, "archive.approve"), pk=pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        raise DomainError("请选择批准或驳回。(Choose approve or reject.)")
    g = services.archive_access_decide(actor=request.user, grant=grant, **form.cleaned_data)
    messages.success(
        request, _("%(status)s:%(name)s") % {"status": g.get_status_display(), "name": g.resident.name}
    )
    return redirect("residents:access_queue")


@login_required
def access_log(request):
    _need(request.user, "archive.audit")
    page = Paginator(selectors.access_log(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "residents/access_log.html", {"page_obj": page})


# --- unit page --------------------------------------------------------------------------------------


@login_required
def unit_detail(request, pk):
    _need(request.user, "resident.view")
    unit = selectors.unit_for_page(user=request.user, pk=pk)
    current, past = selectors.unit_occupancies(unit=unit)
    primary = selectors.primary_occupant(current)
    ctx = {"unit": unit, "current": current, "past": past, "primary": primary, "history": history_for(unit)}
    if primary and can(request.user, "archive.view", unit.property_id):
        ctx["sections"] = render_sections(primary, request.user)
    return render(request, "residents/unit_detail.html", ctx)


# --- customer assignment (R-CUST-03/04) ------------------------------------------------------------


@login_required
def assign(request):
    _need(request.user, "assignment.manage")
    props = _props(request.user, "assignment.manage")
    prop = next(
        (p for p in props if str(p.pk) == request.GET.get("property", "")), props[0] if props else None
    )
    if prop is None:
        raise PermissionDenied
    if request.method == "POST":
        prop = get_object_or_404(
            Property.objects.restrict(request.user, "assignment.manage"), pk=request.POST.get("property")
        )
        form = AssignConfirmForm(request.POST)
        if form.is_valid():
            pairs = form.parsed()
            res = {
                r.pk: r
                for r in Resident.objects.restrict(request.user, "assignment.manage").filter(
                    property=prop, pk__in=[r for r, _ in pairs]
                )
            }
            users = {u.pk: u for u in User.objects.filter(pk__in=[u for _, u in pairs])}
            try:
                made = services.customers_assign(
                    actor=request.user,
                    prop=prop,
                    assignments=[(res[r], users[u]) for r, u in pairs if r in res and u in users],
                )
            except DomainError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("已分配 %(n)s 位客户。") % {"n": len(made)})
            return redirect(f"{reverse('residents:assign')}?property={prop.pk}")
    residents = selectors.unassigned_residents(user=request.user, prop=prop, limit=200)
    proposal = selectors.propose_assignment(prop, residents)
    pairs = ",".join(f"{r.pk}:{u.pk}" for r, u in proposal.pairs)
    overdue = list(selectors.overdue_first_contacts(user=request.user).filter(resident__property=prop)[:50])
    return render(
        request,
        "residents/assign.html",
        {"props": props, "prop": prop, "proposal": proposal, "pairs": pairs, "overdue": overdue},
    )


@login_required
def my_customers(request):
    _need(request.user, "assignment.hold")
    qs = selectors.my_customers(user=request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "residents/my_customers.html",
        {"page_obj": page, "now": timezone.now(), "form": FirstContactForm()},
    )


@login_required
@require_POST
def first_contact(request, pk):
    a = get_object_or_404(CustomerAssignment.objects.restrict(request.user, "assignment.hold"), pk=pk)
    form = FirstContactForm(request.POST)
    note = form.data.get("note", "")
    services.customer_first_contact_record(actor=request.user, assignment=a, note=note)
    messages.success(request, _("已记录首次联系。"))
    return redirect("residents:my_customers")


# --- roster import ----------------------------------------------------------------------------------

SESSION_KEY = "residents_roster_import"
MAX_IMPORT_BYTES = 5 * 1024 * 1024


@login_required
def roster_import(request):
    _need(request.user, "resident.import")
    props = _props(request.user, "resident.import")
    ctx = {"props": props, "form": RosterUploadForm()}
    if request.method == "POST":
        prop = get_object_or_404(
            Property.objects.restrict(request.user, "resident.import"),
            pk=request.POST.get("property") or props[0].pk,
        )
        ctx["prop"] = prop
        if request.POST.get("confirm"):
            stored = request.session.get(SESSION_KEY)
            if not stored or stored.get("property") != prop.pk:
                messages.error(request, _("请重新上传文件。(Upload the file again.)"))
                return redirect("residents:import")
            data = BytesIO(base64.b64decode(stored["data"]))
            report = services.roster_import(actor=request.user, prop=prop, file=data, dry_run=False)
            if report.written:
                request.session.pop(SESSION_KEY, None)
                messages.success(request, _("已导入 %(n)s 行。") % {"n": len(report.rows)})
                return redirect("residents:list")
            ctx["report"] = report
            return render(request, "residents/import.html", ctx, status=400)
        form = RosterUploadForm(request.POST, request.FILES)
        ctx["form"] = form
        if not form.is_valid():
            return render(request, "residents/import.html", ctx, status=400)
        f = form.cleaned_data["file"]
        if f.size > MAX_IMPORT_BYTES:
            form.add_error("file", "文件过大(最大 5 MB)。(File too large.)")
            return render(request, "residents/import.html", ctx, status=400)
        raw = f.read()
        report = services.roster_import(actor=request.user, prop=prop, file=BytesIO(raw), dry_run=True)
        ctx["report"] = report
        if report.ok:
            request.session[SESSION_KEY] = {"property": prop.pk, "data": base64.b64encode(raw).decode()}
        return render(request, "residents/import.html", ctx, status=200 if report.ok else 400)
    return render(request, "residents/import.html", ctx)


@login_required
def roster_template(request):
    _need(request.user, "resident.import")
    resp = HttpResponse(
        template_bytes(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    resp["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E4%B8%9A%E4%B8%BB%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return resp


# --- 客户动态 (R-CUST-01/02) and needs passed on (R-CUST-06) ---------------------------------------------


@login_required
def developments(request):
    """客户动态: the administrator's customers' developments since their last review, classified by area,
    key customers first (R-CUST-01/02); the supervisor picks any administrator and sees who has not reviewed
    today. Each row records a need passed to a department (R-CUST-06)."""
    user = request.user
    prop, admin, supervising, holders, props = selectors.developments_scope(user=user, params=request.GET)
    days = selectors.development_days(request.GET)
    page = None
    if admin is not None:
        since, until, last = selectors.development_window(administrator=admin, prop=prop, days=days)
        page = selectors.customer_developments(
            administrator=admin,
            prop=prop,
            since=since,
            until=until,
            last_review=last,
            include_quiet=request.GET.get("all") == "1",
        )
    today = timezone.localdate()
    ctx = {
        "props": props,
        "prop": prop,
        "admin": admin,
        "page": page,
        "days": days,
        "supervising": supervising,
        "holders": holders,
        "not_reviewed": selectors.not_reviewed_today(prop=prop, day=today) if supervising else [],
        "reviewed_today": bool(page and page.last_review and page.last_review.date == today),
        "own": admin is not None and admin.pk == user.pk,
        "departments": list(Department.objects.filter(property=prop).order_by("id")),
        "today": today,
    }
    return render(request, "residents/developments.html", ctx)


def _back(prop, admin=None):
    """The 客户动态 page the form was posted from (the supervisor's chosen administrator kept)."""
    url = f"{reverse('residents:developments')}?property={prop.pk}"
    return url + (f"&administrator={int(admin)}" if str(admin or "").isdigit() else "")


@login_required
@require_POST
def developments_review(request):
    """已查阅 (R-CUST-02): one record per administrator, property and day; a second click updates it."""
    _need(request.user, "assignment.hold")
    prop = get_object_or_404(
        Property.objects.restrict(request.user, "assignment.hold"), pk=request.POST.get("property") or 0
    )
    review = services.customer_developments_review(
        actor=request.user, prop=prop, note=request.POST.get("note", "")
    )
    messages.success(request, _("已查阅,今日共 %(n)s 条动态。") % {"n": review.seen})
    return hx_redirect(request, _back(prop))


def _department(prop_id, value):
    if not value:
        return None
    try:
        return Department.objects.filter(property_id=prop_id, pk=int(value)).first() or _no_department()
    except ValueError:
        return _no_department()


def _no_department():
    raise DomainError("该部门不属于本项目。(The department is not in this property.)", field="department")


@login_required
@require_POST
def need_record(request, pk):
    """R-CUST-06: from a customer's row — the need or information, passed to a department (or 待转交)."""
    _need(request.user, "assignment.hold")
    resident = get_object_or_404(Resident.objects.restrict(request.user, "assignment.hold"), pk=pk)
    department = _department(resident.property_id, request.POST.get("department"))
    need = services.customer_need_record(
        actor=request.user, resident=resident, text=request.POST.get("text", ""), department=department
    )
    if need.department_id:
        messages.success(request, _("已转交%(d)s。") % {"d": need.department.name})
    else:
        messages.success(request, _("已记录,待转交。"))
    if request.POST.get("back") == "archive":
        return hx_redirect(request, resident.get_absolute_url())
    return hx_redirect(request, _back(resident.property, request.POST.get("administrator")))


@login_required
@require_POST
def need_pass(request, pk):
    need = get_object_or_404(CustomerNeed.objects.restrict(request.user, "assignment.hold"), pk=pk)
    department = _department(need.property_id, request.POST.get("department"))
    need = services.customer_need_pass(actor=request.user, need=need, department=department)
    messages.success(request, _("已转交%(d)s。") % {"d": need.department.name})
    return hx_redirect(request, _back(need.property, request.POST.get("administrator")))


@login_required
@require_POST
def need_answer(request, pk):
    need = get_object_or_404(CustomerNeed.objects.restrict(request.user, "assignment.hold"), pk=pk)
    need = services.customer_need_answer(actor=request.user, need=need, answer=request.POST.get("answer", ""))
    messages.success(request, _("已记录部门反馈。"))
    return hx_redirect(request, _back(need.property, request.POST.get("administrator")))
