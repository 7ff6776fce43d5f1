"""API shapes of the errands registers. ID and phone numbers are masked in every output."""

from rest_framework import serializers

from ..models import ConciergeErrand, LaundryItem, LaundryOrder, PettyCashUse, PhoneCall, TicketBooking


class TicketSerializer(serializers.ModelSerializer):
    passenger_id_number = serializers.CharField(source="masked_id", read_only=True)
    unit_label = serializers.CharField(source="unit.label", read_only=True)

    class Meta:
        model = TicketBooking
        exclude = ["created_by", "reconfirmed_by"]


class ErrandSerializer(serializers.ModelSerializer):
    unit_label = serializers.CharField(source="unit.label", read_only=True)

    class Meta:
        model = ConciergeErrand
        exclude = ["created_by"]


class LaundryItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = LaundryItem
        fields = ["garment", "quantity", "finish"]


class LaundrySerializer(serializers.ModelSerializer):
    items = LaundryItemSerializer(many=True, read_only=True)
    unit_label = serializers.CharField(source="unit.label", read_only=True)

    class Meta:
        model = LaundryOrder
        exclude = ["pickup_handler"]


class CashUseSerializer(serializers.ModelSerializer):
    unit_label = serializers.CharField(source="unit.label", read_only=True)
    fund_amount = serializers.DecimalField(max_digits=9, decimal_places=2, read_only=True)

    class Meta:
        model = PettyCashUse
        fields = "__all__"


class CallSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(source="masked_phone", read_only=True)

    class Meta:
        model = PhoneCall
        fields = "__all__"


class CashBalanceSerializer(serializers.Serializer):
    property = serializers.IntegerField()
    balance = serializers.DecimalField(max_digits=12, decimal_places=2)
    propose_topup = serializers.BooleanField()
    min_topup = serializers.DecimalField(max_digits=9, decimal_places=2)
