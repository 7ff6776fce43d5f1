"""Pages of the complaints area: intake, the list, the panel's actions (posting back to the request
page), the printable apology letter and the daily / weekly / monthly reports. Every write calls a service."""

from datetime import date, datetime
from urllib.parse import urlencode

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import notify
from core.choices import Role
from core.errors import DomainError
from core.exports import xlsx_response, xlsx_sheets_response
from core.masking import mask_phone
from core.models import Property, Unit
from core.permissions import can
from core.views.generic import ServiceStepView, paginate
from residents.models import Occupancy, Resident
from servicedesk import selectors as sd_selectors
from servicedesk.views import render_request_page

from . import forms as f
from . import selectors, services
from .choices import AnalysisCategory, BasicType, ComplaintStatus, Emotion, Judgment, Severity
from .models import HandlingProposal


def _need(user, action, prop_id=None):
    if not can(user, action, prop_id):
        raise PermissionDenied


# --- intake ------------------------------------------------------------------------------------------


def _resolve_unit(props, label):
    label = (label or "").strip()
    if not label:
        return None
    return Unit.objects.filter(property__in=props, label__iexact=label).first()


@login_required
def create(request):
    """《客户投诉登记表》 intake: phone / visit / written, resident lookup by unit (R-CMP-01..07)."""
    _need(request.user, "complaints.create")
    props = Property.objects.restrict(request.user, "complaints.create").order_by("id")
    form = f.IntakeForm(request.POST or None, props=props, initial={"received_at": timezone.localtime()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        prop = d["property"]
        unit = _resolve_unit([prop], d["unit_label"])
        reporter = None
        try:
            if d["unit_label"] and unit is None:
                raise DomainError(_("房号不存在。(No such unit.)"), field="unit_label")
            if d.get("reporter_id"):
                reporter = Resident.objects.filter(property=prop, pk=d["reporter_id"]).first()
            c = services.complaint_create(
                actor=request.user,
                prop=prop,
                channel=d["channel"],
                title=d["title"],
                description=d["description"],
                reporter_name=d["reporter_name"],
                contact_phone=d["contact_phone"],
                reporter=reporter,
                unit=unit,
                caller_company=d["caller_company"],
                occurred_at=d["occurred_at"],
                occurred_place=d["occurred_place"],
                subject_person=d["subject_person"],
                subject_department=d["subject_department"],
                narrative=d["narrative"],
                demand=d["demand"],
                emotion=d["emotion"],
                our_fault=d["our_fault"],
                basic_type=d["basic_type"],
                analysis_category=d["analysis_category"],
                is_serious=d["is_serious"],
                ask_supervisor=d["ask_supervisor"],
                lease_related=d["lease_related"],
                is_engineering=d["is_engineering"],
                apologised=d["apologised"],
                steps=d["steps"],
                received_at=d["received_at"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("投诉已登记:%s") % c.request.number)
            return redirect(c.request.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "complaints/create.html", {"form": form}, status=status)


@login_required
def lookup(request):
    """htmx: the current occupants of a typed unit (房号), to fill the complainant."""
    _need(request.user, "complaints.create")
    props = list(Property.objects.restrict(request.user, "complaints.create"))
    unit = _resolve_unit(props, request.GET.get("unit_label"))
    occupants = []
    if unit is not None:
        occupants = [
            {
                "id": o.resident_id,
                "name": o.resident.name,
                "role": o.get_role_display(),
                "phone": mask_phone(o.resident.phone),
            }
            for o in Occupancy.objects.filter(unit=unit, end__isnull=True)
            .select_related("resident")
            .order_by("id")
        ]
    return render(
        request,
        "complaints/_occupants.html",
        {"unit": unit, "occupants": occupants, "q": request.GET.get("unit_label", "")},
    )


# --- list --------------------------------------------------------------------------------------------


class ComplaintFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=gettext_lazy("编号/事由/投诉人"), method="filter_q")
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("状态"), field_name="request__status", choices=ComplaintStatus.choices
    )
    channel = django_filters.ChoiceFilter(
        label=gettext_lazy("受理方式"), field_name="request__channel", choices=f.CHANNELS
    )
    judgment = django_filters.ChoiceFilter(label=gettext_lazy("判断"), choices=Judgment.choices)
    severity = django_filters.ChoiceFilter(label=gettext_lazy("级别"), choices=Severity.choices)
    basic_type = django_filters.ChoiceFilter(label=gettext_lazy("基本类型"), choices=BasicType.choices)
    analysis_category = django_filters.ChoiceFilter(
        label=gettext_lazy("分析类别"), choices=AnalysisCategory.choices
    )
    emotion = django_filters.ChoiceFilter(label=gettext_lazy("情绪"), choices=Emotion.choices)
    open = django_filters.BooleanFilter(label=gettext_lazy("未结"), method="filter_open")
    received_after = django_filters.DateFilter(
        label=gettext_lazy("受理日期从"), field_name="request__received_at", lookup_expr="date__gte"
    )
    received_before = django_filters.DateFilter(
        label=gettext_lazy("至"), field_name="request__received_at", lookup_expr="date__lte"
    )

    def filter_q(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return (
            qs.filter(request__number__startswith=value.upper())
            | qs.filter(request__title__contains=value)
            | qs.filter(request__reporter_name__startswith=value)
        )

    def filter_open(self, qs, name, value):
        finals = [ComplaintStatus.ARCHIVED, ComplaintStatus.CLOSED]
        if value is True:
            return qs.exclude(request__status__in=finals)
        if value is False:
            return qs.filter(request__status__in=finals)
        return qs


LIST_COLUMNS = [
    gettext_lazy("编号"),
    gettext_lazy("受理时间"),
    gettext_lazy("受理方式"),
    gettext_lazy("投诉人"),
    gettext_lazy("电话"),
    gettext_lazy("房间"),
    gettext_lazy("事由"),
    gettext_lazy("基本类型"),
    gettext_lazy("分析类别"),
    gettext_lazy("情绪"),
    gettext_lazy("判断"),
    gettext_lazy("级别"),
    gettext_lazy("责任部门"),
    gettext_lazy("状态"),
    gettext_lazy("当日回复"),
    gettext_lazy("重开次数"),
]


def _list_row(c):
    r = c.request
    return [
        r.number,
        f"{timezone.localtime(r.received_at):%Y-%m-%d %H:%M}",
        r.get_channel_display(),
        r.reporter_name,
        mask_phone(r.contact_phone),
        r.unit.label if r.unit else "",
        r.title,
        c.get_basic_type_display(),
        c.get_analysis_category_display(),
        c.get_emotion_display(),
        c.get_judgment_display(),
        c.get_severity_display(),
        c.responsible_label,
        selectors.status_label(r.status),
        gettext_lazy("是") if c.same_day_replied_at else gettext_lazy("否"),
        r.reopen_count,
    ]


@login_required
def complaint_list(request):
    _need(request.user, "complaints.view")
    flt = ComplaintFilter(request.GET or None, queryset=selectors.complaint_list(user=request.user))
    qs = flt.qs
    if request.GET.get("export") == "xlsx":
        _need(request.user, "complaints.report")
        return xlsx_response(
            "投诉登记表.xlsx", LIST_COLUMNS, (_list_row(c) for c in qs.iterator(chunk_size=2000))
        )
    page, query_string = paginate(request, qs)
    for c in page.object_list:
        c.status_label = selectors.status_label(c.request.status)
        c.masked_phone = mask_phone(c.request.contact_phone)
    return render(
        request,
        "complaints/list.html",
        {
            "filter": flt,
            "page_obj": page,
            "query_string": query_string,
            "can_export": can(request.user, "complaints.report"),
            "can_create": can(request.user, "complaints.create"),
        },
    )


# --- the panel's actions -----------------------------------------------------------------------------


class ComplaintStep(ServiceStepView):
    """An action of the complaint panel on the request page. A refusal or an invalid form draws the request
    page again with the panel's form in error (form_key names it) and the errors flashed."""

    record_kwarg = "complaint"
    auto_id = None  # the panel's forms share one page: each its own id prefix

    def get_object(self):
        return selectors.complaint_for_page(user=self.request.user, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return {**kwargs, "auto_id": self.auto_id} if self.auto_id else kwargs

    def get_success_url(self, result=None):
        return self.object.request.get_absolute_url()

    def render_form(self, form, status, error=None):
        errors = [str(e) for errs in form.errors.values() for e in errs] + ([str(error)] if error else [])
        messages.error(self.request, " ".join(errors) or _("请检查输入。(Check the input.)"))
        req = sd_selectors.request_for_page(user=self.request.user, pk=self.kwargs["pk"])
        req._complaint_form = (self.form_key, form)
        return render_request_page(self.request, req, status=status)


def _with_property(c):
    return {"prop": c.request.property}


def _instruct(actor, c, d):
    proposal = get_object_or_404(HandlingProposal, pk=d["proposal"], complaint=c)
    return services.complaint_instruct(
        actor=actor, complaint=c, proposal=proposal, instruction=d["instruction"]
    )


judge = ComplaintStep.as_view(
    form_class=f.JudgeForm,
    form_key="judge",
    auto_id="cj_%s",
    form_kwargs=_with_property,
    call=lambda actor, c, d: services.complaint_judge(
        actor=actor, complaint=c, **{**d, "severity": d["severity"] or None}
    ),
    success_message=gettext_lazy("已保存投诉判断。"),
)
propose = ComplaintStep.as_view(
    form_class=f.ProposalForm,
    form_key="proposal",
    auto_id="cp_%s",
    form_kwargs=_with_property,
    service=services.proposal_add,
    success_message=gettext_lazy("已添加方案。"),
)
instruct = ComplaintStep.as_view(
    form_class=f.InstructForm,
    form_key="instruct",
    auto_id="ci_%s",
    call=_instruct,
    success_message=gettext_lazy("已批示。"),
)
complete = ComplaintStep.as_view(
    form_class=f.ResolutionForm,
    form_key="complete",
    auto_id="cc_%s",
    call=lambda actor, c, d: services.complaint_complete(
        actor=actor, complaint=c, resolution=d["resolution"], owner_signed=d["owner_signed"] or None
    ),
    success_message=gettext_lazy("已处理完成,回访将按时安排。"),
)
reply = ComplaintStep.as_view(
    form_class=f.ReplyForm,
    form_key="reply",
    auto_id="cr_%s",
    call=lambda actor, c, d: services.complaint_reply(
        actor=actor, complaint=c, text=d["reply"], next_reply_at=d["next_reply_at"]
    ),
    success_message=gettext_lazy("已记录答复。"),
)
reply_result = ComplaintStep.as_view(
    form_class=f.ReplyForm,
    form_key="result",
    auto_id="cx_%s",
    call=lambda actor, c, d: services.complaint_reply_result(actor=actor, complaint=c, text=d["reply"]),
    success_message=gettext_lazy("已回复处理结果。"),
)
answer_invalid = ComplaintStep.as_view(
    form_class=f.ReplyForm,
    form_key="result",
    auto_id="cx_%s",
    call=lambda actor, c, d: services.complaint_answer_invalid(actor=actor, complaint=c, text=d["reply"]),
    success_message=gettext_lazy("已婉转答复。"),
)
close_invalid = ComplaintStep.as_view(
    form_class=f.UnderstandingForm,
    form_key="understanding",
    auto_id="cu_%s",
    service=services.complaint_close_invalid,
    success_message=gettext_lazy("已关闭。"),
)
written_reply = ComplaintStep.as_view(
    form_class=f.ReplyForm,
    form_key="written",
    auto_id="cw_%s",
    call=lambda actor, c, d: services.written_reply_draft(actor=actor, complaint=c, text=d["reply"]),
    success_message=gettext_lazy("回复稿已保存,待客服主管批准。"),
)
approve_written = ComplaintStep.as_view(
    form_key="approve",
    service=services.written_reply_approve,
    success_message=gettext_lazy("已批准书面回复。"),
)
apology_generate = ComplaintStep.as_view(
    form_class=f.ApologyForm,
    form_key="apology",
    auto_id="ca_%s",
    service=services.apology_generate,
    success_message=gettext_lazy("道歉信已生成,请查看打印后确认发出。"),
)
apology_issue = ComplaintStep.as_view(
    form_key="apology_issue",
    service=services.apology_issue,
    success_message=gettext_lazy("道歉信已发出。"),
)
escalate = ComplaintStep.as_view(
    form_class=f.EscalateForm,
    form_key="escalate",
    auto_id="ce_%s",
    service=services.complaint_escalate,
    success_message=gettext_lazy("已书面上报。"),
)
urge = ComplaintStep.as_view(
    form_class=f.UrgeForm,
    form_key="urge",
    service=services.complaint_urge,
    success_message=gettext_lazy("已催办责任部门。"),
)
check = ComplaintStep.as_view(
    form_class=f.CheckForm,
    form_key="check",
    service=services.complaint_check,
    success_message=gettext_lazy("已勾选。"),
)
engineering = ComplaintStep.as_view(
    form_class=f.EngineeringForm,
    form_key="engineering",
    auto_id="cg_%s",
    call=lambda actor, c, d: services.complaint_update(
        actor=actor, complaint=c, reason=_("工程投诉收费确认"), **d
    ),
    success_message=gettext_lazy("已保存。"),
)


@login_required
def apology(request, pk):
    """R-CMP-26: the apology letter in the 管理中心's name — printable, A4."""
    c = selectors.complaint_for_page(user=request.user, pk=pk)
    if not c.apology_text:
        raise DomainError(_("尚未生成道歉信。(No apology letter yet.)"))
    return render(
        request, "complaints/apology.html", {"c": c, "office": services.office_name(c.request.property)}
    )


# --- reports (R-RPT-06) ------------------------------------------------------------------------------


def _parse_date(value, default):
    try:
        return datetime.strptime(value, "%Y-%m-%d").date() if value else default
    except ValueError:
        raise DomainError(_("日期格式应为 YYYY-MM-DD。(Use YYYY-MM-DD.)"), field="date") from None


def _prop_filter(request):
    ids = request.GET.getlist("property")
    try:
        return [int(i) for i in ids if i]
    except ValueError:
        return []


HEAD = [c for c, _ in selectors.REPORT_COLUMNS]


@login_required
def report_daily(request):
    """R-CMP-34: the daily complaint review."""
    _need(request.user, "complaints.report")
    day = _parse_date(request.GET.get("date"), timezone.localdate())
    data = selectors.daily_review(user=request.user, day=day, prop_ids=_prop_filter(request))
    if request.GET.get("export") == "xlsx":
        return xlsx_sheets_response(
            f"投诉日整理-{day}.xlsx",
            [
                ("当日投诉", HEAD, [selectors.export_row(r) for r in data["today"]]),
                ("遗留投诉", HEAD, [selectors.export_row(r) for r in data["outstanding"]]),
                (
                    gettext_lazy("突出问题"),
                    HEAD + [gettext_lazy("原因")],
                    [selectors.export_row(r) + [r["reasons"]] for r in data["prominent"]],
                ),
            ],
        )
    return render(
        request,
        "complaints/report_daily.html",
        {"data": data, "tab": "daily", "chart": {"by_type": data["by_type"]}},
    )


@login_required
def report_weekly(request):
    """R-CMP-35: the weekly analysis by 能源 / 设备 / 服务."""
    _need(request.user, "complaints.report")
    start = _parse_date(request.GET.get("week"), selectors.week_start(timezone.localdate()))
    data = selectors.weekly_analysis(user=request.user, start=start, prop_ids=_prop_filter(request))
    if request.GET.get("export") == "xlsx":
        return xlsx_sheets_response(
            f"投诉周分析-{data['start']}.xlsx",
            [(g["label"], HEAD, [selectors.export_row(r) for r in g["rows"]]) for g in data["groups"]],
        )
    return render(
        request,
        "complaints/report_weekly.html",
        {"data": data, "tab": "weekly", "chart": data["trend"]},
    )


@login_required
def report_monthly(request):
    """R-CMP-37: the monthly 用户意见受理表."""
    _need(request.user, "complaints.report")
    raw = request.GET.get("month")
    try:
        month = datetime.strptime(raw, "%Y-%m").date() if raw else timezone.localdate().replace(day=1)
    except ValueError:
        raise DomainError(_("月份格式应为 YYYY-MM。(Use YYYY-MM.)"), field="month") from None
    data = selectors.monthly_summary(user=request.user, month=month, prop_ids=_prop_filter(request))
    if request.GET.get("export") == "xlsx":
        summary = (
            [
                [gettext_lazy("投诉总数"), data["total"]],
                [gettext_lazy("成立"), data["valid"]],
                [gettext_lazy("不成立"), data["invalid"]],
                [gettext_lazy("重大投诉"), data["major"]],
                [gettext_lazy("当日回复率(%)"), data["reply_rate"]],
                [gettext_lazy("已归档/关闭"), data["archived"]],
                [gettext_lazy("回访不满意重开"), data["reopened"]],
            ]
            + [[f"类型:{x['name']}", x["value"]] for x in data["by_type"]]
            + [[f"类别:{x['name']}", x["value"]] for x in data["by_category"]]
        )
        return xlsx_sheets_response(
            f"用户意见受理表-{month:%Y-%m}.xlsx",
            [
                ("用户意见受理表", HEAD, [selectors.export_row(r) for r in data["rows"]]),
                ("汇总", [gettext_lazy("项目"), gettext_lazy("数值")], summary),
            ],
        )
    chart = {k: data[k] for k in ("by_type", "by_category", "satisfaction", "per_day")}
    return render(
        request,
        "complaints/report_monthly.html",
        {"data": data, "tab": "monthly", "chart": chart},
    )


@login_required
@require_POST
def report_submit(request):
    """R-CMP-34/38: the day's review goes to the 客服主管, the month's summary to the 经理."""
    _need(request.user, "complaints.report")
    kind = request.POST.get("kind")
    props = list(Property.objects.restrict(request.user, "complaints.report").order_by("id"))
    if kind not in ("daily", "weekly", "monthly") or not props:
        raise DomainError(_("报表类型无效。(Invalid report.)"))
    label = {"daily": "投诉日整理", "weekly": "投诉周分析", "monthly": "用户意见受理表"}[kind]
    roles = [Role.CS_SUPERVISOR] if kind != "monthly" else [Role.CS_SUPERVISOR, Role.MANAGER]
    period = request.POST.get("period", "")
    url = {"daily": "report_daily", "weekly": "report_weekly", "monthly": "report_monthly"}[kind]
    param = {"daily": "date", "weekly": "week", "monthly": "month"}[kind]
    made = 0
    for prop in props:
        made += notify.notify_roles(
            prop,
            roles,
            title=f"{label} {period} 已报送({request.user})",
            link=f"/complaints/reports/{kind}/?{param}={period}",
            level="info",
            dedupe_key=f"complaints-report-{kind}-{prop.pk}-{period}-{date.today()}",
        )
    messages.success(request, _("已报送。") if made else _("今日已报送过。"))
    return redirect(reverse(f"complaints:{url}") + (f"?{urlencode({param: period})}" if period else ""))
