from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core import notify, rule_settings, services
from core.models import (
    Building,
    CalendarDay,
    Deadline,
    Location,
    Notification,
    OutboxMessage,
    Property,
    Unit,
)
from core.permissions import property_ids

from .base import ScopedReadOnlyViewSet


class PropertySerializer(serializers.ModelSerializer):
    class Meta:
        model = Property
        fields = [
            "id",
            "name",
            "code",
            "kind",
            "address",
            "phone",
            "office_windows",
            "shift_start",
            "shift_end",
            "quiet_start",
            "quiet_end",
            "deadline_warn_share",
            "archive_grant_hours",
            "first_contact_days",
        ]


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "example": "08:30-12:00,13:30-17:30"},
            {"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
        ]
    }
)
class OfficeWindowsField(serializers.Field):
    """Either "08:30-12:00,13:30-17:30" or [["08:30", "12:00"], ["13:30", "17:30"]]."""

    def to_internal_value(self, data):
        if not isinstance(data, str | list):
            raise serializers.ValidationError(
                "应为 “08:30-12:00,13:30-17:30” 或时段列表。(A string or a list.)"
            )
        return data

    def to_representation(self, value):
        return value


class PropertySettingsSerializer(serializers.Serializer):
    """PATCH /api/v1/properties/<id>/ — the same settings as the 项目设置 page (managers only)."""

    name = serializers.CharField(max_length=100, required=False)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    office_windows = OfficeWindowsField(required=False)
    shift_start = serializers.TimeField(required=False)
    shift_end = serializers.TimeField(required=False)
    quiet_start = serializers.TimeField(required=False)
    quiet_end = serializers.TimeField(required=False)
    deadline_warn_share = serializers.IntegerField(required=False)
    archive_grant_hours = serializers.IntegerField(required=False)
    first_contact_days = serializers.IntegerField(required=False)


class RuleSettingSerializer(serializers.Serializer):
    """One 规则参数 of the property (core.rule_settings): its value and its default, in `unit`."""

    key = serializers.CharField(help_text="repairs.confirm_within …")
    area = serializers.CharField()
    area_label = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.ChoiceField(choices=rule_settings.UNITS)
    unit_label = serializers.CharField()
    rule = serializers.CharField(help_text="R-REP-11 …")
    value = serializers.JSONField(help_text="整数(分钟/小时/天/整数)、字符串(decimal)或 HH:MM(time)")
    default = serializers.JSONField()
    is_default = serializers.BooleanField()
    min = serializers.JSONField(allow_null=True)
    max = serializers.JSONField(allow_null=True)
    help = serializers.CharField(allow_blank=True)


RULE_SETTINGS_PATCH = {
    "type": "object",
    "description": "键 → 新值(按该参数的单位);null 或空字符串恢复默认值。(key → new value in the setting's "
    "unit; null or an empty string puts it back to its default.)",
    "additionalProperties": {"oneOf": [{"type": "integer"}, {"type": "string"}], "nullable": True},
    "example": {
        "repairs.confirm_within": 6,
        "storage.found_high_value_above": "200",
        "visitors.max_visit": None,
    },
}


class CalendarDaySerializer(serializers.ModelSerializer):
    scope = serializers.SerializerMethodField()

    class Meta:
        model = CalendarDay
        fields = ["id", "property", "date", "is_workday", "name", "scope"]
        read_only_fields = ["id", "scope"]
        # calendar_day_set updates the property's row of that date; no unique check here.
        validators = []

    def get_scope(self, obj) -> str:
        return "global" if obj.property_id is None else "property"

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        qs = Property.objects.all()
        if request is not None:
            qs = qs.restrict(request.user, "view")
        # Another property is "does not exist" (400), never a confirmation that it exists.
        fields["property"] = serializers.PrimaryKeyRelatedField(queryset=qs)
        return fields


class BuildingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Building
        fields = ["id", "property", "code", "name", "floors", "entrances"]


class UnitSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "property",
            "building",
            "label",
            "entrance",
            "number",
            "floor",
            "area",
            "status",
            "status_display",
        ]


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = ["id", "property", "kind", "name", "building"]


class DeadlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deadline
        fields = [
            "id",
            "property",
            "kind",
            "label",
            "responsible",
            "started_at",
            "due_at",
            "warn_at",
            "state",
            "link",
        ]


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "property", "title", "body", "link", "level", "created_at", "read_at"]


class OutboxSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutboxMessage
        fields = [
            "id",
            "property",
            "channel",
            "to",
            "subject",
            "body",
            "status",
            "adapter",
            "created_at",
            "sent_at",
        ]


