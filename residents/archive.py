"""The owner archive page (业主档案, R-ARCH-02): ten sections (a)–(j) through one extension point.

    ARCHIVE_SECTIONS = Registry("archive")

Each entry is registered as ``ARCHIVE_SECTIONS.register(key, label, func, order=N)`` where
``func(resident, user) -> dict`` returns a small structure the archive template renders generically:

    {"kind": "fields", "items": [(label, value), ...]}
    {"kind": "table", "columns": [label, ...], "rows": [[value, ...], ...]}
    {"kind": "pending", "area": "…"}          # nothing recorded yet; names the area that will fill it
    optional: "empty": text shown when there are no rows, "more": n rows not shown

Rules for a section function:
- it runs a fixed number of queries (one or two), whatever the length of the history, and limits its rows
  (SECTION_ROWS) — the archive and unit pages are query-counted (≤ 20);
- phone and ID numbers are masked (core.masking) — the unmasked archive is only `full_archive_data`,
  returned by services.archive_read_full behind an approved grant (R-ARCH-05/06);
- it must scope nothing itself: the page has already checked `archive.view` for the resident's property.

This app registers (a) 基本资料, (d) 入住资料, (e) 联络资料, (f) 联系人变迁, (g) 往来文件 and (l) 需求与信息转交
(R-CUST-06, key "needs"). Sections (b) 缴费记录,
(c) 装修文件, (h) 违规与欠费, (i) 报修记录 and (j) 投诉记录 are registered with `pending_section(area)`,
which shows "暂无记录" and the area that will fill it. A later area replaces its section from its own
AppConfig.ready() with the same key, e.g.::

    from residents.archive import ARCHIVE_SECTIONS
    ARCHIVE_SECTIONS.register("i", "(i) 报修记录", repairs_section, order=90)

Registering the same key again replaces the entry (core.registry.Registry keeps one entry per key).
"""

from django.contrib.contenttypes.models import ContentType

from core.masking import mask_id, mask_phone
from core.models import Attachment
from core.registry import Registry

from .choices import ResidentKind

ARCHIVE_SECTIONS = Registry("archive")
SECTION_ROWS = 100


def _d(value):
    return value.strftime("%Y-%m-%d") if value else ""


def _yes(v):
    return "是" if v else "否"


def basic_section(resident, user):
    """(a) 业主个人基本资料 — masked."""
    items = [
        ("类别", resident.get_kind_display()),
        ("姓名/公司名称", resident.name),
        ("拼音", resident.name_pinyin),
    ]
    if resident.kind == ResidentKind.PERSON:
        items.append(("性别", resident.get_gender_display()))
    items += [
        ("证件号码", mask_id(resident.id_number)),
        ("重点客户", _yes(resident.is_key_customer)),
        ("备注", resident.notes),
        ("建档时间", resident.created_at.strftime("%Y-%m-%d") if resident.created_at else ""),
    ]
    if resident.archived_at:
        items.append(("归档时间", resident.archived_at.strftime("%Y-%m-%d %H:%M")))
    return {"kind": "fields", "items": items}


def occupancy_section(resident, user):
    """(d) 入住资料: the occupancy history, newest first (one query)."""
    rows = list(resident.occupancies.select_related("unit").order_by("-start", "-id")[: SECTION_ROWS + 1])
    return {
        "kind": "table",
        "columns": ["房间", "身份", "关系", "起始", "结束"],
        "rows": [
            [o.unit.label, o.get_role_display(), o.relation, _d(o.start), _d(o.end) or "至今"]
            for o in rows[:SECTION_ROWS]
        ],
        "more": len(rows) > SECTION_ROWS,
        "empty": "暂无入住记录",
    }


def contact_section(resident, user):
    """(e) 联络资料 incl. 紧急事故联络人 — masked (one query)."""
    items = [
        ("手机", mask_phone(resident.phone)),
        ("其他电话", mask_phone(resident.phone2)),
        ("邮箱", resident.email),
    ]
    ecs = list(resident.emergency_contacts.filter(active=True).order_by("id")[:SECTION_ROWS])
    return {
        "kind": "fields",
        "items": items,
        "columns": ["紧急联络人", "关系", "电话"],
        "rows": [[e.name, e.relation, mask_phone(e.phone)] for e in ecs],
        "empty": "未登记紧急联络人",
    }


def contact_history_section(resident, user):
    """(f) 日常工作联系人的人事变迁 (one query; companies only)."""
    if resident.kind != ResidentKind.COMPANY:
        return {"kind": "table", "columns": [], "rows": [], "empty": "个人住户无此项"}
    rows = list(resident.contact_persons.order_by("-start", "-id")[: SECTION_ROWS + 1])
    return {
        "kind": "table",
        "columns": ["联系人", "职务", "电话", "起始", "结束", "变更原因"],
        "rows": [
            [c.name, c.title, mask_phone(c.phone), _d(c.start), _d(c.end) or "现任", c.change_reason]
            for c in rows[:SECTION_ROWS]
        ],
        "more": len(rows) > SECTION_ROWS,
        "empty": "未登记日常联系人",
    }


