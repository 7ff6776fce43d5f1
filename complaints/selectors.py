"""Reads of the complaints area: the list, the record, the archive section (j), handover counts and the
periodic outputs of R-RPT-06 (daily review R-CMP-34, weekly analysis R-CMP-35, monthly summary R-CMP-37)."""

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.masking import mask_phone
from core.models import Property
from core.rule_settings import setting
from servicedesk.choices import Satisfaction
from servicedesk.engine import workflow_for

from .choices import (
    FINAL_STATES,
    OPEN_STATES,
    AnalysisCategory,
    BasicType,
    ComplaintStatus,
    Judgment,
    Severity,
)
from .models import Complaint

SECTION_ROWS = 100
# R-CMP-34 "突出": the same unit complaining this many times within the look-back window.
REPEAT_COMPLAINTS = 2  # R-CB-22 (inclusive reading)
REPEAT_WINDOW_DAYS = 30  # R-CMP-34: default of 规则参数 complaints.repeat_window


def complaint_list(*, user, action: str = "complaints.view"):
    return (
        Complaint.objects.restrict(user, action)
        .select_related(
            "request",
            "request__unit",
            "request__assignee",
            "responsible_department",
        )
        .order_by("-request__received_at", "-request_id")
    )


def complaint_for_page(*, user, pk: int, action: str = "complaints.view") -> Complaint:
    return get_object_or_404(
        Complaint.objects.restrict(user, action).select_related(
            "request",
            "request__property",
            "request__unit",
            "request__reporter",
            "responsible_department",
            "subject_department",
            "instructed_proposal",
            "written_reply_approved_by",
            "apology_issued_by",
            "follower",
            "judged_by",
        ),
        pk=pk,
    )


def status_label(status: str) -> str:
    return workflow_for("complaint").label(status)


def _local_range(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end, time.min, tzinfo=tz)


# --- archive section (j) ---------------------------------------------------------------------------


def archive_section(resident, user):
    """(j) 投诉记录: the resident's complaints and those about the units they live or lived in (one query)."""
    units = resident.occupancies.values("unit_id")
    rows = list(
        Complaint.objects.filter(request__property_id=resident.property_id)
        .filter(Q(request__reporter=resident) | Q(request__unit_id__in=units))
        .select_related("request", "request__unit")
        .order_by("-request__received_at", "-request_id")[: SECTION_ROWS + 1]
    )
    return {
        "kind": "table",
        "columns": ["编号", "受理时间", "房间", "事由", "类型", "判断", "状态", "处理结果"],
        "rows": [
            [
                c.request.number,
                f"{timezone.localtime(c.request.received_at):%Y-%m-%d %H:%M}",
                c.request.unit.label if c.request.unit else "",
                c.request.title,
                c.get_basic_type_display(),
                c.get_judgment_display() or "待判断",
                status_label(c.request.status),
                c.resolution or c.understanding,
            ]
            for c in rows[:SECTION_ROWS]
        ],
        "more": len(rows) > SECTION_ROWS,
        "empty": "暂无投诉记录",
    }


# --- handover counts (R-CMP-22, R-CMP-24) ------------------------------------------------------------


def engineering_follow_ups(prop) -> int:
    """R-CMP-22: open engineering complaints whose 跟单人员 records progress in the 交接班本."""
    return Complaint.objects.filter(
        request__property=prop, is_engineering=True, request__status__in=[str(s) for s in OPEN_STATES]
    ).count()


def unreplied_today(prop) -> int:
    """R-CMP-24: today's complaints still without a reply."""
    start, end = _local_range(timezone.localdate(), timezone.localdate() + timedelta(days=1))
    return Complaint.objects.filter(
        request__property=prop,
        request__received_at__gte=start,
        request__received_at__lt=end,
        same_day_replied_at__isnull=True,
    ).count()


# --- reports (R-RPT-06) ------------------------------------------------------------------------------


def _base(user, prop_ids=None):
    qs = Complaint.objects.restrict(user, "complaints.report").select_related(
        "request", "request__unit", "responsible_department", "instructed_proposal"
    )
    if prop_ids:
        qs = qs.filter(request__property_id__in=prop_ids)
    return qs


