"""When a support team's consent ends — withdrawn, or past its date — both sides are told (each member from
another organisation, in that organisation, and the team's holder), and the team page says whose access
ended, when and why (「同意の撤回」/「同意期限切れ」), with the next steps: record a new consent, or remove
the member. The member's own view of the page says the same, without the person's data."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from renkei.accounts.models import Membership
from renkei.audit.models import AuditEvent
from renkei.cases import actions as case_actions
from renkei.conferences import actions as team_actions
from renkei.conferences.models import SupportTeam, TeamMember
from renkei.consent import actions as consent_actions
from renkei.consent.models import Consent
from renkei.core.dates import wareki
from renkei.notices.models import Notification

PURPOSE = "住まいを失わずに地域で暮らし続ける"


@pytest.fixture
def team(pref):
    """青葉市's case (alice leads it) with dave (訪問看護) and erin (ピアサポーター) on its support team, and the
    team's purpose written."""
    m = pref.memberships.alice
    person = case_actions.do_register_person(request=None, membership=m, confirm_duplicate=True, data={
        "name": "山田 太郎", "kana": "ヤマダ タロウ", "birth_date": dt.date(1970, 5, 1), "sex": "male",
        "municipality": pref.orgs.aoba})
    case = case_actions.do_open_case(request=None, membership=m, person=person)
    for who, role in (("dave", "visiting_nurse"), ("erin", "peer_support")):
        team_actions.do_add_team_member(request=None, membership=m, case=case, role=role,
                                        member_membership=getattr(pref.memberships, who))
    team_actions.do_set_purpose(request=None, membership=m, case=case, purpose=PURPOSE)
    return SupportTeam.objects.get(case=case)


def team_consent(pref, team, days=90, **extra):
    today = timezone.localdate()
    values = {"recipient_kind": "support_team", "recipient_team": team, "purpose": "支援チームでの支援のため",
              "scopes": ["相談・経過記録"], "valid_from": today, "valid_until": today + dt.timedelta(days=days),
              "method": "written", "obtained_at": timezone.now(), "note": "支援チームへの提供について同意書に署名。"}
    return consent_actions.do_record_consent(request=None, membership=pref.memberships.alice,
                                             person=team.case.person, **(values | extra))


def withdraw(pref, consent, who="alice"):
    return consent_actions.do_withdraw_consent(request=None, membership=getattr(pref.memberships, who),
                                               consent=consent, version=consent.version, method="oral",
                                               note="本人から電話で撤回の申出")


def expire(consent):
    """The consent (and the team's members, who were on the team while it ran) moved two months back."""
    today = timezone.localdate()
    Consent.objects.filter(pk=consent.pk).update(valid_from=today - dt.timedelta(days=60),
                                                 valid_until=today - dt.timedelta(days=1))
    TeamMember.objects.filter(team_id=consent.recipient_team_id).update(
        added_at=timezone.now() - dt.timedelta(days=60))


def team_url(team):
    return reverse("conferences:team", args=[team.case_id])


def notices(consent):
    return {n.recipient.username: n for n in Notification.objects.filter(key=f"team-consent:{consent.pk}")
            .select_related("recipient", "organisation")}


def test_withdrawing_the_team_consent_tells_each_member_in_their_organisation_and_the_team_s_holder(pref, team):
    consent = team_consent(pref, team)
    withdraw(pref, consent)
    told = notices(consent)
    assert set(told) == {"dave", "erin", "alice"}
    assert told["dave"].organisation == pref.orgs.vn and told["erin"].organisation == pref.orgs.peers
    assert told["alice"].organisation == pref.orgs.aoba
    for who in ("dave", "erin"):
        assert f"同意#{consent.pk}が撤回されました（同意の撤回）" in told[who].message
        assert "青葉市に新しい同意の記録を依頼してください" in told[who].message
    assert "訪看 デイブ（訪問看護ステーション みどり）、ピア エリン" in told["alice"].message
    assert "新しい同意を記録するか構成員を外してください" in told["alice"].message
    assert AuditEvent.objects.filter(action="team.consent_ended", person_id=str(team.case.person_id)).count() == 1


def test_the_team_page_says_whose_access_ended_when_and_why_with_the_next_steps(pref, team, client_for):
    consent = team_consent(pref, team)
    withdrawn = withdraw(pref, consent)
    page = client_for(pref.users.alice).get(team_url(team)).content.decode()
    assert "支援チームへの同意が終わり、本人の情報を見られなくなった構成員がいます" in page
    at = timezone.localtime(withdrawn.withdrawn_at)
    assert "訪看 デイブ（訪問看護ステーション みどり・訪問看護）: " in page
    assert f"{at:%H:%M}に本人が同意を撤回したため（同意の撤回・同意#{consent.pk}）、本人の情報を見られなくなりました。" in page
    assert page.count("閲覧終了（同意の撤回）") == 2  # dave and erin; alice is the holder's own
    # next steps: a new consent (the holder records it), removing the member (the team's manager)
    assert reverse("consent:consent_create", args=[team.case.person_id]) in page and "新しい同意を記録する" in page
    assert "「チームから外す」を押してください" in page
    # a viewer of the holder sees why, and who takes the next steps
    viewer = client_for(pref.users.carol).get(team_url(team)).content.decode()
    assert "閲覧終了（同意の撤回）" in viewer and "（青葉市の同意を管理する職員が記録します）" in viewer
    assert reverse("consent:consent_create", args=[team.case.person_id]) not in viewer


