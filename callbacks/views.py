"""Pages of the callbacks area. Every write calls a service; every read starts from a scoped queryset."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.exports import xlsx_response
from core.history import history_for
from core.masking import mask_phone
from core.permissions import can
from core.views.decorators import needs
from core.views.generic import ServiceStepView, apply_domain_error, paginate, requested_property

from . import forms as f
from . import selectors, services
from .choices import CallbackStatus, ReportStatus, Satisfaction, SurveyStatus, VisitStatus
from .models import Activity, OwnerVisit, SpecialServiceContract, Survey, VisitPlan, VisitPlanEntry


def _props(request, action):
    return selectors.analysis_properties(user=request.user, action=action)


def _apply(request, form, perform):
    """Valid form → service; a DomainError lands on the form. Returns (result, status)."""
    if not form.is_valid():
        return None, 400
    try:
        return perform(form.cleaned_data), 200
    except DomainError as exc:
        apply_domain_error(form, exc)
        return None, exc.status_code


# --- call list, callback list ---------------------------------------------------------------------------


@needs("callback.view")
def call_list(request):
    now = timezone.now()
    rows = selectors.call_list(user=request.user, now=now, mine=request.GET.get("mine") == "1")
    y, q = selectors.current_quarter()
    start, end = services.quarter_bounds(y, q)
    coverage = []
    for p in _props(request, "callback.view"):
        coverage.append(
            (
                p,
                selectors.key_customer_coverage(
                    prop=p, start=start.date(), end=(end - timedelta(days=1)).date()
                ),
            )
        )
    return render(
        request,
        "callbacks/call_list.html",
        {
            "rows": rows,
            "now": now,
            "mine": request.GET.get("mine") == "1",
            "coverage": coverage,
            "can_plan": can(request.user, "callback.plan"),
        },
    )


@needs("callback.view")
def callback_all(request):
    qs = selectors.callback_list(user=request.user).order_by("-due_at", "-id")
    status = request.GET.get("status") or ""
    if status in CallbackStatus.values:
        qs = qs.filter(status=status)
    sat = request.GET.get("satisfaction") or ""
    if sat in Satisfaction.values:
        qs = qs.filter(satisfaction=sat)
    if request.GET.get("export") == "xlsx":
        if not can(request.user, "callback.export"):
            raise PermissionDenied
        rows = (
            [
                c.pk,
                c.get_source_display(),
                c.subject,
                c.contact_name,
                mask_phone(c.contact_phone),
                c.unit.label if c.unit else "",
                c.get_status_display(),
                timezone.localtime(c.due_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(c.called_at).strftime("%Y-%m-%d %H:%M") if c.called_at else "",
                c.get_method_display(),
                c.get_satisfaction_display(),
                c.shortcomings,
                c.suggestions,
                "是" if c.unqualified else "",
                c.handling_opinion,
            ]
            for c in qs.iterator(chunk_size=2000)
        )
        head = [
            gettext_lazy("编号"),
            gettext_lazy("类别"),
            gettext_lazy("事项"),
            gettext_lazy("对象"),
            gettext_lazy("电话"),
            gettext_lazy("房间"),
            gettext_lazy("状态"),
            gettext_lazy("期限"),
            gettext_lazy("回访时间"),
            gettext_lazy("方式"),
            gettext_lazy("满意度"),
        ]
        head += [
            gettext_lazy("缺点与不足"),
            gettext_lazy("住户建议"),
            gettext_lazy("不合格"),
            gettext_lazy("处理意见"),
        ]
        return xlsx_response("回访记录.xlsx", head, rows)
    page, query_string = paginate(request, qs)
    return render(
        request,
        "callbacks/callback_all.html",
        {
            "page_obj": page,
            "query_string": query_string,
            "statuses": CallbackStatus.choices,
            "satisfactions": Satisfaction.choices,
            "status": status,
            "sat": sat,
            "can_export": can(request.user, "callback.export"),
            "now": timezone.now(),
        },
    )


@needs("callback.plan")
def callback_new(request):
    prop = requested_property(request, "callback.plan")
    form = f.CallbackCreateForm(request.POST or None, prop=prop)
    status = 200
    if request.method == "POST":
        cb, status = _apply(
            request,
            form,
            lambda d: services.callback_create(
                actor=request.user,
                prop=prop,
                subject=d["subject"],
                source=d["source"],
                resident=d["resident"],
                unit=d["unit"],
                contact_name=d["contact_name"],
                contact_phone=d["contact_phone"],
                method=d["method"],
                due_at=d["due_at"],
            ),
        )
        if cb:
            messages.success(request, _("回访已安排。"))
            return redirect(cb)
    return render(
        request,
        "callbacks/form_page.html",
        {"form": form, "title": _("安排回访"), "prop": prop, "props": _props(request, "callback.plan")},
        status=status,
    )


# --- one callback --------------------------------------------------------------------------------------


def _detail_ctx(request, cb, **forms):
    user = request.user
    pid = cb.property_id
    open_ = cb.status in (CallbackStatus.SCHEDULED, CallbackStatus.ISSUED)
    return {
        "cb": cb,
        "callers": list(cb.callers.all()),
        "masked_phone": mask_phone(cb.contact_phone),
        "call_at": selectors.suggested_call_time(cb) if open_ else None,
        "script": selectors.script_for(cb, user),
        "history": history_for(cb),
        "now": timezone.now(),
        "assign_form": forms.get("assign_form")
        or (
            f.AssignForm(
                prop=cb.property, initial={"callers": [u.pk for u in cb.callers.all()], "method": cb.method}
            )
            if open_ and can(user, "callback.plan", pid)
            else None
        ),
        "can_issue": cb.status == CallbackStatus.SCHEDULED and can(user, "callback.issue", pid),
        "agree_form": forms.get("agree_form")
        or (f.AgreeForm() if open_ and can(user, "callback.record", pid) else None),
        "record_form": forms.get("record_form")
        or (
            f.RecordForm(initial={"method": cb.method, "caller_signature": str(user)})
            if open_ and can(user, "callback.record", pid)
            else None
        ),
        "review_form": forms.get("review_form")
        or (
            f.ReviewForm() if cb.status == CallbackStatus.DONE and can(user, "callback.review", pid) else None
        ),
        "decide_form": forms.get("decide_form")
        or (
            f.DecideForm()
            if cb.status == CallbackStatus.ESCALATED and can(user, "callback.decide", pid)
            else None
        ),
    }


@needs("callback.view")
def callback_detail(request, pk):
    cb = selectors.callback_for_page(user=request.user, pk=pk)
    return render(request, "callbacks/detail.html", _detail_ctx(request, cb))


@needs("callback.view")
def callback_print(request, pk):
    cb = selectors.callback_for_page(user=request.user, pk=pk)
    return render(request, "callbacks/print.html", _detail_ctx(request, cb))


@needs("callback.view")
def callback_script(request, pk):
    """htmx: the next lines of the phone script (R-CB-08) for the branch the resident's answer chose."""
    cb = selectors.callback_for_page(user=request.user, pk=pk)
    branch = request.GET.get("branch")
    if branch not in ("satisfied", "unsatisfied"):
        raise Http404
    script = selectors.script_for(cb, request.user)
    return render(
        request,
        "callbacks/_partials/script_branch.html",
        {"lines": script[branch], "branch": branch, "cb": cb},
    )


