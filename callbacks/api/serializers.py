from rest_framework import serializers

from core.api.base import ScopedPK as BaseScopedPK
from core.masking import mask_phone
from core.models import Building, Property, Unit, User
from residents.models import Resident

from ..choices import CallbackMethod, CallbackSource, Decision, Satisfaction
from ..models import (
    Activity,
    Callback,
    OwnerVisit,
    QuarterlyReport,
    SpecialServiceContract,
    Survey,
    VisitPlan,
)


class ScopedPK(BaseScopedPK):
    default_action = "callback.view"


class CallbackSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    contact_phone = serializers.SerializerMethodField()
    callers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Callback
        fields = [
            "id",
            "property",
            "source",
            "source_display",
            "request",
            "contract",
            "activity",
            "resident",
            "unit",
            "contact_name",
            "contact_phone",
            "subject",
            "is_key_customer",
            "status",
            "status_display",
            "method",
            "due_at",
            "lead",
            "department",
            "callers",
            "issued_at",
            "chased_at",
            "agreed_at",
            "called_at",
            "satisfaction",
            "shortcomings",
            "suggestions",
            "resident_confirmed",
            "resident_signature",
            "caller_signature",
            "review_comment",
            "reviewed_at",
            "unqualified",
            "handling_opinion",
            "escalated_at",
            "decision",
            "decision_note",
            "decided_at",
            "closed_at",
            "archived_at",
        ]
        read_only_fields = fields

    def get_contact_phone(self, obj) -> str:
        return mask_phone(obj.contact_phone)


class CallbackCreateSerializer(serializers.Serializer):
    property = ScopedPK(queryset=Property.objects.all(), action="callback.plan")
    subject = serializers.CharField(max_length=200)
    source = serializers.ChoiceField(choices=CallbackSource.choices, default=CallbackSource.PERIODIC)
    contact_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    resident = ScopedPK(queryset=Resident.objects.all(), required=False, allow_null=True, default=None)
    unit = ScopedPK(queryset=Unit.objects.all(), required=False, allow_null=True, default=None)
    method = serializers.ChoiceField(choices=CallbackMethod.choices, default=CallbackMethod.PHONE)
    due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class AssignSerializer(serializers.Serializer):
    callers = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), many=True)
    method = serializers.ChoiceField(
        choices=CallbackMethod.choices, required=False, allow_null=True, default=None
    )


class AgreeSerializer(serializers.Serializer):
    agreed_at = serializers.DateTimeField()


class RecordSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=CallbackMethod.choices)
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    called_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    shortcomings = serializers.CharField(required=False, allow_blank=True, default="")
    suggestions = serializers.CharField(required=False, allow_blank=True, default="")
    resident_confirmed = serializers.BooleanField(default=False)
    resident_signature = serializers.CharField(required=False, allow_blank=True, default="")
    caller_signature = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    unqualified = serializers.BooleanField(default=False)
    handling_opinion = serializers.CharField(required=False, allow_blank=True, default="")


class DecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    note = serializers.CharField()


class ContractSerializer(serializers.ModelSerializer):
    class Meta:
        model = SpecialServiceContract
        fields = ["id", "property", "title", "resident", "unit", "start", "end"]
        read_only_fields = fields


class ContractCreateSerializer(serializers.Serializer):
    property = ScopedPK(queryset=Property.objects.all(), action="callback.plan")
    title = serializers.CharField(max_length=200)
    start = serializers.DateField()
    end = serializers.DateField()
    resident = ScopedPK(queryset=Resident.objects.all(), required=False, allow_null=True, default=None)
    unit = ScopedPK(queryset=Unit.objects.all(), required=False, allow_null=True, default=None)


class ActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Activity
        fields = ["id", "property", "title", "place", "start", "end", "participants"]
        read_only_fields = fields


class ActivityCreateSerializer(serializers.Serializer):
    property = ScopedPK(queryset=Property.objects.all(), action="callback.plan")
    title = serializers.CharField(max_length=200)
    place = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    start = serializers.DateField()
    end = serializers.DateField()
    participants = serializers.IntegerField(min_value=0, default=0)


