"""A year's 普及啓発 counts of one office: the activities held in the fiscal year that the office recorded or
co-organised — sessions and participants by kind, by theme and by audience. Counts only, no person data."""

from renkei.core.dates import FiscalYear

from . import reference
from .models import Outreach


def outreach_counts(organisation, fy: FiscalYear) -> dict:
    from django.db.models import Q

    rows = list(Outreach.objects.filter(Q(organisation=organisation) | Q(co_organisers=organisation),
                                        status="held", date__gte=fy.start, date__lte=fy.end)
                .distinct().values("pk", "kind", "themes", "audiences", "sessions", "participants"))

    def table(vocabulary, of):
        out = []
        for code, name in reference.choices(vocabulary):
            mine = [r for r in rows if of(r, code)]
            out.append({"code": code, "name": name, "activities": len(mine),
                        "sessions": sum(r["sessions"] for r in mine),
                        "participants": sum(r["participants"] or 0 for r in mine)})
        return out

    return {
        "fiscal_year": fy.year, "label": fy.label, "organisation": organisation.name,
        "total": {"activities": len(rows), "sessions": sum(r["sessions"] for r in rows),
                  "participants": sum(r["participants"] or 0 for r in rows)},
        "by_kind": table("outreach_kinds", lambda r, c: r["kind"] == c),
        "by_theme": table("themes", lambda r, c: c in (r["themes"] or [])),
        "by_audience": table("audiences", lambda r, c: c in (r["audiences"] or [])),
    }