class CallbackStep(ServiceStepView):
    """A form on the callback's page; a refusal draws the page again with the form in error."""

    action = "callback.view"
    record_kwarg = "callback"
    success_message = gettext_lazy("已保存。")

    def get_object(self):
        return selectors.callback_for_page(user=self.request.user, pk=self.kwargs["pk"])

    def render_form(self, form, status, error=None):
        ctx = _detail_ctx(self.request, self.object, **{self.form_key: form})
        return render(self.request, "callbacks/detail.html", ctx, status=status)


callback_assign = CallbackStep.as_view(
    form_class=f.AssignForm,
    form_key="assign_form",
    form_kwargs=lambda cb: {"prop": cb.property},
    call=lambda u, cb, d: services.callback_assign(
        actor=u, callback=cb, callers=list(d["callers"]), method=d["method"]
    ),
)


@needs("callback.view")
@require_POST
def callback_issue(request, pk):
    cb = selectors.callback_for_page(user=request.user, pk=pk)
    services.callback_issue(actor=request.user, callback=cb)
    messages.success(request, _("回访记录表已发出。"))
    return redirect(cb)


callback_agree = CallbackStep.as_view(
    form_class=f.AgreeForm, form_key="agree_form", service=services.callback_agree_time
)
callback_record = CallbackStep.as_view(
    form_class=f.RecordForm, form_key="record_form", service=services.callback_record
)
callback_review = CallbackStep.as_view(
    form_class=f.ReviewForm, form_key="review_form", service=services.callback_review
)
callback_decide = CallbackStep.as_view(
    form_class=f.DecideForm, form_key="decide_form", service=services.callback_decide
)


