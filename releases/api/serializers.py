"""API shapes. The carrier's ID and phone are masked in every output; writes go through services."""

from rest_framework import serializers

from ..choices import ReleaseKind
from ..models import GoodsRelease, ReleaseItem


class ReleaseItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReleaseItem
        fields = ["id", "name", "quantity", "is_large", "note", "mismatch"]
        read_only_fields = ["id", "mismatch"]


class GoodsReleaseSerializer(serializers.ModelSerializer):
    items = ReleaseItemSerializer(many=True, read_only=True)
    unit_label = serializers.CharField(source="unit.label", read_only=True)
    resident_name = serializers.CharField(source="resident.name", read_only=True)
    carrier_id_number = serializers.CharField(source="masked_carrier_id", read_only=True)
    carrier_phone = serializers.CharField(source="masked_carrier_phone", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    fees_settled = serializers.SerializerMethodField()

    class Meta:
        model = GoodsRelease
        fields = [
            "id",
            "property",
            "number",
            "kind",
            "status",
            "status_display",
            "unit",
            "unit_label",
            "resident",
            "resident_name",
            "carrier_name",
            "carrier_id_number",
            "carrier_phone",
            "planned_at",
            "reason",
            "company_format_ref",
            "has_large_items",
            "confirmed_with",
            "confirmed_at",
            "fees_settled",
            "fees_settled_at",
            "issued_at",
            "checked_at",
            "exit_note",
            "filed_at",
            "replaces",
            "items",
            "created_at",
        ]

    def get_fees_settled(self, obj) -> bool:
        return bool(obj.fees_settled_at)


class ItemInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    quantity = serializers.IntegerField(min_value=1, max_value=9999, default=1)
    is_large = serializers.BooleanField(default=False)
    note = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class ReleaseApplySerializer(serializers.Serializer):
    property = serializers.IntegerField(required=False)
    kind = serializers.ChoiceField(choices=ReleaseKind.choices, default=ReleaseKind.ORDINARY)
    unit = serializers.IntegerField()
    resident = serializers.IntegerField()
    carrier_name = serializers.CharField(max_length=50)
    carrier_id_number = serializers.CharField(max_length=40)
    carrier_phone = serializers.CharField(max_length=30)
    planned_at = serializers.DateTimeField()
    items = ItemInSerializer(many=True)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    company_format_ref = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class ConfirmPhoneSerializer(serializers.Serializer):
    confirmed_with = serializers.CharField(max_length=50)


class FeesSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class IssueSerializer(serializers.Serializer):
    carrier_signed = serializers.BooleanField()


class ExitCheckSerializer(serializers.Serializer):
    match = serializers.BooleanField()
    mismatched_item_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class IdCopySerializer(serializers.Serializer):
    file = serializers.FileField()
