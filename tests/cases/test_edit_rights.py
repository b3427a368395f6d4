"""Seeing is not changing: grants from sharing layers (consent, disclosure, break-glass, referrals,
support teams) let a worker read; only the owning organisation and the case team change the record."""

import pytest
from django.http import Http404

from renkei.cases import access, actions

WRITTEN = "written"


@pytest.fixture
def shared(pref):
    """青葉市's person and case, shared with 中央保健所 by consent covering records."""
    from renkei.consent import actions as consent_actions

    alice = pref.memberships.alice
    person = actions.do_register_person(request=None, membership=alice, confirm_duplicate=True, data={
        "name": "共有 太郎", "kana": "キョウユウ タロウ", "sex": "male", "municipality": pref.orgs.aoba})
    case = actions.do_open_case(request=None, membership=alice, person=person)
    entry = actions.do_add_entry(request=None, membership=alice, case=case, kind="phone", body="初回の電話")
    consent_actions.do_record_consent(**_consent_kwargs(pref, person))
    return person, case, entry


def _consent_kwargs(pref, person):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    return {"request": None, "membership": pref.memberships.alice, "person": person,
            "recipient_kind": "organisation", "recipient_organisation": pref.orgs.hc,
            "purpose": "同行訪問のため", "scopes": ["基本情報", "相談・経過記録"], "valid_from": today,
            "valid_until": today + dt.timedelta(days=180), "method": WRITTEN, "obtained_at": timezone.now(),
            "note": "書面で同意を得た"}


def test_consent_lets_another_organisation_see_but_not_change_the_record(pref, shared):
    person, case, entry = shared
    hana = pref.memberships.hana
    assert access.get_case_for_user(hana, case.pk) == case
    assert not access.can_edit_object(hana, case)
    with pytest.raises(Http404):
        actions.do_add_entry(request=None, membership=hana, case=case, kind="phone", body="書き込み")
    with pytest.raises(Http404):
        actions.do_amend_entry(request=None, membership=hana, entry=entry, version=entry.version,
                               body="改変", reason="テスト")
    with pytest.raises(Http404):
        actions.do_update_person(request=None, membership=hana, person=person, version=person.version,
                                 data={"name": "改変", "kana": "", "sex": "male"})


def test_owner_and_case_team_may_change_the_record(pref, shared):
    person, case, entry = shared
    assert access.can_edit_object(pref.memberships.alice, case)
    assert access.can_edit_object(pref.memberships.alice, entry)
    assert access.can_edit_object(pref.memberships.alice, person)
    case.co_workers.add(pref.users.hana, through_defaults={"membership": pref.memberships.hana})
    assert access.can_edit_object(pref.memberships.hana, case)


def test_pages_hide_and_refuse_edits_for_readers_through_sharing(pref, shared, client_for):
    person, case, entry = shared
    hana = client_for(pref.users.hana)
    page = hana.get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    assert f"/cases/entries/{entry.pk}/amend/" not in page.content.decode()
    assert hana.get(f"/cases/entries/{entry.pk}/amend/").status_code == 404
    assert hana.get(f"/cases/{case.pk}/edit/").status_code == 404
    assert hana.post(f"/cases/{case.pk}/entries/", {"kind": "phone", "body": "x"}).status_code == 404
    assert hana.get(f"/cases/persons/{person.pk}/edit/").status_code == 404
    entry.refresh_from_db()
    assert entry.body == "初回の電話"


def test_api_refuses_writes_through_sharing(pref, shared, client_for):
    person, case, entry = shared
    hana = client_for(pref.users.hana)
    response = hana.post(f"/api/cases/cases/{case.pk}/entries", {"kind": "phone", "body": "x"},
                         content_type="application/json")
    assert response.status_code == 404
