from rest_framework import serializers

from core.api.base import ScopedPK as BaseScopedPK
from core.masking import mask_id, mask_phone
from core.models import Property, Unit, User
from residents.models import Resident

from ..choices import (
    CollectMethod,
    ConfirmVia,
    DepositorKind,
    DisposalMethod,
    EnvelopeMarking,
    HeldCollectorKind,
    HoldCase,
    IntakeChannel,
    SizeClass,
)
from ..models import CustodyCheck, FoundItem, HeldItem, LostTicketReport, StorageCollection, StoredItem


class ScopedPK(BaseScopedPK):
    default_action = "storage.view"


def StaffPK(**kw):  # noqa: N802  (reads like a field class)
    """A staff account id; the service checks the role in the property."""
    return serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), **kw)


class StorageCollectionSerializer(serializers.ModelSerializer):
    collector_id_number = serializers.SerializerMethodField()
    method_display = serializers.CharField(source="get_method_display", read_only=True)
    released_by = serializers.StringRelatedField()
    filed_by = serializers.StringRelatedField()

    class Meta:
        model = StorageCollection
        fields = [
            "method",
            "method_display",
            "presented_ticket_no",
            "collector_name",
            "collector_is_depositor",
            "collector_id_number",
            "halves_match",
            "inspected_ok",
            "damage_note",
            "compensation",
            "carry_help",
            "parts_stapled",
            "collected_at",
            "released_by",
            "filed_at",
            "filed_by",
        ]
        read_only_fields = fields

    def get_collector_id_number(self, obj) -> str:
        return mask_id(obj.collector_id_number)


class StoredItemSerializer(serializers.ModelSerializer):
    unit_label = serializers.CharField(source="unit.label", default="", read_only=True)
    depositor_phone = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    deposited_by = serializers.StringRelatedField()
    seal_supervisor = serializers.StringRelatedField()
    collection = serializers.SerializerMethodField()

    class Meta:
        model = StoredItem
        fields = [
            "id",
            "property",
            "ticket_no",
            "status",
            "status_display",
            "depositor_kind",
            "resident",
            "unit",
            "unit_label",
            "depositor_name",
            "depositor_phone",
            "intake",
            "fetched_by",
            "description",
            "count",
            "size_class",
            "perishable",
            "owner_insisted",
            "warnings",
            "expected_collect_at",
            "storeroom_due_at",
            "storeroom_suggested",
            "location",
            "sealed",
            "sealed_at",
            "seal_supervisor",
            "deposited_at",
            "deposited_by",
            "collection",
        ]
        read_only_fields = fields

    def get_depositor_phone(self, obj) -> str:
        return mask_phone(obj.depositor_phone)

    def get_collection(self, obj) -> dict | None:
        coll = getattr(obj, "collection", None)  # a missing reverse one-to-one is an AttributeError
        return StorageCollectionSerializer(coll).data if coll else None


class StoredDepositSerializer(serializers.Serializer):
    property = ScopedPK(queryset=Property.objects.all(), action="storage.deposit")
    depositor_kind = serializers.ChoiceField(choices=DepositorKind.choices)
    resident = ScopedPK(
        queryset=Resident.objects.all(),
        action="storage.deposit",
        required=False,
        allow_null=True,
        default=None,
    )
    unit = ScopedPK(
        queryset=Unit.objects.all(), action="storage.deposit", required=False, allow_null=True, default=None
    )
    depositor_name = serializers.CharField(required=False, allow_blank=True, default="")
    depositor_phone = serializers.CharField(required=False, allow_blank=True, default="")
    intake = serializers.ChoiceField(choices=IntakeChannel.choices, default=IntakeChannel.DESK)
    fetched_by = StaffPK(required=False, allow_null=True, default=None)
    description = serializers.CharField()
    count = serializers.IntegerField(default=1)
    size_class = serializers.ChoiceField(choices=SizeClass.choices)
    expected_collect_at = serializers.DateTimeField()
    location = serializers.CharField()
    hazardous = serializers.BooleanField(default=False)
    valuables = serializers.BooleanField(default=False)
    perishable = serializers.BooleanField(default=False)
    owner_insisted = serializers.BooleanField(default=False)
    notice_given = serializers.BooleanField(default=False)
    parts_confirmed = serializers.BooleanField(default=False)


class StoredCollectSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=CollectMethod.choices, default=CollectMethod.TICKET)
    presented_ticket_no = serializers.CharField(required=False, allow_blank=True, default="")
    collector_name = serializers.CharField()
    collector_is_depositor = serializers.BooleanField(default=True)
    collector_id_number = serializers.CharField(required=False, allow_blank=True, default="")
    id_copy = serializers.FileField(required=False, allow_null=True, default=None)
    halves_match = serializers.BooleanField(default=False)
    inspected_ok = serializers.BooleanField(default=True)
    damage_note = serializers.CharField(required=False, allow_blank=True, default="")
    compensation = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True, default=None
    )
    carry_help = serializers.BooleanField(default=False)
    parts_stapled = serializers.BooleanField(default=False)


class StoredPresentTicketSerializer(StoredCollectSerializer):
    """R-STOR-12/13: someone presents a 下联 at the desk; the number finds the item."""

    property = ScopedPK(queryset=Property.objects.all(), action="storage.release")
    ticket_no = serializers.CharField()
    method = None
    presented_ticket_no = None


class StoredSealSerializer(serializers.Serializer):
    supervisor = StaffPK()


class LostTicketReportSerializer(serializers.ModelSerializer):
    ticket_no = serializers.CharField(source="item.ticket_no", read_only=True)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    recorded_by = serializers.StringRelatedField()

    class Meta:
        model = LostTicketReport
        fields = [
            "id",
            "property",
            "item",
            "ticket_no",
            "reporter_name",
            "unit_label",
            "outcome",
            "outcome_display",
            "note",
            "reported_at",
            "recorded_by",
        ]
        read_only_fields = fields


class LostTicketCreateSerializer(serializers.Serializer):
    property = ScopedPK(queryset=Property.objects.all(), action="storage.release")
    ticket_no = serializers.CharField()
    reporter_name = serializers.CharField()
    unit_label = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class HeldItemSerializer(serializers.ModelSerializer):
    unit_label = serializers.CharField(source="unit.label", read_only=True)
    collector_id_number = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    handled_by = serializers.StringRelatedField()
    released_by = serializers.StringRelatedField()

    class Meta:
        model = HeldItem
        fields = [
            "id",
            "property",
            "record_no",
            "case",
            "status",
            "status_display",
            "unit",
            "unit_label",
            "owner_name",
            "resident",
            "depositor_name",
            "description",
            "count",
            "is_key",
            "envelope_sealed",
            "envelope_marking",
            "collector_name",
            "collect_by",
            "held_at",
            "handled_by",
            "chase_count",
            "last_chased_at",
            "chase_note",
            "collected_at",
            "released_by",
            "collector_kind",
            "collected_by_name",
            "collector_is_resident",
            "identity_checked",
            "collector_id_number",
            "depositor_confirmed_via",
            "depositor_confirmed_at",
            "collector_signed",
            "carry_help",
        ]
        read_only_fields = fields

    def get_collector_id_number(self, obj) -> str:
        return mask_id(obj.collector_id_number)


class HeldCreateSerializer(serializers.Serializer):
    property = ScopedPK(queryset=Property.objects.all(), action="holding.write")
    case = serializers.ChoiceField(choices=HoldCase.choices)
    unit = ScopedPK(queryset=Unit.objects.all(), action="holding.write")
    owner_name = serializers.CharField()
    depositor_name = serializers.CharField()
    description = serializers.CharField()
    collector_name = serializers.CharField(required=False, allow_blank=True, default="")
    collect_by = serializers.DateTimeField()
    count = serializers.IntegerField(default=1)
    is_key = serializers.BooleanField(default=False)
    envelope_sealed = serializers.BooleanField(default=False)
    envelope_marking = serializers.ChoiceField(
        choices=EnvelopeMarking.choices, required=False, allow_blank=True, default=""
    )
    resident = ScopedPK(
        queryset=Resident.objects.all(), action="holding.write", required=False, allow_null=True, default=None
    )


