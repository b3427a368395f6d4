import json

import pytest

from renkei.audit.models import AuditEvent
from renkei.conferences import actions

from .conftest import at


@pytest.fixture
def conference(pref, discharge):
    actions.do_add_team_member(request=None, membership=pref.memberships.hana, case=discharge["case"],
                               role="peer_support", member_membership=pref.memberships.erin)
    conference = actions.do_create_conference(request=None, membership=pref.memberships.hana, case=discharge["case"],
                                              data={"kind": "pre_discharge", "starts_at": at(), "place": "病院"})
    actions.do_update_conference(request=None, membership=pref.memberships.hana, conference=conference, version=1,
                                 data={"kind": "pre_discharge", "starts_at": conference.starts_at, "place": "病院",
                                       "minutes": "本人の希望を確認した。"})
    return conference


def _urls(case, conference):
    return [f"/conferences/cases/{case.pk}/team/", f"/conferences/{conference.pk}/",
            f"/conferences/{conference.pk}/minutes.pdf", f"/conferences/{conference.pk}/edit/",
            f"/conferences/cases/{case.pk}/new/", f"/conferences/cases/{case.pk}/team/purpose/",
            f"/api/conferences/{conference.pk}", f"/api/conferences/cases/{case.pk}/team"]


@pytest.mark.parametrize("outsider", ["mallory", "dave", "henry", "sam"])
def test_outsiders_get_404_on_every_team_and_conference_route(pref, discharge, conference, client_for, outsider):
    client = client_for(getattr(pref.users, outsider))
    for url in _urls(discharge["case"], conference):
        assert client.get(url).status_code == 404, url
    for url in [f"/conferences/{conference.pk}/attendees/", f"/conferences/cases/{discharge['case'].pk}/team/members/"]:
        assert client.post(url, {"name": "x", "organisation_label": "y", "role": "other"}).status_code == 404, url


def test_the_convener_sees_everything_and_every_read_is_audited(pref, discharge, conference, client_for):
    client = client_for(pref.users.hana)
    for url in _urls(discharge["case"], conference):
        assert client.get(url).status_code == 200, url
    reads = AuditEvent.objects.filter(person_id=str(discharge["person"].pk), actor=pref.users.hana,
                                      action__in=["team.viewed", "conference.viewed", "conference.minutes_pdf"])
    assert reads.count() >= 5


def _team_consent(pref, discharge):
    import datetime as dt

    from django.utils import timezone

    from renkei.conferences.models import SupportTeam
    from renkei.consent.actions import do_record_consent

    today = timezone.localdate()
    return do_record_consent(
        request=None, membership=pref.memberships.hana, person=discharge["person"], recipient_kind="support_team",
        recipient_team=SupportTeam.objects.get(case=discharge["case"]), purpose="支援チームでの支援",
        scopes=["基本情報"], valid_from=today, valid_until=today + dt.timedelta(days=60), method="written",
        obtained_at=timezone.now(), note="同意書")


def test_a_team_member_without_consent_sees_the_conference_warning_but_not_the_minutes(pref, discharge, conference,
                                                                                      client_for, consent_to):
    actions.do_add_attendee(request=None, membership=pref.memberships.hana, conference=conference,
                            member_membership=pref.memberships.erin)
    client = client_for(pref.users.erin)
    assert client.get(f"/conferences/cases/{discharge['case'].pk}/team/").status_code == 404
    page = client.get(f"/conferences/{conference.pk}/").content.decode()
    assert "本人の同意（会議記録）が確認できない" in page and "本人の希望を確認した" not in page
    assert "川口" not in page
    assert client.get(f"/conferences/{conference.pk}/minutes.pdf").status_code == 404
    consent_to(discharge["person"], pref.orgs.peers, ["基本情報"])  # a peer group's consent assigns nobody
    assert client.get(f"/conferences/cases/{discharge['case'].pk}/team/").status_code == 404
    _team_consent(pref, discharge)  # the support team's consent reaches its peer member
    team_page = client.get(f"/conferences/cases/{discharge['case'].pk}/team/").content.decode()
    assert "川口 美和" in team_page
    body = client.get(f"/api/conferences/{conference.pk}").json()
    assert body["minutes_visible"] is False and body["minutes"] is None and "会議記録" in body["warning"]


