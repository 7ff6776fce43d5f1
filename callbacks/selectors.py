"""Reads with a rule: the call list (quiet hours, agreed times), key-customer coverage, the quarterly
analysis (GROUP BY on the request table, a fixed number of queries), visit-plan coverage, survey counts."""

from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core import deadlines
from core.models import Property

from .choices import OPEN_STATUSES, CallbackStatus, Satisfaction
from .models import Callback, OwnerVisit, QuarterlyReport, Survey, SurveyAnswer, VisitPlan, VisitPlanEntry
from .services import REPEATED_COMPLAINTS, REPEATED_REPAIRS, quarter_bounds

# R-CB-08: 电话回访话术 — shown to the caller, the branch chosen by the resident's answer.
PHONE_SCRIPT = {
    "opening": "你好,我是{caller},请问你是{name}吗? 打扰你了。",
    "question": "感谢您对我们公司的支持,请问你对我们公司的产品和服务满意吗?",
    "satisfied": [
        "您对我们的服务有什么建议吗?",
        "感谢你的答复,您如果需要什么帮助,可随时跟我们取得联系,再见!",
    ],
    "unsatisfied": [
        "能否告诉我您对哪方面不满意吗?/我们应改进哪方面的工作?",
        "非常谢谢您的反映,这一点我们的确做到不够,我们很快就会有改进的,望您监督,再见!",
    ],
}


def script_for(callback: Callback, caller) -> dict:
    """R-CB-08 with the names filled in (先生/小姐 from the archive when known)."""
    name = callback.contact_name
    gender = getattr(callback.resident, "gender", "") if callback.resident_id else ""
    honorific = {"M": "先生", "F": "小姐"}.get(gender, "先生/小姐")
    if callback.resident_id and getattr(callback.resident, "kind", "") == "person":
        name = f"{callback.resident.name[:1]}{honorific}"
    return {
        "opening": PHONE_SCRIPT["opening"].format(caller=str(caller), name=name),
        "question": PHONE_SCRIPT["question"],
        "satisfied": PHONE_SCRIPT["satisfied"],
        "unsatisfied": PHONE_SCRIPT["unsatisfied"],
    }


def callback_list(*, user, action: str = "callback.view"):
    return (
        Callback.objects.restrict(user, action)
        .select_related("property", "unit", "resident", "request")
        .prefetch_related("callers")
    )


def callback_for_page(*, user, pk: int) -> Callback:
    return get_object_or_404(
        Callback.objects.restrict(user, "callback.view").select_related(
            "property",
            "unit",
            "resident",
            "request",
            "contract",
            "activity",
            "department",
            "issued_by",
            "recorded_by",
            "reviewed_by",
            "decided_by",
        ),
        pk=pk,
    )


def suggested_call_time(callback: Callback, now: datetime | None = None) -> datetime:
    """R-CB-03/06: the agreed time when there is one (still ahead, or just passed), else now — moved past
    the property's quiet hours. Never a time inside the quiet hours."""
    now = now or timezone.now()
    prop = callback.property
    if callback.agreed_at and callback.agreed_at >= now - timedelta(hours=1):
        return deadlines.next_call_time(prop, callback.agreed_at)
    return deadlines.next_call_time(prop, now)


def call_list(*, user, now: datetime | None = None, mine: bool = False, limit: int = 200) -> list[Callback]:
    """Due callbacks, earliest deadline first, each with its proposed call time (two queries)."""
    now = now or timezone.now()
    qs = callback_list(user=user).filter(status__in=OPEN_STATUSES)
    if mine:
        qs = qs.filter(callers=user)
    rows = list(qs.order_by("due_at", "id")[:limit])
    for cb in rows:
        cb.call_at = suggested_call_time(cb, now)
        cb.is_overdue = cb.due_at < now
        cb.quiet_now = deadlines.in_quiet_hours(cb.property, now)
    return rows


