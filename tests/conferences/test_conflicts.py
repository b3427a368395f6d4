"""A conference record and a support team's purpose edited by two people: the later save is refused with
both versions side by side, differences marked, and accepted only after the newer version was taken."""

import json

from django.urls import reverse

from renkei.conferences import actions
from renkei.conferences.models import Conference, SupportTeam

from ..cases.conflicts import walk_conflict
from .conftest import at


def test_a_conference_record_conflict_never_overwrites(pref, discharge, client_for):
    m = pref.memberships.hana
    conference = actions.do_create_conference(request=None, membership=m, case=discharge["case"], data={
        "kind": "pre_discharge", "starts_at": at(), "place": "県立みどり病院 面談室", "agenda": "退院後の生活について"})
    url = reverse("conferences:edit", args=[conference.pk])
    hana = client_for(pref.users.hana)
    assert hana.get(url).status_code == 200
    data = {"kind": "pre_discharge", "starts_at": at().strftime("%Y-%m-%dT%H:%M"), "place": "県立みどり病院 面談室",
            "agenda": "退院後の生活について", "minutes": "本人はアパートを希望した。", "decisions": "", "version": 1}

    def colleague_saves():
        actions.do_update_conference(request=None, membership=m, conference=conference, version=1,
                                     data={**data, "starts_at": at(), "minutes": "本人はグループホームを希望した。"})

    def stored():
        return tuple(Conference.objects.filter(pk=conference.pk).values_list("minutes", "version").get())

    walk_conflict(hana, url, data, colleague_saves=colleague_saves, stored=stored,
                  theirs_text="本人はグループホームを希望した。", yours_text="本人はアパートを希望した。", differing_label="議事録")
    assert stored() == ("本人はアパートを希望した。", 3)


def test_a_team_purpose_conflict_never_overwrites(pref, discharge, client_for):
    case = discharge["case"]
    url = reverse("conferences:team_purpose", args=[case.pk])
    hana = client_for(pref.users.hana)
    assert hana.get(url).status_code == 200

    def colleague_saves():
        actions.do_set_purpose(request=None, membership=pref.memberships.hana, case=case, purpose="病院で安心して過ごす",
                               version=0)

    def stored():
        team = SupportTeam.objects.get(case=case)
        return team.purpose, team.purpose_version

    walk_conflict(hana, url, {"purpose": "アパートでの一人暮らしを続ける", "goals": "", "version": 0},
                  colleague_saves=colleague_saves, stored=stored, theirs_text="病院で安心して過ごす",
                  yours_text="アパートでの一人暮らしを続ける", differing_label="目的（チームで共有する目的）")
    assert stored() == ("アパートでの一人暮らしを続ける", 2)


def test_a_refused_action_item_comes_back_on_the_conference_page_with_what_was_typed(pref, discharge, client_for):
    conference = actions.do_create_conference(request=None, membership=pref.memberships.hana, case=discharge["case"],
                                              data={"kind": "pre_discharge", "starts_at": at(), "place": "面談室"})
    hana = client_for(pref.users.hana)
    page = reverse("conferences:detail", args=[conference.pk])
    hana.post(reverse("conferences:action_add", args=[conference.pk]),
              {"description": "住まいの候補を三つ探す", "owner": pref.users.hana.pk, "due_date": "2026-02-30"})
    body = hana.get(page).content.decode()
    assert "住まいの候補を三つ探す" in body and 'value="2026-02-30"' in body and "日付を正しく入力してください。" in body


def _put(client, url, data):
    return client.put(url, json.dumps(data, default=str), content_type="application/json")


def test_a_stale_team_purpose_through_the_api_answers_409_with_both_versions_and_saves_nothing(pref, discharge,
                                                                                                client_for):
    case = discharge["case"]
    hana = client_for(pref.users.hana)
    url = f"/api/conferences/cases/{case.pk}/team/purpose"
    seen = hana.get(f"/api/conferences/cases/{case.pk}/team").json()["purpose_version"]
    actions.do_set_purpose(request=None, membership=pref.memberships.hana, case=case, purpose="病院で安心して過ごす",
                           version=seen)
    response = _put(hana, url, {"purpose": "アパートでの一人暮らしを続ける", "version": seen})
    assert response.status_code == 409
    body = response.json()
    assert body["theirs"]["purpose"] == "病院で安心して過ごす" and body["theirs"]["purpose_version"] == seen + 1
    assert body["yours"]["purpose"] == "アパートでの一人暮らしを続ける" and "目的" in body["detail"]
    assert SupportTeam.objects.get(case=case).purpose == "病院で安心して過ごす"
    response = _put(hana, url, {"purpose": "アパートでの一人暮らしを続ける", "version": seen + 1})
    assert response.status_code == 200 and response.json()["purpose"] == "アパートでの一人暮らしを続ける"


def test_a_stale_conference_record_through_the_api_answers_409_with_both_versions_and_saves_nothing(pref, discharge,
                                                                                                    client_for):
    m = pref.memberships.hana
    conference = actions.do_create_conference(request=None, membership=m, case=discharge["case"], data={
        "kind": "pre_discharge", "starts_at": at(), "place": "面談室"})
    data = {"kind": "pre_discharge", "starts_at": at().isoformat(), "place": "面談室", "agenda": "",
            "minutes": "本人はアパートを希望した。", "decisions": ""}
    actions.do_update_conference(request=None, membership=m, conference=conference, version=1,
                                 data={**data, "starts_at": at(), "minutes": "本人はグループホームを希望した。"})
    response = _put(client_for(pref.users.hana), f"/api/conferences/{conference.pk}", {**data, "version": 1})
    assert response.status_code == 409
    body = response.json()
    assert body["theirs"]["version"] == 2 and body["yours"]["minutes"] == "本人はアパートを希望した。"
    assert Conference.objects.get(pk=conference.pk).minutes == "本人はグループホームを希望した。"
