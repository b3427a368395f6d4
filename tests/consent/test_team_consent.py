"""Consent to a support team: its active staff members (each acting in the organisation of their team
membership) see the person within the consent's scopes; removal from the team or withdrawal ends it on
the next request; the team is one of the person's own."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from renkei.accounts.models import Membership, User
from renkei.audit.models import AuditEvent
from renkei.cases import actions as case_actions
from renkei.conferences import actions as team_actions
from renkei.conferences.models import SupportTeam
from renkei.consent import access, actions
from renkei.consent.models import Consent


@pytest.fixture
def team(pref, world):
    """The support team of world's case (青葉市): dave (訪問看護) and erin (peer) are members."""
    for who, role in (("dave", "visiting_nurse"), ("erin", "peer_support")):
        team_actions.do_add_team_member(request=None, membership=pref.memberships.alice, case=world["case"],
                                        role=role, member_membership=getattr(pref.memberships, who))
    return SupportTeam.objects.get(case=world["case"])


@pytest.fixture
def nurse_colleague(pref):
    """Another nurse of dave's organisation, not on the team."""
    user = User.objects.create_user(username="nina", password=pref.password, display_name="訪看 ニーナ",
                                    kana="ホウカン ニーナ")
    Membership.objects.create(user=user, organisation=pref.orgs.vn, role="partner")
    return user


def team_consent(pref, world, team, scopes=("相談・経過記録",), **extra):
    today = timezone.localdate()
    values = {"recipient_kind": "support_team", "recipient_team": team, "purpose": "支援チームでの支援のため",
              "scopes": list(scopes), "valid_from": today, "valid_until": today + dt.timedelta(days=90),
              "method": "written", "obtained_at": timezone.now(), "note": "支援チームへの提供について同意書に署名。"}
    return actions.do_record_consent(request=None, membership=pref.memberships.alice, person=world["person"],
                                     **(values | extra))


def person_url(world):
    return reverse("cases:person_detail", args=[world["person"].pk])


def case_url(world):
    return reverse("cases:case_detail", args=[world["case"].pk])


def test_a_team_consent_lets_team_members_see_the_person_and_not_their_colleagues_or_outsiders(
        pref, client_for, world, team, nurse_colleague):
    consent = team_consent(pref, world, team)
    assert consent.recipient_name == f"支援チーム（ケース {world['case'].number} の構成員）"
    dave = client_for(pref.users.dave)
    assert dave.get(person_url(world)).status_code == 200
    assert dave.get(case_url(world)).status_code == 200
    event = AuditEvent.objects.filter(action="case.viewed", actor=pref.users.dave).get()
    assert event.legal_basis == f"consent:{consent.pk}"
    assert access.scopes_shared_with(pref.memberships.dave, world["person"]) == {"基本情報", "相談・経過記録"}
    # the same organisation, not on the team; another partner organisation: nothing
    for outsider in (nurse_colleague, pref.users.henry):
        client = client_for(outsider)
        assert client.get(person_url(world)).status_code == 404
        assert client.get(case_url(world)).status_code == 404
    # a team consent does not cover the member's organisation as a whole
    assert not access.active_consents(world["person"], pref.orgs.vn).exists()


def test_a_team_member_acting_in_another_of_their_organisations_sees_nothing(pref, client_for, world):
    # hana is on the team as 相談員 of the 保健所; acting as 閲覧 at the センター she is not a member
    team_actions.do_add_team_member(request=None, membership=pref.memberships.alice, case=world["case"],
                                    role="medical", member_membership=pref.memberships.hana)
    team_consent(pref, world, SupportTeam.objects.get(case=world["case"]))
    centre = pref.all_memberships["hana"][1]
    assert access.scopes_shared_with(centre, world["person"]) == set()
    assert client_for(pref.users.hana, centre).get(case_url(world)).status_code == 404
    assert client_for(pref.users.hana, pref.memberships.hana).get(case_url(world)).status_code == 200


def test_removing_a_member_ends_their_access_on_the_next_request(pref, client_for, world, team):
    team_consent(pref, world, team)
    dave = client_for(pref.users.dave)
    assert dave.get(case_url(world)).status_code == 200
    member = team.members.get(user=pref.users.dave)
    team_actions.do_remove_team_member(request=None, membership=pref.memberships.alice, member=member,
                                       reason="訪問看護の終了")
    assert dave.get(case_url(world)).status_code == 404
    assert dave.get(person_url(world)).status_code == 404


