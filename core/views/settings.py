"""The office's own settings: 项目设置 (property.manage), 规则参数 (rule_settings.manage) and 节假日与调休
(calendar.manage)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from core import rule_settings, selectors, services
from core.errors import DomainError
from core.forms import CalendarDayForm, CalendarSeedForm, PropertySettingsForm, RuleSettingsForm
from core.history import history_for
from core.models import CalendarDay
from core.permissions import can
from core.views.generic import ScopedMixin, ServiceFormView


class PropertySettingsIndexView(ScopedMixin, TemplateView):
    """/settings/property/: the one property the manager runs, or a choice of them."""

    action = "property.manage"
    template_name = "core/property_list.html"
    detail_url = "core:property_settings"
    title = "项目设置"

    def get(self, request, *args, **kwargs):
        props = list(selectors.manageable_properties(user=request.user, action=self.action))
        if len(props) == 1:
            return redirect(self.detail_url, pk=props[0].pk)
        return render(
            request,
            self.template_name,
            {"properties": props, "detail_url": self.detail_url, "title": self.title},
        )


class PropertySettingsView(ServiceFormView):
    """项目设置: office windows, shift, quiet hours, deadline warning, archive grant, first contact."""

    action = "property.manage"
    form_class = PropertySettingsForm
    template_name = "core/property_settings.html"
    title = "项目设置"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and can(request.user, self.action):
            # Wrong role: ScopedMixin refuses (403). Another property (or one the user does not manage) is a 404, never a 403.
            self.prop = get_object_or_404(
                selectors.manageable_properties(user=request.user, action=self.action), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return PropertySettingsForm.initial_for(self.prop)

    def perform(self, form):
        services.property_update(actor=self.request.user, prop=self.prop, **form.cleaned_data)
        messages.success(self.request, "项目设置已保存。")
        return reverse("core:property_settings", kwargs={"pk": self.prop.pk})

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            prop=self.prop,
            title=f"项目设置 · {self.prop.name}",
            structure=selectors.property_structure(prop=self.prop),
            history=history_for(self.prop, 20),
            submit_label="保存设置",
            rule_form=kwargs.get("rule_form") or RuleSettingsForm(rows=rule_settings.rows(self.prop)),
            rules_next=self.request.path,
        )
        return ctx


class RuleSettingsIndexView(PropertySettingsIndexView):
    """/settings/rules/: 规则参数 of the one property the user runs, or a choice of them."""

    action = "rule_settings.manage"
    detail_url = "core:rule_settings"
    title = "规则参数"


class RuleSettingsView(ScopedMixin, View):
    """规则参数: the values the seed leaves open, per property (core.rule_settings), grouped by area with
    their rule IDs. 管理处经理 and 客服主管 (rule_settings.manage); the 项目设置 page shows the same form."""

    action = "rule_settings.manage"
    template_name = "core/rule_settings.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and can(request.user, self.action):
            # Wrong role: ScopedMixin refuses (403); another property is a 404, never a 403.
            self.prop = get_object_or_404(
                selectors.manageable_properties(user=request.user, action=self.action), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def page(self, request, form=None, status=200):
        rows = rule_settings.rows(self.prop)
        keys = {r["key"] for r in rows}
        ctx = {
            "prop": self.prop,
            "title": f"规则参数 · {self.prop.name}",
            "rule_form": form or RuleSettingsForm(rows=rows),
            "rules_next": request.path,
            # the changes of these settings only (the 项目设置 page shows the property's whole history)
            "history": [h for h in history_for(self.prop, 50) if h.changes and set(h.changes) <= keys][:20],
            "can_manage_property": can(request.user, "property.manage", self.prop.pk),
        }
        return render(request, self.template_name, ctx, status=status)

    def get(self, request, pk):
        return self.page(request)

    def post(self, request, pk):
        rows = rule_settings.rows(self.prop)
        form = RuleSettingsForm(request.POST, rows=rows)
        values = {r["key"]: request.POST[r["key"]] for r in rows if r["key"] in request.POST}
        try:
            services.rule_settings_update(actor=request.user, prop=self.prop, values=values)
        except DomainError as exc:
            form.is_valid()
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            return self.page(request, form, status=exc.status_code)
        messages.success(request, "规则参数已保存。")
        return redirect(_safe_next(request, self.prop))


def _safe_next(request, prop) -> str:
    """Back to the page the form was on: the 项目设置 page or the 规则参数 page of this property only."""
    rules = reverse("core:rule_settings", kwargs={"pk": prop.pk})
    settings_page = reverse("core:property_settings", kwargs={"pk": prop.pk})
    wanted = request.POST.get("next", "")
    if wanted == settings_page and can(request.user, "property.manage", prop.pk):
        return f"{settings_page}#rules"
    return rules


class CalendarView(ScopedMixin, View):
    """节假日与调休: the year's holidays and make-up working days (global rows + the property's own)."""

    action = "calendar.manage"
    template_name = "core/calendar.html"

    def _prop_and_year(self, request):
        props = list(selectors.manageable_properties(user=request.user, action=self.action))
        if not props:
            raise Http404
        wanted = request.POST.get("property") or request.GET.get("property")
        prop = props[0]
        if wanted:
            prop = next((p for p in props if str(p.pk) == str(wanted)), None)
            if prop is None:
                raise Http404  # another property: 404
        raw_year = request.POST.get("year") or request.GET.get("year") or ""
        year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else None
        return props, prop, year or timezone.localdate().year

    def page(self, request, props, prop, year, day_form=None, status=200):
        first, last = services.calendar_known_years()
        rows = selectors.calendar_year(prop=prop, year=year)
        ctx = {
            "properties": props,
            "prop": prop,
            "year": year,
            "years": list(range(year - 2, year + 3)),
            "rows": rows,
            "holiday_count": sum(1 for r in rows if not r["is_workday"]),
            "workday_count": sum(1 for r in rows if r["is_workday"]),
            "day_form": day_form or CalendarDayForm(),
            "seed_form": CalendarSeedForm(initial={"year": year}),
            "known_first": first,
            "known_last": last,
            "year_known": first <= year <= last,
        }
        return render(request, self.template_name, ctx, status=status)

    def get(self, request):
        props, prop, year = self._prop_and_year(request)
        return self.page(request, props, prop, year)

    def post(self, request):
        """Add or override one day for the property."""
        props, prop, year = self._prop_and_year(request)
        form = CalendarDayForm(request.POST)
        if not form.is_valid():
            return self.page(request, props, prop, year, form, status=400)
        data = form.cleaned_data
        try:
            day = services.calendar_day_set(
                actor=request.user,
                prop=prop,
                day=data["date"],
                is_workday=data["kind"] == "workday",
                name=data["name"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            return self.page(request, props, prop, year, form, status=exc.status_code)
        messages.success(request, f"已保存 {day.date:%Y-%m-%d} 的设置。")
        return redirect(f"{reverse('core:calendar')}?property={prop.pk}&year={day.date.year}")


class CalendarSeedView(CalendarView):
    """Seed a year from chinese-calendar (global rows; the office's own rows are kept)."""

    def get(self, request):
        return redirect("core:calendar")

    def post(self, request):
        props, prop, year = self._prop_and_year(request)
        form = CalendarSeedForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请填写正确的年份。(Enter a valid year.)")
            return redirect(f"{reverse('core:calendar')}?property={prop.pk}")
        year = form.cleaned_data["year"]
        try:
            added = services.calendar_seed(actor=request.user, years=[year], strict=True)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, f"已从 chinese-calendar 导入 {year} 年放假安排:新增 {added} 天。")
        return redirect(f"{reverse('core:calendar')}?property={prop.pk}&year={year}")


class CalendarDayRemoveView(CalendarView):
    """Remove the property's own entry: the date follows the global calendar again."""

    def get(self, request, pk):
        return redirect("core:calendar")

    def post(self, request, pk):
        props, _prop, _year = self._prop_and_year(request)
        day = get_object_or_404(CalendarDay, pk=pk, property__in=props)  # global rows and others: 404
        services.calendar_day_remove(actor=request.user, day=day)
        messages.success(request, f"已删除本项目对 {day.date:%Y-%m-%d} 的设置。")
        return redirect(f"{reverse('core:calendar')}?property={day.property_id}&year={day.date.year}")
