"""This area's counts at each 交接班 (duty.handover.HANDOVER_COUNTS), R-SLIP-09."""

from .choices import HELD_STATUSES, SlipStatus


def parcels_held(prop) -> int:
    from .models import Parcel

    return Parcel.objects.filter(property=prop, status__in=HELD_STATUSES).count()


def slips_open(prop) -> int:
    from .models import NotificationSlip

    return NotificationSlip.objects.filter(property=prop, status=SlipStatus.ISSUED).count()


def register():
    from duty.handover import HANDOVER_COUNTS

    HANDOVER_COUNTS.register("parcels.held", "在库快件/包裹", parcels_held, order=20)
    HANDOVER_COUNTS.register("parcels.slips_open", "已发通知单未领取的邮件", slips_open, order=21)