def _row(c: Complaint) -> dict:
    r = c.request
    return {
        "id": r.pk,
        "number": r.number,
        "received_at": timezone.localtime(r.received_at),
        "channel": r.get_channel_display(),
        "reporter": r.reporter_name,
        "phone": mask_phone(r.contact_phone),
        "unit": r.unit.label if r.unit else r.location_detail,
        "title": r.title,
        "description": r.description,
        "basic_type": c.get_basic_type_display(),
        "analysis_category": c.get_analysis_category_display(),
        "judgment": c.get_judgment_display() or "待判断",
        "severity": c.get_severity_display(),
        "department": c.responsible_label,
        "handling": c.instructed_proposal.text if c.instructed_proposal else "",
        "resolution": c.resolution or c.understanding,
        "status": status_label(r.status),
        "replied": bool(c.same_day_replied_at),
        "satisfaction": r.get_satisfaction_display() if r.satisfaction else "",
        "reopen_count": r.reopen_count,
        "major": c.severity == Severity.MAJOR,
    }


def daily_review(*, user, day: date, prop_ids=None) -> dict:
    """R-CMP-34: the day's complaints, the outstanding (遗留) ones and the prominent (突出) ones."""
    start, end = _local_range(day, day + timedelta(days=1))
    base = _base(user, prop_ids)
    today = list(
        base.filter(request__received_at__gte=start, request__received_at__lt=end).order_by(
            "request__received_at"
        )
    )
    outstanding = list(
        base.filter(request__received_at__lt=start)
        .exclude(request__status__in=[str(s) for s in FINAL_STATES])
        .order_by("request__received_at")[:300]
    )
    # The look-back window is each property's own (规则参数 complaints.repeat_window).
    props = Property.objects.restrict(user, "complaints.report").only("pk", "rule_settings")
    if prop_ids:
        props = props.filter(pk__in=prop_ids)
    window = {p.pk: setting(p, "complaints.repeat_window") for p in props}
    recent = Q(pk__in=[])
    for pid, days in window.items():
        recent |= Q(request__property_id=pid, request__received_at__gte=start - days)
    repeats = {
        row["request__unit"]: row["n"]
        for row in base.filter(recent, request__received_at__lt=end, request__unit__isnull=False)
        .values("request__unit")
        .annotate(n=Count("pk"))
        .filter(n__gte=REPEAT_COMPLAINTS)
    }
    prominent = []
    for c in today + outstanding:
        reasons = []
        if c.severity == Severity.MAJOR:
            reasons.append("重大投诉")
        if c.is_serious:
            reasons.append("严重事故")
        if c.request.unit_id in repeats:
            days = window[c.request.property_id].days
            reasons.append(f"同一房间{days}天内投诉{repeats[c.request.unit_id]}次")
        if c.same_day_reply_missed:
            reasons.append("当日未回复")
        if c.month_escalated_at:
            reasons.append("逾一个月未解决")
        if c.request.reopen_count:
            reasons.append("回访不满意重开")
        if reasons:
            prominent.append({**_row(c), "reasons": "、".join(reasons)})
    by_type = Counter(c.get_basic_type_display() for c in today)
    return {
        "day": day,
        "today": [_row(c) for c in today],
        "outstanding": [_row(c) for c in outstanding],
        "prominent": prominent,
        "by_type": [
            {"name": str(label), "value": by_type.get(str(label), 0)} for _, label in BasicType.choices
        ],
        "counts": {
            "received": len(today),
            "valid": sum(1 for c in today if c.judgment == Judgment.VALID),
            "invalid": sum(1 for c in today if c.judgment == Judgment.INVALID),
            "unjudged": sum(1 for c in today if not c.judgment),
            "replied_same_day": sum(1 for c in today if c.same_day_replied_at),
            "outstanding": len(outstanding),
            "prominent": len(prominent),
        },
    }


