from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from core.models import Property
from core.permissions import can

from ..selectors import desk_screen


def _counts(d: dict) -> dict:
    return {k: v for k, v in d.items() if isinstance(v, int | bool)}


class DeskView(APIView):
    """The front desk's screen as numbers: what waits now in every register that crosses the counter."""

    @extend_schema(
        parameters=[OpenApiParameter("property", int, required=False)],
        responses=inline_serializer(
            "DeskScreen",
            {
                "property": serializers.IntegerField(),
                "visitors": serializers.DictField(),
                "parcels": serializers.DictField(),
                "storage": serializers.DictField(),
                "releases": serializers.DictField(),
                "handover_counts": serializers.ListField(),
            },
        ),
    )
    def get(self, request):
        if not can(request.user, "desk.view"):
            raise PermissionDenied()
        qs = Property.objects.restrict(request.user, "desk.view").order_by("id")
        wanted = request.query_params.get("property")
        prop = get_object_or_404(qs, pk=wanted) if wanted else qs.first()
        d = desk_screen(user=request.user, prop=prop)
        return Response(
            {
                "property": prop.pk,
                "visitors": _counts(d["visitors"]),
                "parcels": _counts(d["parcels"]),
                "storage": _counts(d["storage"]),
                "releases": _counts(d["releases"]),
                "handover_counts": d["handover_counts"],
            }
        )
