from rest_framework import serializers

from core.api.base import ScopedPK as BaseScopedPK
from core.models import Building, Department, Location, Property, Unit, User

from ..choices import DutyCategory, LeaveReason, Shift
from ..models import DutyDay, DutyEntry, Handover, HandoverItem, Post, PostShift, SpecialIncidentReport


class _ScopedPK(BaseScopedPK):
    default_action = "duty.view"


class DutyEntrySerializer(serializers.ModelSerializer):
    date = serializers.DateField(source="day.date", read_only=True)
    day_signed = serializers.BooleanField(source="day.is_signed", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    recorded_by = serializers.StringRelatedField(read_only=True)
    is_void = serializers.BooleanField(read_only=True)

    class Meta:
        model = DutyEntry
        fields = [
            "id",
            "property",
            "date",
            "day_signed",
            "occurred_at",
            "category",
            "category_display",
            "course",
            "handling",
            "result",
            "unit",
            "location",
            "is_major",
            "recorded_by",
            "is_void",
            "voided_at",
            "void_reason",
        ]
        read_only_fields = fields


class DutyEntryWriteSerializer(serializers.Serializer):
    property = _ScopedPK(queryset=Property.objects.all(), action="duty.write")
    occurred_at = serializers.DateTimeField()
    category = serializers.ChoiceField(choices=DutyCategory.choices)
    course = serializers.CharField()
    handling = serializers.CharField(required=False, allow_blank=True, default="")
    result = serializers.CharField(required=False, allow_blank=True, default="")
    unit = _ScopedPK(queryset=Unit.objects.all(), required=False, allow_null=True, default=None)
    location = _ScopedPK(queryset=Location.objects.all(), required=False, allow_null=True, default=None)
    is_major = serializers.BooleanField(required=False, default=False)


class DutyEntryUpdateSerializer(DutyEntryWriteSerializer):
    property = None

    def __init__(self, *args, **kw):
        kw["partial"] = True
        super().__init__(*args, **kw)
        self.fields.pop("property", None)
        for f in self.fields.values():
            f.required = False


class DutyReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class DutyDaySerializer(serializers.ModelSerializer):
    signed_by = serializers.StringRelatedField(read_only=True)
    is_signed = serializers.BooleanField(read_only=True)
    entry_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = DutyDay
        fields = ["id", "property", "date", "is_signed", "signed_by", "signed_at", "comment", "entry_count"]
        read_only_fields = fields


class DutyDaySignSerializer(serializers.Serializer):
    property = _ScopedPK(queryset=Property.objects.all(), action="duty.signoff")
    date = serializers.DateField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class PhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    mime = serializers.CharField()
    size = serializers.IntegerField()


class SpecialReportSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    created_by = serializers.StringRelatedField(read_only=True)
    acknowledged_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = SpecialIncidentReport
        fields = [
            "id",
            "property",
            "entry",
            "title",
            "details",
            "losses",
            "reported_to",
            "status",
            "status_display",
            "created_by",
            "submitted_at",
            "acknowledged_by",
            "acknowledged_at",
            "acknowledge_comment",
        ]
        read_only_fields = fields


class SpecialReportCreateSerializer(serializers.Serializer):
    entry = _ScopedPK(queryset=DutyEntry.objects.all(), action="duty.write")
    title = serializers.CharField(max_length=200)
    details = serializers.CharField()
    losses = serializers.CharField(required=False, allow_blank=True, default="")
    reported_to = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class PhotoUploadSerializer(serializers.Serializer):
    photo = serializers.FileField(required=False)


class HandoverItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = HandoverItem
        fields = ["id", "description", "important", "done"]
        read_only_fields = fields


class HandoverSerializer(serializers.ModelSerializer):
    items = HandoverItemSerializer(many=True, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    shift_display = serializers.CharField(source="get_shift_display", read_only=True)

    class Meta:
        model = Handover
        fields = [
            "id",
            "property",
            "shift_date",
            "shift",
            "shift_display",
            "outgoing",
            "incoming",
            "status",
            "status_display",
            "started_at",
            "handed_over_at",
            "confirmed_at",
            "checks",
            "anomalies",
            "anomaly_explanation",
            "follow_ups",
            "unfinished_reason",
            "counts_snapshot",
            "outgoing_signed_at",
            "incoming_signed_at",
            "ledger_entry_ids",
            "reject_reason",
            "items",
        ]
        read_only_fields = fields


class HandoverCreateSerializer(serializers.Serializer):
    property = _ScopedPK(queryset=Property.objects.all(), action="handover.do")
    incoming = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    shift_date = serializers.DateField(required=False, allow_null=True, default=None)
    shift = serializers.ChoiceField(choices=Shift.choices, required=False, allow_null=True, default=None)


class CheckRowSerializer(serializers.Serializer):
    item = serializers.CharField()
    expected = serializers.IntegerField(min_value=0)
    actual = serializers.IntegerField(min_value=0, allow_null=True, required=False, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class HandoverUpdateSerializer(serializers.Serializer):
    checks = CheckRowSerializer(many=True, required=False)
    anomalies = serializers.CharField(required=False, allow_blank=True)
    anomaly_explanation = serializers.CharField(required=False, allow_blank=True)
    follow_ups = serializers.CharField(required=False, allow_blank=True)


class HandoverItemCreateSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=300)
    important = serializers.BooleanField(required=False, default=False)


class HandoverItemDoneSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    done = serializers.BooleanField()


class HandOverSerializer(serializers.Serializer):
    unfinished_reason = serializers.CharField(required=False, allow_blank=True, default="")


# --- post attendance (岗位签到, R-DUTY-15/16) --------------------------------------------------------------


class PostSerializer(serializers.ModelSerializer):
    building_name = serializers.CharField(source="building.name", read_only=True, default=None)
    department_name = serializers.CharField(source="department.name", read_only=True, default=None)

    class Meta:
        model = Post
        fields = [
            "id",
            "property",
            "name",
            "building",
            "building_name",
            "department",
            "department_name",
            "never_empty",
            "active",
        ]
        read_only_fields = fields


class PostCreateSerializer(serializers.Serializer):
    property = _ScopedPK(queryset=Property.objects.all(), action="post.manage")
    name = serializers.CharField(max_length=50)
    building = _ScopedPK(
        queryset=Building.objects.all(), action="post.manage", required=False, allow_null=True, default=None
    )
    department = _ScopedPK(
        queryset=Department.objects.all(), action="post.manage", required=False, allow_null=True, default=None
    )
    never_empty = serializers.BooleanField(required=False, default=True)


class PostUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False)
    building = _ScopedPK(
        queryset=Building.objects.all(), action="post.manage", required=False, allow_null=True
    )
    department = _ScopedPK(
        queryset=Department.objects.all(), action="post.manage", required=False, allow_null=True
    )
    never_empty = serializers.BooleanField(required=False)
    active = serializers.BooleanField(required=False)


class PostShiftSerializer(serializers.ModelSerializer):
    post_name = serializers.CharField(source="post.name", read_only=True)
    staff_name = serializers.StringRelatedField(source="staff", read_only=True)
    signed_in_by = serializers.StringRelatedField(read_only=True)
    signed_out_by = serializers.StringRelatedField(read_only=True)
    approved_by_name = serializers.StringRelatedField(source="approved_by", read_only=True)
    leave_reason_display = serializers.CharField(source="get_leave_reason_display", read_only=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = PostShift
        fields = [
            "id",
            "property",
            "post",
            "post_name",
            "staff",
            "staff_name",
            "signed_in_at",
            "signed_in_by",
            "signed_out_at",
            "signed_out_by",
            "leave_reason",
            "leave_reason_display",
            "approved_by",
            "approved_by_name",
            "relieved_by",
            "note",
            "is_open",
        ]
        read_only_fields = fields


class PostSignInSerializer(serializers.Serializer):
    post = _ScopedPK(queryset=Post.objects.all(), action="post.attend")
    staff = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class PostSignOutSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=LeaveReason.choices)
    approved_by = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    relieved_by = _ScopedPK(
        queryset=PostShift.objects.all(), action="post.attend", required=False, allow_null=True, default=None
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