def test_the_member_s_view_says_their_access_ended_and_shows_nothing_of_the_person(pref, team, client_for):
    consent = team_consent(pref, team)
    dave = client_for(pref.users.dave)
    assert PURPOSE in dave.get(team_url(team)).content.decode()
    withdraw(pref, consent)
    response = dave.get(team_url(team))
    page = response.content.decode()
    assert response.status_code == 200
    assert "本人の情報を見られなくなりました（同意の撤回）" in page and team.case.number in page
    assert f"同意#{consent.pk}" in page and "青葉市（主担当 青葉 アリス）に、本人の新しい同意の記録を依頼してください" in page
    assert "チームから外すよう依頼してください" in page
    assert "山田" not in page and "ヤマダ" not in page and PURPOSE not in page
    read = AuditEvent.objects.get(action="team.access_ended_viewed", actor=pref.users.dave)
    assert read.person_id == str(team.case.person_id)
    # nothing else opens
    assert dave.get(reverse("cases:person_detail", args=[team.case.person_id])).status_code == 404
    assert dave.get(f"/api/conferences/cases/{team.case_id}/team").status_code == 404
    assert dave.post(reverse("conferences:team_acknowledge", args=[team.case_id])).status_code == 404
    erin = client_for(pref.users.erin).get(team_url(team)).content.decode()
    assert "本人の情報を見られなくなりました（同意の撤回）" in erin and "山田" not in erin


def test_an_expired_team_consent_is_told_when_the_team_page_is_read_and_shown_as_expiry(pref, team, client_for):
    consent = team_consent(pref, team)
    expire(consent)
    assert notices(consent) == {}
    page = client_for(pref.users.alice).get(team_url(team)).content.decode()
    until = Consent.objects.get(pk=consent.pk).valid_until
    assert page.count("閲覧終了（同意期限切れ）") == 2
    assert f"同意#{consent.pk}の有効期間が" in page and "で終わったため（同意期限切れ）" in page
    told = notices(consent)
    assert set(told) == {"dave", "erin", "alice"} and "有効期限が切れました（同意期限切れ）" in told["dave"].message
    assert f"{wareki(until)}で終わったため" in page
    ended = client_for(pref.users.dave).get(team_url(team)).content.decode()
    assert "本人の情報を見られなくなりました（同意期限切れ）" in ended and f"{wareki(until)}で終わったため" in ended
    client_for(pref.users.alice).get(team_url(team))
    call_command("referrals_end_lapsed_bases", stdout=open("/dev/null", "w"))
    assert Notification.objects.filter(key=f"team-consent:{consent.pk}").count() == 3  # told once


def test_the_daily_run_tells_a_team_whose_consent_expired_once(pref, team):
    consent = team_consent(pref, team)
    expire(consent)
    call_command("referrals_end_lapsed_bases", stdout=open("/dev/null", "w"))
    assert set(notices(consent)) == {"dave", "erin", "alice"}
    call_command("referrals_end_lapsed_bases", stdout=open("/dev/null", "w"))
    assert Notification.objects.filter(key=f"team-consent:{consent.pk}").count() == 3
    assert AuditEvent.objects.filter(action="team.consent_ended", actor_label="Renkei（自動）").count() == 1


def test_a_member_still_covered_by_another_consent_is_not_said_to_have_lost_access(pref, team, client_for):
    consent = team_consent(pref, team)
    today = timezone.localdate()
    consent_actions.do_record_consent(
        request=None, membership=pref.memberships.alice, person=team.case.person, recipient_kind="organisation",
        recipient_organisation=pref.orgs.vn, purpose="訪問看護のため", scopes=["基本情報"], valid_from=today,
        valid_until=today + dt.timedelta(days=90), method="written", obtained_at=timezone.now(), note="同意書")
    withdraw(pref, consent)
    page = client_for(pref.users.alice).get(team_url(team)).content.decode()
    assert page.count("閲覧終了（同意の撤回）") == 1 and "ピア エリン（ピアサポートの会 つばさ・" in page
    assert "訪看 デイブ（訪問看護ステーション みどり・訪問看護）: " not in page
    assert PURPOSE in client_for(pref.users.dave).get(team_url(team)).content.decode()  # still the full page


def test_a_member_added_after_the_consent_ended_is_not_said_to_have_lost_it(pref, team, client_for):
    consent = team_consent(pref, team)
    withdraw(pref, consent)
    team_actions.do_add_team_member(request=None, membership=pref.memberships.alice, case=team.case,
                                    role="housing", member_membership=pref.memberships.henry)
    page = client_for(pref.users.alice).get(team_url(team)).content.decode()
    notice = page.split("見られなくなった構成員がいます")[1].split("次の対応")[0]
    assert "ピア エリン" in notice and "住まい ヘンリー" not in notice
    assert page.count("閲覧終了（同意の撤回）") == 2
    assert client_for(pref.users.henry).get(team_url(team)).status_code == 404


