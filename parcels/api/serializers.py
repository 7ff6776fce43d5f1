from rest_framework import serializers

from ..choices import (
    AttemptChannel,
    AttemptOutcome,
    LetterKind,
    MailKind,
    OwnerChoice,
    ReceiptMark,
    VerifyMethod,
)
from ..models import Letter, NotificationSlip, NotifyAttempt, Parcel, ParcelBatch


class ParcelSerializer(serializers.ModelSerializer):
    unit_label = serializers.CharField(source="unit.label", read_only=True)
    resident_name = serializers.CharField(source="resident.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Parcel
        fields = [
            "id",
            "property",
            "batch",
            "kind",
            "courier",
            "is_postal",
            "tracking_no",
            "unit",
            "unit_label",
            "resident",
            "resident_name",
            "oversize",
            "shelf",
            "receipt_mark",
            "consent_by",
            "received_at",
            "received_by",
            "status",
            "status_display",
            "owner_choice",
            "reached_at",
            "notified_at",
            "next_call_at",
            "attempts",
            "not_collected_reason",
            "chased_on",
            "released_at",
            "released_by",
            "collector_name",
            "id_checked",
            "return_reason",
        ]
        read_only_fields = fields


class ParcelCreateSerializer(serializers.Serializer):
    property = serializers.IntegerField()
    unit = serializers.CharField(help_text="房号,如 3-1201(或房间 id)")
    addressee_name = serializers.CharField(required=False, allow_blank=True, default="")
    resident = serializers.IntegerField(required=False, allow_null=True, default=None)
    courier = serializers.CharField()
    kind = serializers.ChoiceField(choices=MailKind.choices, default=MailKind.EXPRESS)
    tracking_no = serializers.CharField(required=False, allow_blank=True, default="")
    receipt_mark = serializers.ChoiceField(
        choices=ReceiptMark.choices, required=False, allow_blank=True, default=""
    )
    consent_by = serializers.CharField(required=False, allow_blank=True, default="")
    oversize = serializers.BooleanField(default=False)
    shelf = serializers.CharField(required=False, allow_blank=True, default="")


class BulkRowSerializer(serializers.Serializer):
    recipient = serializers.CharField(help_text="“3-1201” 或 “3-1201 张三”")
    tracking_no = serializers.CharField(required=False, allow_blank=True, default="")
    shelf = serializers.CharField(required=False, allow_blank=True, default="")
    consent = serializers.BooleanField(default=False, help_text="已电话征得业主同意代签 (R-EXP-07)")
    oversize = serializers.BooleanField(default=False)
    kind = serializers.ChoiceField(choices=MailKind.choices, required=False)


class BulkSerializer(serializers.Serializer):
    property = serializers.IntegerField()
    courier = serializers.CharField()
    kind = serializers.ChoiceField(choices=MailKind.choices, default=MailKind.EXPRESS)
    receipt_mark = serializers.ChoiceField(
        choices=ReceiptMark.choices, required=False, allow_blank=True, default=""
    )
    rows = BulkRowSerializer(many=True)


class BatchSerializer(serializers.ModelSerializer):
    parcels = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ParcelBatch
        fields = ["id", "property", "courier", "is_postal", "received_by", "received_at", "count", "parcels"]


class NotifySerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=AttemptChannel.choices)
    outcome = serializers.ChoiceField(
        choices=AttemptOutcome.choices, required=False, allow_blank=True, default=""
    )
    owner_choice = serializers.ChoiceField(
        choices=OwnerChoice.choices, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = NotifyAttempt
        fields = [
            "id",
            "parcel",
            "letter",
            "at",
            "by",
            "channel",
            "outcome",
            "owner_choice",
            "note",
            "message",
        ]


class ReleaseSerializer(serializers.Serializer):
    collector_name = serializers.CharField(allow_blank=True)
    collector_relation = serializers.CharField(required=False, allow_blank=True, default="")
    mode = serializers.ChoiceField(choices=OwnerChoice.choices, default=OwnerChoice.COLLECT)
    with_slip = serializers.BooleanField(default=False)
    id_checked = serializers.BooleanField(default=False)
    owner_signed = serializers.BooleanField(default=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class SlipIssueSerializer(serializers.Serializer):
    serial = serializers.IntegerField(required=False, allow_null=True, default=None)


class SlipSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    unit_label = serializers.CharField(source="unit.label", read_only=True, default="")

    class Meta:
        model = NotificationSlip
        fields = [
            "id",
            "property",
            "serial",
            "number",
            "parcel",
            "letter",
            "unit",
            "unit_label",
            "resident",
            "mail_description",
            "status",
            "issued_at",
            "issued_by",
            "door_delivered_at",
            "label_attached",
            "closed_at",
            "closed_by",
            "collection_mode",
            "owner_signature",
            "followup_at",
            "followup_by",
            "followup_reached",
            "followup_note",
            "void_reason",
            "voided_at",
            "reviewed_at",
            "bound_at",
        ]
        read_only_fields = fields


class FollowupSerializer(serializers.Serializer):
    reached = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class LetterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Letter
        fields = [
            "id",
            "property",
            "kind",
            "sender",
            "addressee_name",
            "unit_text",
            "unit",
            "resident",
            "match",
            "verify_method",
            "hold_instruction",
            "status",
            "received_on",
            "registered_by",
            "delivered_at",
            "held_reason",
            "collected_at",
            "collector_name",
            "return_reason",
            "returned_at",
            "return_due_on",
            "handed_back_at",
        ]
        read_only_fields = fields


class LetterCreateSerializer(serializers.Serializer):
    property = serializers.IntegerField()
    addressee_name = serializers.CharField(allow_blank=True)
    unit_text = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=LetterKind.choices, default=LetterKind.LETTER)
    sender = serializers.CharField(required=False, allow_blank=True, default="")


class LetterActionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    collector_name = serializers.CharField(required=False, allow_blank=True, default="")
    method = serializers.ChoiceField(
        choices=VerifyMethod.choices, required=False, allow_blank=True, default=""
    )
    resident = serializers.IntegerField(required=False, allow_null=True, default=None)
    not_ours = serializers.BooleanField(default=False)
    outcome = serializers.ChoiceField(
        choices=AttemptOutcome.choices, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CallRowSerializer(serializers.Serializer):
    parcel = serializers.IntegerField(source="parcel.pk")
    unit_label = serializers.CharField(source="parcel.unit.label")
    resident_name = serializers.CharField(source="parcel.resident.name")
    phone = serializers.CharField()
    due = serializers.DateTimeField()
    attempts = serializers.IntegerField(source="parcel.attempts")


class DeskSummarySerializer(serializers.Serializer):
    held = serializers.IntegerField()
    to_notify = serializers.IntegerField()
    calls_due = serializers.IntegerField()
    quiet_hours = serializers.BooleanField()
    to_deliver = serializers.IntegerField()
    chased_today = serializers.IntegerField()
    reason_missing = serializers.IntegerField()
    slips_open = serializers.IntegerField()
    followups_due = serializers.IntegerField()
