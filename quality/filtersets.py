import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Department, Property

from .choices import OPEN_STATUSES, NonConformitySource, NonConformityStatus
from .models import NonConformity
from .selectors import overdue_filter


class NonConformityFilterSet(django_filters.FilterSet):
    """One filterset for the list page, its Excel export and the API."""

    status = django_filters.ChoiceFilter(label=_("状态"), choices=NonConformityStatus.choices)
    source = django_filters.ChoiceFilter(label=_("来源"), choices=NonConformitySource.choices)
    department = django_filters.ModelChoiceFilter(
        label=_("责任部门"), queryset=Department.objects.none(), method="filter_department"
    )
    overdue = django_filters.BooleanFilter(label=_("已超期"), method="filter_overdue")
    open = django_filters.BooleanFilter(label=_("未关闭"), method="filter_open")
    q = django_filters.CharFilter(label=_("编号/内容"), method="filter_q")
    property = django_filters.NumberFilter(label=_("项目"), field_name="property_id")

    class Meta:
        model = NonConformity
        fields = ["status", "source", "department", "overdue", "open", "q", "property"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        depts = Department.objects.none()
        if user is not None:
            props = Property.objects.restrict(user, "quality.view")
            depts = Department.objects.filter(property__in=props).order_by("property_id", "id")
        self.filters["department"].queryset = depts

    def filter_department(self, qs, name, value):
        return qs.filter(department=value) if value else qs

    def filter_overdue(self, qs, name, value):
        if value is True:
            return qs.filter(overdue_filter())
        if value is False:
            return qs.exclude(overdue_filter())
        return qs

    def filter_open(self, qs, name, value):
        if value is True:
            return qs.filter(status__in=OPEN_STATUSES)
        if value is False:
            return qs.exclude(status__in=OPEN_STATUSES)
        return qs

    def filter_q(self, qs, name, value):
        v = (value or "").strip()
        if not v:
            return qs
        if v.upper().startswith("BF"):
            return qs.filter(number__startswith=v.upper())
        return qs.filter(Q(description__contains=v) | Q(place__contains=v))
