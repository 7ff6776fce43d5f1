from rest_framework import serializers

from core.masking import mask_phone
from servicedesk.choices import Channel
from servicedesk.language import check_text

from ..choices import AnalysisCategory, BasicType, Definition, Emotion, Judgment, RefusalBasis, Severity, Step
from ..models import Complaint, HandlingProposal
from ..selectors import status_label


class ProposalSerializer(serializers.ModelSerializer):
    proposed_by_name = serializers.CharField(source="proposed_by.__str__", read_only=True)
    instructed_by_name = serializers.CharField(source="instructed_by.__str__", read_only=True, default="")

    class Meta:
        model = HandlingProposal
        fields = [
            "id",
            "text",
            "department",
            "proposed_by",
            "proposed_by_name",
            "proposed_at",
            "chosen",
            "instruction",
            "instructed_by",
            "instructed_by_name",
            "instructed_at",
        ]
        read_only_fields = fields


class ComplaintSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="request_id", read_only=True)
    number = serializers.CharField(source="request.number", read_only=True)
    property = serializers.IntegerField(source="request.property_id", read_only=True)
    status = serializers.CharField(source="request.status", read_only=True)
    status_label = serializers.SerializerMethodField()
    channel = serializers.CharField(source="request.channel", read_only=True)
    received_at = serializers.DateTimeField(source="request.received_at", read_only=True)
    closed_at = serializers.DateTimeField(source="request.closed_at", read_only=True)
    reporter = serializers.IntegerField(source="request.reporter_id", read_only=True)
    reporter_name = serializers.CharField(source="request.reporter_name", read_only=True)
    contact_phone = serializers.SerializerMethodField()
    unit = serializers.IntegerField(source="request.unit_id", read_only=True)
    title = serializers.CharField(source="request.title", read_only=True)
    description = serializers.CharField(source="request.description", read_only=True)
    assignee = serializers.IntegerField(source="request.assignee_id", read_only=True)
    reopen_count = serializers.IntegerField(source="request.reopen_count", read_only=True)
    satisfaction = serializers.CharField(source="request.satisfaction", read_only=True)
    progress = serializers.SerializerMethodField()
    proposals = ProposalSerializer(many=True, read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "number",
            "property",
            "status",
            "status_label",
            "channel",
            "received_at",
            "closed_at",
            "reporter",
            "reporter_name",
            "contact_phone",
            "unit",
            "title",
            "description",
            "assignee",
            "reopen_count",
            "satisfaction",
            "caller_company",
            "occurred_at",
            "occurred_place",
            "subject_person",
            "subject_department",
            "narrative",
            "demand",
            "emotion",
            "our_fault",
            "basic_type",
            "analysis_category",
            "definition",
            "severity",
            "is_serious",
            "lease_related",
            "is_engineering",
            "follower",
            "is_paid",
            "charge_standard",
            "pay_consent",
            "owner_signed",
            "judgment",
            "judgment_reason",
            "judged_by",
            "judged_at",
            "responsible_department",
            "responsible_external",
            "investigation_hours",
            "refusal_basis",
            "progress",
            "incoming_doc_no",
            "written_reply",
            "written_reply_approved_by",
            "written_reply_approved_at",
            "apology_text",
            "apology_issued_at",
            "next_reply_at",
            "resolution",
            "understanding",
            "incident_report",
            "instructed_proposal",
            "same_day_replied_at",
            "same_day_reply_missed",
            "major_reported_at",
            "month_escalated_at",
            "handled_at",
            "proposals",
        ]
        read_only_fields = fields

    def get_status_label(self, obj) -> str:
        return status_label(obj.request.status)

    def get_contact_phone(self, obj) -> str:
        return mask_phone(obj.request.contact_phone)

    def get_progress(self, obj) -> list[dict]:
        return obj.progress()


