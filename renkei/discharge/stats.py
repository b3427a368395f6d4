"""Outreach visits in the statistics: a recorded visit is one contact of the person on the visit channel,
counted by renkei.cases.stats with the same 実人員/延人員 rules as consultations (registered as a contact
source), in the column of the report form that channel feeds (訪問指導, from FY2024 訪問支援)."""

from renkei.cases import reference as case_reference
from renkei.cases import stats as case_stats
from renkei.core.dates import FiscalYear

from . import reference
from .models import OutreachVisit


def outreach_contacts(organisation, start, end):
    channel = reference.outreach_stats_channel()
    rows = (OutreachVisit.objects.filter(organisation=organisation, status="done", visited_at__gte=start,
                                         visited_at__lt=end)
            .order_by("visited_at", "id").values_list("visited_at", "case__person_id", "category"))
    return [(at, person_id, channel, category, ()) for at, person_id, category in rows]


def visit_counts(organisation, fiscal_year: FiscalYear | int) -> dict:
    """The visit column of the fiscal year: {"fiscal_year", "label", "name", "real", "visits", "categories"} —
    the column the statistics page shows, so the two always agree."""
    table = case_stats.report_table(organisation, fiscal_year)
    kind_code = case_reference.report_kind_of_channel(table["fiscal_year"], organisation.type.code)[
        reference.outreach_stats_channel()]
    col, cells, total = case_stats.column(table, kind_code)
    return {"fiscal_year": table["fiscal_year"], "label": table["label"], "name": col["name"],
            "real": total["real"], "visits": total["visits"], "categories": [c for c in cells if c["visits"]]}
