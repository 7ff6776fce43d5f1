"""客户动态 (R-CUST-01): a customer's service requests — complaints, repairs, help requests and consultations
are all ServiceRequest kinds, so one provider covers them: received, closed and reopened in the window
(two queries whatever the number of customers; residents.developments)."""

from django.db.models import Q

from residents.developments import MAX_PER_PROVIDER, Development

from .choices import EventKind, RequestKind
from .engine import REOPEN


def request_developments(resident_ids, since, until) -> list[Development]:
    from .models import ServiceRequest, TimelineEvent

    out: list[Development] = []
    rows = (
        ServiceRequest.objects.filter(reporter_id__in=resident_ids)
        .filter(
            Q(received_at__gt=since, received_at__lte=until) | Q(closed_at__gt=since, closed_at__lte=until)
        )
        .only("reporter_id", "kind", "number", "title", "received_at", "closed_at", "is_emergency")
        .order_by("-received_at", "-id")[:MAX_PER_PROVIDER]
    )
    for r in rows:
        label = f"{r.get_kind_display()} {r.number} {r.title}"
        url = r.get_absolute_url()
        if since < r.received_at <= until:
            warn = r.kind == RequestKind.COMPLAINT or r.is_emergency
            out.append(
                Development(
                    r.reporter_id, r.received_at, "", f"受理{label}", url, "warning" if warn else "info"
                )
            )
        if r.closed_at and since < r.closed_at <= until:
            out.append(Development(r.reporter_id, r.closed_at, "", f"已关闭{label}", url))
    reopened = (
        TimelineEvent.objects.filter(
            request__reporter_id__in=resident_ids,
            kind=EventKind.STATUS,
            at__gt=since,
            at__lte=until,
            data__transition=REOPEN,
        )
        .select_related("request")
        .only("at", "text", "request__reporter_id", "request__kind", "request__number", "request__title")
        .order_by("-at", "-id")[:MAX_PER_PROVIDER]
    )
    for e in reopened:
        r = e.request
        out.append(
            Development(
                r.reporter_id,
                e.at,
                "",
                f"重新打开{r.get_kind_display()} {r.number} {r.title}:{e.text}",
                r.get_absolute_url(),
                "warning",
            )
        )
    return out
