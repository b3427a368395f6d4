"""A conference record and a support team's purpose edited by two people: the later save is refused with
both versions side by side, differences marked, and accepted only after the newer version was taken."""

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