# --- special-service contracts, activities, key customers ---------------------------------------------


def _simple_list_page(request, *, model, form_cls, template, create, title, takes_prop=True):
    prop = requested_property(request, "callback.view")
    may_plan = can(request.user, "callback.plan", prop.pk)
    kw = {"prop": prop} if takes_prop else {}
    form = form_cls(request.POST or None, **kw) if may_plan else None
    status = 200
    if request.method == "POST":
        if not may_plan:
            raise PermissionDenied
        obj, status = _apply(request, form, lambda d: create(prop, d))
        if obj:
            messages.success(request, _("已登记,回访已安排。"))
            return redirect(f"{request.path}?property={prop.pk}")
    rows = (
        model.objects.restrict(request.user, "callback.view")
        .filter(property=prop)
        .prefetch_related("callbacks")
        .order_by("-start", "-id")[:200]
    )
    return render(
        request,
        template,
        {"rows": rows, "form": form, "prop": prop, "props": _props(request, "callback.view"), "title": title},
        status=status,
    )


@needs("callback.view")
def contracts(request):
    return _simple_list_page(
        request,
        model=SpecialServiceContract,
        form_cls=f.ContractForm,
        template="callbacks/contracts.html",
        title=_("特约服务"),
        create=lambda prop, d: services.contract_create(
            actor=request.user,
            prop=prop,
            title=d["title"],
            start=d["start"],
            end=d["end"],
            resident=d["resident"],
            unit=d["unit"],
        ),
    )


@needs("callback.view")
def activities(request):
    return _simple_list_page(
        request,
        model=Activity,
        form_cls=f.ActivityForm,
        template="callbacks/activities.html",
        title=_("文体活动"),
        takes_prop=False,
        create=lambda prop, d: services.activity_create(actor=request.user, prop=prop, **d),
    )


def _date_param(value, default):
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


@needs("callback.view")
def key_customers(request):
    """R-CB-04: key customers without a callback or visit in the period (default: this quarter)."""
    prop = requested_property(request, "callback.view")
    y, q = selectors.current_quarter()
    qs, qe = services.quarter_bounds(y, q)
    start = _date_param(request.GET.get("start"), qs.date())
    end = _date_param(request.GET.get("end"), (qe - timedelta(days=1)).date())
    rows = selectors.key_customers_uncovered(user=request.user, prop=prop, start=start, end=end)
    return render(
        request,
        "callbacks/key_customers.html",
        {
            "rows": rows,
            "prop": prop,
            "props": _props(request, "callback.view"),
            "start": start,
            "end": end,
            "coverage": selectors.key_customer_coverage(prop=prop, start=start, end=end),
            "can_plan": can(request.user, "callback.plan", prop.pk),
        },
    )


# --- owner visit plans and visits (R-CB-24..29) ----------------------------------------------------------


@needs("visit.view")
def plans(request):
    page = Paginator(selectors.plan_list(user=request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "callbacks/plans.html",
        {"page_obj": page, "can_plan": can(request.user, "visit.plan"), "query_string": ""},
    )


@needs("visit.plan")
def plan_new(request):
    prop = requested_property(request, "visit.plan")
    form = f.PlanForm(request.POST or None, prop=prop)
    status = 200
    if request.method == "POST":
        plan, status = _apply(
            request, form, lambda d: services.visit_plan_create(actor=request.user, prop=prop, **d)
        )
        if plan:
            messages.success(request, _("业主回访计划已制定。"))
            return redirect(plan)
    return render(
        request,
        "callbacks/form_page.html",
        {"form": form, "title": _("制定业主回访计划"), "prop": prop, "props": _props(request, "visit.plan")},
        status=status,
    )


@needs("visit.view")
def plan_detail(request, pk):
    plan = get_object_or_404(
        VisitPlan.objects.restrict(request.user, "visit.view").select_related(
            "property", "administrator", "building"
        ),
        pk=pk,
    )
    entries = VisitPlanEntry.objects.filter(plan=plan).select_related("resident", "unit").order_by("id")
    show = request.GET.get("show", "todo")
    if show == "todo":
        entries = entries.filter(visited_at__isnull=True)
    elif show == "key":
        entries = entries.filter(is_key_customer=True)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "callbacks/plan.html",
        {
            "plan": plan,
            "page_obj": page,
            "coverage": selectors.plan_coverage(plan),
            "show": show,
            "query_string": f"show={show}",
            "can_record": can(request.user, "visit.record", plan.property_id),
            "history": history_for(plan),
        },
    )


