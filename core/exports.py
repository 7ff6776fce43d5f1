"""Excel export: one helper, fed by the same filtered, scoped queryset as the list page."""

from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font


def xlsx_bytes(headers: list[str], rows, sheet_title: str = "Sheet1") -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title[:31])
    from openpyxl.cell import WriteOnlyCell

    head = []
    for h in headers:
        c = WriteOnlyCell(ws, value=str(h))
        c.font = Font(bold=True)
        head.append(c)
    ws.append(head)
    for row in rows:
        ws.append(["" if v is None else v for v in row])
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(filename: str, headers: list[str], rows, sheet_title: str = "Sheet1") -> HttpResponse:
    resp = HttpResponse(
        xlsx_bytes(headers, rows, sheet_title),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp
