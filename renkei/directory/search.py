"""Directory search: name (kana/width-insensitive), service kind, area, open now, accepting referrals."""

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.utils import timezone

from renkei.core.text import fold_kana

from . import hours
from .access import services_visible_to
from .models import Schedule, ServiceArea, ServiceCapacity, ServiceTerm, TaxonomyTerm


def accepting_referrals(service, capacities=None) -> bool:
    """Active, flagged as accepting, and (when capacity is recorded) with a free place. `capacities`: the
    service's capacities when the caller holds them already (a listing's)."""
    if service.status != "active" or not service.accepting_referrals:
        return False
    capacities = list(service.capacities.all()) if capacities is None else capacities
    return not capacities or any(c.available > 0 for c in capacities)


def term_and_descendants(term_id) -> list:
    ids, frontier = [], [term_id]
    while frontier:
        ids += frontier
        frontier = list(TaxonomyTerm.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
    return ids


def covers(service, municipality) -> str | None:
    """'municipality' when an area names the municipality, 'prefecture' when one covers the prefecture."""
    kinds = set()
    for area in service.service_areas.all():
        if area.area_id is None:
            continue
        if area.area_id == municipality.pk:
            kinds.add("municipality")
        elif area.area.type.code == "prefecture":
            kinds.add("prefecture")
    return "municipality" if "municipality" in kinds else ("prefecture" if kinds else None)


def with_details(queryset):
    return queryset.prefetch_related(
        Prefetch("schedules", queryset=Schedule.objects.all()),
        Prefetch("service_areas", queryset=ServiceArea.objects.select_related("area__type")),
        "capacities", "service_terms__taxonomy_term", "languages", "service_at_locations__location__accessibility",
    )


LISTED_FIELDS = ("id", "organization_id", "name", "name_folded", "status", "accepting_referrals", "last_verified",
                 "organization__id", "organization__name", "organization__name_folded")


def for_listing(queryset):
    """What a list of results shows: the hours (open now), the areas' names, the capacity with its unit and the
    kinds; not the languages, locations or the areas' types the detail page and matching read (a third of
    the page's time went into building those rows, and one query per capacity fetched its unit).

    Each is kept as a plain list on the service (`listed_*`, read by `listing_row`), not in its related
    managers: filling a manager's cache builds a filtered queryset per service and relation (200 per page of
    results, a fifth of the page's time), a list is only assigned."""
    return queryset.prefetch_related(
        Prefetch("schedules", queryset=Schedule.objects.all(), to_attr="listed_schedules"),
        Prefetch("service_areas", queryset=ServiceArea.objects.only("id", "service_id", "name"),
                 to_attr="listed_areas"),
        Prefetch("capacities", queryset=ServiceCapacity.objects.select_related("unit"), to_attr="listed_capacities"),
        Prefetch("service_terms", queryset=ServiceTerm.objects.select_related("taxonomy_term"),
                 to_attr="listed_terms"),
    )


def _open_at(service, moment) -> bool:
    return any(hours.schedule_open_at(s, moment) for s in service.listed_schedules)


def listing_row(service, moment) -> dict:
    """One row of results (a service from `for_listing`): open now, accepting, its capacity, kinds and areas."""
    capacities = service.listed_capacities
    return {"service": service, "open_now": _open_at(service, moment),
            "accepting": accepting_referrals(service, capacities), "capacity": capacities[0] if capacities else None,
            "kinds": [st.taxonomy_term for st in service.listed_terms], "areas": service.listed_areas}


PAGE_SIZE = 50  # services per page of results


def search_page(membership, page=None, per_page: int | None = None, **filters):
    """One page (`django.core.paginator.Page`) of `search_services`: only that page's services are built with
    their hours, areas, capacities and kinds — the SQL count and slice come first — unless a filter that is
    read from those (open now, accepting) needs every service. An odd page number gives the nearest page."""
    per_page = per_page or PAGE_SIZE
    if filters.get("open_now") or filters.get("accepting"):
        return Paginator(search_services(membership, **filters), per_page).get_page(page)
    narrowing = {k: filters[k] for k in ("q", "kind", "area") if k in filters}
    return Paginator(_ordered(membership, **narrowing), per_page).get_page(page)


def _ordered(membership, *, q: str = "", kind=None, area=None):
    qs = services_visible_to(membership).exclude(status="defunct")
    folded = fold_kana(q)
    if folded:
        qs = qs.filter(Q(name_folded__contains=folded) | Q(organization__name_folded__contains=folded))
    if kind:
        qs = qs.filter(service_terms__taxonomy_term_id__in=term_and_descendants(kind))
    if area is not None:
        qs = qs.filter(Q(service_areas__area=area) | Q(service_areas__area__type__code="prefecture"))
    qs = qs.select_related(None).select_related("organization").only(*LISTED_FIELDS)
    return for_listing(qs.distinct()).order_by("organization__name_folded", "name_folded", "id")


def search_services(membership, *, q: str = "", kind=None, area=None, open_now: bool = False,
                    accepting: bool = False, at=None) -> list:
    """Services visible to the member, filtered; ordered by organisation then service name."""
    results = list(_ordered(membership, q=q, kind=kind, area=area))
    moment = at or timezone.now()
    if open_now:
        results = [s for s in results if _open_at(s, moment)]
    if accepting:
        results = [s for s in results if accepting_referrals(s, s.listed_capacities)]
    return results
