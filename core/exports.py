"""Excel export: one helper, fed by the same filtered, scoped queryset as the list page."""

from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font


def _value(v):
    # A lazy label (a header, 是/否, a status) is written in the language of the request.
    return "" if v is None else str(v) if isinstance(v, Promise) else v


def xlsx_sheets_bytes(sheets) -> bytes:
    """sheets: [(title, headers, rows)] — one worksheet each, headers in bold."""
    wb = Workbook(write_only=True)
    for title, headers, rows in sheets or [("Sheet1", [], [])]:
        ws = wb.create_sheet(title=str(title)[:31])
        head = []
        for h in headers:
            c = WriteOnlyCell(ws, value=str(h))
            c.font = Font(bold=True)
            head.append(c)
        ws.append(head)
        for row in rows:
            ws.append([_value(v) for v in row])
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_bytes(headers: list[str], rows, sheet_title: str = "Sheet1") -> bytes:
    return xlsx_sheets_bytes([(sheet_title, headers, rows)])


def xlsx_sheets_response(filename: str, sheets) -> HttpResponse:
    resp = HttpResponse(
        xlsx_sheets_bytes(sheets),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


def xlsx_response(filename: str, headers: list[str], rows, sheet_title: str = "Sheet1") -> HttpResponse:
    return xlsx_sheets_response(filename, [(sheet_title, headers, rows)])
