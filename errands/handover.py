"""Counts handed over at each 交接班 (duty.handover.HANDOVER_COUNTS)."""


def laundry_held(prop) -> int:
    from .choices import LaundryStatus
    from .models import LaundryOrder

    return LaundryOrder.objects.filter(
        property=prop, status__in=[LaundryStatus.RECEIVED, LaundryStatus.RETURNED]
    ).count()


def callbacks_open(prop) -> int:
    from .choices import CallOutcome
    from .models import PhoneCall

    return PhoneCall.objects.filter(
        property=prop, outcome=CallOutcome.CALLBACK, callback_done_at__isnull=True
    ).count()
