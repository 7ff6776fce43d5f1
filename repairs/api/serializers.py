from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.models import Deadline
from servicedesk.api.serializers import ServiceRequestSerializer

from ..choices import ChargeKind, HoldReason, NotifyMethod, PaymentMethod, RepairScope, Severity, SignerRole
from ..models import (
    AccidentReport,
    DailyReturn,
    DailyReturnLine,
    LossRecord,
    PriceItem,
    RepairCharge,
    RepairOrder,
    SpareKeyEntry,
)


class ChargeSerializer(serializers.ModelSerializer):
    class Meta:
        model = RepairCharge
        fields = [
            "id",
            "kind",
            "price_item",
            "description",
            "quantity",
            "unit_price",
            "amount",
            "service_fee",
            "total",
            "resident_confirmed_at",
            "resident_confirmed_name",
        ]


class KeyEntrySerializer(serializers.ModelSerializer):
    cs_name = serializers.CharField(source="cs_person.__str__", read_only=True)
    security_name = serializers.CharField(source="security_person.__str__", read_only=True)
    engineering_name = serializers.CharField(source="engineering_person.__str__", read_only=True)

    class Meta:
        model = SpareKeyEntry
        fields = [
            "id",
            "cs_person",
            "cs_name",
            "security_person",
            "security_name",
            "engineering_person",
            "engineering_name",
            "entered_at",
            "left_at",
            "key_reference",
            "note",
        ]


class LossSerializer(serializers.ModelSerializer):
    class Meta:
        model = LossRecord
        fields = ["id", "item", "description", "estimated_amount", "recorded_by", "recorded_at"]


class AccidentReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccidentReport
        fields = [
            "id",
            "occurred_at",
            "facts",
            "severity",
            "impact",
            "handling",
            "status",
            "filled_by",
            "submitted_at",
            "acknowledged_by",
            "acknowledged_at",
            "supervisor_note",
        ]


class ClockSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deadline
        fields = [
            "kind",
            "label",
            "state",
            "started_at",
            "due_at",
            "warn_at",
            "business_hours",
            "paused_at",
            "remaining_seconds",
            "met_at",
            "warned_at",
            "breached_at",
            "responsible",
        ]


ORDER_FIELDS = [
    "scope",
    "special_requests",
    "available_times",
    "appointment_at",
    "spare_key_allowed",
    "spare_key_reconfirmed_at",
    "spare_key_reconfirm_note",
    "accompany_requested",
    "reporter_department",
    "notified_at",
    "notify_method",
    "paper_skipped",
    "severity",
    "supervisor_informed_at",
    "collected_at",
    "collector",
    "collector_signature",
    "collect_late",
    "arrived_at",
    "cs_on_site",
    "arrive_late",
    "hold_reason_kind",
    "hold_reason",
    "held_at",
    "resident_agreed",
    "rescheduled_for",
    "remind_at",
    "reminded_at",
    "completed_at",
    "result",
    "repairer_signature",
    "signer_name",
    "signer_role",
    "signed_at",
    "resident_comment",
    "engineer_reported_at",
    "cs_confirmed_at",
    "cs_confirmed_by",
    "cs_confirm_note",
    "is_paid",
    "payment_method",
]


class RepairOrderSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    request = ServiceRequestSerializer(read_only=True)
    charges = ChargeSerializer(many=True, read_only=True)
    charges_total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    key_entries = KeyEntrySerializer(many=True, read_only=True)
    losses = LossSerializer(many=True, read_only=True)
    accident_report = serializers.SerializerMethodField()
    clocks = serializers.SerializerMethodField()

    class Meta:
        model = RepairOrder
        fields = [
            "id",
            "request",
            *ORDER_FIELDS,
            "charges",
            "charges_total",
            "key_entries",
            "losses",
            "accident_report",
            "clocks",
        ]
        read_only_fields = fields

    @extend_schema_field(AccidentReportSerializer(allow_null=True))
    def get_accident_report(self, obj):
        report = AccidentReport.objects.filter(order=obj).first()
        return AccidentReportSerializer(report).data if report else None

    @extend_schema_field(ClockSerializer(many=True))
    def get_clocks(self, obj):
        from django.contrib.contenttypes.models import ContentType

        from servicedesk.models import ServiceRequest

        ct = ContentType.objects.get_for_model(ServiceRequest)
        qs = (
            Deadline.objects.filter(content_type=ct, object_id=obj.pk)
            .exclude(state="cancelled")
            .order_by("started_at", "id")
        )
        return ClockSerializer(qs, many=True).data


class RepairListSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    request = ServiceRequestSerializer(read_only=True)

    class Meta:
        model = RepairOrder
        fields = ["id", "request", *ORDER_FIELDS]
        read_only_fields = fields


