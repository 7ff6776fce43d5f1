"""客户动态 (R-CUST-01): callbacks recorded and owner visits made for a customer in the window — 不满意 is
flagged (two queries on the (resident, called_at) / (resident, visited_at) indexes; residents.developments)."""

from residents.developments import MAX_PER_PROVIDER, Development

from .choices import Satisfaction


def callback_developments(resident_ids, since, until) -> list[Development]:
    from .models import Callback, OwnerVisit

    out: list[Development] = []
    for c in (
        Callback.objects.filter(resident_id__in=resident_ids, called_at__gt=since, called_at__lte=until)
        .only("resident_id", "called_at", "subject", "satisfaction", "method")
        .order_by("-called_at", "-id")[:MAX_PER_PROVIDER]
    ):
        sat = c.get_satisfaction_display() if c.satisfaction else ""
        out.append(
            Development(
                c.resident_id,
                c.called_at,
                "",
                f"回访({c.get_method_display()}):{c.subject}" + (f" · {sat}" if sat else ""),
                c.get_absolute_url(),
                "warning" if c.satisfaction == Satisfaction.UNSATISFIED else "info",
            )
        )
    for v in (
        OwnerVisit.objects.filter(resident_id__in=resident_ids, visited_at__gt=since, visited_at__lte=until)
        .only("resident_id", "visited_at", "method", "opinions", "needs", "satisfaction")
        .order_by("-visited_at", "-id")[:MAX_PER_PROVIDER]
    ):
        said = ";".join(x for x in (v.opinions, v.needs) if x)
        out.append(
            Development(
                v.resident_id,
                v.visited_at,
                "",
                f"业主回访({v.get_method_display()})" + (f":{said[:80]}" if said else ""),
                v.get_absolute_url(),
                "warning" if v.satisfaction == Satisfaction.UNSATISFIED else "info",
            )
        )
    return out
