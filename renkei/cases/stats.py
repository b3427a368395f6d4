"""The official tables of 地域保健・健康増進事業報告 (精神保健福祉 相談等): 実人員 and 延人員 per fiscal year.

What the table says — its title, columns (kinds of support and the channels that feed them), measures,
再掲 rows and the counting rules with their sources — is data per fiscal year and organisation type
(data/report_forms.json, read through `reference.report_form`); this module only counts, the same way
for every version:
- Each contact is one 延人員, under the column its channel belongs to and its 相談の種類.
- A registered person counts one 実人員 per column per fiscal year, under the category of their first
  contact of that column in the year, so the category rows add up to the column's 計.
- A contact with no registered person (anonymous, or about someone not yet registered) is its own 実人員.
- 再掲 rows: a contact carrying a factor counts one 延人員 in its row; a person counts one 実人員 in a
  factor row per column when any of their contacts of that column in the year carries it. 再掲 rows are
  not added to the 計.
- The 総数 column adds the columns up. A column no channel feeds (デイ・ケア: not recorded) has no
  figures (None), never a zero that looks counted.
- Other apps add contacts through `register_contact_source` (recorded outreach visits).
- The fiscal year runs April–March (renkei.core.dates.FiscalYear), by the contact's local date.
"""

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from renkei.core.dates import FiscalYear

from . import reference
from .models import Consultation

# Other contacts counted like consultations (the discharge app's recorded outreach visits): functions
# (organisation, start, end) -> iterable of (occurred_at, person_id, channel, category, factors).
CONTACT_SOURCES: list = []


def register_contact_source(source) -> None:
    if source not in CONTACT_SOURCES:
        CONTACT_SOURCES.append(source)


def _fiscal_year(value) -> FiscalYear:
    return value if isinstance(value, FiscalYear) else FiscalYear(int(value))


