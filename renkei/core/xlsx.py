"""Excel workbooks (.xlsx) in an official layout, written with openpyxl: sheets of cells with a few named
styles (Japanese font BIZ UDゴシック), merged ranges, column widths, A4 page setup fitted to the width.

Each cell is a value (str, int, float, None) or (value, style); the styles are "title", "subtitle",
"header", "label", "number", "note". Text is written as text (never as a formula: a leading "=" stays
text), and characters XML cannot carry are dropped.
"""

import io
import re
from dataclasses import dataclass, field

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

FONT = "BIZ UDゴシック"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
STYLES = {
    "default": {"font": Font(name=FONT, size=11)},
    "title": {"font": Font(name=FONT, size=14, bold=True)},
    "subtitle": {"font": Font(name=FONT, size=11)},
    "header": {"font": Font(name=FONT, size=11, bold=True), "border": _BOX,
               "fill": PatternFill("solid", fgColor="FFEFEFEF"),
               "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True)},
    "label": {"font": Font(name=FONT, size=11), "border": _BOX},
    "number": {"font": Font(name=FONT, size=11), "border": _BOX, "number_format": "#,##0",
               "alignment": Alignment(horizontal="right")},
    "note": {"font": Font(name=FONT, size=9)},
}


@dataclass
class Sheet:
    title: str
    rows: list[list] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)  # "A1:D1"
    widths: dict[int, float] = field(default_factory=dict)  # 1-based column → width in characters
    landscape: bool = True


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    return get_column_letter(index)


def cell_ref(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"


def _sheet_name(title: str, used: set[str]) -> str:
    name = _BAD_SHEET_CHARS.sub("・", title).strip("'")[:31] or "Sheet"
    base, n = name, 2
    while name in used:
        suffix = f"({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def _value(value):
    if isinstance(value, bool):
        return "○" if value else None
    if value is None or value == "" or isinstance(value, int | float):
        return value if value != "" else None
    return _CONTROL.sub("", str(value))


def _fill(ws, sheet: Sheet) -> None:
    for r, row in enumerate(sheet.rows, start=1):
        for c, item in enumerate(row, start=1):
            value, style = item if isinstance(item, tuple) else (item, "default")
            cell = ws.cell(row=r, column=c)
            value = _value(value)
            if value is not None:
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # text as text, even "=…"
            for attribute, setting in STYLES[style].items():
                setattr(cell, attribute, setting)
    for ref in sheet.merges:
        ws.merge_cells(ref)
    for col, width in sheet.widths.items():
        ws.column_dimensions[column_letter(col)].width = width
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if sheet.landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def workbook_bytes(sheets: list[Sheet], title: str = "") -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for sheet in sheets:
        _fill(workbook.create_sheet(_sheet_name(sheet.title, used)), sheet)
    workbook.properties.title = title
    workbook.properties.creator = "Renkei"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(sheets: list[Sheet], filename: str, title: str = "") -> HttpResponse:
    response = HttpResponse(workbook_bytes(sheets, title), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
