"""The one request page for every kind (timeline, clocks, photos, assignment, notes, feedback, the
workflow's buttons, and the kind's own panel), the request list, and the overdue / about-to-breach lists."""

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.deadlines import span_text
from core.errors import DomainError
from core.exports import xlsx_response
from core.forms import lazy_form
from core.masking import mask_phone
from core.permissions import can
from core.views.generic import ServiceStepView, paginate, render_page

from . import selectors, services
from .choices import Channel, Priority, RequestKind
from .engine import PANELS, workflow_for
from .forms import AssignForm, FeedbackForm, NoteForm, PhotoForm, TransitionForm
from .language import WRITING_GROUPS, check_text, phrase_groups


def _need(user, action):
    if not can(user, action):
        raise PermissionDenied


class RequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("编号/事由"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=RequestKind.choices)
    status = django_filters.CharFilter(label=_("状态"))
    channel = django_filters.ChoiceFilter(label=_("受理方式"), choices=Channel.choices)
    priority = django_filters.ChoiceFilter(label=_("优先级"), choices=Priority.choices)
    is_emergency = django_filters.BooleanFilter(label=_("紧急"))
    received_after = django_filters.DateFilter(
        label=_("受理日期从"), field_name="received_at", lookup_expr="date__gte"
    )
    received_before = django_filters.DateFilter(
        label=_("至"), field_name="received_at", lookup_expr="date__lte"
    )

    def filter_q(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(number__startswith=value.upper()) | qs.filter(title__contains=value)


@login_required
def request_list(request):
    _need(request.user, "request.view")
    f = RequestFilter(request.GET or None, queryset=selectors.request_list(user=request.user))
    qs = f.qs
    if request.GET.get("export") == "xlsx":
        _need(request.user, "request.export")
        rows = (
            [
                r.number,
                r.get_kind_display(),
                workflow_for(r.kind).label(r.status),
                r.get_channel_display(),
                r.place(),
                r.reporter_name,
                mask_phone(r.contact_phone),
                r.title,
                str(r.department or ""),
                str(r.assignee or ""),
                timezone.localtime(r.received_at).strftime("%Y-%m-%d %H:%M"),
                r.reopen_count,
            ]
            for r in qs.iterator(chunk_size=2000)
        )
        head = [
            _("编号"),
            _("类别"),
            _("状态"),
            _("受理方式"),
            _("位置"),
            _("联系人"),
            _("电话"),
            _("事由"),
            _("责任部门"),
            _("责任人"),
            _("受理时间"),
            _("重开次数"),
        ]
        return xlsx_response("服务请求.xlsx", head, rows)
    page, query_string = paginate(request, qs)
    for r in page.object_list:
        r.status_label = workflow_for(r.kind).label(r.status)
    return render(
        request,
        "servicedesk/list.html",
        {
            "filter": f,
            "page_obj": page,
            "query_string": query_string,
            "can_export": can(request.user, "request.export"),
        },
    )


OVERDUE_PAGE_ROWS = 50


def clock_label(stored: str, number: str) -> str:
    """A request's clock is stored as "<number> <label>" in the office's language (the notifications and the
    home page's due list name the request); its own page and the lists show the label alone, translated."""
    return gettext(stored.removeprefix(f"{number} "))


@login_required
def overdue(request):
    _need(request.user, "request.view")
    now = timezone.now()
    # The most urgent first; a desk works the top of the list (the API pages through all of it).
    over = selectors.overdue_requests(user=request.user, now=now, limit=OVERDUE_PAGE_ROWS, rows_only=True)
    soon = selectors.about_to_breach(user=request.user, now=now, limit=OVERDUE_PAGE_ROWS, rows_only=True)
    # Labels and links worked out once per row here: the page lists up to 100 rows and must stay fast
    # at 2,000,000 requests (make bench).
    kinds = {k: str(label) for k, label in RequestKind.choices}
    today = timezone.localdate(now)
    base = reverse("servicedesk:detail", args=[0])[: -len("0/")]
    for r in over + soon:
        r.url = f"{base}{r.pk}/"
        r.kind_label = kinds.get(r.kind, r.kind)
        # Plain strings: a lazy label is translated again at every use in the template.
        r.status_label = str(workflow_for(r.kind).label(r.status))
        r.who = str(r.assignee or r.department or "—")
        r.clock_label = clock_label(r.clock_label, r.number)
        due = timezone.localtime(r.clock_due_at)
        r.due_text = due.strftime("%m-%d %H:%M" if due.year == today.year else "%Y-%m-%d %H:%M")
        r.span_text = span_text(abs(now - r.clock_due_at))
    return render(request, "servicedesk/overdue.html", {"overdue": over, "soon": soon})


@login_required
def detail(request, pk):
    _need(request.user, "request.view")
    req = selectors.request_for_page(user=request.user, pk=pk)
    return render_request_page(request, req)


def render_request_page(request, req, *, status: int = 200, **forms):
    """The one request page; kinds re-render it (e.g. with a refusal, status 400) from their own views."""
    return render_page(
        request,
        "servicedesk/detail.html",
        _detail_context(request, req, **forms),
        url=reverse("servicedesk:detail", args=[req.pk]),
        status=status,
    )


def _detail_context(request, req, **forms):
    flow = workflow_for(req.kind)
    user = request.user
    ctx = selectors.request_page(request=req)
    for c in ctx["clocks"]:
        c.display_label = clock_label(c.label, req.number)
    panel = PANELS.get(req.kind).func(req, user) if req.kind in PANELS else None
    ctx.update(
        req=req,
        status_label=flow.label(req.status),
        category_label=flow.category_label(req.category),
        transitions=[
            t for t in flow.available(req.status) if t.generic and can(user, t.action, req.property_id)
        ],
        panel=panel,
        # A kind may hide the content from some readers (R-HELP-11 confidential enquiries).
        description=panel.get("description", req.description) if panel else req.description,
        # The step forms are drawn when opened ({% lazyform %}); a posted one comes back with its errors.
        note_form=forms.get("note_form") or lazy_form(NoteForm),
        assign_form=forms.get("assign_form")
        or lazy_form(
            lambda: AssignForm(
                prop=req.property, initial={"department": req.department_id, "assignee": req.assignee_id}
            )
        ),
        feedback_form=forms.get("feedback_form") or lazy_form(FeedbackForm),
        photo_form=forms.get("photo_form") or lazy_form(PhotoForm),
        can_note=can(user, "request.note", req.property_id),
        can_assign=can(user, "request.assign", req.property_id),
        masked_phone=mask_phone(req.contact_phone),
        phrase_groups=phrase_groups(WRITING_GROUPS),
        now=timezone.now(),
    )
    return ctx


class RequestStep(ServiceStepView):
    """A small form on the request page (note, assignment, feedback, photo): a refusal or an invalid form
    draws the page again with the form in error (400)."""

    refusal_status = 400

    def get_object(self):
        return selectors.request_for_page(user=self.request.user, pk=self.kwargs["pk"])

    def render_form(self, form, status, error=None):
        return render_request_page(self.request, self.object, status=status, **{self.form_key: form})


add_note = RequestStep.as_view(
    form_class=NoteForm, form_key="note_form", service=services.request_note, record_kwarg="request"
)
assign = RequestStep.as_view(
    form_class=AssignForm,
    form_key="assign_form",
    form_kwargs=lambda r: {"prop": r.property},
    service=services.request_assign,
    record_kwarg="request",
)
feedback = RequestStep.as_view(
    form_class=FeedbackForm,
    form_key="feedback_form",
    service=services.request_feedback,
    record_kwarg="request",
)
add_photo = RequestStep.as_view(
    form_class=PhotoForm,
    form_key="photo_form",
    call=lambda u, r, d: services.request_add_photo(
        actor=u, request=r, upload=d["file"], caption=d["caption"]
    ),
)


@login_required
@require_POST
def transition(request, pk):
    req = selectors.request_for_page(user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("请求无效。(Invalid request.)"))
    t = workflow_for(req.kind).by_name.get(form.cleaned_data["name"])
    if t is None or not t.generic:
        raise DomainError(_("该操作需在专用表单中办理。(Use the form for this action.)"))
    services.request_transition(
        actor=request.user,
        request=req,
        name=t.name,
        reason=form.cleaned_data["reason"],
        expected_status=form.cleaned_data["expected_status"] or None,
    )
    messages.success(request, _("已办理:%(action)s") % {"action": t.label})
    return redirect("servicedesk:detail", pk=req.pk)


@login_required
def phrasebook(request):
    """服务用语: every phrase the rules give (R-LANG-01..13), and a box to check a draft against them."""
    _need(request.user, "request.view")
    return render(request, "servicedesk/phrasebook.html", {"groups": phrase_groups()})


@login_required
@require_POST
def language_check(request):
    """htmx: the clerk's draft checked against the forbidden phrases (R-LANG-07); a help, not a block."""
    text = request.POST.get("text") or request.POST.get("reply") or request.POST.get("resolution") or ""
    return render(request, "servicedesk/_language.html", {"findings": check_text(text)})