def test_the_case_page_shows_the_shared_purpose(pref, discharge, client_for):
    actions.do_set_purpose(request=None, membership=pref.memberships.hana, case=discharge["case"],
                           purpose="本人が望むアパートでの一人暮らしを続けられる")
    page = client_for(pref.users.hana).get(f"/cases/{discharge['case'].pk}/").content.decode()
    assert "支援チームの目的" in page and "本人が望むアパートでの一人暮らしを続けられる" in page


def test_bad_input_on_pages_is_answered_in_japanese_and_changes_nothing(pref, discharge, client_for):
    client = client_for(pref.users.hana)
    response = client.post(f"/conferences/cases/{discharge['case'].pk}/team/members/",
                           {"role": "peer_support"}, follow=True)
    assert "職員を選ぶか、職員でない人の氏名を入力してください。" in response.content.decode()
    response = client.post(f"/conferences/cases/{discharge['case'].pk}/new/", {"kind": "pre_discharge"})
    assert response.status_code == 200 and "このフィールドは必須です" in response.content.decode()
    assert not AuditEvent.objects.filter(action__in=["team.member_added", "conference.created"]).exists()
    assert not discharge["case"].conferences.exists()


def test_api_team_purpose_conference_agreement_and_items(pref, discharge, client_for):
    client = client_for(pref.users.hana)
    case = discharge["case"]
    post = lambda url, data: client.post(url, json.dumps(data, default=str), content_type="application/json")  # noqa: E731
    r = post(f"/api/conferences/cases/{case.pk}/team/members", {"role": "peer_support",
                                                                 "membership_id": pref.memberships.erin.pk})
    assert r.status_code == 201 and r.json()["members"][0]["role_name"] == "ピアサポート"
    r = client.put(f"/api/conferences/cases/{case.pk}/team/purpose", json.dumps({"purpose": ""}),
                   content_type="application/json")
    assert r.status_code == 400 and "目的を入力" in r.json()["detail"]
    r = client.put(f"/api/conferences/cases/{case.pk}/team/purpose", json.dumps({"purpose": "一人暮らしを続ける"}),
                   content_type="application/json")
    assert r.json()["purpose_version"] == 1
    r = post(f"/api/conferences/cases/{case.pk}/conferences", {"kind": "pre_discharge", "starts_at": at().isoformat(),
                                                                "place": "病院"})
    assert r.status_code == 201
    conference = r.json()
    erin_member = client.get(f"/api/conferences/cases/{case.pk}/team").json()["members"][0]["id"]
    r = post(f"/api/conferences/{conference['id']}/attendees", {"team_member_id": erin_member})
    erin = next(a for a in r.json()["attendees"] if a["name"] == "ピア エリン")
    r = post(f"/api/conferences/{conference['id']}/attendees/{erin['id']}/agreement", {})
    assert next(a for a in r.json()["attendees"] if a["id"] == erin["id"])["agreed_at"]
    r = post(f"/api/conferences/{conference['id']}/actions", {"description": "病棟を訪ねる",
                                                              "owner_id": pref.users.erin.pk, "due_date": "2030-01-01"})
    assert r.status_code == 201
    mine = client_for(pref.users.erin).get("/api/conferences/actions/mine").json()
    assert [i["description"] for i in mine] == ["病棟を訪ねる"]
    r = client_for(pref.users.erin).post(f"/api/conferences/actions/{mine[0]['id']}/status",
                                         json.dumps({"status": "doing"}), content_type="application/json")
    assert r.json()["status_name"] == "対応中"
    assert client_for(pref.users.mallory).get(f"/api/conferences/{conference['id']}").status_code == 404