def bounds(fy: FiscalYear) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(fy.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(fy.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def contacts(organisation, fy: FiscalYear) -> list[tuple]:
    """Every contact of the organisation in the fiscal year, oldest first:
    (occurred_at, person_id, channel, category, factors)."""
    start, end = bounds(fy)
    rows = list(Consultation.objects.filter(organisation=organisation, occurred_at__gte=start, occurred_at__lt=end)
                .order_by("occurred_at", "id")
                .values_list("occurred_at", "person_id", "channel", "category", "factors"))
    for source in CONTACT_SOURCES:
        rows.extend(source(organisation, start, end))
    rows.sort(key=lambda row: row[0])  # stable: consultations keep their id order within a moment
    return rows


def _cell(recorded: bool, real: int, visits: int) -> dict:
    return {"real": real, "visits": visits} if recorded else {"real": None, "visits": None}


def _add(cells: list[dict]) -> dict:
    counted = [c for c in cells if c["real"] is not None]
    return {"real": sum(c["real"] for c in counted), "visits": sum(c["visits"] for c in counted)}


def report_table(organisation, fiscal_year) -> dict:
    """The report table of `organisation` for `fiscal_year`, in the wording of the form then in force."""
    fy = _fiscal_year(fiscal_year)
    version = reference.report_version(fy)
    form, own = reference.report_form(fy, organisation.type.code)
    kind_of = {channel: kind["code"] for kind in form["kinds"] for channel in kind["channels"]}
    category_list = reference.categories(fy)
    factor_list = reference.factors(fy)
    category_codes = {c["code"] for c in category_list}
    visits, real = defaultdict(int), defaultdict(int)      # (kind, category) → 延人員 / 実人員
    fvisits, freal = defaultdict(int), defaultdict(int)    # (kind, factor) → 延人員 / 実人員
    seen, fseen = set(), set()                              # (kind, person) / (kind, factor, person)
    uncounted = 0
    for _at, person_id, channel, category, factors in contacts(organisation, fy):
        kind = kind_of.get(channel)
        if kind is None or category not in category_codes:
            uncounted += 1
            continue
        visits[kind, category] += 1
        if person_id is None:
            real[kind, category] += 1
        elif (kind, person_id) not in seen:
            seen.add((kind, person_id))
            real[kind, category] += 1
        for factor in set(factors or ()):
            fvisits[kind, factor] += 1
            if person_id is None:
                freal[kind, factor] += 1
            elif (kind, factor, person_id) not in fseen:
                fseen.add((kind, factor, person_id))
                freal[kind, factor] += 1
    columns = [{"code": k["code"], "name": k["name"], "recorded": bool(k["channels"])} for k in form["kinds"]]

    def row(code, name, real_of, visits_of):
        cells = [_cell(col["recorded"], real_of[col["code"], code], visits_of[col["code"], code]) for col in columns]
        return {"code": code, "name": name, "cells": cells, "total": _add(cells)}

    rows = [row(c["code"], c["name"], real, visits) for c in category_list]
    total_cells = [_cell(col["recorded"], sum(r["cells"][i]["real"] or 0 for r in rows),
                         sum(r["cells"][i]["visits"] or 0 for r in rows)) for i, col in enumerate(columns)]
    factor_rows = [row(f["code"], f["name"], freal, fvisits) for f in factor_list]
    return {
        "fiscal_year": fy.year, "label": fy.label, "title": f"{fy.label} {form['title']}",
        "organisation": {"code": organisation.code, "name": organisation.name, "type": organisation.type.code},
        "form": {"code": form["code"], "title": form["title"], "table": form["table"], "source": form["source"],
                 "confirmed": form["confirmed"], "own": own},
        "law": version["law"], "measures": version["measures"], "row_heading": version["row_heading"],
        "total_row": version["total_row"], "total_column": version["total_column"],
        "factor_heading": version["factor_heading"],
        "columns": columns, "rows": rows, "total": {"cells": total_cells, "total": _add(total_cells)},
        "factor_rows": factor_rows, "uncounted": uncounted, "rules": version["rules"],
    }


def column(table: dict, code: str) -> tuple[dict, list[dict], dict]:
    """(column, its cell in every category row, its 計) of a report table."""
    i = next(i for i, col in enumerate(table["columns"]) if col["code"] == code)
    return table["columns"][i], [dict(r["cells"][i], code=r["code"], name=r["name"]) for r in table["rows"]], \
        table["total"]["cells"][i]


def roll_up(organisations, fiscal_year) -> dict:
    """The 計 row of each organisation's report table side by side, and their sum: counts only. Columns are
    the union of the organisations' forms' columns by code (a column another form lacks has no figures)."""
    fy = _fiscal_year(fiscal_year)
    version = reference.report_version(fy)
    tables = [report_table(organisation, fy) for organisation in organisations]
    columns: list[dict] = []
    for table in tables:
        for col in table["columns"]:
            known = next((c for c in columns if c["code"] == col["code"]), None)
            if known is None:
                columns.append(dict(col))
            else:
                known["recorded"] = known["recorded"] or col["recorded"]
    rows = []
    for organisation, table in zip(organisations, tables, strict=True):
        own = {col["code"]: cell for col, cell in zip(table["columns"], table["total"]["cells"], strict=True)}
        cells = [own.get(col["code"], {"real": None, "visits": None}) for col in columns]
        rows.append({"id": organisation.pk, "code": organisation.code, "name": organisation.name,
                     "type": organisation.type.code, "type_name": organisation.type.name,
                     "form": table["form"]["code"], "form_title": table["form"]["title"],
                     "cells": cells, "total": _add(cells), "uncounted": table["uncounted"]})
    total_cells = [_cell(col["recorded"], sum(r["cells"][i]["real"] or 0 for r in rows),
                         sum(r["cells"][i]["visits"] or 0 for r in rows)) for i, col in enumerate(columns)]
    return {"fiscal_year": fy.year, "label": fy.label,
            "title": f"{fy.label} 精神保健福祉相談等の{version['measures']['real']}・{version['measures']['visits']}（機関別）",
            "measures": version["measures"], "total_column": version["total_column"], "total_row": version["total_row"],
            "columns": columns, "rows": rows, "total": {"cells": total_cells, "total": _add(total_cells)},
            "rules": version["rules"], "tables": tables}
