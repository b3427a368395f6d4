"""Reads an .xlsx back for the tests, from its XML with the standard library (openpyxl is not installed):
sheet names, every cell's value and style's font, and the merged ranges. Independent of renkei.core.xlsx."""

import io
import re
import xml.etree.ElementTree as ET
import zipfile

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def read(data: bytes) -> dict:
    """{sheet name: {"cells": {(row, col): value}, "fonts": {(row, col): (name, bold, size)},
    "merges": [ref]}} in workbook order."""
    z = zipfile.ZipFile(io.BytesIO(data))
    assert z.testzip() is None
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")))
    styles = ET.fromstring(z.read("xl/styles.xml"))
    fonts = []
    for f in styles.find("m:fonts", NS).findall("m:font", NS):
        name, size = f.find("m:name", NS), f.find("m:sz", NS)
        fonts.append((name.get("val") if name is not None else None, f.find("m:b", NS) is not None,
                      float(size.get("val")) if size is not None else None))
    xf_fonts = [int(xf.get("fontId", 0)) for xf in styles.find("m:cellXfs", NS).findall("m:xf", NS)]
    rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
    out = {}
    for sheet in ET.fromstring(z.read("xl/workbook.xml")).find("m:sheets", NS).findall("m:sheet", NS):
        target = rels[sheet.get(f"{{{NS['r']}}}id")]
        root = ET.fromstring(z.read("xl/" + target.lstrip("/").removeprefix("xl/")))
        cells, cell_fonts = {}, {}
        for c in root.iter(f"{{{NS['m']}}}c"):
            letters, row = re.match(r"([A-Z]+)(\d+)", c.get("r")).groups()
            key = (int(row), _col(letters))
            kind, v = c.get("t"), c.find("m:v", NS)
            if kind == "inlineStr":
                value = "".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t"))
            elif kind == "s":
                value = shared[int(v.text)]
            elif v is not None:
                value = float(v.text) if "." in v.text else int(v.text)
            else:
                value = None
            cells[key] = value
            cell_fonts[key] = fonts[xf_fonts[int(c.get("s", 0))]]
        merges = [m.get("ref") for m in root.iter(f"{{{NS['m']}}}mergeCell")]
        out[sheet.get("name")] = {"cells": cells, "fonts": cell_fonts, "merges": merges}
    return out
