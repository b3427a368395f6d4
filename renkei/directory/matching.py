"""Best-fit matching: for a need (a service kind) and the person's municipality, rank concrete services.

Scores and wording come from data/matching.json. Every ranked item carries its score and its reasons
(Japanese) and cautions; the order is deterministic (score, then service name, then id).

Performance figures from referrals (acceptance rate, median response time) come later from other
apps: pass `performance=` or register a source with `register_performance_source(fn)`, where
`fn(service) -> Performance | None`. By default there is none.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from renkei.accounts.models import Organisation
from renkei.core.reference import need_domain_names

from . import hours, reference
from .access import services_visible_to
from .models import Service, TaxonomyTerm
from .search import accepting_referrals, covers, term_and_descendants, with_details

DATA = Path(__file__).parent / "data" / "matching.json"


@cache
def config() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Performance:
    acceptance_rate: float | None = None          # 0.0 – 1.0
    median_response_hours: float | None = None


PerformanceSource = Callable[[object], Performance | None]
_performance_sources: list[PerformanceSource] = []


def register_performance_source(source: PerformanceSource) -> None:
    if source not in _performance_sources:
        _performance_sources.append(source)


def unregister_performance_source(source: PerformanceSource) -> None:
    if source in _performance_sources:
        _performance_sources.remove(source)


@dataclass(frozen=True)
class MatchQuery:
    need: TaxonomyTerm
    municipality: Organisation
    accessibility: tuple[str, ...] = ()
    language: str | None = None
    at: datetime | None = None


@dataclass
class RankedService:
    service: object
    score: float = 0
    reasons: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)
    covers_area: bool = False


def candidates(query: MatchQuery, membership=None):
    exact = term_and_descendants(query.need.pk)
    domain_terms = TaxonomyTerm.objects.filter(taxonomy__code=reference.SERVICE_KIND,
                                               need_domain=query.need.need_domain).values_list("pk", flat=True)
    wanted = set(exact) | (set(domain_terms) if query.need.need_domain else set())
    if membership is not None:
        qs = services_visible_to(membership)
    else:  # internal callers (tests, later referral code) rank over the whole directory
        qs = Service.objects.select_related("organization", "organization__agency_type")
    qs = qs.filter(status="active", service_terms__taxonomy_term_id__in=wanted).distinct()
    return list(with_details(qs)), set(exact)


def _performance(service, performance: PerformanceSource | None) -> Performance | None:
    for source in ([performance] if performance else []) + _performance_sources:
        figures = source(service)
        if figures is not None:
            return figures
    return None


def score(service, query: MatchQuery, exact: set, performance: PerformanceSource | None = None) -> RankedService:
    w, item = config()["weights"], RankedService(service)
    terms = [st.taxonomy_term for st in service.service_terms.all()]
    exact_terms = [t for t in terms if t.pk in exact]
    if exact_terms:
        item.score += w["exact_term"]
        item.reasons.append(f"サービス種別が一致: {'・'.join(t.name for t in exact_terms)}")
    else:
        same = [t for t in terms if t.need_domain == query.need.need_domain]
        domain = need_domain_names().get(query.need.need_domain, "")
        item.score += w["same_domain"]
        item.reasons.append(f"同じ生活領域（{domain}）のサービス: {'・'.join(t.name for t in same)}")
    coverage = covers(service, query.municipality)
    if coverage == "municipality":
        item.score += w["area_municipality"]
        item.reasons.append(f"{query.municipality.name}を対象地域に含む")
    elif coverage == "prefecture":
        item.score += w["area_prefecture"]
        item.reasons.append("都道府県全域が対象地域")
    else:
        item.score += w["area_outside"]
        names = "・".join(a.name for a in service.service_areas.all()) or "登録なし"
        item.cautions.append(f"{query.municipality.name}は対象地域外（対象地域: {names}）")
    item.covers_area = coverage is not None
    _score_capacity(item, service, w)
    moment = query.at or timezone.now()
    if hours.service_open_at(service, moment):
        item.score += w["open_now"]
        item.reasons.append("現在、受付時間内")
    elif not service.schedules.all():
        item.cautions.append("受付時間の登録なし")
    _score_access(item, service, query, w)
    if service.is_stale:
        item.score += w["stale"]
        item.cautions.append("情報の最終確認から1年以上経過（連絡前に確認を）")
    figures = _performance(service, performance)
    if figures and figures.acceptance_rate is not None:
        item.score += round(w["acceptance_rate"] * figures.acceptance_rate, 1)
        item.reasons.append(f"これまでの連携依頼の受諾率 {figures.acceptance_rate:.0%}")
    if figures and figures.median_response_hours is not None:
        if figures.median_response_hours <= w["fast_response_hours"]:
            item.score += w["fast_response"]
        item.reasons.append(f"回答までの時間の中央値 {figures.median_response_hours:.0f}時間")
    return item


def _score_capacity(item, service, w):
    capacities = list(service.capacities.all())
    if service.status != "active" or not service.accepting_referrals:
        item.score += w["not_accepting"]
        item.cautions.append("現在、連携依頼の受付を停止中")
    if not capacities:
        item.score += w["capacity_unknown"]
        item.reasons.append("受入枠の制限の登録なし")
    elif accepting_referrals(service) or any(c.available > 0 for c in capacities):
        item.score += w["capacity_available"]
        c = next(c for c in capacities if c.available > 0)
        item.reasons.append(f"空きあり（{c.unit.name} {c.available}" + (f"／{c.maximum}）" if c.maximum else "）"))
    else:
        item.score += w["capacity_full"]
        c = capacities[0]
        item.cautions.append(f"空きなし（{c.unit.name} 0" + (f"／{c.maximum}）" if c.maximum else "）"))


def _score_access(item, service, query, w):
    texts = [a.description + " " + a.details for sal in service.service_at_locations.all()
             for a in sal.location.accessibility.all()]
    for key in query.accessibility:
        spec = config()["accessibility"].get(key)
        if spec is None:
            continue
        if any(k in text for text in texts for k in spec["keywords"]):
            item.score += w["accessibility_met"]
            item.reasons.append(f"{spec['label']}")
        else:
            item.score += w["accessibility_unknown"]
            item.cautions.append(f"{spec['label']}かどうかの情報なし")
    if query.language and query.language != "ja":
        name = config()["languages"].get(query.language, query.language)
        if any(lang.code == query.language for lang in service.languages.all()):
            item.score += w["language_met"]
            item.reasons.append(f"{name}に対応")
        else:
            item.score += w["language_unknown"]
            item.cautions.append(f"{name}対応の情報なし")


def rank(query: MatchQuery, *, membership=None, performance: PerformanceSource | None = None) -> list[RankedService]:
    services, exact = candidates(query, membership)
    items = [score(s, query, exact, performance) for s in services]
    return sorted(items, key=lambda i: (-i.score, i.service.name_folded, str(i.service.pk)))


def need_terms():
    return reference.service_kinds()


def municipalities():
    return Organisation.objects.filter(type__code="municipality", is_active=True).order_by("kana_folded", "name")


def query_from_params(*, need: str, municipality, accessibility=(), language=None, at=None) -> MatchQuery:
    """Resolve a need (term code or id) and a municipality (pk); 404 when either is unknown."""
    terms = TaxonomyTerm.objects.filter(taxonomy__code=reference.SERVICE_KIND)
    term = terms.filter(code=need).first()
    if term is None:
        try:
            term = terms.filter(pk=need).first()
        except ValidationError:  # neither a code nor a UUID
            term = None
    place = municipalities().filter(pk=municipality).first() if str(municipality).isdigit() else None
    if term is None or place is None:
        raise Http404
    keys = tuple(k for k in accessibility if k in config()["accessibility"])
    return MatchQuery(need=term, municipality=place, accessibility=keys, language=language or None, at=at)


def item_out(item: RankedService) -> dict:
    s = item.service
    return {"service_id": str(s.pk), "service": s.name, "organization_id": str(s.organization_id),
            "organization": s.organization.name, "score": item.score, "reasons": item.reasons,
            "cautions": item.cautions}
