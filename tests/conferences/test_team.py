import pytest
from django.core.exceptions import ValidationError

from renkei.audit.models import AuditEvent
from renkei.cases.access import cases_visible_to, persons_visible_to
from renkei.cases.models import RecordEntry
from renkei.conferences import actions
from renkei.conferences.models import TeamEvent
from renkei.conferences.summary import purpose_for

PURPOSE = "本人が望むアパートでの一人暮らしを続けられる"


def _add(pref, discharge, who, role):
    return actions.do_add_team_member(request=None, membership=pref.memberships.hana, case=discharge["case"],
                                      role=role, member_membership=getattr(pref.memberships, who))


def test_adding_and_removing_members_is_logged_in_team_history_audit_and_case_timeline(pref, discharge):
    case = discharge["case"]
    member = _add(pref, discharge, "erin", "peer_support")
    actions.do_change_member_role(request=None, membership=pref.memberships.hana, member=member,
                                  role="family_association")
    actions.do_remove_team_member(request=None, membership=pref.memberships.hana, member=member, reason="支援終了")
    assert list(TeamEvent.objects.filter(team__case=case).values_list("kind", flat=True)) == [
        "removed", "role_changed", "added"]
    actions_logged = set(AuditEvent.objects.filter(person_id=str(discharge["person"].pk))
                         .values_list("action", flat=True))
    assert {"team.member_added", "team.member_role_changed", "team.member_removed"} <= actions_logged
    timeline = list(RecordEntry.objects.filter(case=case).values_list("body", flat=True))
    assert any("ピア エリン" in body and "加えました" in body for body in timeline)
    assert any("外れました" in body and "支援終了" in body for body in timeline)


def test_a_non_user_member_is_recorded_by_name_and_organisation(pref, discharge):
    member = actions.do_add_team_member(request=None, membership=pref.memberships.hana, case=discharge["case"],
                                        role="community", name="民生 太郎", organisation_label="青葉市民生委員児童委員協議会")
    assert member.user is None and member.organisation_name == "青葉市民生委員児童委員協議会"
    with pytest.raises(ValidationError, match="所属"):
        actions.do_add_team_member(request=None, membership=pref.memberships.hana, case=discharge["case"],
                                   role="community", name="所属 なし")


def test_a_member_cannot_be_added_twice_and_nothing_changes(pref, discharge):
    _add(pref, discharge, "alice", "municipality")
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="すでにチームの構成員"):
        _add(pref, discharge, "alice", "municipality")
    assert AuditEvent.objects.count() == before


def test_acknowledgement_is_asked_again_when_the_purpose_changes(pref, discharge):
    case = discharge["case"]
    member = _add(pref, discharge, "alice", "municipality")
    with pytest.raises(ValidationError, match="まだ目的"):
        actions.do_acknowledge_purpose(request=None, membership=pref.memberships.alice, case=case)
    actions.do_set_purpose(request=None, membership=pref.memberships.hana, case=case, purpose=PURPOSE, goals="通院の継続")
    assert purpose_for(case, pref.memberships.alice)["needs_my_acknowledgement"] is True
    actions.do_acknowledge_purpose(request=None, membership=pref.memberships.alice, case=case)
    member.refresh_from_db()
    assert member.has_acknowledged and member.acknowledged_version == 1
    summary = purpose_for(case, pref.memberships.alice)
    assert summary["purpose"] == PURPOSE and summary["acknowledged_count"] == 1
    assert summary["needs_my_acknowledgement"] is False
    actions.do_set_purpose(request=None, membership=pref.memberships.hana, case=case, purpose=PURPOSE + "。仕事も探す")
    member.refresh_from_db()
    assert not member.has_acknowledged
    assert purpose_for(case, pref.memberships.alice)["needs_my_acknowledgement"] is True


def test_staff_members_acknowledge_for_themselves(pref, discharge):
    case = discharge["case"]
    alice = _add(pref, discharge, "alice", "municipality")
    actions.do_set_purpose(request=None, membership=pref.memberships.hana, case=case, purpose=PURPOSE)
    with pytest.raises(ValidationError, match="本人がログイン"):
        actions.do_acknowledge_purpose(request=None, membership=pref.memberships.hana, case=case, member=alice)
    with pytest.raises(ValidationError, match="構成員ではない"):
        actions.do_acknowledge_purpose(request=None, membership=pref.memberships.mallory, case=case)


def test_an_empty_purpose_is_refused(pref, discharge):
    with pytest.raises(ValidationError, match="目的を入力"):
        actions.do_set_purpose(request=None, membership=pref.memberships.hana, case=discharge["case"], purpose="  ")


def test_team_membership_alone_does_not_open_the_case_without_consent(pref, discharge, consent_to):
    case, person = discharge["case"], discharge["person"]
    _add(pref, discharge, "alice", "municipality")
    assert not cases_visible_to(pref.memberships.alice).filter(pk=case.pk).exists()
    assert not persons_visible_to(pref.memberships.alice).filter(pk=person.pk).exists()
    consent_to(person, pref.orgs.aoba, ["基本情報"])
    assert persons_visible_to(pref.memberships.alice).filter(pk=person.pk).exists()
    assert not cases_visible_to(pref.memberships.alice).filter(pk=case.pk).exists()
    consent_to(person, pref.orgs.aoba, ["相談・経過記録"])
    assert cases_visible_to(pref.memberships.alice).filter(pk=case.pk).exists()