class HeldCollectSerializer(serializers.Serializer):
    collector_kind = serializers.ChoiceField(choices=HeldCollectorKind.choices)
    collector_name = serializers.CharField()
    identity_checked = serializers.BooleanField(default=False)
    collector_signed = serializers.BooleanField(default=False)
    collector_is_resident = serializers.BooleanField(default=False)
    collector_id_number = serializers.CharField(required=False, allow_blank=True, default="")
    id_copy = serializers.FileField(required=False, allow_null=True, default=None)
    depositor_confirmed_via = serializers.ChoiceField(
        choices=ConfirmVia.choices, required=False, allow_blank=True, default=""
    )
    carry_help = serializers.BooleanField(default=False)


class StorageNoteSerializer(serializers.Serializer):
    note = serializers.CharField()


class FoundItemSerializer(serializers.ModelSerializer):
    claimant_id_number = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    registered_by = serializers.StringRelatedField()
    claim_confirmed_by = serializers.StringRelatedField()
    disposal_approved_by = serializers.StringRelatedField()

    class Meta:
        model = FoundItem
        fields = [
            "id",
            "property",
            "record_no",
            "status",
            "status_display",
            "name",
            "quantity",
            "features",
            "found_where",
            "found_at",
            "finder_name",
            "handed_in_at",
            "late_report",
            "registered_by",
            "value_estimate",
            "high_value_override",
            "high_value",
            "storage_location",
            "retention_until",
            "owner_search_notes",
            "last_checked_at",
            "claimant_name",
            "claimant_unit",
            "claimant_id_number",
            "claim_evidence",
            "claimant_signed",
            "claimed_at",
            "claim_confirmed_by",
            "disposal_method",
            "disposal_note",
            "disposed_at",
            "disposal_approved_by",
        ]
        read_only_fields = fields

    def get_claimant_id_number(self, obj) -> str:
        return mask_id(obj.claimant_id_number)


class FoundCreateSerializer(serializers.Serializer):
    property = ScopedPK(queryset=Property.objects.all(), action="lostfound.register")
    name = serializers.CharField()
    quantity = serializers.IntegerField(default=1)
    features = serializers.CharField()
    found_where = serializers.CharField()
    found_at = serializers.DateTimeField()
    finder_name = serializers.CharField()
    value_estimate = serializers.DecimalField(max_digits=10, decimal_places=2)
    high_value_override = serializers.BooleanField(default=False)
    storage_location = serializers.CharField(required=False, allow_blank=True, default="")


class FoundClaimSerializer(serializers.Serializer):
    claimant_name = serializers.CharField()
    claimant_id_number = serializers.CharField()
    claim_evidence = serializers.CharField()
    claimant_signed = serializers.BooleanField(default=False)
    claimant_unit = ScopedPK(
        queryset=Unit.objects.all(), action="lostfound.claim", required=False, allow_null=True, default=None
    )


class FoundDisposeSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=DisposalMethod.choices)
    note = serializers.CharField()


class CustodyCheckSerializer(serializers.ModelSerializer):
    checked_by = serializers.StringRelatedField()
    outgoing = serializers.StringRelatedField()

    class Meta:
        model = CustodyCheck
        fields = [
            "id",
            "property",
            "checked_by",
            "outgoing",
            "checked_at",
            "lines",
            "total",
            "missing",
            "note",
        ]
        read_only_fields = fields


class CustodyCheckCreateSerializer(serializers.Serializer):
    property = ScopedPK(queryset=Property.objects.all(), action="handover.do")
    present = serializers.ListField(child=serializers.CharField(), allow_empty=True)
    notes = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)
    outgoing = StaffPK(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CustodyRowSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    no = serializers.CharField()
    label = serializers.CharField()
    where = serializers.CharField()
    who = serializers.CharField()
    flag = serializers.CharField()


class StorageDeskSummarySerializer(serializers.Serializer):
    stored = serializers.IntegerField()
    stored_storeroom_due = serializers.IntegerField()
    lost_tickets = serializers.IntegerField()
    lost_ticket_alerts_today = serializers.IntegerField()
    held = serializers.IntegerField()
    held_overdue = serializers.IntegerField()
    found = serializers.IntegerField()
    found_high_value = serializers.IntegerField()
    found_awaiting_disposal = serializers.IntegerField()
