"""A co-worker's place on a case stores the membership it was given to, and the case opens only to that
membership: the same worker acting in another working membership (also one allowed to join the case) does
not get it. The case form offers memberships; the API takes user ids (the form's pick: the case
organisation's membership first, else the lowest id) or membership ids; `migrate` stored the membership of
the places made before."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from renkei.accounts.models import Membership
from renkei.cases import access, actions
from renkei.cases.models import CaseCoWorker

BEFORE = ("cases", "0005_person_finder_trigram_indexes")


@pytest.fixture
def hana_works_twice(pref):
    """hana: 相談員 at 中央保健所 (管内 青葉市) and, now, also 相談員 at the 精神保健福祉センター (joins any case)."""
    hc, centre = pref.all_memberships["hana"]
    Membership.objects.filter(pk=centre.pk).update(role="caseworker")
    centre.refresh_from_db()
    return hc, centre


def _update(pref, case, co_workers):
    case.refresh_from_db()
    return actions.do_update_case(request=None, membership=pref.memberships.alice, case=case, version=case.version,
                                  lead=case.lead, co_workers=co_workers, complexity=case.complexity,
                                  needs=case.needs, summary=case.summary)


def test_a_worker_with_two_memberships_gets_the_case_only_in_the_stored_one(pref, client_for, make_person,
                                                                           make_case, hana_works_twice):
    hc, centre = hana_works_twice
    person = make_person()
    case = make_case(person, co_workers=[hc])
    assert CaseCoWorker.objects.get(case=case).membership == hc
    assert access.cases_visible_to(hc).filter(pk=case.pk).exists()
    assert not access.cases_visible_to(centre).filter(pk=case.pk).exists()
    assert client_for(pref.users.hana, hc).get(f"/cases/{case.pk}/").status_code == 200
    as_centre = client_for(pref.users.hana, centre)
    for url in (f"/cases/{case.pk}/", f"/cases/persons/{person.pk}/", f"/api/cases/cases/{case.pk}"):
        assert as_centre.get(url).status_code == 404, url
    # moved to her センター post: now that one, and no longer the 保健所 one
    _update(pref, case, [centre])
    assert CaseCoWorker.objects.get(case=case).membership == centre
    assert client_for(pref.users.hana, centre).get(f"/cases/{case.pk}/").status_code == 200
    assert client_for(pref.users.hana, hc).get(f"/cases/{case.pk}/").status_code == 404


def test_the_case_form_offers_memberships_and_stores_the_chosen_one(pref, client_for, make_person, make_case,
                                                                    hana_works_twice):
    hc, centre = hana_works_twice
    case = make_case(make_person())
    alice = client_for(pref.users.alice)
    page = alice.get(f"/cases/{case.pk}/edit/").content.decode()
    assert f"中央 はな（{pref.orgs.hc.name}）" in page and f"中央 はな（{pref.orgs.centre.name}）" in page
    assert f'value="{centre.pk}"' in page
    data = {"version": case.version, "lead": pref.users.alice.pk, "co_workers": [centre.pk],
            "complexity": "normal", "summary": ""}
    data |= {key: "none" for key in alice.get(f"/cases/{case.pk}/edit/").context["form"].fields
             if key.startswith("need_")}
    assert alice.post(f"/cases/{case.pk}/edit/", data).status_code == 302
    assert CaseCoWorker.objects.get(case=case).membership == centre
    assert f"中央 はな（{pref.orgs.centre.name}）" in alice.get(f"/cases/{case.pk}/").content.decode()
    # one place per worker: both of her posts at once is refused in Japanese, and nothing changes
    data["version"] = case.version + 1
    data["co_workers"] = [hc.pk, centre.pk]
    response = alice.post(f"/cases/{case.pk}/edit/", data)
    assert response.status_code == 200 and "一つの所属だけ選んでください" in response.content.decode()
    assert CaseCoWorker.objects.get(case=case).membership == centre


def test_the_api_takes_user_ids_as_the_form_would_or_membership_ids(pref, client_for, make_person,
                                                                    hana_works_twice):
    hc, centre = hana_works_twice
    alice = client_for(pref.users.alice)
    made = alice.post("/api/cases/cases", {"person_id": make_person().pk, "co_worker_ids": [pref.users.hana.pk]},
                      content_type="application/json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["co_worker_ids"] == [pref.users.hana.pk] and body["co_worker_membership_ids"] == [hc.pk]
    updated = alice.put(f"/api/cases/cases/{body['id']}", {
        "version": body["version"], "lead_id": pref.users.alice.pk, "co_worker_membership_ids": [centre.pk],
        "complexity": "normal"}, content_type="application/json")
    assert updated.status_code == 200, updated.content
    assert updated.json()["co_worker_membership_ids"] == [centre.pk]
    refused = alice.put(f"/api/cases/cases/{body['id']}", {
        "version": updated.json()["version"], "lead_id": pref.users.alice.pk,
        "co_worker_membership_ids": [pref.memberships.dave.pk], "complexity": "normal"},
        content_type="application/json")
    assert refused.status_code == 400 and refused.json()["detail"] == "協働者に選べない職員が含まれています。"
    assert CaseCoWorker.objects.get(case_id=body["id"]).membership == centre


@pytest.mark.django_db(transaction=True)
def test_migrate_stores_the_membership_of_existing_places_and_keeps_those_without_one_empty(
        pref, make_person, make_case, hana_works_twice, capsys):
    hc, _centre = hana_works_twice
    case = make_case(make_person())
    call_command("migrate", *BEFORE, verbosity=0)
    try:
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps.get_model("cases", "Case")
        through = old.co_workers.through
        for user in (pref.users.bob, pref.users.hana, pref.users.dave):
            through.objects.create(case_id=case.pk, user_id=user.pk)
    finally:
        call_command("migrate", verbosity=0)
    places = {p.user_id: p.membership_id for p in CaseCoWorker.objects.filter(case=case)}
    # bob: his own 青葉市 post; hana: of her two allowed posts the lowest id (none is 青葉市's);
    # dave (訪問看護, no working role) has none: kept empty, opening nothing, and printed
    assert places == {pref.users.bob.pk: pref.memberships.bob.pk, pref.users.hana.pk: hc.pk,
                      pref.users.dave.pk: None}
    assert f"case {case.pk} user {pref.users.dave.pk}" in capsys.readouterr().out
    assert not access.cases_visible_to(pref.memberships.dave).filter(pk=case.pk).exists()
