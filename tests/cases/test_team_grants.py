"""The case team's grant opens what its basis covers and no more: a co-worker reads the case's own
records, not other organisations' consultations about the same person; and a co-worker's place applies
to the membership it was given to (a working role in an organisation that may join the case), in the
organisation the worker is acting for — never to their other memberships."""

import datetime as dt

import pytest
from django.utils import timezone

from renkei.audit.models import AuditEvent
from renkei.cases import access, actions
from renkei.consent import actions as consent_actions


@pytest.fixture
def wakaba_case(pref, make_person, make_consultation):
    """若葉町's person and case; 中央保健所 (to which 若葉町 disclosed 基本情報) logged a consultation about them."""
    mallory = pref.memberships.mallory
    person = make_person(membership=mallory, name="若葉 次郎", kana="ワカバ ジロウ")
    case = actions.do_open_case(request=None, membership=mallory, person=person)
    own = make_consultation(membership=mallory, person=person, content="若葉町の窓口での相談")
    consent_actions.do_record_disclosure(
        request=None, membership=mallory, person=person, recipient=pref.orgs.hc, scopes=["基本情報"],
        legal_basis="apppi-69-2-3", justification="保健所の精神保健福祉相談のため",
        valid_until=timezone.localdate() + dt.timedelta(days=30))
    theirs = make_consultation(membership=pref.memberships.hana, person=person, content="保健所への家族からの電話")
    return person, case, own, theirs


def _add_co_worker(pref, case, user):
    case.refresh_from_db()
    return actions.do_update_case(request=None, membership=pref.memberships.mallory, case=case, version=case.version,
                                  lead=case.lead, co_workers=[user], complexity=case.complexity, needs=case.needs,
                                  summary=case.summary)


def test_a_co_worker_reads_the_cases_own_records_not_another_organisations_consultation(pref, client_for,
                                                                                       wakaba_case):
    person, case, own, theirs = wakaba_case
    mallory = client_for(pref.users.mallory)
    assert mallory.get(f"/cases/consultations/{theirs.pk}/").status_code == 404  # 若葉町 itself does not see it
    _add_co_worker(pref, case, pref.users.sam)
    sam = client_for(pref.users.sam)
    assert sam.get(f"/cases/{case.pk}/").status_code == 200
    assert sam.get(f"/cases/persons/{person.pk}/").status_code == 200
    assert sam.get(f"/cases/consultations/{own.pk}/").status_code == 200
    assert sam.get(f"/cases/consultations/{theirs.pk}/").status_code == 404
    assert sam.get(f"/api/cases/consultations/{theirs.pk}").status_code == 404
    seen = set(access.consultations_visible_to(pref.memberships.sam).values_list("pk", flat=True))
    assert own.pk in seen and theirs.pk not in seen
    assert "保健所への家族からの電話" not in sam.get(f"/cases/persons/{person.pk}/").content.decode()


def test_the_fallback_for_many_team_cases_gives_the_same_answer(pref, wakaba_case, monkeypatch):
    person, case, own, theirs = wakaba_case
    _add_co_worker(pref, case, pref.users.sam)
    monkeypatch.setattr(access, "MAX_IDS", 0)  # every team read takes the subquery path
    sam = pref.memberships.sam
    seen = set(access.consultations_visible_to(sam).values_list("pk", flat=True))
    assert own.pk in seen and theirs.pk not in seen
    assert access.cases_visible_to(sam).filter(pk=case.pk).exists()
    assert access.persons_visible_to(sam).filter(pk=person.pk).exists()


@pytest.fixture
def aoba_case(pref, make_person, make_case, make_entry):
    person = make_person()
    case = make_case(person)
    entry = make_entry(case)
    # given to her 保健所 相談員 membership
    case.co_workers.add(pref.users.hana, through_defaults={"membership": pref.memberships.hana})
    return person, case, entry


def test_a_team_grant_applies_to_the_membership_it_was_given_to(pref, client_for, aoba_case):
    person, case, entry = aoba_case
    hc, centre = pref.all_memberships["hana"]
    assert centre.organisation == pref.orgs.centre and centre.role == "viewer"
    as_hc = client_for(pref.users.hana, hc)
    assert as_hc.get(f"/cases/{case.pk}/").status_code == 200
    as_centre = client_for(pref.users.hana, centre)
    for url in (f"/cases/{case.pk}/", f"/cases/persons/{person.pk}/", f"/api/cases/cases/{case.pk}",
                f"/api/cases/entries/{entry.pk}"):
        assert as_centre.get(url).status_code == 404, url
    assert not AuditEvent.objects.filter(actor=pref.users.hana, organisation=pref.orgs.centre,
                                         person_id=str(person.pk)).exists()
    assert not access.cases_visible_to(centre).filter(pk=case.pk).exists()
    assert access.cases_visible_to(hc).filter(pk=case.pk).exists()