def correspondence_section(resident, user):
    """(g) 往来文件 with their attachments (two queries)."""
    rows = list(
        resident.correspondence.select_related("recorded_by").order_by("-date", "-id")[: SECTION_ROWS + 1]
    )
    shown = rows[:SECTION_ROWS]
    files: dict[int, list] = {}
    if shown:
        ct = ContentType.objects.get_for_model(type(shown[0]))
        for a in Attachment.objects.filter(
            content_type=ct, object_id__in=[c.pk for c in shown], voided_at__isnull=True
        ).order_by("id"):
            files.setdefault(a.object_id, []).append({"name": a.name, "url": f"/attachments/{a.pk}/"})
    return {
        "kind": "table",
        "columns": ["日期", "方向", "标题", "摘要", "登记人", "附件"],
        "rows": [
            [
                _d(c.date),
                c.get_direction_display(),
                c.subject,
                c.summary,
                str(c.recorded_by),
                files.get(c.pk, []),
            ]
            for c in shown
        ],
        "files_column": 5,
        "more": len(rows) > SECTION_ROWS,
        "empty": "暂无往来文件",
    }


def needs_section(resident, user):
    """(l) 需求与信息转交 (R-CUST-06): what the 业户 asked for or told the 客服, the department it went to and its
    answer (one query)."""
    from django.utils import timezone

    rows = list(
        resident.needs.select_related("department", "recorded_by").order_by("-recorded_at", "-id")[
            : SECTION_ROWS + 1
        ]
    )
    return {
        "kind": "table",
        "columns": ["记录时间", "需求/信息", "记录人", "转交部门", "状态", "部门反馈"],
        "rows": [
            [
                timezone.localtime(n.recorded_at).strftime("%Y-%m-%d %H:%M"),
                n.text,
                str(n.recorded_by),
                n.department.name if n.department_id else "",
                n.get_status_display(),
                n.answer,
            ]
            for n in rows[:SECTION_ROWS]
        ],
        "more": len(rows) > SECTION_ROWS,
        "empty": "暂无转交记录",
    }


def pending_section(area: str):
    """A section whose records another area keeps; shown as 暂无记录 until that area registers its own."""

    def section(resident, user):
        return {"kind": "pending", "area": area, "empty": "暂无记录"}

    section.__doc__ = f"Filled by the {area} area."
    return section


ARCHIVE_SECTIONS.register("a", "(a) 业主个人基本资料", basic_section, order=10)
ARCHIVE_SECTIONS.register("b", "(b) 业主缴费记录", pending_section("物业费/催缴"), order=20)
ARCHIVE_SECTIONS.register("c", "(c) 业主装修工程文件", pending_section("二次装修"), order=30)
ARCHIVE_SECTIONS.register("d", "(d) 入住资料", occupancy_section, order=40)
ARCHIVE_SECTIONS.register("e", "(e) 联络资料与紧急事故联络人", contact_section, order=50)
ARCHIVE_SECTIONS.register("f", "(f) 日常工作联系人变迁", contact_history_section, order=60)
ARCHIVE_SECTIONS.register("g", "(g) 与客服部往来文件", correspondence_section, order=70)
ARCHIVE_SECTIONS.register("h", "(h) 违规事项与欠费记录", pending_section("物业费/违规"), order=80)
ARCHIVE_SECTIONS.register("i", "(i) 报修记录", pending_section("报修"), order=90)
ARCHIVE_SECTIONS.register("j", "(j) 投诉记录", pending_section("投诉"), order=100)
# After the callbacks area's (k) 回访与意见 (order 110).
ARCHIVE_SECTIONS.register("needs", "(l) 需求与信息转交", needs_section, order=120)


def render_sections(resident, user) -> list[dict]:
    out = []
    for entry in ARCHIVE_SECTIONS:
        data = entry.func(resident, user) if entry.func else {"kind": "pending", "area": ""}
        out.append({"key": entry.key, "label": entry.label, **data})
    return out


def full_archive_data(resident) -> dict:
    """The unmasked archive (R-ARCH-05): only services.archive_read_full returns it, after logging the read."""
    return {
        "id": resident.pk,
        "name": resident.name,
        "kind": resident.kind,
        "gender": resident.gender,
        "phone": resident.phone,
        "phone2": resident.phone2,
        "id_number": resident.id_number,
        "email": resident.email,
        "is_key_customer": resident.is_key_customer,
        "notes": resident.notes,
        "occupancies": [
            {
                "unit": o.unit.label,
                "role": o.get_role_display(),
                "relation": o.relation,
                "start": _d(o.start),
                "end": _d(o.end),
            }
            for o in resident.occupancies.select_related("unit").order_by("-start", "-id")
        ],
        "emergency_contacts": [
            {"name": e.name, "relation": e.relation, "phone": e.phone}
            for e in resident.emergency_contacts.filter(active=True).order_by("id")
        ],
        "contact_persons": [
            {
                "name": c.name,
                "title": c.title,
                "phone": c.phone,
                "start": _d(c.start),
                "end": _d(c.end),
                "change_reason": c.change_reason,
            }
            for c in resident.contact_persons.order_by("-start", "-id")
        ],
        "correspondence": [
            {
                "date": _d(c.date),
                "direction": c.get_direction_display(),
                "subject": c.subject,
                "summary": c.summary,
            }
            for c in resident.correspondence.order_by("-date", "-id")
        ],
    }
