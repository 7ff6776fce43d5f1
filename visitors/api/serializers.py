from rest_framework import serializers

from core.api.base import ScopedPK as BaseScopedPK
from core.masking import mask_id, mask_phone
from core.models import Property, Unit
from residents.models import Resident

from ..choices import ConfirmMethod, ConfirmResult, ContactSource, IdType, PreauthSource
from ..models import (
    KeyForVisitor,
    SpareKeyEntry,
    VisitorContactAttempt,
    VisitorEntry,
    VisitorPreauthorization,
)


class ScopedPK(BaseScopedPK):
    default_action = "visitor.view"


class MaskedIdField(serializers.CharField):
    def to_representation(self, value):
        return mask_id(value)


class MaskedPhoneField(serializers.CharField):
    def to_representation(self, value):
        return mask_phone(value)


class AttemptSerializer(serializers.ModelSerializer):
    by = serializers.StringRelatedField()

    class Meta:
        model = VisitorContactAttempt
        fields = ["id", "at", "method", "source", "contacted_with", "result", "note", "by"]
        read_only_fields = fields


class VisitorEntrySerializer(serializers.ModelSerializer):
    """R-ARCH-06: ID and phone masked; R-ARCH-07: `directions` (floor/unit) only once the owner agreed."""

    visitor_id_number = MaskedIdField(read_only=True)
    visitor_phone = MaskedPhoneField(read_only=True)
    unit_label = serializers.CharField(source="unit.label", read_only=True)
    resident_name = serializers.CharField(source="resident.name", read_only=True, default="")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    registered_by = serializers.StringRelatedField()
    confirmed_by = serializers.StringRelatedField()
    overstaying = serializers.SerializerMethodField()
    directions = serializers.CharField(read_only=True)

    class Meta:
        model = VisitorEntry
        fields = [
            "id",
            "property",
            "number",
            "visitor_name",
            "visitor_id_type",
            "visitor_id_number",
            "visitor_phone",
            "party_size",
            "unit",
            "unit_label",
            "resident",
            "resident_name",
            "purpose",
            "arrived_at",
            "expected_leave_at",
            "left_at",
            "status",
            "status_display",
            "overstaying",
            "preauthorization",
            "confirm_method",
            "confirmed_with",
            "confirmed_by",
            "confirm_result",
            "confirmed_at",
            "contact_attempts",
            "message",
            "extension_count",
            "registered_by",
            "notes",
            "directions",
        ]
        read_only_fields = fields

    def get_overstaying(self, obj) -> bool:
        return obj.is_overstaying(self.context.get("now"))


class VisitorEntryDetailSerializer(VisitorEntrySerializer):
    attempts = AttemptSerializer(many=True, read_only=True)

    class Meta(VisitorEntrySerializer.Meta):
        fields = VisitorEntrySerializer.Meta.fields + ["attempts"]
        read_only_fields = fields


class RegisterSerializer(serializers.Serializer):
    property = ScopedPK(queryset=Property.objects.all(), action="visitor.register")
    visitor_name = serializers.CharField(max_length=50)
    visitor_id_type = serializers.ChoiceField(choices=IdType.choices, default=IdType.ID_CARD)
    visitor_id_number = serializers.CharField(max_length=40)
    visitor_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    party_size = serializers.IntegerField(min_value=1, max_value=50, default=1)
    unit = ScopedPK(queryset=Unit.objects.all(), action="visitor.register")
    resident = ScopedPK(
        queryset=Resident.objects.all(),
        action="visitor.register",
        required=False,
        allow_null=True,
        default=None,
    )
    purpose = serializers.CharField(max_length=200)
    arrived_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    expected_leave_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    preauthorization = ScopedPK(
        queryset=VisitorPreauthorization.objects.all(),
        action="visitor.register",
        required=False,
        allow_null=True,
        default=None,
    )
    notes = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ContactSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=ConfirmMethod.choices)
    result = serializers.ChoiceField(choices=ConfirmResult.choices)
    contacted_with = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    source = serializers.ChoiceField(choices=ContactSource.choices, default=ContactSource.REGISTER)
    identity_checked = serializers.BooleanField(default=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class LookupSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ContactNumberSerializer(serializers.Serializer):
    label = serializers.CharField()
    number = serializers.CharField()


class LookupResultSerializer(serializers.Serializer):
    resident = serializers.CharField()
    contacts = ContactNumberSerializer(many=True)


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=500)
    send_sms = serializers.BooleanField(default=True)


class ExtendSerializer(serializers.Serializer):
    expected_leave_at = serializers.DateTimeField()
    notified_by = serializers.CharField(max_length=50)
    reason = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class LeaveSerializer(serializers.Serializer):
    left_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class DeskEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    visitor_name = serializers.CharField()
    party_size = serializers.IntegerField()
    unit_label = serializers.CharField(source="unit.label")
    arrived_at = serializers.DateTimeField()
    expected_leave_at = serializers.DateTimeField()


class DeskSummarySerializer(serializers.Serializer):
    in_building = serializers.IntegerField()
    overstaying = serializers.IntegerField()
    waiting = serializers.IntegerField()
    today = serializers.IntegerField()
    in_building_list = DeskEntrySerializer(many=True)
    overstaying_list = DeskEntrySerializer(many=True)


