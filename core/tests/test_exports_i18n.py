"""Excel exports speak the language of the page they come from: a clerk working in English gets English
column headers (the cell values — statuses, 是/否 — already followed the language; the headers did not)."""

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from core.testing.i18n import english

CJK = re.compile(r"[\u4e00-\u9fff]")

EXPORTS = [
    "/servicedesk/?export=xlsx",
    "/complaints/?export=xlsx",
    "/complaints/reports/daily/?export=xlsx",
    "/complaints/reports/weekly/?export=xlsx",
    "/complaints/reports/monthly/?export=xlsx",
    "/repairs/?export=xlsx",
    "/releases/?export=xlsx",
    "/callbacks/all/?export=xlsx",
    "/callbacks/analysis/?year=2025&quarter=1&export=xlsx",
    "/storage/?export=xlsx&status=all",
    "/assistance/register/?export=xlsx",
    "/residents/?export=xlsx",
    "/visitors/entries/?export=xlsx",
]


def _sheets(resp):
    wb = load_workbook(BytesIO(resp.content), read_only=True)
    return {ws.title: [c.value for c in next(ws.iter_rows(max_row=1))] for ws in wb.worksheets}


@pytest.mark.parametrize("url", EXPORTS)
def test_export_headers_follow_the_page_language(world, client_as, url):
    chinese = _sheets(client_as(world.supervisor).get(url))
    assert all(any(CJK.search(str(h)) for h in head) for head in chinese.values())
    resp = english(client_as(world.supervisor)).get(url)
    assert resp.status_code == 200
    for title, head in _sheets(resp).items():
        assert head and not [h for h in head if CJK.search(str(h))], (title, head)
