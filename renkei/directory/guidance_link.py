"""The link to the guideline rules (renkei.guidance.engine, a lower layer): which duties of the 運営要領
involve the agency types found by matching."""

from renkei.guidance import engine


def guideline_recommendations(query, results, membership) -> list | None:
    """The rules whose involved agency types match the organisations in `results`, each with the matching
    types' names; None when the query's facts do not fit the engine."""
    types = {}
    for item in results:
        agency = item.service.organization.agency_type
        if agency is not None:
            types[agency.code] = agency.name
    try:
        facts = engine.CaseFacts(need_domains={query.need.need_domain} if query.need.need_domain else set(),
                                 acting_org_type=membership.organisation.type.code if membership else None)
        recommendations = engine.recommend(facts)
    except (TypeError, ValueError):
        return None
    out = []
    for rec in recommendations:
        involved = [types[code] for code in getattr(rec, "involve", ()) if code in types]
        if involved:
            out.append({"rule": rec, "agency_types": involved})
    return out
