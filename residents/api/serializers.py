"""API shapes. Phone and ID numbers are masked in every output (R-ARCH-06); writes go through services."""

from rest_framework import serializers

from core.masking import mask_phone

from ..choices import CorrespondenceDirection, Gender, GrantPurpose, OccupancyRole, ResidentKind
from ..models import (
    ArchiveAccessGrant,
    ArchiveAccessLog,
    ContactPerson,
    Correspondence,
    CustomerAssignment,
    CustomerNeed,
    DevelopmentReview,
    EmergencyContact,
    Occupancy,
    Resident,
)


class UnitBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()


class ResidentSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(source="masked_phone", read_only=True)
    phone2 = serializers.SerializerMethodField()
    id_number = serializers.CharField(source="masked_id_number", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    current_units = serializers.SerializerMethodField()

    class Meta:
        model = Resident
        fields = [
            "id",
            "property",
            "kind",
            "kind_display",
            "name",
            "name_pinyin",
            "name_initials",
            "gender",
            "phone",
            "phone2",
            "id_number",
            "email",
            "is_key_customer",
            "notes",
            "archived_at",
            "current_units",
        ]

    def get_phone2(self, obj) -> str:
        return mask_phone(obj.phone2)

    def get_current_units(self, obj) -> list[dict]:
        return [{"id": u.pk, "label": u.label} for u in obj.current_units()]


class ResidentWriteSerializer(serializers.Serializer):
    property = serializers.IntegerField(required=False, help_text="项目 id(仅新建时;多项目用户必填)")
    kind = serializers.ChoiceField(choices=ResidentKind.choices, required=False)
    name = serializers.CharField(max_length=100, required=False)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    phone2 = serializers.CharField(max_length=30, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    is_key_customer = serializers.BooleanField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class OccupancySerializer(serializers.ModelSerializer):
    unit_label = serializers.CharField(source="unit.label", read_only=True)
    resident_name = serializers.CharField(source="resident.name", read_only=True)

    class Meta:
        model = Occupancy
        fields = ["id", "unit", "unit_label", "resident", "resident_name", "role", "relation", "start", "end"]
        read_only_fields = ["end"]


class OccupancyStartSerializer(serializers.Serializer):
    resident = serializers.IntegerField()
    unit = serializers.IntegerField()
    role = serializers.ChoiceField(choices=OccupancyRole.choices)
    relation = serializers.CharField(required=False, allow_blank=True, default="")
    start = serializers.DateField()


class OccupancyEndSerializer(serializers.Serializer):
    end = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ContactPersonSerializer(serializers.ModelSerializer):
    phone = serializers.SerializerMethodField()

    class Meta:
        model = ContactPerson
        fields = ["id", "company", "name", "title", "phone", "start", "end", "change_reason"]

    def get_phone(self, obj) -> str:
        return mask_phone(obj.phone)


class ContactPersonChangeSerializer(serializers.Serializer):
    company = serializers.IntegerField()
    name = serializers.CharField(max_length=50)
    title = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    start = serializers.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class EmergencyContactSerializer(serializers.ModelSerializer):
    phone = serializers.SerializerMethodField()

    class Meta:
        model = EmergencyContact
        fields = ["id", "resident", "name", "relation", "phone", "active"]

    def get_phone(self, obj) -> str:
        return mask_phone(obj.phone)


class EmergencyContactAddSerializer(serializers.Serializer):
    resident = serializers.IntegerField()
    name = serializers.CharField(max_length=50)
    relation = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CorrespondenceSerializer(serializers.ModelSerializer):
    recorded_by_name = serializers.CharField(source="recorded_by.__str__", read_only=True)

    class Meta:
        model = Correspondence
        fields = [
            "id",
            "resident",
            "direction",
            "subject",
            "summary",
            "date",
            "recorded_by",
            "recorded_by_name",
        ]
        read_only_fields = ["recorded_by"]


class CorrespondenceAddSerializer(serializers.Serializer):
    resident = serializers.IntegerField()
    direction = serializers.ChoiceField(choices=CorrespondenceDirection.choices)
    subject = serializers.CharField(max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    date = serializers.DateField()
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class GrantSerializer(serializers.ModelSerializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True)

    class Meta:
        model = ArchiveAccessGrant
        fields = [
            "id",
            "resident",
            "resident_name",
            "requested_by",
            "purpose",
            "reason",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "expires_at",
            "created_at",
        ]
        read_only_fields = fields


class GrantRequestSerializer(serializers.Serializer):
    resident = serializers.IntegerField()
    purpose = serializers.ChoiceField(choices=GrantPurpose.choices, default=GrantPurpose.READ)
    reason = serializers.CharField()


class GrantDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AccessLogSerializer(serializers.ModelSerializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True)
    reader_name = serializers.CharField(source="reader.__str__", read_only=True)

    class Meta:
        model = ArchiveAccessLog
        fields = [
            "id",
            "resident",
            "resident_name",
            "reader",
            "reader_name",
            "grant",
            "reason",
            "purpose",
            "at",
        ]


class FullReadSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=GrantPurpose.choices, default=GrantPurpose.READ)


class AssignmentSerializer(serializers.ModelSerializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True)
    administrator_name = serializers.CharField(source="administrator.__str__", read_only=True)

    class Meta:
        model = CustomerAssignment
        fields = [
            "id",
            "resident",
            "resident_name",
            "administrator",
            "administrator_name",
            "assigned_by",
            "assigned_at",
            "first_contact_due",
            "first_contacted_at",
            "first_contact_note",
            "ended_at",
        ]
        read_only_fields = fields


class ProposeSerializer(serializers.Serializer):
    property = serializers.IntegerField()
    residents = serializers.ListField(child=serializers.IntegerField(), required=False)
    limit = serializers.IntegerField(required=False, default=200, min_value=1, max_value=2000)


class AssignPairSerializer(serializers.Serializer):
    resident = serializers.IntegerField()
    administrator = serializers.IntegerField()


class AssignSerializer(serializers.Serializer):
    property = serializers.IntegerField()
    assignments = AssignPairSerializer(many=True)


class FirstContactSerializer(serializers.Serializer):
    note = serializers.CharField()


class RosterImportSerializer(serializers.Serializer):
    property = serializers.IntegerField()
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=True)


# --- 客户动态 (R-CUST-01/02) and needs passed on (R-CUST-06) ---------------------------------------------


class DevelopmentSerializer(serializers.Serializer):
    resident_id = serializers.IntegerField()
    at = serializers.DateTimeField()
    area = serializers.CharField()
    text = serializers.CharField()
    url = serializers.CharField()
    level = serializers.CharField()


class NeedBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    status = serializers.CharField()
    department = serializers.IntegerField(source="department_id", allow_null=True)


class DevelopmentAreaSerializer(serializers.Serializer):
    area = serializers.CharField()
    developments = DevelopmentSerializer(many=True)


class CustomerDevelopmentsSerializer(serializers.Serializer):
    resident = serializers.IntegerField(source="resident.pk")
    name = serializers.CharField(source="resident.name")
    is_key_customer = serializers.BooleanField(source="resident.is_key_customer")
    areas = serializers.SerializerMethodField()
    open_needs = NeedBriefSerializer(many=True)

    def get_areas(self, row) -> list[dict]:
        return [
            {"area": area, "developments": DevelopmentSerializer(items, many=True).data}
            for area, items in row.by_area
        ]


class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")


class DevelopmentsPageSerializer(serializers.Serializer):
    """R-CUST-01/02: the customers with developments in the window, key customers first, classified by area."""

    property = serializers.IntegerField(source="prop.pk")
    administrator = UserBriefSerializer()
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    last_reviewed_at = serializers.DateTimeField(
        source="last_review.reviewed_at", allow_null=True, default=None
    )
    total = serializers.IntegerField()
    quiet = serializers.IntegerField()
    customers = CustomerDevelopmentsSerializer(source="rows", many=True)
    not_reviewed_today = UserBriefSerializer(many=True, required=False)


class DevelopmentReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = DevelopmentReview
        fields = ["id", "property", "administrator", "date", "reviewed_at", "seen", "note"]
        read_only_fields = fields


class DevelopmentReviewWriteSerializer(serializers.Serializer):
    property = serializers.IntegerField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CustomerNeedSerializer(serializers.ModelSerializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True, default="")
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = CustomerNeed
        fields = [
            "id",
            "property",
            "resident",
            "resident_name",
            "text",
            "department",
            "department_name",
            "status",
            "status_display",
            "recorded_by",
            "recorded_at",
            "passed_at",
            "answered_at",
            "answer",
        ]
        read_only_fields = fields


class CustomerNeedCreateSerializer(serializers.Serializer):
    resident = serializers.IntegerField()
    text = serializers.CharField()
    department = serializers.IntegerField(required=False, allow_null=True, default=None)


class NeedPassSerializer(serializers.Serializer):
    department = serializers.IntegerField()


class NeedAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField()
