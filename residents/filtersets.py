import django_filters
from django.utils.translation import gettext_lazy as _

from core.models import Building

from .choices import OccupancyRole, ResidentKind
from .models import Resident
from .selectors import with_current


class ResidentFilterSet(django_filters.FilterSet):
    """One filterset for the list page, its Excel export and the API."""

    q = django_filters.CharFilter(label=_("姓名/拼音"), method="filter_q")
    building = django_filters.ModelChoiceFilter(
        label=_("楼座"), queryset=Building.objects.none(), method="filter_building"
    )
    role = django_filters.ChoiceFilter(label=_("身份"), choices=OccupancyRole.choices, method="filter_role")
    is_key_customer = django_filters.BooleanFilter(label=_("重点客户"))
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=ResidentKind.choices)
    archived = django_filters.BooleanFilter(
        label=_("已归档"), field_name="archived_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Resident
        fields = ["q", "building", "role", "is_key_customer", "kind", "archived"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        if user is not None:
            self.filters["building"].queryset = Building.objects.restrict(user, "resident.view").order_by(
                "property_id", "code"
            )

    def filter_q(self, qs, name, value):
        from .selectors import _prefix

        v = (value or "").strip().lower()
        if not v:
            return qs
        if v.isascii() and v.isalpha():
            return qs.filter(**_prefix("name_initials", v)) | qs.filter(**_prefix("name_pinyin", v))
        return qs.filter(**_prefix("name", value.strip()))

    def filter_building(self, qs, name, value):
        return with_current(qs, unit__building=value) if value else qs

    def filter_role(self, qs, name, value):
        return with_current(qs, role=value) if value else qs
