"""Directory fixtures: a small directory over the shared `pref`, plus a prefecture organisation."""

from datetime import time
from types import SimpleNamespace

import pytest


@pytest.fixture
def prefecture(pref):
    from renkei.accounts.models import Organisation, OrganisationType

    return Organisation.objects.create(code="midori-pref", name="みどり県", kana="ミドリケン",
                                       type=OrganisationType.objects.get(code="prefecture"), is_public=True)


@pytest.fixture
def make_service():
    from django.utils import timezone

    from renkei.directory import reference
    from renkei.directory.models import (
        Accessibility,
        Language,
        Location,
        Organization,
        Schedule,
        Service,
        ServiceArea,
        ServiceAtLocation,
        ServiceCapacity,
        ServiceTerm,
        TaxonomyTerm,
        Unit,
    )

    reference.sync_taxonomy()

    def make(org_name, name, *, kinds=(), areas=(), hours=(), capacity=None, accepting=True, languages=("ja",),
             access="", maintained_by=None, organisation=None, verified=None, kana="", status="active"):
        org = Organization.objects.filter(name=org_name).first() or Organization.objects.create(
            name=org_name, alternate_name=kana, maintained_by=maintained_by, organisation=organisation,
            last_verified=verified or timezone.localdate())
        service = Service.objects.create(organization=org, name=name, accepting_referrals=accepting, status=status,
                                         last_verified=verified or timezone.localdate())
        for code in kinds:
            ServiceTerm.objects.create(service=service, taxonomy_term=TaxonomyTerm.objects.get(
                pk=reference.term_id(reference.SERVICE_KIND, code)))
        for area in areas:
            ServiceArea.objects.create(service=service, area=area, name=area.name)
        for days, opens, closes, holidays in hours:
            Schedule.objects.create(service=service, byday=days, opens_at=time.fromisoformat(opens),
                                    closes_at=time.fromisoformat(closes), closed_on_holidays=holidays)
        if capacity is not None:
            unit, _ = Unit.objects.get_or_create(name="受入枠")
            ServiceCapacity.objects.create(service=service, unit=unit, available=capacity[0], maximum=capacity[1],
                                           updated=timezone.now())
        for code in languages:
            Language.objects.create(service=service, name={"ja": "日本語", "en": "英語"}.get(code, code), code=code)
        if access:
            location = Location.objects.create(organization=org, name=org_name)
            Accessibility.objects.create(location=location, description=access)
            ServiceAtLocation.objects.create(service=service, location=location)
        return service

    return make


@pytest.fixture
def small_directory(pref, prefecture, make_service):
    """Housing, debt and addiction services around 青葉市 / 若葉町; 青葉市 maintains the debt service."""
    o = pref.orgs
    weekday = [("MO,TU,WE,TH,FR", "08:30", "17:15", True)]
    return SimpleNamespace(
        housing_full=make_service("あんしん住まいネット", "居住支援（あんしん）", kinds=["housing-support"],
                                  areas=[prefecture], hours=weekday, capacity=(0, 10), maintained_by=o.housing,
                                  kana="アンシンスマイネット"),
        housing_open=make_service("ＮＰＯ法人すまいサポートみどり", "居住支援（すまいサポート）",
                                  kinds=["housing-support"], areas=[o.aoba, o.wakaba], hours=weekday,
                                  capacity=(2, 15), maintained_by=o.housing, organisation=o.housing,
                                  kana="スマイサポートミドリ"),
        debt_aoba=make_service("青葉市くらし自立サポートセンター", "家計改善・債務相談", kinds=["debt-counselling"],
                               areas=[o.aoba], hours=weekday, maintained_by=o.aoba, kana="アオバシクラシジリツ"),
        legal=make_service("法テラスみどり", "法律相談援助", kinds=["legal-consultation"], areas=[prefecture],
                           hours=weekday, maintained_by=o.hc, access="車椅子対応・多目的トイレあり"),
        addiction=make_service("みどり県精神保健福祉センター", "依存症相談", kinds=["addiction-alcohol"],
                               areas=[prefecture], hours=weekday, maintained_by=o.centre, organisation=o.centre,
                               languages=("ja", "en")),
    )
