"""客户动态 (R-CUST-01): a customer's parcels — arrived or released in the window, and those still waiting at
the desk from before it (one query on the resident's parcels; residents.developments)."""

from django.db.models import Q

from residents.developments import MAX_PER_PROVIDER, Development

from .choices import HELD_STATUSES


def parcel_developments(resident_ids, since, until) -> list[Development]:
    from .models import Parcel

    rows = (
        Parcel.objects.filter(resident_id__in=resident_ids)
        .filter(
            Q(received_at__gt=since, received_at__lte=until)
            | Q(released_at__gt=since, released_at__lte=until)
            | Q(status__in=HELD_STATUSES, received_at__lte=since)
        )
        .only("resident_id", "kind", "courier", "tracking_no", "status", "received_at", "released_at")
        .order_by("-received_at", "-id")[:MAX_PER_PROVIDER]
    )
    out: list[Development] = []
    for p in rows:
        what = f"{p.get_kind_display()} {p.courier} {p.tracking_no}".strip()
        url = p.get_absolute_url()
        if since < p.received_at <= until:
            out.append(Development(p.resident_id, p.received_at, "", f"到件:{what}", url))
        if p.released_at and since < p.released_at <= until:
            out.append(Development(p.resident_id, p.released_at, "", f"{p.get_status_display()}:{what}", url))
        if p.status in HELD_STATUSES and p.received_at <= since:
            days = (until - p.received_at).days
            out.append(
                Development(
                    p.resident_id, p.received_at, "", f"仍未领取(已存 {days} 天):{what}", url, "warning"
                )
            )
    return out
