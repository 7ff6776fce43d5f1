"""Pages of 不符合项. Every write calls a service; every queryset starts from restrict()."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import xlsx_response
from core.history import history_for
from core.permissions import can
from core.views.decorators import needs
from core.views.generic import ServiceCreateView, ServiceStepView, is_htmx, paginate, requested_property

from . import selectors, services
from .filtersets import NonConformityFilterSet
from .forms import CorrectForm, RaiseForm, VerifyForm, VoidForm


def _dt(value):
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


LIST_COLUMNS = [
    (gettext_lazy("编号"), lambda n: n.number),
    (gettext_lazy("来源"), lambda n: n.get_source_display()),
    (gettext_lazy("发现时间"), lambda n: _dt(n.found_at)),
    (gettext_lazy("发现人"), lambda n: str(n.found_by)),
    (gettext_lazy("岗位/区域/房间"), lambda n: n.place),
    (gettext_lazy("不符合情况"), lambda n: n.description),
    (gettext_lazy("依据的服务规范"), lambda n: n.standard),
    (gettext_lazy("责任部门"), lambda n: str(n.department)),
    (gettext_lazy("责任人"), lambda n: str(n.responsible or "")),
    (gettext_lazy("整改要求"), lambda n: n.requirement),
    (gettext_lazy("整改期限"), lambda n: _dt(n.due_at)),
    (gettext_lazy("整改情况"), lambda n: n.correction),
    (gettext_lazy("整改完成时间"), lambda n: _dt(n.corrected_at)),
    (gettext_lazy("验证结果"), lambda n: n.get_verification_result_display()),
    (gettext_lazy("验证时间"), lambda n: _dt(n.verified_at)),
    (gettext_lazy("状态"), lambda n: n.get_status_display()),
    (gettext_lazy("超期"), lambda n: gettext_lazy("是") if n.is_overdue() else ""),
]


@needs("quality.view")
def nonconformity_list(request):
    flt = NonConformityFilterSet(
        request.GET or None, queryset=selectors.nonconformity_list(user=request.user), request=request
    )
    qs = flt.qs
    if request.GET.get("export") == "xlsx":
        rows = ([str(f(n)) for _c, f in LIST_COLUMNS] for n in qs.iterator(chunk_size=2000))
        return xlsx_response("不符合项跟踪记录.xlsx", [c for c, _f in LIST_COLUMNS], rows)
    page, query_string = paginate(request, qs)
    now = timezone.now()
    for n in page.object_list:
        n.overdue = n.is_overdue(now)
    ctx = {"filter": flt, "page_obj": page, "query_string": query_string}
    if is_htmx(request):
        return render(request, "quality/_partials/table.html", ctx)
    prop = requested_property(request, "quality.view")
    ctx.update(
        prop=prop,
        summary=selectors.month_summary(user=request.user, prop=prop, now=now),
        overdue_count=selectors.overdue_nonconformities(user=request.user, prop=prop, now=now).count(),
        can_raise=can(request.user, "quality.raise"),
    )
    return render(request, "quality/list.html", ctx)


class RaiseView(ServiceCreateView):
    action = "quality.raise"
    form_class = RaiseForm
    title = gettext_lazy("登记不符合项")
    service = staticmethod(services.nonconformity_raise)

    def success_message(self, item):
        return _("已登记不符合项 %(number)s,已通知责任人/责任部门。") % {"number": item.number}


nonconformity_create = RaiseView.as_view()


def _detail_context(request, item, **forms):
    user, pid = request.user, item.property_id
    return {
        "item": item,
        "history": history_for(item),
        "overdue": item.is_overdue(),
        "can_correct": services.may_correct(user, item),
        "can_verify": can(user, "quality.verify", pid) and user.pk != item.corrected_by_id,
        "own_correction": user.pk == item.corrected_by_id,
        "can_void": can(user, "quality.raise", pid),
        "correct_form": forms.get("correct_form") or CorrectForm(),
        "verify_form": forms.get("verify_form") or VerifyForm(),
        "void_form": forms.get("void_form") or VoidForm(),
        "error": forms.get("error"),
    }


@needs("quality.view")
def nonconformity_detail(request, pk):
    item = selectors.nonconformity_detail(user=request.user, pk=pk)
    return render(request, "quality/detail.html", _detail_context(request, item))


class NonConformityStep(ServiceStepView):
    """A step on the record's page; a refusal naming none of the form's fields shows above the record."""

    record_kwarg = "item"
    page_refusals = True

    def get_object(self):
        return selectors.nonconformity_detail(user=self.request.user, pk=self.kwargs["pk"])

    def render_form(self, form, status, error=None):
        forms = {"error": error} if error is not None else {self.form_key: form}
        ctx = _detail_context(self.request, self.object, **forms)
        return render(self.request, "quality/detail.html", ctx, status=status)


nonconformity_correct = NonConformityStep.as_view(
    action="quality.view",
    form_class=CorrectForm,
    form_key="correct_form",
    service=services.nonconformity_correct,
    success_message=gettext_lazy("已记录整改情况,等待验证。"),
)
nonconformity_verify = NonConformityStep.as_view(
    action="quality.verify",
    form_class=VerifyForm,
    form_key="verify_form",
    service=services.nonconformity_verify,
    success_message=gettext_lazy("已记录验证结果。"),
)
nonconformity_void = NonConformityStep.as_view(
    action="quality.raise",
    form_class=VoidForm,
    form_key="void_form",
    service=services.nonconformity_void,
    success_message=gettext_lazy("不符合项已作废(记录保留)。"),
)