def key_customers_uncovered(*, user, prop: Property, start: date, end: date, limit: int = 500):
    """R-CB-04: key customers with no callback and no owner visit in [start, end] (one query)."""
    from residents.models import Resident

    s = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    e = timezone.make_aware(datetime.combine(end + timedelta(days=1), datetime.min.time()))
    called = Callback.objects.filter(resident=OuterRef("pk"), called_at__gte=s, called_at__lt=e)
    visited = OwnerVisit.objects.filter(resident=OuterRef("pk"), visited_at__gte=s, visited_at__lt=e)
    return list(
        Resident.objects.restrict(user, "callback.view")
        .filter(property=prop, is_key_customer=True, archived_at__isnull=True)
        .filter(~Exists(called), ~Exists(visited))
        .order_by("name_initials", "id")[:limit]
    )


def key_customer_coverage(*, prop: Property, start: date, end: date) -> dict:
    from residents.models import Resident

    s = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    e = timezone.make_aware(datetime.combine(end + timedelta(days=1), datetime.min.time()))
    called = Callback.objects.filter(resident=OuterRef("pk"), called_at__gte=s, called_at__lt=e)
    visited = OwnerVisit.objects.filter(resident=OuterRef("pk"), visited_at__gte=s, visited_at__lt=e)
    agg = (
        Resident.objects.filter(property=prop, is_key_customer=True, archived_at__isnull=True)
        .annotate(c=Exists(called), v=Exists(visited))
        .aggregate(total=Count("id"), covered=Count("id", filter=Q(c=True) | Q(v=True)))
    )
    total, covered = agg["total"], agg["covered"]
    return {
        "total": total,
        "covered": covered,
        "percent": round(100 * covered / total, 1) if total else 100.0,
    }


# --- the quarterly analysis (R-CB-21/22) -------------------------------------------------------------------


def _repeated(prop: Property, kind: str, start, end, threshold: int) -> list[dict]:
    """Per unit + category within the quarter, count ≥ threshold: one GROUP BY over the
    (property, kind, received_at) index of servicedesk.ServiceRequest."""
    from servicedesk.models import ServiceRequest

    return list(
        ServiceRequest.objects.filter(
            property=prop, kind=kind, received_at__gte=start, received_at__lt=end, unit__isnull=False
        )
        .values("unit_id", "unit__label", "category")
        .annotate(n=Count("id"), first=Min("received_at"), last=Max("received_at"))
        .filter(n__gte=threshold)
        .order_by("-n", "unit__label", "category")[:500]
    )


def quarterly_analysis(*, prop: Property, year: int, quarter: int) -> dict:
    """R-CB-21: the quarter's callback results, unqualified callbacks, the same matter complained about
    ≥ 2 times and the same repair ≥ 3 times per unit (R-CB-22 inclusive reading). Five queries."""
    from servicedesk.models import ServiceRequest

    start, end = quarter_bounds(year, quarter)
    done = Callback.objects.filter(property=prop, called_at__gte=start, called_at__lt=end)
    totals = done.aggregate(
        total=Count("id"),
        satisfied=Count("id", filter=Q(satisfaction=Satisfaction.SATISFIED)),
        average=Count("id", filter=Q(satisfaction=Satisfaction.AVERAGE)),
        unsatisfied=Count("id", filter=Q(satisfaction=Satisfaction.UNSATISFIED)),
        unqualified=Count("id", filter=Q(unqualified=True)),
        late=Count("id", filter=Q(called_at__gt=F("due_at"))),
    )
    unqualified = list(
        done.filter(unqualified=True)
        .values(
            "id",
            "subject",
            "contact_name",
            "unit__label",
            "called_at",
            "satisfaction",
            "handling_opinion",
            "decision",
        )
        .order_by("called_at", "id")[:500]
    )
    by_kind = dict(
        ServiceRequest.objects.filter(property=prop, received_at__gte=start, received_at__lt=end)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "property": prop,
        "year": year,
        "quarter": quarter,
        "start": start,
        "end": end,
        "callbacks": totals,
        "unqualified": unqualified,
        "repeated_complaints": _repeated(prop, "complaint", start, end, REPEATED_COMPLAINTS),
        "repeated_repairs": _repeated(prop, "repair", start, end, REPEATED_REPAIRS),
        "requests_by_kind": by_kind,
    }


