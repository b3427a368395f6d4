"""A peer supporter (ピアサポーター) sees only the persons they are assigned to — as a member of the person's
support team, named by a support-team consent — and only what the assignment needs: the name, not the
address, phone or safe-contact notes. A consent naming the peer group as an organisation opens nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from renkei.cases import access as case_access
from renkei.conferences import actions as conf
from renkei.consent import actions


def _team_consent(pref, world, team, scopes=("基本情報",)):
    today = timezone.localdate()
    return actions.do_record_consent(
        request=None, membership=pref.memberships.alice, person=world["person"], recipient_kind="support_team",
        recipient_team=team, purpose="支援チームでの支援", scopes=list(scopes), valid_from=today,
        valid_until=today + dt.timedelta(days=60), method="written", obtained_at=timezone.now(), note="同意書")


@pytest.fixture
def conference(pref, world):
    later = (timezone.localtime() + dt.timedelta(days=1)).replace(hour=14, minute=0, second=0, microsecond=0)
    return conf.do_create_conference(request=None, membership=pref.memberships.alice, case=world["case"], data={
        "kind": "individual_case", "starts_at": later, "place": "青葉市役所", "agenda": "今後の支援"})


def test_an_unassigned_peer_supporter_sees_nothing_of_a_person_consented_to_the_peer_group(
        pref, client_for, world, consent_to, conference):
    consent_to(world["person"], organisation=pref.orgs.peers, scopes=("基本情報", "相談・経過記録", "会議記録"))
    erin = client_for(pref.users.erin)
    person = world["person"]
    assert erin.get(f"/cases/persons/{person.pk}/").status_code == 404
    assert erin.get(f"/api/cases/persons/{person.pk}").status_code == 404
    assert person.name not in erin.get("/cases/persons/", {"q": "山田"}).content.decode()
    assert erin.get(f"/conferences/{conference.pk}/").status_code == 404
    assert erin.get(f"/api/conferences/{conference.pk}").status_code == 404
    assert not case_access.persons_visible_to(pref.memberships.erin).exists()


def test_an_assigned_peer_supporter_sees_the_name_but_not_the_contact_details(pref, client_for, world):
    member = conf.do_add_team_member(request=None, membership=pref.memberships.alice, case=world["case"],
                                     role="peer_support", member_membership=pref.memberships.erin)
    _team_consent(pref, world, member.team)
    erin = client_for(pref.users.erin)
    person = world["person"]
    page = erin.get(f"/cases/persons/{person.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert person.name in text and "みどり県青葉市本町1-2-3" not in text and "090-0000-0000" not in text
    api = erin.get(f"/api/cases/persons/{person.pk}").json()
    assert api["name"] == person.name and api["address"] == api["phone"] == api["contact_notes"] == ""
    # the owner's worker still sees everything
    assert "みどり県青葉市本町1-2-3" in client_for(pref.users.carol).get(f"/cases/persons/{person.pk}/").content.decode()
