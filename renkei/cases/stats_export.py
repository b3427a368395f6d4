"""The report table (stats.report_table) as CSV for Excel: one row per 相談の種類, then 計 and the 再掲 rows;
two columns (実人員, 延人員) per kind and for 総数. A kind the product does not record has empty cells."""

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
