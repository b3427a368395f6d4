"""JSON API: the public Open Referral HSDS 3.1 read API (`hsds_router`) and the logged-in matching
endpoint (`router`). HSDS answers are built by hsds.py and validated against the official schemas in
tests/directory/test_api.py."""

import uuid
from math import ceil
from typing import Annotated

from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from renkei.core.api_errors import Error
from renkei.core.api_types import DateTime, Id, PageNumber, SearchText, Text, codes
from renkei.core.text import fold_kana

from . import hsds, matching
from .models import Organization, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from .search import term_and_descendants

router = Router(tags=["directory"])

# Open Referral HSDS 3.1 read API: directory data is not personal data, so it answers without login
# (settings.HSDS_PUBLIC; a deployment may turn that off).
hsds_router = Router(tags=["hsds"])
MAX_PER_PAGE = 200


ErrorOut = Error
HsdsId = Text(64)  # a UUID as HSDS names it; anything else is simply not found


class PageParams(Schema):
    search: SearchText | None = None
    page: PageNumber = 1
    per_page: Annotated[int, Field(ge=1, le=MAX_PER_PAGE)] = 50
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    modified_after: DateTime | None = None


def _bad(message):
    from ninja.errors import HttpError

    raise HttpError(400, message)


def _uuid_or_400(value, name):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        _bad(f"{name} は UUID で指定してください。")


def page(queryset, params: PageParams, item) -> dict:
    if params.page < 1 or not 1 <= params.per_page <= MAX_PER_PAGE:
        _bad(f"page は1以上、per_page は1〜{MAX_PER_PAGE}で指定してください。")
    total = queryset.count()
    pages = max(1, ceil(total / params.per_page))
    start = (params.page - 1) * params.per_page
    contents = [item(obj) for obj in queryset[start:start + params.per_page]]
    return {"total_items": total, "total_pages": pages, "page_number": params.page, "size": len(contents),
            "first_page": params.page == 1, "last_page": params.page >= pages, "empty": not contents,
            "contents": contents}


def _services(params: PageParams):
    qs = Service.objects.select_related("organization")
    if params.search:
        folded = fold_kana(params.search)
        qs = qs.filter(Q(name_folded__contains=folded) | Q(organization__name_folded__contains=folded)
                       | Q(description__icontains=params.search))
    if params.taxonomy_term_id:
        qs = qs.filter(service_terms__taxonomy_term_id__in=term_and_descendants(
            _uuid_or_400(params.taxonomy_term_id, "taxonomy_term_id")))
    if params.taxonomy_id:
        qs = qs.filter(service_terms__taxonomy_term__taxonomy_id=_uuid_or_400(params.taxonomy_id, "taxonomy_id"))
    if params.organization_id:
        qs = qs.filter(organization_id=_uuid_or_400(params.organization_id, "organization_id"))
    if params.modified_after:
        qs = qs.filter(last_modified__gte=params.modified_after)
    return qs.distinct().order_by("name_folded", "id")


@hsds_router.get("/", summary="HSDS API ルート")
def api_root(request):
    return {"version": hsds.HSDS_VERSION, "profile": hsds.PROFILE_URL,
            "openapi_url": request.build_absolute_uri(reverse("api:openapi-json"))}


@hsds_router.get("/services", summary="サービス一覧（HSDS）", response={200: dict, 400: ErrorOut})
def services(request, params: Query[PageParams]):
    return page(_services(params), params, hsds.service_list_item)


@hsds_router.get("/services/{service_id}", summary="サービス（HSDS compiled）", response={200: dict, 404: ErrorOut})
def service(request, service_id: HsdsId):
    return hsds.service_out(_get(Service.objects.select_related("organization"), service_id))


@hsds_router.get("/organizations", summary="機関一覧（HSDS）", response={200: dict, 400: ErrorOut})
def organizations(request, params: Query[PageParams]):
    qs = Organization.objects.all()
    if params.search:
        qs = qs.filter(name_folded__contains=fold_kana(params.search))
    if params.taxonomy_term_id:
        term = _uuid_or_400(params.taxonomy_term_id, "taxonomy_term_id")
        qs = qs.filter(Q(agency_type_id=term) | Q(services__service_terms__taxonomy_term_id__in=term_and_descendants(
            term)))
    if params.taxonomy_id:
        tax = _uuid_or_400(params.taxonomy_id, "taxonomy_id")
        qs = qs.filter(Q(agency_type__taxonomy_id=tax) | Q(services__service_terms__taxonomy_term__taxonomy_id=tax))
    return page(qs.distinct().order_by("name_folded", "id"), params, hsds.organization_list_item)


