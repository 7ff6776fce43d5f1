from rest_framework import serializers

from core.masking import mask_phone

from ..engine import workflow_for
from ..models import ServiceRequest, TimelineEvent


class TimelineEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = TimelineEvent
        fields = ["id", "at", "kind", "actor", "actor_name", "text", "from_status", "to_status", "data"]

    def get_actor_name(self, obj) -> str:
        return str(obj.actor) if obj.actor_id else ""  # a clock or the system acted: no name


class ServiceRequestSerializer(serializers.ModelSerializer):
    status_label = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "property",
            "kind",
            "number",
            "channel",
            "status",
            "status_label",
            "unit",
            "location",
            "location_detail",
            "reporter",
            "reporter_name",
            "contact_phone",
            "title",
            "description",
            "category",
            "priority",
            "is_emergency",
            "department",
            "assignee",
            "created_by",
            "received_at",
            "closed_at",
            "reopen_count",
            "satisfaction",
            "feedback",
        ]
        read_only_fields = fields

    def get_status_label(self, obj) -> str:
        return workflow_for(obj.kind).label(obj.status)

    def get_contact_phone(self, obj) -> str:
        return mask_phone(obj.contact_phone)  # R-ARCH-06: masked by default


class ClockedRequestSerializer(ServiceRequestSerializer):
    """A row of the overdue / about-to-breach lists: the request and its most urgent running clock."""

    clock_label = serializers.CharField(read_only=True)
    clock_due_at = serializers.DateTimeField(read_only=True)

    class Meta(ServiceRequestSerializer.Meta):
        fields = [*ServiceRequestSerializer.Meta.fields, "clock_label", "clock_due_at"]
        read_only_fields = fields


class TransitionSerializer(serializers.Serializer):
    name = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    expected_status = serializers.CharField(required=False, allow_blank=True, default="")


class NoteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["note", "call", "reply", "escalation"], default="note")
    text = serializers.CharField()


class AssignSerializer(serializers.Serializer):
    department = serializers.IntegerField(required=False, allow_null=True)
    assignee = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FeedbackSerializer(serializers.Serializer):
    satisfaction = serializers.ChoiceField(choices=["satisfied", "average", "unsatisfied"])
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class PhotoSerializer(serializers.Serializer):
    file = serializers.FileField()
    caption = serializers.CharField(required=False, allow_blank=True, default="")


class LanguageCheckSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)


class PhraseGroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    rule = serializers.CharField()
    hint = serializers.CharField()
    phrases = serializers.ListField(child=serializers.CharField())


class ConsultationCreateSerializer(serializers.Serializer):
    property = serializers.IntegerField()
    channel = serializers.CharField()
    question = serializers.CharField()
    reporter_name = serializers.CharField()
    contact_phone = serializers.CharField(required=False, allow_blank=True, default="")
    unit = serializers.IntegerField(required=False, allow_null=True)
    confidential = serializers.BooleanField(required=False, default=False)