def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def weekly_analysis(*, user, start: date, prop_ids=None) -> dict:
    """R-CMP-35: the week's complaints by 能源/设备/服务, each with its resolution method; plus the trend
    of the last eight weeks per category for the chart."""
    start = week_start(start)
    s, e = _local_range(start, start + timedelta(days=7))
    base = _base(user, prop_ids)
    items = list(
        base.filter(request__received_at__gte=s, request__received_at__lt=e).order_by("request__received_at")
    )
    groups = []
    for value, label in AnalysisCategory.choices:
        rows = [_row(c) for c in items if c.analysis_category == value]
        by_type = Counter(r["basic_type"] for r in rows)
        groups.append(
            {
                "key": value,
                "label": str(label),
                "rows": rows,
                "count": len(rows),
                "valid": sum(1 for r in rows if r["judgment"] == "成立"),
                "resolved": sum(1 for r in rows if r["resolution"]),
                "by_type": dict(by_type),
            }
        )
    # Trend: eight weeks ending with this one, one grouped query.
    t0 = start - timedelta(weeks=7)
    ts, _ = _local_range(t0, start)
    trend_rows = base.filter(request__received_at__gte=ts, request__received_at__lt=e).values_list(
        "request__received_at", "analysis_category"
    )
    weeks = [t0 + timedelta(weeks=i) for i in range(8)]
    counts = defaultdict(Counter)
    for at, cat in trend_rows:
        counts[week_start(timezone.localtime(at).date())][cat] += 1
    trend = {
        "weeks": [f"{w:%m-%d}" for w in weeks],
        "series": [
            {"name": str(label), "data": [counts[w][value] for w in weeks]}
            for value, label in AnalysisCategory.choices
        ],
    }
    return {
        "start": start,
        "end": start + timedelta(days=6),
        "groups": groups,
        "total": len(items),
        "trend": trend,
    }


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt


def monthly_summary(*, user, month: date, prop_ids=None) -> dict:
    """R-CMP-37: the 用户意见受理表 — every complaint of the month, and the month's figures (reply rate
    R-CMP-25, callbacks, types, categories)."""
    first, nxt = month_bounds(month)
    s, e = _local_range(first, nxt)
    items = list(
        _base(user, prop_ids)
        .filter(request__received_at__gte=s, request__received_at__lt=e)
        .order_by("request__received_at")
    )
    rows = [_row(c) for c in items]
    n = len(items)
    replied = sum(1 for c in items if c.same_day_replied_at)
    sat = Counter(c.request.satisfaction for c in items if c.request.satisfaction)
    days = (nxt - first).days
    per_day = Counter(timezone.localtime(c.request.received_at).day for c in items)
    return {
        "month": first,
        "rows": rows,
        "total": n,
        "reply_rate": round(100 * replied / n, 1) if n else 100.0,
        "replied": replied,
        "valid": sum(1 for c in items if c.judgment == Judgment.VALID),
        "invalid": sum(1 for c in items if c.judgment == Judgment.INVALID),
        "major": sum(1 for c in items if c.severity == Severity.MAJOR),
        "archived": sum(
            1 for c in items if c.request.status in (ComplaintStatus.ARCHIVED, ComplaintStatus.CLOSED)
        ),
        "reopened": sum(1 for c in items if c.request.reopen_count),
        "by_type": [
            {"name": str(label), "value": sum(1 for c in items if c.basic_type == value)}
            for value, label in BasicType.choices
        ],
        "by_category": [
            {"name": str(label), "value": sum(1 for c in items if c.analysis_category == value)}
            for value, label in AnalysisCategory.choices
        ],
        "satisfaction": [
            {"name": str(label), "value": sat.get(value, 0)} for value, label in Satisfaction.choices
        ],
        "per_day": {
            "days": list(range(1, days + 1)),
            "data": [per_day.get(d, 0) for d in range(1, days + 1)],
        },
    }


REPORT_COLUMNS = [
    (gettext_lazy("编号"), "number"),
    (gettext_lazy("受理时间"), "received_at"),
    (gettext_lazy("受理方式"), "channel"),
    (gettext_lazy("投诉人"), "reporter"),
    (gettext_lazy("联系电话"), "phone"),
    (gettext_lazy("房间/地点"), "unit"),
    (gettext_lazy("事由"), "title"),
    (gettext_lazy("投诉内容"), "description"),
    (gettext_lazy("基本类型"), "basic_type"),
    (gettext_lazy("分析类别"), "analysis_category"),
    (gettext_lazy("判断"), "judgment"),
    (gettext_lazy("级别"), "severity"),
    (gettext_lazy("责任部门"), "department"),
    (gettext_lazy("处理方案"), "handling"),
    (gettext_lazy("处理结果"), "resolution"),
    (gettext_lazy("状态"), "status"),
    (gettext_lazy("当日回复"), "replied"),
    (gettext_lazy("回访满意度"), "satisfaction"),
    (gettext_lazy("重开次数"), "reopen_count"),
]


def export_row(row: dict) -> list:
    out = []
    for _, key in REPORT_COLUMNS:
        v = row.get(key)
        if isinstance(v, datetime):
            v = f"{v:%Y-%m-%d %H:%M}"
        elif isinstance(v, bool):
            v = "是" if v else "否"
        out.append(v)
    return out
