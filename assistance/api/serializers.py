from rest_framework import serializers

from core.masking import mask_phone
from servicedesk.engine import workflow_for

from .. import selectors
from ..choices import HelpCategory, ReferralKind
from ..models import HelpReferral, HelpRegisterBatch, HelpRequest, HelpStep, Incident


class HelpStepSerializer(serializers.ModelSerializer):
    done_by_name = serializers.CharField(source="done_by.__str__", read_only=True)
    value = serializers.SerializerMethodField()

    def get_value(self, obj) -> dict:
        return {k: mask_phone(v) if k == "phone" else v for k, v in obj.value.items()}  # R-ARCH-06

    class Meta:
        model = HelpStep
        fields = ["key", "label", "value", "note", "done_by", "done_by_name", "done_at"]


class HelpReferralSerializer(serializers.ModelSerializer):
    class Meta:
        model = HelpReferral
        fields = ["id", "kind", "target", "department", "linked_request", "note", "created_by", "created_at"]


class HelpRequestSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="request.number", read_only=True)
    property = serializers.IntegerField(source="request.property_id", read_only=True)
    status = serializers.CharField(source="request.status", read_only=True)
    status_label = serializers.SerializerMethodField()
    channel = serializers.CharField(source="request.channel", read_only=True)
    reporter_name = serializers.CharField(source="request.reporter_name", read_only=True)
    contact_phone = serializers.SerializerMethodField()
    unit = serializers.IntegerField(source="request.unit_id", read_only=True, allow_null=True)
    place = serializers.CharField(source="request.place", read_only=True)
    description = serializers.SerializerMethodField()
    received_at = serializers.DateTimeField(source="request.received_at", read_only=True)
    closed_at = serializers.DateTimeField(source="request.closed_at", read_only=True, allow_null=True)
    steps = HelpStepSerializer(many=True, read_only=True)
    referrals = HelpReferralSerializer(many=True, read_only=True)

    class Meta:
        model = HelpRequest
        fields = [
            "request",
            "number",
            "property",
            "category",
            "status",
            "status_label",
            "channel",
            "reporter_name",
            "contact_phone",
            "unit",
            "place",
            "description",
            "received_at",
            "closed_at",
            "confidential",
            "is_principle",
            "supervisor_reply",
            "first_response_at",
            "is_paid",
            "fee",
            "fee_note",
            "result",
            "batch",
            "voided_at",
            "steps",
            "referrals",
        ]
        read_only_fields = fields

    def get_status_label(self, obj) -> str:
        return workflow_for("help").label(obj.request.status)

    def get_contact_phone(self, obj) -> str:
        return mask_phone(obj.request.contact_phone)

    def get_description(self, obj) -> str:
        user = self.context["request"].user if "request" in self.context else None
        if obj.confidential and not selectors.may_read_confidential(user, obj.request.property_id):
            return "(保密)"  # R-HELP-11
        return obj.request.description


class HelpCreateSerializer(serializers.Serializer):
    property = serializers.IntegerField()
    category = serializers.ChoiceField(choices=HelpCategory.choices)
    channel = serializers.CharField()
    reporter_name = serializers.CharField()
    contact_phone = serializers.CharField(required=False, allow_blank=True, default="")
    description = serializers.CharField()
    unit = serializers.IntegerField(required=False, allow_null=True)
    location_detail = serializers.CharField(required=False, allow_blank=True, default="")
    floor_address = serializers.CharField(required=False, allow_blank=True, default="")
    patient_phone = serializers.CharField(required=False, allow_blank=True, default="")
    confidential = serializers.BooleanField(required=False, default=False)
    is_paid = serializers.BooleanField(required=False, default=False)


class StepTickSerializer(serializers.Serializer):
    key = serializers.CharField()
    values = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReferSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReferralKind.choices)
    target = serializers.CharField(required=False, allow_blank=True, default="")
    department = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PromiseSerializer(serializers.Serializer):
    answer_by = serializers.DateTimeField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField()


class ReplySerializer(serializers.Serializer):
    reply = serializers.CharField()


class FeeSerializer(serializers.Serializer):
    is_paid = serializers.BooleanField()
    fee = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ResolveSerializer(serializers.Serializer):
    result = serializers.CharField()
    expected_status = serializers.CharField(required=False, allow_blank=True, default="")


class UnsatisfiableSerializer(serializers.Serializer):
    reason = serializers.CharField()
    expected_status = serializers.CharField(required=False, allow_blank=True, default="")


class IncidentSerializer(serializers.ModelSerializer):
    help_number = serializers.CharField(source="help.request.number", read_only=True, default="")

    class Meta:
        model = Incident
        fields = [
            "id",
            "property",
            "number",
            "type",
            "occurred_at",
            "place",
            "description",
            "status",
            "help",
            "help_number",
            "notified_security_at",
            "notified_supervisor_at",
            "notified_manager_at",
            "opened_by",
            "handling",
            "handled_at",
            "handled_by",
            "closed_at",
            "closed_by",
        ]
        read_only_fields = fields


class HandlingSerializer(serializers.Serializer):
    handling = serializers.CharField()


class CloseSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class BatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = HelpRegisterBatch
        fields = [
            "id",
            "property",
            "year",
            "status",
            "archived_at",
            "archived_by",
            "dispose_after",
            "request_count",
            "disposed_at",
            "disposed_by",
            "disposal_note",
        ]
        read_only_fields = fields


class ArchiveSerializer(serializers.Serializer):
    property = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class DisposeSerializer(serializers.Serializer):
    reason = serializers.CharField()
