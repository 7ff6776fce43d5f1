from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core import notify
from core.models import Building, Deadline, Location, Notification, OutboxMessage, Property, Unit

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
        ]


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


class PropertyViewSet(ScopedReadOnlyViewSet):
    queryset = Property.objects.all()
    serializer_class = PropertySerializer


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
    serializer_class = NotificationSerializer
    filterset_fields = ["read_at"]

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user).order_by("-created_at")

    @action(detail=False, methods=["post"])
    def read(self, request):
        ids = request.data.get("ids")
        n = notify.mark_read(user=request.user, notification_ids=ids)
        return Response({"marked": n})


def register(router):
    router.register("properties", PropertyViewSet)
    router.register("buildings", BuildingViewSet)
    router.register("units", UnitViewSet)
    router.register("locations", LocationViewSet)
    router.register("deadlines", DeadlineViewSet)
    router.register("outbox", OutboxViewSet)
    router.register("notifications", NotificationViewSet, basename="notification")
