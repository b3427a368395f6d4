"""Outreach visits in the statistics: a recorded visit is one 訪問指導 contact of the person, counted by
renkei.cases.stats with the same 実人員/延人員 rules as consultations (registered as a contact source)."""

from renkei.cases import stats as case_stats
from renkei.core.dates import FiscalYear

from . import reference
from .models import OutreachVisit


def outreach_contacts(organisation, start, end):
    channel = reference.outreach_stats_channel()
    rows = (OutreachVisit.objects.filter(organisation=organisation, status="done", visited_at__gte=start,
                                         visited_at__lt=end)
            .order_by("visited_at", "id").values_list("visited_at", "case__person_id", "category"))
    return [(at, person_id, channel, category) for at, person_id, category in rows]


def visit_counts(organisation, fiscal_year: FiscalYear | int) -> dict:
    """訪問指導 of the fiscal year: {"fiscal_year", "label", "real", "visits", "categories"} — the row the
    statistics page shows, so the two always agree."""
    counts = case_stats.consultation_counts(organisation, fiscal_year)
    channel = reference.outreach_stats_channel()
    from renkei.cases import reference as case_reference

    kind_code = case_reference.report_kind_of_channel()[channel]
    kind = next(k for k in counts["kinds"] if k["code"] == kind_code)
    return {"fiscal_year": counts["fiscal_year"], "label": counts["label"], "name": kind["name"],
            "real": kind["total"]["real"], "visits": kind["total"]["visits"],
            "categories": [c for c in kind["categories"] if c["visits"]]}