def test_removing_the_member_or_a_new_team_consent_ends_the_notice(pref, team, client_for):
    withdraw(pref, team_consent(pref, team))
    alice = client_for(pref.users.alice)
    erin_member = team.members.get(user=pref.users.erin)
    team_actions.do_remove_team_member(request=None, membership=pref.memberships.alice, member=erin_member,
                                       reason="ピアサポートの終了")
    assert client_for(pref.users.erin).get(team_url(team)).status_code == 404
    assert alice.get(team_url(team)).content.decode().count("閲覧終了（同意の撤回）") == 1
    team_consent(pref, team)
    page = alice.get(team_url(team)).content.decode()
    assert "閲覧終了" not in page and "見られなくなった構成員がいます" not in page
    assert PURPOSE in client_for(pref.users.dave).get(team_url(team)).content.decode()


def test_the_team_api_names_each_member_whose_access_ended(pref, team, client_for):
    consent = team_consent(pref, team)
    withdrawn = withdraw(pref, consent)
    members = {m["name"]: m for m in client_for(pref.users.alice).get(
        f"/api/conferences/cases/{team.case_id}/team").json()["members"]}
    ended = members["訪看 デイブ"]["access_ended"]
    assert (ended["cause"], ended["cause_name"], ended["consent_id"]) == ("withdrawn", "同意の撤回", consent.pk)
    assert abs(dt.datetime.fromisoformat(ended["at"]) - withdrawn.withdrawn_at) < dt.timedelta(milliseconds=1)
    assert members["ピア エリン"]["access_ended"]["cause_name"] == "同意の撤回"


def test_the_peer_supporter_reads_her_notice_on_the_dashboard_and_the_notices_page(pref, team, client_for):
    consent = team_consent(pref, team)
    withdraw(pref, consent)
    erin = client_for(pref.users.erin)
    assert f"同意#{consent.pk}が撤回されました" in erin.get("/").content.decode()
    assert f"同意#{consent.pk}が撤回されました" in erin.get(reverse("referrals:notifications")).content.decode()
    notice = Notification.objects.get(recipient=pref.users.erin, key=f"team-consent:{consent.pk}")
    assert erin.post(reverse("referrals:notification_read", args=[notice.pk])).status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is not None
    other = Notification.objects.get(recipient=pref.users.dave, key=f"team-consent:{consent.pk}")
    assert erin.post(reverse("referrals:notification_read", args=[other.pk])).status_code == 404


def test_when_the_lead_no_longer_works_at_the_holder_its_conference_managers_are_told(pref, team):
    Membership.objects.filter(user=pref.users.alice, organisation=pref.orgs.aoba).update(is_active=False)
    consent = team_consent_by(pref, team, "bob")
    withdraw(pref, consent, who="bob")
    told = notices(consent)
    assert "alice" not in told and "bob" in told and told["bob"].organisation == pref.orgs.aoba


def team_consent_by(pref, team, who):
    today = timezone.localdate()
    return consent_actions.do_record_consent(
        request=None, membership=getattr(pref.memberships, who), person=team.case.person,
        recipient_kind="support_team", recipient_team=team, purpose="支援チームでの支援のため", scopes=["相談・経過記録"],
        valid_from=today, valid_until=today + dt.timedelta(days=90), method="written", obtained_at=timezone.now(),
        note="支援チームへの提供について同意書に署名。")


def test_the_holder_s_list_of_grants_says_which_team_members_the_ended_consent_no_longer_reaches(pref, team,
                                                                                               client_for):
    consent = team_consent(pref, team)
    register = reverse("consent:person_register", args=[team.case.person_id])
    before = client_for(pref.users.alice).get(register).content.decode()
    assert "訪問看護" in before and "により閲覧できません" not in before
    withdraw(pref, consent)
    after = client_for(pref.users.alice).get(register).content.decode()
    assert after.count("（同意の撤回により閲覧できません）") == 2  # dave and erin, each still listed
    assert "チームの画面で外す" in after


def test_the_notice_links_to_the_team_page_and_reading_the_notices_names_the_person_in_the_audit_log(
        pref, team, client_for):
    consent = team_consent(pref, team)
    withdraw(pref, consent)
    notice = Notification.objects.get(recipient=pref.users.erin, key=f"team-consent:{consent.pk}")
    assert notice.url == team_url(team) and notice.person_id == team.case.person_id
    assert client_for(pref.users.erin).get(reverse("referrals:notifications")).status_code == 200
    entry = AuditEvent.objects.filter(action="referral.notifications_viewed", actor=pref.users.erin).get()
    assert str(team.case.person_id) in entry.person_ids()


def test_the_team_consent_job_run_twice_by_the_runner_tells_the_team_once(pref, team, run_job_twice):
    consent = team_consent(pref, team)
    expire(consent)
    first, second = run_job_twice("conferences.team_consent_lapse")
    assert "0 件" not in first.summary and second.summary.endswith(": 0 件")
    assert Notification.objects.filter(key=f"team-consent:{consent.pk}").count() == 3
