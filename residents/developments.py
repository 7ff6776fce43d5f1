"""客户动态 (R-CUST-01/02): what happened to an administrator's customers in a window, through one extension point.

    CUSTOMER_DEVELOPMENTS = Registry("developments")

Each area registers ``CUSTOMER_DEVELOPMENTS.register(key, label, func, order=N)`` from its own
AppConfig.ready(), where ``func(resident_ids: list[int], since: datetime, until: datetime) -> list[Development]``
returns what happened to those residents in ``since < at <= until`` — a development at the instant of a
review was counted by it and is not shown again — (the label is the area's class on the
page: R-CUST-02 "analysed and classified").

Rules for a provider, as for the archive sections (residents.archive):
- a fixed number of queries (one or two) whatever the number of residents or developments — the page is
  query-counted; filter with ``resident_id__in=resident_ids`` on an indexed column, never loop per resident;
- the text is short and masks personal numbers (core.masking); the url is the record's page (or "");
- it scopes nothing itself: the page hands it only the customers the user may see;
- ``level="warning"`` marks what needs the administrator's attention (a complaint, 不满意, a reopened request).

This app registers 档案变动 (the resident's own changes: move-in/out, household and contact changes, from the
change records), 往来文件 and 需求转交 (R-CUST-06). servicedesk (服务请求), callbacks (回访) and parcels (快件)
register theirs.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from core.choices import HistoryAction
from core.registry import Registry

CUSTOMER_DEVELOPMENTS = Registry("developments")

# A provider's rows per call; a customer with more in one day is shown the newest (the page says so).
MAX_PER_PROVIDER = 2000


@dataclass
class Development:
    resident_id: int
    at: datetime
    area: str
    text: str
    url: str = ""
    level: str = "info"


def collect(resident_ids: list[int], since: datetime, until: datetime) -> list[Development]:
    """Every registered provider's developments of these residents in the window, newest first."""
    if not resident_ids:
        return []
    out: list[Development] = []
    for entry in CUSTOMER_DEVELOPMENTS:
        for d in entry.func(list(resident_ids), since, until) or ():
            if not d.area:
                d.area = entry.label
            out.append(d)
    out.sort(key=lambda d: d.at, reverse=True)
    return out


def area_order() -> list[str]:
    return [e.label for e in CUSTOMER_DEVELOPMENTS]


# --- this app's providers -------------------------------------------------------------------------------

# Change-record keys that are search helpers, not news.
_QUIET_KEYS = {"name_pinyin", "name_initials", "phone_last4", "updated_at"}
_FIELD_LABELS = {
    "name": "姓名",
    "phone": "手机",
    "phone2": "其他电话",
    "id_number": "证件号码",
    "email": "邮箱",
    "notes": "备注",
    "is_key_customer": "重点客户",
    "kind": "类别",
    "gender": "性别",
    "archived_at": "归档",
}


def _change_text(entry) -> str:
    if entry.action == HistoryAction.ARCHIVE:
        return f"档案归档:{entry.reason}".rstrip(":")
    parts = []
    for key, pair in (entry.changes or {}).items():
        if key in _QUIET_KEYS:
            continue
        old, new = (list(pair) + [None, None])[:2] if isinstance(pair, list | tuple) else (None, pair)
        if key in _FIELD_LABELS:
            parts.append(f"{_FIELD_LABELS[key]}已变更")
        elif new not in (None, ""):
            parts.append(f"{key}:{new}")
        else:
            parts.append(f"{key}:{old}(结束)")
    text = ";".join(parts) or entry.get_action_display()
    if entry.reason:
        text += f"({entry.reason})"
    return text


def resident_changes(resident_ids, since, until) -> list[Development]:
    """The residents' own changes: move-in/out, household members, contacts, key-customer flag (one query on
    the change records' (content_type, object_id, at) index). A record's creation is not news here: a new
    customer reaches the administrator through the assignment (R-CUST-03/04)."""
    from core.models import HistoryEntry

    from .models import Resident

    rows = (
        HistoryEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Resident),
            object_id__in=resident_ids,
            at__gt=since,
            at__lte=until,
        )
        .exclude(action=HistoryAction.CREATE)
        .only("object_id", "at", "action", "changes", "reason")
        .order_by("-at", "-id")[:MAX_PER_PROVIDER]
    )
    return [
        Development(
            resident_id=h.object_id,
            at=h.at,
            area="",
            text=_change_text(h),
            url=f"/residents/{h.object_id}/?tab=history",
        )
        for h in rows
    ]


def correspondence_registered(resident_ids, since, until) -> list[Development]:
    """往来文件 registered in the window (one query)."""
    from .models import Correspondence

    rows = (
        Correspondence.objects.filter(
            resident_id__in=resident_ids, created_at__gt=since, created_at__lte=until
        )
        .only("resident_id", "created_at", "direction", "subject", "date")
        .order_by("-created_at", "-id")[:MAX_PER_PROVIDER]
    )
    return [
        Development(
            resident_id=c.resident_id,
            at=c.created_at,
            area="",
            text=f"{c.get_direction_display()}:{c.subject}({c.date:%Y-%m-%d})",
            url=f"/residents/{c.resident_id}/#section-g",
        )
        for c in rows
    ]


def needs_moved(resident_ids, since, until) -> list[Development]:
    """R-CUST-06: needs recorded, passed or answered in the window (one query)."""
    from .models import CustomerNeed

    rows = (
        CustomerNeed.objects.filter(resident_id__in=resident_ids)
        .filter(
            Q(recorded_at__gt=since, recorded_at__lte=until)
            | Q(passed_at__gt=since, passed_at__lte=until)
            | Q(answered_at__gt=since, answered_at__lte=until)
        )
        .select_related("department")
        .order_by("-recorded_at", "-id")[:MAX_PER_PROVIDER]
    )
    out = []
    for n in rows:
        dept = n.department.name if n.department_id else ""
        if n.answered_at and since < n.answered_at <= until:
            out.append(
                Development(
                    n.resident_id,
                    n.answered_at,
                    "",
                    f"{dept}已反馈:{n.answer}",
                    f"/residents/{n.resident_id}/#section-needs",
                )
            )
        if n.passed_at and since < n.passed_at <= until:
            out.append(
                Development(
                    n.resident_id,
                    n.passed_at,
                    "",
                    f"转交{dept}:{n.text}",
                    f"/residents/{n.resident_id}/#section-needs",
                )
            )
        elif since < n.recorded_at <= until and not n.passed_at:
            out.append(
                Development(
                    n.resident_id,
                    n.recorded_at,
                    "",
                    f"待转交:{n.text}",
                    f"/residents/{n.resident_id}/#section-needs",
                    "warning",
                )
            )
    return out


CUSTOMER_DEVELOPMENTS.register("residents.changes", "档案变动", resident_changes, order=10)
CUSTOMER_DEVELOPMENTS.register("residents.correspondence", "往来文件", correspondence_registered, order=15)
CUSTOMER_DEVELOPMENTS.register("residents.needs", "需求转交", needs_moved, order=90)
