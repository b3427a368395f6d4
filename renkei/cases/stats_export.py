"""The report table (stats.report_table) for Excel.

- CSV: one row per 相談の種類, then 計 and the 再掲 rows; two columns (実人員, 延人員) per kind and for 総数.
  A kind the product does not record has empty cells.
- xlsx in the form's layout: one sheet per table — the title with the fiscal year in 和暦 and the form's name
  merged across the table, the kinds as merged two-column headings over 実人員/延人員, the rows, 計, 再掲 — and
  a sheet of the counting rules with their sources (未確認 marked).
"""

from renkei.core import xlsx
from renkei.core.export import csv_response


def header(table: dict) -> list[str]:
    m = table["measures"]
    out = [table["row_heading"]]
    for col in table["columns"]:
        suffix = "" if col["recorded"] else "（記録なし）"
        out += [f"{col['name']} {m['real_short']}{suffix}", f"{col['name']} {m['visits_short']}{suffix}"]
    name = table["total_column"]["name"]
    return out + [f"{name} {m['real_short']}", f"{name} {m['visits_short']}"]


def _values(cells: list[dict], total: dict) -> list:
    out = []
    for cell in cells + [total]:
        out += ["" if cell["real"] is None else cell["real"], "" if cell["visits"] is None else cell["visits"]]
    return out


def body(table: dict) -> list[list]:
    rows = [[r["name"]] + _values(r["cells"], r["total"]) for r in table["rows"]]
    rows.append([table["total_row"]] + _values(table["total"]["cells"], table["total"]["total"]))
    rows += [[f"{table['factor_heading']}{r['name']}"] + _values(r["cells"], r["total"]) for r in table["factor_rows"]]
    return rows


def filename(table: dict, extension: str) -> str:
    return f"report-{table['organisation']['code']}-{table['form']['code']}-FY{table['fiscal_year']}.{extension}"


def csv_of(table: dict):
    return csv_response(header(table), body(table), filename(table, "csv"))


def _xlsx_values(cells: list[dict], total: dict) -> list:
    out = []
    for cell in cells + [total]:
        if cell["real"] is None:
            out += [("—", "number"), ("—", "number")]
        else:
            out += [(cell["real"], "number"), (cell["visits"], "number")]
    return out


def table_sheet(table: dict, sheet_title: str | None = None) -> xlsx.Sheet:
    m = table["measures"]
    width = 1 + 2 * (len(table["columns"]) + 1)
    last = xlsx.column_letter(width)
    form = table["form"]
    sheet = xlsx.Sheet(sheet_title or table["organisation"]["name"])
    sheet.rows.append([(table["title"], "title")])
    sheet.rows.append([(f"{table['organisation']['name']}　{form['table']}"
                        + ("" if form["confirmed"] else "（様式の名称・表番号・列は未確認）")
                        + ("" if form["own"] else "（この組織の種類の様式はないため参考）"), "subtitle")])
    sheet.rows.append([(f"{m['real']}・{m['visits']}", "subtitle")])
    sheet.merges += [f"A1:{last}1", f"A2:{last}2", f"A3:{last}3"]
    top, sub = [(table["row_heading"], "header")], [(None, "header")]
    sheet.merges.append("A4:A5")
    headings = [c["name"] + ("（記録なし）" if not c["recorded"] else "") for c in table["columns"]]
    headings.append(table["total_column"]["name"] + ("（未確認）" if not table["total_column"]["confirmed"] else ""))
    for i, name in enumerate(headings):
        col = 2 + 2 * i
        top += [(name, "header"), (None, "header")]
        sub += [(m["real_short"], "header"), (m["visits_short"], "header")]
        sheet.merges.append(f"{xlsx.cell_ref(4, col)}:{xlsx.cell_ref(4, col + 1)}")
    sheet.rows += [top, sub]
    for r in table["rows"]:
        sheet.rows.append([(r["name"], "label")] + _xlsx_values(r["cells"], r["total"]))
    sheet.rows.append([(table["total_row"], "header")] + _xlsx_values(table["total"]["cells"], table["total"]["total"]))
    for r in table["factor_rows"]:
        sheet.rows.append([(f"{table['factor_heading']}{r['name']}", "label")] + _xlsx_values(r["cells"], r["total"]))
    sheet.rows.append([])
    sheet.rows.append([(table["total_column"]["note"], "note")])
    sheet.rows.append([(f"出典: {form['source']}", "note")])
    sheet.rows.append([(f"根拠法: {table['law']}", "note")])
    sheet.widths = {1: 22, **{c: 9 for c in range(2, width + 1)}}
    return sheet