class PropertyViewSet(ScopedReadOnlyViewSet, mixins.UpdateModelMixin):
    """Properties of the user. PATCH changes the office's settings (管理处经理 only, property.manage)."""

    queryset = Property.objects.all()
    serializer_class = PropertySerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action == "partial_update":
            return PropertySettingsSerializer
        return PropertySerializer

    @extend_schema(request=PropertySettingsSerializer, responses=PropertySerializer)
    def partial_update(self, request, *args, **kwargs):
        prop = self.get_object()  # another property: 404
        ser = PropertySettingsSerializer(data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        prop = services.property_update(actor=request.user, prop=prop, **ser.validated_data)
        return Response(PropertySerializer(prop, context=self.get_serializer_context()).data)

    def update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(
        methods=["GET"],
        responses=RuleSettingSerializer(many=True),
        description="规则参数: every declared setting with the property's value (everyone of the property).",
    )
    @extend_schema(
        methods=["PATCH"],
        request={"application/json": RULE_SETTINGS_PATCH},
        responses=RuleSettingSerializer(many=True),
        description="Change some 规则参数 (管理处经理 / 客服主管: rule_settings.manage). "
        "An unknown key or a bad value → 400 naming the key; nothing is saved then.",
    )
    @action(
        detail=True,
        methods=["get", "patch"],
        url_path="rule-settings",
        url_name="rule-settings",
        pagination_class=None,
        filter_backends=[],
    )
    def rule_settings_detail(self, request, pk=None):
        prop = self.get_object()  # another property: 404
        if request.method == "PATCH":
            data = request.data
            if not isinstance(data, dict):
                raise serializers.ValidationError(
                    {"detail": "应为“键: 值”的对象。(Send an object of key: value.)"}
                )
            values = data.dict() if hasattr(data, "dict") else dict(data)  # a form post: one value a key
            prop = services.rule_settings_update(actor=request.user, prop=prop, values=values)
        return Response(RuleSettingSerializer(rule_settings.rows(prop), many=True).data)


class BuildingViewSet(ScopedReadOnlyViewSet):
    queryset = Building.objects.all()
    serializer_class = BuildingSerializer
    filterset_fields = ["property"]


class UnitViewSet(ScopedReadOnlyViewSet):
    queryset = Unit.objects.select_related("building").order_by("id")
    serializer_class = UnitSerializer
    filterset_fields = ["property", "building", "status", "number", "label"]


class LocationViewSet(ScopedReadOnlyViewSet):
    queryset = Location.objects.all()
    serializer_class = LocationSerializer
    filterset_fields = ["property", "kind"]


class DeadlineViewSet(ScopedReadOnlyViewSet):
    queryset = Deadline.objects.order_by("due_at")
    serializer_class = DeadlineSerializer
    filterset_fields = ["property", "state", "kind", "responsible"]


class OutboxViewSet(ScopedReadOnlyViewSet):
    permission_action = "outbox.view"
    queryset = OutboxMessage.objects.all()
    serializer_class = OutboxSerializer
    filterset_fields = ["property", "status", "channel"]


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The user's own notifications (?unread=true for unread only)."""

    # For schema generation (no user there); the real rows come from get_queryset().
    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer
    filterset_fields = ["level"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) or not self.request.user.is_authenticated:
            return Notification.objects.none()
        qs = Notification.objects.filter(recipient=self.request.user).order_by("-created_at", "-id")
        unread = self.request.query_params.get("unread", "").lower()
        if unread in {"1", "true", "yes"}:
            qs = qs.filter(read_at__isnull=True)
        return qs

    @extend_schema(
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="只看未读 (unread only)")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=inline_serializer(
            "NotificationRead",
            {"ids": serializers.ListField(child=serializers.IntegerField(), required=False)},
        ),
        responses={200: inline_serializer("NotificationReadResult", {"marked": serializers.IntegerField()})},
    )
    @action(detail=False, methods=["post"])
    def read(self, request):
        """Mark the given ids read, or all unread when no ids are given."""
        ids = request.data.get("ids")
        n = notify.mark_read(user=request.user, notification_ids=ids)
        return Response({"marked": n})


class CalendarDayViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """节假日与调休: the global rows plus the rows of the user's properties (?year=2025, ?property=<id>).
    POST adds or overrides a day for one property (客服主管 / 管理处经理: calendar.manage)."""

    queryset = CalendarDay.objects.all()
    serializer_class = CalendarDaySerializer

    def get_queryset(self):
        ids = property_ids(self.request.user, "view")
        qs = CalendarDay.objects.order_by("date", "property_id")
        if ids is not None:
            qs = qs.filter(Q(property__isnull=True) | Q(property__in=ids))
        params = self.request.query_params
        year = params.get("year", "")
        if year.isdigit():
            qs = qs.filter(date__year=int(year))
        prop = params.get("property", "")
        if prop.isdigit():
            qs = qs.filter(Q(property__isnull=True) | Q(property_id=int(prop)))
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description="年份 (year)"),
            OpenApiParameter("property", OpenApiTypes.INT, description="项目 (property id)"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        day = services.calendar_day_set(
            actor=request.user,
            prop=data["property"],
            day=data["date"],
            is_workday=data["is_workday"],
            name=data.get("name", ""),
        )
        return Response(self.get_serializer(day).data, status=status.HTTP_201_CREATED)


def register(router):
    router.register("properties", PropertyViewSet)
    router.register("buildings", BuildingViewSet)
    router.register("units", UnitViewSet)
    router.register("locations", LocationViewSet)
    router.register("deadlines", DeadlineViewSet)
    router.register("outbox", OutboxViewSet)
    router.register("notifications", NotificationViewSet, basename="notification")
    router.register("calendar-days", CalendarDayViewSet, basename="calendarday")
