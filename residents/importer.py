"""Excel owner roster (业主名册) import: parse and validate every row, then write all or nothing.

Columns (header synonyms accepted): 楼号, 房号, 姓名, 身份 (业主/租户/家庭成员/公司), 手机, 证件号码, 入住日期,
重点客户 (是/否). `parse_roster` never writes; `services.roster_import` writes only when every row is good,
inside one transaction, through the same services as the pages.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook

from core.exports import xlsx_bytes
from core.models import Unit

from .choices import OccupancyRole, ResidentKind

MAX_ROWS = 20000
COLUMNS = {
    "building": ["楼号", "楼栋", "楼座", "栋号", "楼"],
    "number": ["房号", "房间号", "房间", "单元号", "室号"],
    "name": ["姓名", "业主姓名", "名称", "住户姓名", "公司名称", "姓名/公司名称"],
    "role": ["身份", "类型", "住户类型", "身份类型", "关系"],
    "phone": ["手机", "手机号", "手机号码", "电话", "联系电话"],
    "id_number": ["证件号码", "身份证号", "身份证号码", "证件号"],
    "start": ["入住日期", "入住时间", "迁入日期", "起始日期"],
    "key": ["重点客户", "是否重点客户", "重点"],
}
REQUIRED = ["number", "name", "role"]
ROLES = {
    "业主": OccupancyRole.OWNER,
    "租户": OccupancyRole.TENANT,
    "家庭成员": OccupancyRole.MEMBER,
    "成员": OccupancyRole.MEMBER,
    "公司": OccupancyRole.COMPANY,
    "入驻公司": OccupancyRole.COMPANY,
}
YES = {"是", "y", "yes", "1", "true", "√", "重点"}
NO = {"否", "n", "no", "0", "false", ""}
TEMPLATE_HEADERS = ["楼号", "房号", "姓名", "身份", "手机", "证件号码", "入住日期", "重点客户"]
TEMPLATE_EXAMPLE = [
    ["3", "1201", "张三", "业主", "13812345678", "110101199001011234", "2023-05-01", "否"],
    ["3", "1201", "李梅", "家庭成员", "", "", "2023-05-01", "否"],
]


@dataclass
class RosterRow:
    row: int
    unit: Unit | None = None
    name: str = ""
    role: str = ""
    phone: str = ""
    id_number: str = ""
    start: date | None = None
    key: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return ResidentKind.COMPANY if self.role == OccupancyRole.COMPANY else ResidentKind.PERSON

    @property
    def reason(self) -> str:
        return ";".join(self.errors)


@dataclass
class RosterReport:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # file-level problems
    written: bool = False

    @property
    def good(self) -> list[RosterRow]:
        return [r for r in self.rows if not r.errors]

    @property
    def bad(self) -> list[RosterRow]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.bad and bool(self.rows)

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "written": self.written,
            "errors": self.errors,
            "good_count": len(self.good),
            "bad_count": len(self.bad),
            "good": [
                {
                    "row": r.row,
                    "unit": r.unit.label if r.unit else "",
                    "name": r.name,
                    "role": r.role,
                    "start": r.start.isoformat() if r.start else None,
                    "key_customer": r.key,
                }
                for r in self.good
            ],
            "bad": [{"row": r.row, "reason": r.reason} for r in self.bad],
        }


def template_bytes() -> bytes:
    return xlsx_bytes(TEMPLATE_HEADERS, TEMPLATE_EXAMPLE, sheet_title="业主名册")


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def parse_date(v) -> date | None:
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    s = _text(v)
    m = re.match(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$", s) or re.match(
        r"^(\d{4})(\d{2})(\d{2})$", s
    )
    if not m:
        raise ValueError(s)
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def _header_map(header: list[str]) -> dict[str, int]:
    found = {}
    for idx, h in enumerate(header):
        h = _text(h).replace(" ", "").replace("*", "")
        for key, names in COLUMNS.items():
            if key not in found and (h in names or h.lower() == key):
                found[key] = idx
    return found


def parse_roster(file, prop) -> RosterReport:
    report = RosterReport()
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:
        report.errors.append("无法读取文件,请上传 .xlsx 格式的 Excel 文件。(Not a readable .xlsx file.)")
        return report
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        report.errors.append("文件为空。(The file is empty.)")
        return report
    cols = _header_map(list(header))
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in cols]
    if missing:
        report.errors.append(f"缺少列:{'、'.join(missing)}。(Missing columns.)")
        return report
    # All units of the property in one query: rows are validated without a query each.
    units = {}
    for u in Unit.objects.filter(property=prop).select_related("building"):
        units[(u.building.code.upper(), u.number.upper())] = u
        units.setdefault(("", u.label.upper()), u)

    def cell(values, key):
        i = cols.get(key)
        return values[i] if i is not None and i < len(values) else None

    for n, values in enumerate(rows, start=2):
        if values is None or all(_text(v) == "" for v in values):
            continue
        if len(report.rows) >= MAX_ROWS:
            report.errors.append(f"一次最多导入 {MAX_ROWS} 行。(At most {MAX_ROWS} rows per file.)")
            break
        r = RosterRow(row=n)
        b, num = _text(cell(values, "building")).upper(), _text(cell(values, "number")).upper()
        b = re.sub(r"(栋|幢|座|号楼|#)$", "", b)
        if not num:
            r.errors.append("房号为空")
        else:
            r.unit = units.get((b, num)) or (units.get(("", num)) if not b else None)
            if r.unit is None:
                r.errors.append(f"房间 {b + '-' if b else ''}{num} 不存在于本项目")
        r.name = _text(cell(values, "name"))
        if not r.name:
            r.errors.append("姓名为空")
        elif len(r.name) > 100:
            r.errors.append("姓名过长")
        role = _text(cell(values, "role"))
        r.role = ROLES.get(role, role if role in OccupancyRole.values else "")
        if not r.role:
            r.errors.append(f"身份“{role}”无法识别(应为 业主/租户/家庭成员/公司)")
        phone = re.sub(r"[\s-]", "", _text(cell(values, "phone")))
        if phone and not re.match(r"^\d{11}$", phone):
            r.errors.append(f"手机号“{phone}”应为 11 位数字")
        r.phone = phone
        r.id_number = _text(cell(values, "id_number"))
        if r.id_number and not re.match(r"^[0-9A-Za-z\-]{6,40}$", r.id_number):
            r.errors.append("证件号码格式不正确")
        try:
            r.start = parse_date(cell(values, "start")) or date.today()
        except (ValueError, TypeError):
            r.errors.append(f"入住日期“{_text(cell(values, 'start'))}”无法识别(如 2023-05-01)")
        key = _text(cell(values, "key")).lower()
        if key in YES:
            r.key = True
        elif key not in NO:
            r.errors.append(f"重点客户“{key}”应为 是/否")
        report.rows.append(r)
    if not report.rows and not report.errors:
        report.errors.append("文件中没有数据行。(No data rows.)")
    _check_duplicates(report)
    return report


def _check_duplicates(report: RosterReport) -> None:
    seen: dict[tuple, int] = {}
    for r in report.rows:
        if r.unit is None or not r.name:
            continue
        key = (r.unit.pk, r.name, r.phone)
        if key in seen:
            r.errors.append(f"与第 {seen[key]} 行重复")
        else:
            seen[key] = r.row


def apply_roster(*, actor, prop, report: RosterReport) -> None:
    """Write a fully valid report (called inside services.roster_import's transaction)."""
    from . import services
    from .models import Occupancy, Resident

    people: dict[tuple, Resident] = {}
    for r in report.rows:
        key = (r.name, r.phone, r.kind)
        resident = people.get(key)
        if resident is None and r.phone:
            resident = (
                Resident.objects.filter(
                    property=prop, name=r.name, phone=r.phone, kind=r.kind, archived_at__isnull=True
                )
                .order_by("id")
                .first()
            )
        if resident is None:
            resident = services.resident_create(
                actor=actor,
                prop=prop,
                name=r.name,
                kind=r.kind,
                phone=r.phone,
                id_number=r.id_number,
                is_key_customer=r.key,
            )
        people[key] = resident
        if not Occupancy.objects.filter(resident=resident, unit=r.unit, end__isnull=True).exists():
            services.occupancy_start(
                actor=actor,
                resident=resident,
                unit=r.unit,
                role=r.role,
                start=r.start,
                notify_supervisor=False,
            )