def rules_sheet(table: dict) -> xlsx.Sheet:
    sheet = xlsx.Sheet("数え方", landscape=False)
    sheet.rows.append([(f"{table['label']} 数え方", "title")])
    sheet.rows.append([("数え方", "header"), ("確認", "header"), ("出典", "header")])
    for rule in table["rules"]:
        sheet.rows.append([(rule["text"], "label"), ("確認済み" if rule["confirmed"] else "未確認", "label"),
                           (rule["source"], "label")])
    sheet.widths = {1: 80, 2: 10, 3: 50}
    return sheet


def xlsx_of(table: dict):
    return xlsx.xlsx_response([table_sheet(table), rules_sheet(table)], filename(table, "xlsx"), table["title"])


# --- the roll-up: each organisation's 計 side by side, and the sum --------------------------------------
def rollup_header(rollup: dict) -> list[str]:
    m = rollup["measures"]
    out = ["機関", "種別"]
    for col in rollup["columns"]:
        out += [f"{col['name']} {m['real_short']}", f"{col['name']} {m['visits_short']}"]
    name = rollup["total_column"]["name"]
    return out + [f"{name} {m['real_short']}", f"{name} {m['visits_short']}"]


def rollup_body(rollup: dict) -> list[list]:
    rows = [[r["name"], r["type_name"]] + _values(r["cells"], r["total"]) for r in rollup["rows"]]
    rows.append(["合計", ""] + _values(rollup["total"]["cells"], rollup["total"]["total"]))
    return rows


def rollup_csv(rollup: dict, organisation):
    return csv_response(rollup_header(rollup), rollup_body(rollup),
                        f"report-rollup-{organisation.code}-FY{rollup['fiscal_year']}.csv")


def rollup_sheet(rollup: dict) -> xlsx.Sheet:
    m = rollup["measures"]
    width = 2 + 2 * (len(rollup["columns"]) + 1)
    sheet = xlsx.Sheet("機関別")
    sheet.rows.append([(rollup["title"], "title")])
    sheet.rows.append([("各機関の表の「計」の行（件数のみ）", "subtitle")])
    sheet.merges += [f"A1:{xlsx.column_letter(width)}1", f"A2:{xlsx.column_letter(width)}2", "A3:A4", "B3:B4"]
    top, sub = [("機関", "header"), ("種別", "header")], [(None, "header"), (None, "header")]
    headings = [c["name"] + ("（記録なし）" if not c["recorded"] else "") for c in rollup["columns"]]
    headings.append(rollup["total_column"]["name"])
    for i, name in enumerate(headings):
        col = 3 + 2 * i
        top += [(name, "header"), (None, "header")]
        sub += [(m["real_short"], "header"), (m["visits_short"], "header")]
        sheet.merges.append(f"{xlsx.cell_ref(3, col)}:{xlsx.cell_ref(3, col + 1)}")
    sheet.rows += [top, sub]
    for r in rollup["rows"]:
        sheet.rows.append([(r["name"], "label"), (r["type_name"], "label")] + _xlsx_values(r["cells"], r["total"]))
    sheet.rows.append([("合計", "header"), (None, "header")]
                      + _xlsx_values(rollup["total"]["cells"], rollup["total"]["total"]))
    sheet.widths = {1: 30, 2: 12, **{c: 9 for c in range(3, width + 1)}}
    return sheet


def rollup_xlsx(rollup: dict, organisation):
    """The roll-up sheet, then one sheet per organisation's table, then the rules."""
    sheets = [rollup_sheet(rollup)] + [table_sheet(t) for t in rollup["tables"]]
    if rollup["tables"]:
        sheets.append(rules_sheet(rollup["tables"][0]))
    return xlsx.xlsx_response(sheets, f"report-rollup-{organisation.code}-FY{rollup['fiscal_year']}.xlsx",
                              rollup["title"])