class VisitPlanSerializer(serializers.ModelSerializer):
    n_total = serializers.IntegerField(read_only=True)
    n_visited = serializers.IntegerField(read_only=True)

    class Meta:
        model = VisitPlan
        fields = ["id", "property", "title", "period_start", "period_end", "administrator", "building"]
        fields += ["n_total", "n_visited"]
        read_only_fields = fields


class VisitPlanCreateSerializer(serializers.Serializer):
    property = ScopedPK(queryset=Property.objects.all(), action="visit.plan")
    title = serializers.CharField(max_length=200)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    administrator = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    building = ScopedPK(queryset=Building.objects.all(), required=False, allow_null=True, default=None)


class OwnerVisitSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = OwnerVisit
        fields = [
            "id",
            "property",
            "resident",
            "unit",
            "plan_entry",
            "visited_at",
            "visitor",
            "method",
            "status",
            "status_display",
            "opinions",
            "suggestions",
            "needs",
            "solution",
            "fed_back_at",
            "satisfaction",
            "further_suggestions",
            "review_comment",
            "supervisor_signature",
            "reviewed_at",
        ]
        read_only_fields = fields


class OwnerVisitCreateSerializer(serializers.Serializer):
    property = ScopedPK(queryset=Property.objects.all(), action="visit.record")
    resident = ScopedPK(queryset=Resident.objects.all(), action="visit.record")
    unit = ScopedPK(queryset=Unit.objects.all(), required=False, allow_null=True, default=None)
    method = serializers.ChoiceField(choices=CallbackMethod.choices, default=CallbackMethod.HOME)
    visited_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    opinions = serializers.CharField(required=False, allow_blank=True, default="")
    suggestions = serializers.CharField(required=False, allow_blank=True, default="")
    needs = serializers.CharField(required=False, allow_blank=True, default="")


class VisitFeedbackSerializer(serializers.Serializer):
    solution = serializers.CharField()
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    further_suggestions = serializers.CharField(required=False, allow_blank=True, default="")


class VisitReviewSerializer(serializers.Serializer):
    signature = serializers.CharField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class QuarterlyReportSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = QuarterlyReport
        fields = [
            "id",
            "property",
            "year",
            "quarter",
            "status",
            "status_display",
            "data",
            "analysis",
            "generated_by",
            "generated_at",
            "review_opinion",
            "reviewed_by",
            "reviewed_at",
            "sent_to",
            "sent_at",
            "filed_by",
            "filed_at",
            "file_due_at",
        ]
        read_only_fields = fields


class ReportGenerateSerializer(serializers.Serializer):
    property = ScopedPK(queryset=Property.objects.all(), action="callback.analysis")
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    analysis = serializers.CharField(required=False, allow_blank=True, default="")


class OpinionSerializer(serializers.Serializer):
    opinion = serializers.CharField()


class SendSerializer(serializers.Serializer):
    manager = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))


class SurveySerializer(serializers.ModelSerializer):
    questions = serializers.SerializerMethodField()

    class Meta:
        model = Survey
        fields = ["id", "property", "title", "distributed_on", "collect_by", "status", "corrective_measures"]
        fields += ["reported_at", "questions"]
        read_only_fields = fields

    def get_questions(self, obj) -> list[dict]:
        return [{"id": q.pk, "text": q.text} for q in obj.questions.all()]


class SurveyCreateSerializer(serializers.Serializer):
    property = ScopedPK(queryset=Property.objects.all(), action="survey.manage")
    title = serializers.CharField(max_length=200)
    distributed_on = serializers.DateField()
    collect_by = serializers.DateField()
    questions = serializers.ListField(child=serializers.CharField(max_length=200), min_length=1)


class SurveyResponseCreateSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.ChoiceField(choices=Satisfaction.choices))
    resident = ScopedPK(queryset=Resident.objects.all(), required=False, allow_null=True, default=None)
    unit = ScopedPK(queryset=Unit.objects.all(), required=False, allow_null=True, default=None)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class SurveyReportSerializer(serializers.Serializer):
    corrective_measures = serializers.CharField()


class SurveyStatSerializer(serializers.Serializer):
    question = serializers.CharField()
    satisfied = serializers.IntegerField()
    average = serializers.IntegerField()
    unsatisfied = serializers.IntegerField()
    total = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
