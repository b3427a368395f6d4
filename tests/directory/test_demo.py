from django.urls import reverse

from renkei.accounts.models import Organisation, User
from renkei.demo.loader import load_demo
from renkei.directory import hsds, matching, schemas
from renkei.directory.models import Organization, Service
from renkei.directory.reference import SERVICE_KIND, term_id


def test_the_demo_directory_loads_idempotently_and_carries_scenario_3(db):
    load_demo()
    assert load_demo().changes == 0
    assert Organization.objects.count() >= 30 and Service.objects.count() >= 60
    assert Organization.objects.filter(organisation__isnull=False).count() == Organization.objects.count()
    assert any(o.is_stale for o in Organization.objects.all())
    wakaba = Organisation.objects.get(code="wakaba")

    def ranked(code):
        from renkei.directory.models import TaxonomyTerm

        need = TaxonomyTerm.objects.get(pk=term_id(SERVICE_KIND, code))
        return matching.rank(matching.MatchQuery(need=need, municipality=wakaba))

    debt = [i for i in ranked("debt-counselling") if "債務相談" in " ".join(i.reasons)]
    assert any(not i.covers_area for i in debt)                    # 青葉市 only: refuses 若葉町
    housing = [i for i in ranked("housing-support") if "居住支援" in i.service.name]
    assert any("空きなし" in " ".join(i.cautions) for i in housing) and len(housing) >= 2
    alcohol = [i.service.organization.name for i in ranked("addiction-alcohol")]
    assert "みどり県断酒会" in alcohol and "みどり県精神保健福祉センター" in alcohol
    validator = schemas.validator("compiled/service.json")
    assert not [e for s in hsds.export_services() for e in validator.iter_errors(s)]


def test_the_match_page_shows_guideline_rules_for_the_agency_types_found(client, db):
    load_demo()
    user = User.objects.get(username="wakaba.sodan")
    client.force_login(user)
    wakaba = Organisation.objects.get(code="wakaba")
    body = client.get(reverse("directory:match"), {"need": "housing-support", "municipality": wakaba.pk}) \
        .content.decode()
    assert "居住支援（すまいサポートみどり）" in body
    try:
        from renkei.guidance.engine import recommend  # noqa: F401
    except ImportError:
        return
    assert "運営要領が求める連携" in body and "関係する機関種別" in body
