"""Discharge fixtures on top of the shared prefecture (tests/conftest.py):

    県立みどり病院 (psychiatric hospital)   yoshida  連携先職員, 退院後生活環境相談員
    a woman (45) in hospital, registered by 中央保健所 with a case led by hana
    `consent_for(person, organisation, scopes)` records a consent obtained by 中央保健所 (hana)
    `plan_data(pref, hospital, **overrides)` a complete plan payload for the actions
"""

import datetime as dt

import pytest
from django.utils import timezone

from renkei.accounts.models import Membership, Organisation, OrganisationType, User
from renkei.cases import actions as case_actions
from renkei.consent import actions as consent_actions


@pytest.fixture
def hospital(pref):
    org = Organisation.objects.create(code="midori-hospital", name="県立みどり病院", kana="ケンリツミドリビョウイン",
                                      type=OrganisationType.objects.get(code="psychiatric_hospital"), is_public=True,
                                      municipality=pref.orgs.aoba, phone="0990-31-0101")
    user = User(username="yoshida", display_name="吉田 翔", kana="ヨシダ ショウ", email="yoshida@example.jp")
    user.set_password(pref.password)
    user.save()
    Membership.objects.create(user=user, organisation=org, role="partner", title="退院後生活環境相談員")
    org.psw = user
    return org


@pytest.fixture
def inpatient(pref):
    m = pref.memberships.hana
    person = case_actions.do_register_person(request=None, membership=m, confirm_duplicate=True, data={
        "name": "川口 美和", "kana": "カワグチ ミワ", "birth_date": dt.date(1981, 2, 3), "sex": "female",
        "municipality": pref.orgs.aoba, "address": "県立みどり病院 入院中"})
    case = case_actions.do_open_case(request=None, membership=m, person=person)
    return case


@pytest.fixture
def consent_for(pref):
    def make(person, organisation, scopes=("支援計画",), membership=None, days=200):
        today = timezone.localdate()
        return consent_actions.do_record_consent(
            request=None, membership=membership or pref.memberships.hana, person=person,
            recipient_kind="organisation", recipient_organisation=organisation, purpose="退院後支援計画の作成と実施",
            scopes=list(scopes), valid_from=today, valid_until=today + dt.timedelta(days=days), method="written",
            obtained_at=timezone.now(), note="同意書に本人が署名した。")
    return make


def plan_data(pref, hospital, **overrides) -> dict:
    data = {
        "hospital": hospital.pk, "ward": "第3病棟", "discharge_officer": hospital.psw.pk,
        "expected_discharge_on": timezone.localdate() + dt.timedelta(days=30),
        "wishes": "アパートで一人暮らしをしたい。", "family_views": "姉は一人暮らしを応援している。",
        "needs": "住まいの確保、服薬の継続、日中の居場所。",
        "support_items": [
            {"content": "訪問看護（週1回）", "organisation_id": pref.orgs.vn.pk, "contact": "0990-33-1212"},
            {"content": "住まい探しと契約の支援", "organisation_id": pref.orgs.housing.pk, "contact": ""},
            {"content": "ピアサポーターとの面会", "organisation_id": pref.orgs.peers.pk, "contact": ""},
        ],
        "crisis_plan": "眠れない日が3日続いたら訪問看護に連絡する。夜間は病院へ電話する。",
        "contacts": "中央保健所 0990-20-1000",
    }
    return data | overrides


@pytest.fixture
def make_plan(pref, hospital, inpatient, consent_for):
    """A plan for the inpatient, made by hana with the person's consent to the hospital."""
    from renkei.discharge import actions

    def make(**overrides):
        consent_for(inpatient.person, hospital)
        return actions.do_create_plan(request=None, membership=pref.memberships.hana, case=inpatient,
                                      data=plan_data(pref, hospital, **overrides))
    return make
