"""Reads an .xlsx back for the tests with openpyxl: sheet names, every cell's value and font, and the merged
ranges, in the shape the statistics tests compare."""

import io

from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell


def read(data: bytes) -> dict:
    """{sheet name: {"cells": {(row, col): value}, "fonts": {(row, col): (name, bold, size)},
    "merges": [ref]}} in workbook order."""
    workbook = load_workbook(io.BytesIO(data))
    out = {}
    for ws in workbook.worksheets:
        cells, fonts = {}, {}
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell, MergedCell) or (cell.value is None and not cell.has_style):
                    continue  # covered by a merge, or a cell the workbook does not hold
                key = (cell.row, cell.column)
                cells[key] = cell.value
                font = cell.font
                fonts[key] = (font.name, bool(font.b), float(font.sz) if font.sz else None)
        out[ws.title] = {"cells": cells, "fonts": fonts, "merges": [str(r) for r in ws.merged_cells.ranges]}
    return out