class RepairCreateSerializer(serializers.Serializer):
    property = serializers.IntegerField()
    scope = serializers.ChoiceField(choices=RepairScope.choices)
    channel = serializers.CharField(required=False, default="phone")
    unit = serializers.IntegerField(required=False, allow_null=True)
    location = serializers.IntegerField(required=False, allow_null=True)
    location_detail = serializers.CharField(required=False, allow_blank=True, default="")
    reporter = serializers.IntegerField(required=False, allow_null=True)
    reporter_name = serializers.CharField()
    reporter_department = serializers.CharField(required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(required=False, allow_blank=True, default="")
    description = serializers.CharField()
    special_requests = serializers.CharField(required=False, allow_blank=True, default="")
    available_times = serializers.CharField(required=False, allow_blank=True, default="")
    appointment_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    spare_key_allowed = serializers.BooleanField(required=False, default=False)
    accompany_requested = serializers.BooleanField(required=False, default=False)
    notify_now = serializers.BooleanField(required=False, default=True)
    notify_method = serializers.ChoiceField(choices=NotifyMethod.choices, required=False, default="phone")


class EmergencySerializer(serializers.Serializer):
    property = serializers.IntegerField()
    unit = serializers.IntegerField(required=False, allow_null=True)
    location = serializers.IntegerField(required=False, allow_null=True)
    location_detail = serializers.CharField(required=False, allow_blank=True, default="")
    severity = serializers.ChoiceField(choices=Severity.choices)
    description = serializers.CharField()
    reporter_name = serializers.CharField()
    contact_phone = serializers.CharField(required=False, allow_blank=True, default="")
    method = serializers.ChoiceField(choices=NotifyMethod.choices, required=False, default="radio")


def _at():
    return serializers.DateTimeField(required=False, allow_null=True, default=None)


class NotifySerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=NotifyMethod.choices, default="phone")
    assignee = serializers.IntegerField(required=False, allow_null=True, default=None)
    at = _at()


class CollectSerializer(serializers.Serializer):
    collector = serializers.IntegerField()
    signature = serializers.CharField(required=False, allow_blank=True, default="")
    at = _at()


class ArriveSerializer(serializers.Serializer):
    cs_on_site = serializers.BooleanField(required=False, default=False)
    at = _at()


class HoldSerializer(serializers.Serializer):
    reason_kind = serializers.ChoiceField(choices=HoldReason.choices)
    reason = serializers.CharField(allow_blank=True)
    resident_agreed = serializers.BooleanField(required=False, default=False)
    rescheduled_for = serializers.DateTimeField(required=False, allow_null=True, default=None)
    at = _at()


class RescheduleSerializer(serializers.Serializer):
    rescheduled_for = serializers.DateTimeField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TextSerializer(serializers.Serializer):
    text = serializers.CharField()


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    at = _at()


class CompleteSerializer(serializers.Serializer):
    result = serializers.CharField(allow_blank=True)
    repairer_signature = serializers.CharField(allow_blank=True)
    signer_name = serializers.CharField(required=False, allow_blank=True, default="")
    signer_role = serializers.ChoiceField(choices=[("", ""), *SignerRole.choices], required=False, default="")
    resident_comment = serializers.CharField(required=False, allow_blank=True, default="")
    reported_to_cs = serializers.BooleanField(required=False, default=False)
    at = _at()


class SignSerializer(serializers.Serializer):
    signer_name = serializers.CharField(allow_blank=True)
    signer_role = serializers.ChoiceField(choices=[("", ""), *SignerRole.choices], required=False, default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class AtSerializer(serializers.Serializer):
    at = _at()


class KeyEnterSerializer(serializers.Serializer):
    cs_person = serializers.IntegerField(required=False, allow_null=True, default=None)
    security_person = serializers.IntegerField(required=False, allow_null=True, default=None)
    engineering_person = serializers.IntegerField(required=False, allow_null=True, default=None)
    key_reference = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    entered_at = _at()


class KeyLeaveSerializer(serializers.Serializer):
    left_at = _at()


class ChargeCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ChargeKind.choices)
    price_item = serializers.IntegerField(required=False, allow_null=True, default=None)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    quantity = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, default=1)
    unit_price = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True, default=None
    )


class ChargesConfirmSerializer(serializers.Serializer):
    resident_name = serializers.CharField(allow_blank=True)


class PaymentSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=PaymentMethod.choices)


class LossCreateSerializer(serializers.Serializer):
    item = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    estimated_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
    )


class AccidentReportSaveSerializer(serializers.Serializer):
    facts = serializers.CharField(allow_blank=True)
    severity = serializers.ChoiceField(choices=Severity.choices)
    impact = serializers.CharField(required=False, allow_blank=True, default="")
    handling = serializers.CharField(required=False, allow_blank=True, default="")


class PriceItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = PriceItem
        fields = ["id", "property", "category", "seq", "name", "price", "unit", "active"]
        read_only_fields = ["id", "property", "category", "seq", "name", "unit"]


class ReturnLineSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="order.request.number", read_only=True)

    class Meta:
        model = DailyReturnLine
        fields = ["order", "number", "finished", "status_at_return", "unfinished_reason"]


class DailyReturnSerializer(serializers.ModelSerializer):
    lines = ReturnLineSerializer(many=True, read_only=True)

    class Meta:
        model = DailyReturn
        fields = [
            "id",
            "property",
            "date",
            "returned_at",
            "returned_by",
            "received_by",
            "late",
            "handed_to_supervisor_at",
            "handed_to",
            "lines",
        ]
        read_only_fields = fields


class DailyReturnCreateSerializer(serializers.Serializer):
    property = serializers.IntegerField()
    returned_by = serializers.IntegerField()
    reasons = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )


class UnfinishedHandOverSerializer(serializers.Serializer):
    supervisor = serializers.IntegerField()