@needs("visit.view")
def visits(request):
    qs = selectors.visit_list(user=request.user).order_by("-visited_at", "-id")
    st = request.GET.get("status") or ""
    if st in VisitStatus.values:
        qs = qs.filter(status=st)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "callbacks/visits.html",
        {
            "page_obj": page,
            "statuses": VisitStatus.choices,
            "status": st,
            "query_string": f"status={st}",
            "can_record": can(request.user, "visit.record"),
        },
    )


@needs("visit.record")
def visit_new(request):
    entry = None
    if request.GET.get("entry"):
        entry = get_object_or_404(
            VisitPlanEntry.objects.select_related("plan", "resident", "unit").filter(
                plan__in=VisitPlan.objects.restrict(request.user, "visit.record")
            ),
            pk=request.GET["entry"],
        )
        prop = entry.plan.property
    else:
        prop = requested_property(request, "visit.record")
    initial = {"resident": entry.resident_id, "unit": entry.unit_id} if entry else {}
    form = f.VisitForm(request.POST or None, prop=prop, initial=initial)
    status = 200
    if request.method == "POST":
        visit, status = _apply(
            request,
            form,
            lambda d: services.visit_record(actor=request.user, prop=prop, plan_entry=entry, **d),
        )
        if visit:
            messages.success(request, _("《建议/意见登记表》已登记,已报客服主管和管理处经理。"))
            return redirect(visit)
    return render(
        request,
        "callbacks/form_page.html",
        {
            "form": form,
            "title": _("登记《建议/意见登记表》") + (f" · {entry.resident.name}" if entry else ""),
            "prop": prop,
            "props": [] if entry else _props(request, "visit.record"),
        },
        status=status,
    )


def _visit_ctx(request, v, **forms):
    user = request.user
    return {
        "v": v,
        "history": history_for(v),
        "feedback_form": forms.get("feedback_form")
        or (
            f.VisitFeedbackForm()
            if v.status == VisitStatus.RECORDED and can(user, "visit.record", v.property_id)
            else None
        ),
        "review_form": forms.get("review_form")
        or (
            f.VisitReviewForm(initial={"signature": str(user)})
            if v.status == VisitStatus.FED_BACK and can(user, "visit.review", v.property_id)
            else None
        ),
    }


def _visit(request, pk):
    return get_object_or_404(
        OwnerVisit.objects.restrict(request.user, "visit.view").select_related(
            "property", "resident", "unit", "visitor", "reviewed_by"
        ),
        pk=pk,
    )


@needs("visit.view")
def visit_detail(request, pk):
    v = _visit(request, pk)
    return render(request, "callbacks/visit.html", _visit_ctx(request, v))


@needs("visit.view")
def visit_print(request, pk):
    v = _visit(request, pk)
    return render(request, "callbacks/visit_print.html", _visit_ctx(request, v))


class VisitStep(ServiceStepView):
    action = "visit.view"
    record_kwarg = "visit"
    success_message = gettext_lazy("已保存。")

    def get_object(self):
        return _visit(self.request, self.kwargs["pk"])

    def render_form(self, form, status, error=None):
        ctx = _visit_ctx(self.request, self.object, **{self.form_key: form})
        return render(self.request, "callbacks/visit.html", ctx, status=status)


visit_feedback = VisitStep.as_view(
    form_class=f.VisitFeedbackForm, form_key="feedback_form", service=services.visit_feedback
)
visit_review = VisitStep.as_view(
    form_class=f.VisitReviewForm, form_key="review_form", service=services.visit_review
)


# --- quarterly analysis (R-CB-21..23) -----------------------------------------------------------------


def _quarter_params(request):
    py, pq = selectors.previous_quarter()
    try:
        y = int(request.GET.get("year") or py)
        q = int(request.GET.get("quarter") or pq)
    except ValueError:
        y, q = py, pq
    if q not in (1, 2, 3, 4) or not 2000 <= y <= 2100:
        y, q = py, pq
    return y, q


