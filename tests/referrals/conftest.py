"""Referral fixtures over the shared `pref`: a second housing agency (あんしん住まいネット, staff ivy),
a small directory of housing services linked to the product's organisations, a case of alice's
(青葉市) with a person living in 青葉市, and consents covering the housing agencies."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone


@pytest.fixture
def net(pref):
    from renkei.accounts.models import Membership, Organisation, OrganisationType, User
    from renkei.directory import reference
    from renkei.directory.models import Organization, Service, ServiceArea, ServiceTerm, TaxonomyTerm

    reference.sync_taxonomy()
    anshin = Organisation.objects.create(code="anshin", name="居住支援法人 あんしん住まいネット", kana="アンシンスマイネット",
                                         type=OrganisationType.objects.get(code="housing_support"),
                                         municipality=pref.orgs.aoba)
    ivy = User(username="ivy", display_name="安心 アイビー", kana="アンシン アイビー", email="ivy@example.jp")
    ivy.set_password(pref.password)
    ivy.save()
    ivy_m = Membership.objects.create(user=ivy, organisation=anshin, role="partner")
    housing = TaxonomyTerm.objects.get(taxonomy__code="service-kind", code="housing-support")

    def service(org, name, linked):
        d_org = Organization.objects.create(name=org, organisation=linked, last_verified=timezone.localdate())
        s = Service.objects.create(organization=d_org, name=name, last_verified=timezone.localdate())
        ServiceTerm.objects.create(service=s, taxonomy_term=housing)
        ServiceArea.objects.create(service=s, name="青葉市", area=pref.orgs.aoba)
        return s

    sumai = service("NPO法人 すまいサポートみどり", "住まい探しの同行支援", pref.orgs.housing)
    anshin_service = service("居住支援法人 あんしん住まいネット", "入居支援・見守り", anshin)
    return SimpleNamespace(anshin=anshin, ivy=ivy, ivy_m=ivy_m, housing_term=housing, sumai_service=sumai,
                           anshin_service=anshin_service)


@pytest.fixture
def case(pref):
    from renkei.cases import actions

    m = pref.memberships.alice
    person = actions.do_register_person(request=None, membership=m, confirm_duplicate=True, data={
        "name": "山田 太郎", "kana": "ヤマダ タロウ", "birth_date": dt.date(1966, 5, 1), "sex": "male",
        "municipality": pref.orgs.aoba, "address": "みどり県青葉市本町1-2-3", "phone": "090-0000-0000"})
    return actions.do_open_case(request=None, membership=m, person=person, complexity="complex",
                                summary="家賃滞納で退去を求められている。")


@pytest.fixture
def consent_to(pref):
    from renkei.cases.access import BASIC, RECORDS
    from renkei.consent import actions

    def make(case, organisation, scopes=(BASIC, RECORDS)):
        today = timezone.localdate()
        return actions.do_record_consent(
            request=None, membership=pref.memberships.alice, person=case.person, recipient_kind="organisation",
            recipient_organisation=organisation, purpose="住まいの確保のための連携", scopes=list(scopes),
            valid_from=today, valid_until=today + dt.timedelta(days=180), method="written",
            obtained_at=timezone.now(), note="書面で同意を得た（住まいの支援機関への共有）")
    return make


@pytest.fixture
def refer(pref, net):
    """refer(case, to, consent=...) → a requested referral from alice."""
    from renkei.cases.access import BASIC, RECORDS
    from renkei.referrals import actions

    def make(case, to, consent=None, service=None, scopes=(BASIC, RECORDS), membership=None, send=True, **extra):
        values = {"purpose": "「アパートで暮らし続けたい」", "asks": ["accept"], "scopes": list(scopes),
                  "need": net.housing_term, "basis": "consent",
                  "consent_ids": [consent.pk] if consent else [], **extra}
        return actions.do_create_referral(request=None, membership=membership or pref.memberships.alice, case=case,
                                          to_organisation=to, service=service, send=send, **values)
    return make


@pytest.fixture
def move(pref):
    from renkei.referrals import actions

    def make(referral, membership, to_status, **extra):
        return actions.do_transition(request=None, membership=membership, referral=referral, to_status=to_status,
                                     **extra)
    return make