def test_withdrawing_the_team_consent_ends_every_member_s_access_on_the_next_request(pref, client_for, world,
                                                                                   team):
    consent = team_consent(pref, world, team)
    dave = client_for(pref.users.dave)
    assert dave.get(person_url(world)).status_code == 200
    actions.do_withdraw_consent(request=None, membership=pref.memberships.alice, consent=consent,
                                version=consent.version, method="oral")
    assert dave.get(person_url(world)).status_code == 404
    assert dave.get(reverse("consent:consent_detail", args=[consent.pk])).status_code == 404


def test_scopes_are_enforced_for_team_members(pref, client_for, world, team):
    team_consent(pref, world, team, scopes=["基本情報"])
    dave = client_for(pref.users.dave)
    assert dave.get(person_url(world)).status_code == 200
    assert dave.get(case_url(world)).status_code == 404
    assert dave.get(f"/api/cases/cases/{world['case'].pk}").status_code == 404
    # a peer supporter on the team sees only what the assignment needs (基本情報), even with 相談・経過記録
    team_consent(pref, world, team, scopes=["相談・経過記録"], purpose="ピアサポートのため")
    erin = client_for(pref.users.erin)
    assert erin.get(person_url(world)).status_code == 200
    assert erin.get(case_url(world)).status_code == 404
    assert access.scopes_shared_with(pref.memberships.erin, world["person"]) == {"基本情報"}


def test_the_team_page_opens_to_members_through_a_team_consent(pref, client_for, world, team):
    url = reverse("conferences:team", args=[world["case"].pk])
    dave = client_for(pref.users.dave)
    assert dave.get(url).status_code == 404  # member, but no consent covers him
    team_consent(pref, world, team, scopes=["基本情報"])
    assert dave.get(url).status_code == 200


def test_the_team_must_be_one_of_the_person_s_own_and_nothing_is_recorded_otherwise(pref, world, team):
    m = pref.memberships.alice
    other = case_actions.do_register_person(request=None, membership=m, confirm_duplicate=True, data={
        "name": "別人 次郎", "kana": "ベツジン ジロウ", "birth_date": dt.date(1985, 1, 1), "sex": "male",
        "municipality": pref.orgs.aoba})
    other_case = case_actions.do_open_case(request=None, membership=m, person=other)
    team_actions.do_add_team_member(request=None, membership=m, case=other_case, role="visiting_nurse",
                                    member_membership=pref.memberships.dave)
    with pytest.raises(ValidationError, match="この本人のケースの支援チーム"):
        team_consent(pref, world, SupportTeam.objects.get(case=other_case))
    with pytest.raises(ValidationError, match="支援チームを選んで"):
        team_consent(pref, world, None)
    assert Consent.objects.count() == 0


def test_recording_a_team_consent_through_the_page_and_the_api(pref, client_for, world, team):
    client = client_for(pref.users.alice)
    url = reverse("consent:consent_create", args=[world["person"].pk])
    page = client.get(url).content.decode()
    assert f"ケース {world['case'].number} の支援チーム（職員の構成員 2名）" in page
    today = timezone.localdate()
    response = client.post(url, {
        "recipient_kind": "support_team", "recipient_team": team.pk, "purpose": "支援チームでの支援のため",
        "scopes": ["相談・経過記録"], "valid_from": today.isoformat(),
        "valid_until": (today + dt.timedelta(days=30)).isoformat(), "method": "oral",
        "obtained_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "note": "訪問時に口頭で同意を得た"})
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.recipient_team == team and consent.recipient_organisation is None
    api = f"/api/consent/persons/{world['person'].pk}/consents"
    body = {"recipient_kind": "support_team", "recipient_team_id": team.pk, "purpose": "会議の記録の共有",
            "scopes": ["会議記録"], "valid_from": today.isoformat(),
            "valid_until": (today + dt.timedelta(days=30)).isoformat(), "method": "written", "note": "同意書"}
    response = client.post(api, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["recipient_team_id"] == team.pk
    response = client.post(api, body | {"recipient_team_id": 999999}, content_type="application/json")
    assert response.status_code == 400 and "支援チームが見つかりません" in response.json()["detail"]
    assert Consent.objects.count() == 2
    detail = client.get(reverse("consent:consent_detail", args=[consent.pk])).content.decode()
    assert "訪看 デイブ（訪問看護ステーション みどり" in detail and "ピア エリン" in detail
    # the member sees the consents naming his team in the person's register
    listed = client_for(pref.users.dave).get(f"/api/consent/persons/{world['person'].pk}").json()
    assert {c["recipient_team_id"] for c in listed["consents"]} == {team.pk}