def _iso(v):
    if isinstance(v, datetime):
        return timezone.localtime(v).strftime("%Y-%m-%d %H:%M")
    return v


def analysis_as_data(a: dict) -> dict:
    """The analysis as JSON for the stored report."""
    return {
        "year": a["year"],
        "quarter": a["quarter"],
        "callbacks": a["callbacks"],
        "unqualified": [{k: _iso(v) for k, v in r.items()} for r in a["unqualified"]],
        "repeated_complaints": [{k: _iso(v) for k, v in r.items()} for r in a["repeated_complaints"]],
        "repeated_repairs": [{k: _iso(v) for k, v in r.items()} for r in a["repeated_repairs"]],
        "requests_by_kind": a["requests_by_kind"],
    }


def current_quarter(today: date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1


def previous_quarter(today: date | None = None) -> tuple[int, int]:
    y, q = current_quarter(today)
    return (y - 1, 4) if q == 1 else (y, q - 1)


def analysis_properties(*, user, action: str = "callback.analysis") -> list[Property]:
    return list(Property.objects.restrict(user, action).order_by("id"))


def pick_property(*, user, requested=None, action: str = "callback.analysis") -> Property | None:
    props = analysis_properties(user=user, action=action)
    for p in props:
        if str(p.pk) == str(requested or ""):
            return p
    return props[0] if props else None


def report_list(*, user):
    return QuarterlyReport.objects.restrict(user, "callback.analysis").select_related("property")


# --- owner visits ----------------------------------------------------------------------------------------


def plan_list(*, user):
    return (
        VisitPlan.objects.restrict(user, "visit.view")
        .select_related("property", "administrator", "building")
        .annotate(
            n_total=Count("entries"),
            n_visited=Count("entries", filter=Q(entries__visited_at__isnull=False)),
        )
        .order_by("-period_start", "-id")
    )


def plan_coverage(plan: VisitPlan) -> dict:
    agg = VisitPlanEntry.objects.filter(plan=plan).aggregate(
        total=Count("id"),
        visited=Count("id", filter=Q(visited_at__isnull=False)),
        key_total=Count("id", filter=Q(is_key_customer=True)),
        key_visited=Count("id", filter=Q(is_key_customer=True, visited_at__isnull=False)),
    )
    agg["percent"] = round(100 * agg["visited"] / agg["total"], 1) if agg["total"] else 100.0
    return agg


def visit_list(*, user):
    return OwnerVisit.objects.restrict(user, "visit.view").select_related("resident", "unit", "visitor")


# --- survey ---------------------------------------------------------------------------------------------


def survey_stats(survey: Survey) -> list[dict]:
    """R-CB-30: counts per question and rating (two queries)."""
    questions = list(survey.questions.all())
    rows = (
        SurveyAnswer.objects.filter(response__survey=survey)
        .values("question_id")
        .annotate(
            satisfied=Count("id", filter=Q(rating=Satisfaction.SATISFIED)),
            average=Count("id", filter=Q(rating=Satisfaction.AVERAGE)),
            unsatisfied=Count("id", filter=Q(rating=Satisfaction.UNSATISFIED)),
        )
        .order_by()
    )
    by_q = {r["question_id"]: r for r in rows}
    out = []
    for q in questions:
        r = by_q.get(q.pk, {"satisfied": 0, "average": 0, "unsatisfied": 0})
        total = r["satisfied"] + r["average"] + r["unsatisfied"]
        out.append(
            {
                "question": q,
                "satisfied": r["satisfied"],
                "average": r["average"],
                "unsatisfied": r["unsatisfied"],
                "total": total,
                "rate": round(100 * r["satisfied"] / total, 1) if total else None,
            }
        )
    return out


def open_count(*, user) -> int:
    return callback_list(user=user).filter(status__in=[*OPEN_STATUSES, CallbackStatus.DONE]).count()
