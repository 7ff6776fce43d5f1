import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import VisitStatus
from .models import VisitorEntry
from .selectors import day_bounds


class VisitorEntryFilterSet(django_filters.FilterSet):
    """One filterset for the register list page, its Excel export and the API."""

    date = django_filters.DateFilter(label=_("来访日期"), method="filter_date")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=VisitStatus.choices)
    q = django_filters.CharFilter(label=_("访客姓名/编号"), method="filter_q")
    unit = django_filters.CharFilter(label=_("房间"), field_name="unit__label")
    property = django_filters.NumberFilter(label=_("项目"), field_name="property_id")

    class Meta:
        model = VisitorEntry
        fields = ["date", "status", "q", "unit", "property"]

    def filter_date(self, qs, name, value):
        if not value:
            return qs
        start, end = day_bounds(value)
        return qs.filter(arrived_at__gte=start, arrived_at__lt=end)

    def filter_q(self, qs, name, value):
        v = (value or "").strip()
        if not v:
            return qs
        if v.upper().startswith("FK"):
            return qs.filter(number__startswith=v.upper())
        return qs.filter(visitor_name__startswith=v)