@hsds_router.get("/organizations/{organization_id}", summary="機関（HSDS compiled）",
                 response={200: dict, 404: ErrorOut})
def organization(request, organization_id: HsdsId, full_service: bool = False):
    org = _get(Organization.objects.all(), organization_id)
    return hsds.organization_out(org, services="full" if full_service else "list")


@hsds_router.get("/service_at_locations", summary="サービス提供場所一覧（HSDS）", response={200: dict, 400: ErrorOut})
def service_at_locations(request, params: Query[PageParams]):
    ids = _services(params).values("pk")
    qs = ServiceAtLocation.objects.filter(service_id__in=ids).order_by("id")
    return page(qs, params, hsds.sal_list_item)


@hsds_router.get("/service_at_locations/{sal_id}", summary="サービス提供場所（HSDS compiled）",
                 response={200: dict, 404: ErrorOut})
def service_at_location(request, sal_id: HsdsId):
    return hsds.sal_out(_get(ServiceAtLocation.objects.select_related("service", "location"), sal_id))


@hsds_router.get("/taxonomies", summary="分類体系一覧（HSDS）", response={200: dict, 400: ErrorOut})
def taxonomies(request, params: Query[PageParams]):
    qs = Taxonomy.objects.order_by("code")
    if params.search:
        qs = qs.filter(name__icontains=params.search)
    return page(qs, params, hsds.taxonomy_out)


@hsds_router.get("/taxonomies/{taxonomy_id}", summary="分類体系（HSDS）", response={200: dict, 404: ErrorOut})
def taxonomy(request, taxonomy_id: HsdsId):
    return hsds.taxonomy_out(_get(Taxonomy.objects.all(), taxonomy_id))


@hsds_router.get("/taxonomy_terms", summary="分類の用語一覧（HSDS）", response={200: dict, 400: ErrorOut})
def taxonomy_terms(request, params: Query[PageParams], parent_id: uuid.UUID | None = None, top_only: bool = False):
    qs = TaxonomyTerm.objects.select_related("taxonomy").order_by("taxonomy__code", "sort_order", "id")
    if params.search:
        qs = qs.filter(name__icontains=params.search)
    if params.taxonomy_id:
        qs = qs.filter(taxonomy_id=_uuid_or_400(params.taxonomy_id, "taxonomy_id"))
    if parent_id:
        qs = qs.filter(parent_id=_uuid_or_400(parent_id, "parent_id"))
    if top_only:
        qs = qs.filter(parent__isnull=True)
    return page(qs, params, lambda term: hsds.term_out(term, detail=False))


@hsds_router.get("/taxonomy_terms/{term_id}", summary="分類の用語（HSDS）", response={200: dict, 404: ErrorOut})
def taxonomy_term(request, term_id: HsdsId):
    return hsds.term_out(_get(TaxonomyTerm.objects.select_related("taxonomy"), term_id))


def _get(queryset, pk):
    from django.core.exceptions import ValidationError

    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


class MatchParams(Schema):
    need: Text(40)
    municipality: Id
    accessibility: Annotated[list[codes(matching.config()["accessibility"])], Field(max_length=20)] = []
    language: codes(matching.config()["languages"]) | None = None


class MatchItemOut(Schema):
    service_id: str
    service: str
    organization_id: str
    organization: str
    score: float
    reasons: list[str]
    cautions: list[str]


@router.get("/match", summary="最適な連携先を探す（ランキングと理由）", response={200: list[MatchItemOut], 404: ErrorOut})
def match(request, params: Query[MatchParams]):
    from renkei.accounts.access import require_perm

    require_perm(request, "directory.view")
    query = matching.query_from_params(need=params.need, municipality=params.municipality,
                                       accessibility=params.accessibility, language=params.language)
    return [matching.item_out(item) for item in matching.rank(query, membership=request.membership)]