@needs("callback.analysis")
def analysis(request):
    prop = requested_property(request, "callback.analysis")
    y, q = _quarter_params(request)
    a = selectors.quarterly_analysis(prop=prop, year=y, quarter=q)
    if request.GET.get("export") == "xlsx":
        if not can(request.user, "callback.export", prop.pk):
            raise PermissionDenied
        return xlsx_response(f"{prop.name}{y}年第{q}季度回访分析.xlsx", *_analysis_rows(a))
    report = selectors.report_list(user=request.user).filter(property=prop, year=y, quarter=q).first()
    return render(
        request,
        "callbacks/analysis.html",
        {
            "a": a,
            "prop": prop,
            "props": _props(request, "callback.analysis"),
            "year": y,
            "quarter": q,
            "report": report,
            "reports": list(selectors.report_list(user=request.user).filter(property=prop)[:12]),
            "gen_form": f.ReportGenerateForm(initial={"year": y, "quarter": q}),
            "can_export": can(request.user, "callback.export", prop.pk),
            "chart": {
                "satisfaction": [
                    {"name": "满意", "value": a["callbacks"]["satisfied"]},
                    {"name": "一般", "value": a["callbacks"]["average"]},
                    {"name": "不满意", "value": a["callbacks"]["unsatisfied"]},
                ],
                "repeats": {
                    "labels": ["回访不合格", "同一事项投诉≥2次", "同一维修≥3次"],
                    "values": [
                        len(a["unqualified"]),
                        len(a["repeated_complaints"]),
                        len(a["repeated_repairs"]),
                    ],
                },
            },
        },
    )


def _analysis_rows(a):
    head = [
        gettext_lazy("类别"),
        gettext_lazy("房间"),
        gettext_lazy("事项/分类"),
        gettext_lazy("次数"),
        gettext_lazy("时间"),
        gettext_lazy("满意度"),
        gettext_lazy("处理意见"),
    ]
    rows = []
    for r in a["unqualified"]:
        rows.append(
            [
                gettext_lazy("回访不合格"),
                r["unit__label"] or "",
                r["subject"],
                1,
                timezone.localtime(r["called_at"]).strftime("%Y-%m-%d") if r["called_at"] else "",
                Satisfaction(r["satisfaction"]).label if r["satisfaction"] else "",
                r["handling_opinion"],
            ]
        )
    for label, key in (
        (_("同一事项投诉≥2次"), "repeated_complaints"),
        (_("同一维修≥3次"), "repeated_repairs"),
    ):
        for r in a[key]:
            span = f"{timezone.localtime(r['first']):%m-%d} ~ {timezone.localtime(r['last']):%m-%d}"
            rows.append(
                [label, r["unit__label"], r["category"] or gettext_lazy("未分类"), r["n"], span, "", ""]
            )
    c = a["callbacks"]
    rows.append(
        [
            gettext_lazy("回访合计"),
            "",
            "",
            c["total"],
            "",
            _("满意%(s)s 一般%(a)s 不满意%(u)s")
            % {"s": c["satisfied"], "a": c["average"], "u": c["unsatisfied"]},
            "",
        ]
    )
    return head, rows


@needs("callback.analysis")
@require_POST
def report_generate(request):
    prop = requested_property(request, "callback.analysis")
    form = f.ReportGenerateForm(request.POST)
    rep, status = _apply(
        request,
        form,
        lambda d: services.report_generate(
            actor=request.user, prop=prop, year=d["year"], quarter=d["quarter"], analysis=d["analysis"]
        ),
    )
    if rep:
        messages.success(request, _("统计分析报告已生成。"))
        return redirect(rep)
    errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
    messages.error(request, errors or _("生成失败。"))
    y, q = form.data.get("year", ""), form.data.get("quarter", "")
    return redirect(f"{reverse('callbacks:analysis')}?property={prop.pk}&year={y}&quarter={q}")


def _report(request, pk):
    return get_object_or_404(
        selectors.report_list(user=request.user).select_related(
            "generated_by", "reviewed_by", "sent_to", "filed_by"
        ),
        pk=pk,
    )


def _report_ctx(request, rep, **forms):
    user = request.user
    pid = rep.property_id
    return {
        "rep": rep,
        "d": rep.data,
        "history": history_for(rep),
        "now": timezone.now(),
        "review_form": forms.get("review_form")
        or (
            f.ReportReviewForm()
            if rep.status == ReportStatus.GENERATED and can(user, "callback.report.review", pid)
            else None
        ),
        "send_form": forms.get("send_form")
        or (
            f.ReportSendForm(prop=rep.property)
            if rep.status == ReportStatus.REVIEWED and can(user, "callback.report.review", pid)
            else None
        ),
        "can_file": rep.status == ReportStatus.SENT and can(user, "callback.analysis", pid),
    }