class PreauthSerializer(serializers.ModelSerializer):
    visitor_id_number = MaskedIdField(read_only=True)
    visitor_phone = MaskedPhoneField(read_only=True)
    unit_label = serializers.CharField(source="unit.label", read_only=True)
    resident_name = serializers.CharField(source="resident.name", read_only=True)
    recorded_by = serializers.StringRelatedField()
    active = serializers.SerializerMethodField()

    class Meta:
        model = VisitorPreauthorization
        fields = [
            "id",
            "property",
            "unit",
            "unit_label",
            "resident",
            "resident_name",
            "visitor_name",
            "visitor_id_type",
            "visitor_id_number",
            "visitor_phone",
            "party_size",
            "valid_from",
            "valid_to",
            "nobody_home",
            "contact_method",
            "instructions",
            "source",
            "recorded_by",
            "revoked_at",
            "revoke_reason",
            "active",
        ]
        read_only_fields = fields

    def get_active(self, obj) -> bool:
        return obj.is_active()


class PreauthWriteSerializer(serializers.Serializer):
    property = ScopedPK(queryset=Property.objects.all(), action="visitor.preauth")
    unit = ScopedPK(queryset=Unit.objects.all(), action="visitor.preauth")
    resident = ScopedPK(queryset=Resident.objects.all(), action="visitor.preauth")
    visitor_name = serializers.CharField(max_length=50)
    visitor_id_type = serializers.ChoiceField(choices=IdType.choices, default=IdType.ID_CARD)
    visitor_id_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    visitor_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    party_size = serializers.IntegerField(min_value=1, max_value=50, default=1)
    valid_from = serializers.DateTimeField()
    valid_to = serializers.DateTimeField()
    nobody_home = serializers.BooleanField(default=False)
    contact_method = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    instructions = serializers.CharField(required=False, allow_blank=True, default="")
    source = serializers.ChoiceField(choices=PreauthSource.choices, default=PreauthSource.PHONE)


class KeySerializer(serializers.ModelSerializer):
    collector_id_number = MaskedIdField(read_only=True)
    checked_id_number = MaskedIdField(read_only=True)
    unit_label = serializers.CharField(source="unit.label", read_only=True)
    resident_name = serializers.CharField(source="resident.name", read_only=True)
    received_by = serializers.StringRelatedField()
    handed_over_by = serializers.StringRelatedField()

    class Meta:
        model = KeyForVisitor
        fields = [
            "id",
            "property",
            "number",
            "unit",
            "unit_label",
            "resident",
            "resident_name",
            "description",
            "collector_name",
            "collector_id_number",
            "expected_collect_at",
            "envelope_sealed",
            "deposited_at",
            "received_by",
            "status",
            "entry",
            "checked_id_type",
            "checked_id_number",
            "signature_name",
            "signed_at",
            "handed_over_by",
            "returned_at",
            "note",
        ]
        read_only_fields = fields


class KeyWriteSerializer(serializers.Serializer):
    property = ScopedPK(queryset=Property.objects.all(), action="visitor.key")
    unit = ScopedPK(queryset=Unit.objects.all(), action="visitor.key")
    resident = ScopedPK(queryset=Resident.objects.all(), action="visitor.key")
    collector_name = serializers.CharField(max_length=50)
    collector_id_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=100, default="房门钥匙")
    expected_collect_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    envelope_sealed = serializers.BooleanField(default=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class KeyHandoverSerializer(serializers.Serializer):
    entry = ScopedPK(queryset=VisitorEntry.objects.all(), action="visitor.key")
    checked_id_type = serializers.ChoiceField(choices=IdType.choices)
    checked_id_number = serializers.CharField(max_length=40)
    identity_checked = serializers.BooleanField(default=False)
    signature_name = serializers.CharField(max_length=50)
    signed = serializers.BooleanField(default=False)


class SpareKeySerializer(serializers.ModelSerializer):
    unit_label = serializers.CharField(source="unit.label", read_only=True)
    key_holder = serializers.StringRelatedField()
    requested_by = serializers.StringRelatedField()
    declined_by = serializers.StringRelatedField()
    locked_by = serializers.StringRelatedField()

    class Meta:
        model = SpareKeyEntry
        fields = [
            "id",
            "property",
            "entry",
            "unit",
            "unit_label",
            "resident",
            "status",
            "requested_by",
            "letter_faxed_at",
            "letter_signed_on",
            "letter_received_at",
            "declined_by",
            "declined_at",
            "decline_note",
            "key_use_ref",
            "lent_by",
            "key_holder",
            "key_borrowed_at",
            "people_present",
            "entered_at",
            "key_returned_at",
            "exited_at",
            "locked_by",
            "locked_at",
        ]
        read_only_fields = fields


class LetterSerializer(serializers.Serializer):
    signed_on = serializers.DateField()
    scan = serializers.FileField(required=False, allow_null=True, default=None)


class DeclineSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200)


class BorrowSerializer(serializers.Serializer):
    lent_by = serializers.CharField(max_length=50)
    key_use_ref = serializers.CharField(max_length=50)
    people_present = serializers.CharField(max_length=200)


class LockSerializer(serializers.Serializer):
    lent_by = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
