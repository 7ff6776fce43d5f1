"""API shapes of 不符合项; writes go through the services."""

from rest_framework import serializers

from core.api.base import ScopedPK as BaseScopedPK
from core.models import Department, Property, User

from ..choices import NonConformitySource
from ..models import NonConformity


class ScopedPK(BaseScopedPK):
    default_action = "quality.raise"


class NonConformitySerializer(serializers.ModelSerializer):
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    found_by = serializers.StringRelatedField()
    responsible_name = serializers.SerializerMethodField()
    corrected_by = serializers.StringRelatedField()
    verified_by = serializers.StringRelatedField()
    voided_by = serializers.StringRelatedField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = NonConformity
        fields = [
            "id",
            "property",
            "number",
            "source",
            "source_display",
            "status",
            "status_display",
            "found_at",
            "found_by",
            "place",
            "description",
            "standard",
            "department",
            "department_name",
            "responsible",
            "responsible_name",
            "requirement",
            "due_at",
            "overdue",
            "correction",
            "corrected_by",
            "corrected_at",
            "verified_by",
            "verified_at",
            "verification_result",
            "verification_note",
            "failed_verifications",
            "void_reason",
            "voided_by",
            "voided_at",
            "created_at",
        ]

    def get_responsible_name(self, obj) -> str:
        return str(obj.responsible) if obj.responsible_id else ""

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()


class RaiseSerializer(serializers.Serializer):
    property = ScopedPK(queryset=Property.objects.all())
    source = serializers.ChoiceField(choices=NonConformitySource.choices)
    found_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    place = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    description = serializers.CharField()
    standard = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    department = ScopedPK(queryset=Department.objects.all())
    responsible = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    requirement = serializers.CharField()
    due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class CorrectSerializer(serializers.Serializer):
    correction = serializers.CharField()


class VerifySerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    new_due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)