class ComplaintCreateSerializer(serializers.Serializer):
    property = serializers.IntegerField()
    channel = serializers.ChoiceField(choices=[Channel.PHONE, Channel.VISIT, Channel.WRITTEN])
    title = serializers.CharField()
    description = serializers.CharField()
    reporter_name = serializers.CharField()
    contact_phone = serializers.CharField(required=False, allow_blank=True, default="")
    reporter = serializers.IntegerField(required=False, allow_null=True)
    unit = serializers.IntegerField(required=False, allow_null=True)
    location_detail = serializers.CharField(required=False, allow_blank=True, default="")
    caller_company = serializers.CharField(required=False, allow_blank=True, default="")
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    occurred_place = serializers.CharField(required=False, allow_blank=True, default="")
    subject_person = serializers.CharField(required=False, allow_blank=True, default="")
    subject_department = serializers.IntegerField(required=False, allow_null=True)
    narrative = serializers.CharField(required=False, allow_blank=True, default="")
    demand = serializers.CharField(required=False, allow_blank=True, default="")
    emotion = serializers.ChoiceField(choices=[""] + Emotion.values, required=False, default="")
    our_fault = serializers.BooleanField(required=False, allow_null=True, default=None)
    basic_type = serializers.ChoiceField(choices=BasicType.values)
    analysis_category = serializers.ChoiceField(choices=AnalysisCategory.values)
    severity = serializers.ChoiceField(choices=Severity.values, required=False, default=Severity.ORDINARY)
    is_serious = serializers.BooleanField(required=False, default=False)
    ask_supervisor = serializers.BooleanField(required=False, default=False)
    lease_related = serializers.BooleanField(required=False, default=False)
    is_engineering = serializers.BooleanField(required=False, default=False)
    apologised = serializers.BooleanField(required=False, default=False)
    steps = serializers.ListField(
        child=serializers.ChoiceField(choices=Step.values), required=False, default=list
    )
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class JudgeSerializer(serializers.Serializer):
    judgment = serializers.ChoiceField(choices=Judgment.values)
    reason = serializers.CharField()
    responsible_department = serializers.IntegerField(required=False, allow_null=True)
    responsible_external = serializers.CharField(required=False, allow_blank=True, default="")
    investigation_hours = serializers.IntegerField(required=False, allow_null=True)
    definition = serializers.ChoiceField(choices=[""] + Definition.values, required=False, default="")
    severity = serializers.ChoiceField(choices=[""] + Severity.values, required=False, default="")
    our_fault = serializers.BooleanField(required=False, allow_null=True, default=None)
    refusal_basis = serializers.ChoiceField(choices=[""] + RefusalBasis.values, required=False, default="")
    assignee = serializers.IntegerField(required=False, allow_null=True)
    follower = serializers.IntegerField(required=False, allow_null=True)


class ProposalCreateSerializer(serializers.Serializer):
    text = serializers.CharField()
    department = serializers.IntegerField(required=False, allow_null=True)


class InstructSerializer(serializers.Serializer):
    proposal = serializers.IntegerField()
    instruction = serializers.CharField()


class CompleteSerializer(serializers.Serializer):
    resolution = serializers.CharField()
    owner_signed = serializers.BooleanField(required=False, allow_null=True, default=None)


class ReplySerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="")
    next_reply_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class UnderstandingSerializer(serializers.Serializer):
    understanding = serializers.CharField()


class ApologySerializer(serializers.Serializer):
    improvement = serializers.CharField()


class EscalateSerializer(serializers.Serializer):
    report = serializers.CharField()
    incident_report = serializers.CharField(required=False, allow_blank=True, default="")


class UrgeSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CheckSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=Step.values)


class StepSerializer(serializers.Serializer):
    name = serializers.ChoiceField(
        choices=[
            "submit_proposals",
            "return_proposals",
            "start_handling",
            "callback_done",
            "archive",
            "reopen",
            "rejudge",
        ]
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class UpdateSerializer(serializers.Serializer):
    emotion = serializers.ChoiceField(choices=[""] + Emotion.values, required=False)
    our_fault = serializers.BooleanField(required=False, allow_null=True)
    basic_type = serializers.ChoiceField(choices=BasicType.values, required=False)
    analysis_category = serializers.ChoiceField(choices=AnalysisCategory.values, required=False)
    lease_related = serializers.BooleanField(required=False)
    is_engineering = serializers.BooleanField(required=False)
    is_paid = serializers.BooleanField(required=False)
    charge_standard = serializers.CharField(required=False, allow_blank=True)
    pay_consent = serializers.BooleanField(required=False)
    owner_signed = serializers.BooleanField(required=False)
    demand = serializers.CharField(required=False, allow_blank=True)
    narrative = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


def findings(text: str) -> list[dict]:
    """R-LANG: the negative phrases of a reply and what to say instead (a help, never a block)."""
    return [f.__dict__ for f in check_text(text or "")]


class ComplaintWithLanguageSerializer(serializers.Serializer):
    complaint = ComplaintSerializer()
    language = serializers.ListField(child=serializers.DictField())
