"""The owner archive section 回访与意见 (R-CB-29): callbacks and the filed 《建议/意见登记表》 (two queries)."""

from django.utils import timezone

from residents.archive import SECTION_ROWS

from .choices import VisitStatus


def _d(v):
    return timezone.localtime(v).strftime("%Y-%m-%d") if v else ""


def visits_section(resident, user):
    from .models import Callback, OwnerVisit

    callbacks = list(
        Callback.objects.filter(resident=resident, called_at__isnull=False)
        .only("called_at", "method", "subject", "satisfaction", "suggestions", "status")
        .order_by("-called_at", "-id")[: SECTION_ROWS + 1]
    )
    visits = list(
        OwnerVisit.objects.filter(resident=resident, status=VisitStatus.FILED)
        .only("visited_at", "method", "opinions", "suggestions", "needs", "satisfaction", "solution")
        .order_by("-visited_at", "-id")[: SECTION_ROWS + 1]
    )
    rows = [
        (
            c.called_at,
            [
                _d(c.called_at),
                "回访记录表",
                c.get_method_display(),
                c.subject,
                c.get_satisfaction_display(),
                c.suggestions,
            ],
        )
        for c in callbacks
    ] + [
        (
            v.visited_at,
            [
                _d(v.visited_at),
                "建议/意见登记表",
                v.get_method_display(),
                ";".join(x for x in (v.opinions, v.suggestions, v.needs) if x),
                v.get_satisfaction_display(),
                v.solution,
            ],
        )
        for v in visits
    ]
    rows.sort(key=lambda r: r[0], reverse=True)
    return {
        "kind": "table",
        "columns": ["日期", "记录", "方式", "事项/意见", "满意度", "建议/解决方案"],
        "rows": [r for _, r in rows[:SECTION_ROWS]],
        "more": len(rows) > SECTION_ROWS,
        "empty": "暂无回访记录",
    }