@needs("callback.analysis")
def report_detail(request, pk):
    rep = _report(request, pk)
    return render(request, "callbacks/report.html", _report_ctx(request, rep))


class ReportStep(ServiceStepView):
    action = "callback.analysis"
    record_kwarg = "report"
    success_message = gettext_lazy("已保存。")

    def get_object(self):
        return _report(self.request, self.kwargs["pk"])

    def render_form(self, form, status, error=None):
        ctx = _report_ctx(self.request, self.object, **{self.form_key: form})
        return render(self.request, "callbacks/report.html", ctx, status=status)


report_review = ReportStep.as_view(
    form_class=f.ReportReviewForm, form_key="review_form", service=services.report_review
)
report_send = ReportStep.as_view(
    form_class=f.ReportSendForm,
    form_key="send_form",
    form_kwargs=lambda r: {"prop": r.property},
    service=services.report_send,
)


@needs("callback.analysis")
@require_POST
def report_file(request, pk):
    rep = _report(request, pk)
    services.report_file(actor=request.user, report=rep)
    messages.success(request, _("已归档。"))
    return redirect(rep)


# --- the owner survey (R-CB-30) -----------------------------------------------------------------------


@needs("survey.view")
def surveys(request):
    prop = requested_property(request, "survey.view")
    may = can(request.user, "survey.manage", prop.pk)
    form = f.SurveyForm(request.POST or None) if may else None
    status = 200
    if request.method == "POST":
        if not may:
            raise PermissionDenied
        s, status = _apply(
            request,
            form,
            lambda d: services.survey_create(
                actor=request.user,
                prop=prop,
                title=d["title"],
                distributed_on=d["distributed_on"],
                collect_by=d["collect_by"],
                questions=d["questions"].splitlines(),
            ),
        )
        if s:
            messages.success(request, _("调查已创建。"))
            return redirect(s)
    rows = (
        Survey.objects.restrict(request.user, "survey.view")
        .filter(property=prop)
        .order_by("-distributed_on", "-id")
    )
    return render(
        request,
        "callbacks/surveys.html",
        {"rows": rows[:100], "form": form, "prop": prop, "props": _props(request, "survey.view")},
        status=status,
    )


def _survey(request, pk):
    return get_object_or_404(
        Survey.objects.restrict(request.user, "survey.view").select_related("property"), pk=pk
    )


def _survey_ctx(request, s, **forms):
    may = can(request.user, "survey.manage", s.property_id) and s.status == SurveyStatus.OPEN
    stats = selectors.survey_stats(s)
    return {
        "s": s,
        "stats": stats,
        "n_responses": s.responses.count(),
        "chart": {
            "labels": [r["question"].text for r in stats],
            "satisfied": [r["satisfied"] for r in stats],
            "average": [r["average"] for r in stats],
            "unsatisfied": [r["unsatisfied"] for r in stats],
        },
        "response_form": forms.get("response_form") or (f.SurveyResponseForm(survey=s) if may else None),
        "report_form": forms.get("report_form") or (f.SurveyReportForm() if may else None),
        "history": history_for(s),
    }


@needs("survey.view")
def survey_detail(request, pk):
    s = _survey(request, pk)
    return render(request, "callbacks/survey.html", _survey_ctx(request, s))


class SurveyStep(ServiceStepView):
    action = "survey.view"
    record_kwarg = "survey"

    def get_object(self):
        return _survey(self.request, self.kwargs["pk"])

    def render_form(self, form, status, error=None):
        ctx = _survey_ctx(self.request, self.object, **{self.form_key: form})
        return render(self.request, "callbacks/survey.html", ctx, status=status)


class SurveyResponse(SurveyStep):
    """One returned 《业户意见调查表》: the answers come from the survey's own questions."""

    form_class = f.SurveyResponseForm
    form_key = "response_form"
    success_message = gettext_lazy("调查表已录入。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "survey": self.object}

    def perform(self, form):
        d = form.cleaned_data
        return services.survey_response_add(
            actor=self.request.user,
            survey=self.object,
            answers=form.answers(),
            unit=d["unit"],
            comment=d["comment"],
        )


survey_response = SurveyResponse.as_view()
survey_report = SurveyStep.as_view(
    form_class=f.SurveyReportForm,
    form_key="report_form",
    service=services.survey_report,
    success_message=gettext_lazy("统计结果与整改措施已上报。"),
)
