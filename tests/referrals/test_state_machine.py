"""The closed-loop state machine, transition by transition: who may make each, and what is refused."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from renkei.audit.models import AuditEvent
from renkei.cases.models import RecordEntry
from renkei.referrals import reference
from renkei.referrals.models import LIVE, Referral

ALL = [s["code"] for s in reference.data()["statuses"]]
EXTRA = {"rejected": {"reason": "no-capacity"}, "failed": {"reason": "unable-to-contact"},
         "completed": {"outcome": "アパートの契約ができた"}}


def test_model_live_list_matches_the_data_file():
    assert LIVE == reference.live_statuses()


def test_every_transition_names_a_side_and_known_statuses():
    for t in reference.data()["transitions"]:
        assert t["from"] in ALL and t["to"] in ALL
        assert t["by"] in (reference.REQUESTER, reference.RECEIVER)
    for code in reference.terminal_statuses():
        assert reference.transitions_from(code) == []


def _put(referral, status):
    Referral.objects.filter(pk=referral.pk).update(status=status)
    referral.refresh_from_db()
    return referral


@pytest.mark.parametrize("transition", reference.data()["transitions"], ids=lambda t: f"{t['from']}->{t['to']}")
def test_each_legal_transition_is_made_by_its_side_only(pref, net, case, consent_to, refer, move, transition):
    consent = consent_to(case, pref.orgs.housing)
    referral = _put(refer(case, pref.orgs.housing, consent=consent, send=transition["from"] != "draft"),
                    transition["from"])
    right = pref.memberships.alice if transition["by"] == reference.REQUESTER else pref.memberships.henry
    wrong = pref.memberships.henry if transition["by"] == reference.REQUESTER else pref.memberships.alice
    if transition["from"] == "draft":  # the receiver does not see drafts at all
        with pytest.raises(Http404):
            move(referral, wrong, transition["to"], **EXTRA.get(transition["to"], {}))
    else:
        with pytest.raises(ValidationError, match="だけです"):
            move(referral, wrong, transition["to"], **EXTRA.get(transition["to"], {}))
    entries = RecordEntry.objects.filter(case=case, kind="coordination").count()
    moved = move(referral, right, transition["to"], **EXTRA.get(transition["to"], {}))
    assert moved.status == transition["to"]
    assert moved.events.last().to_status == transition["to"]
    assert RecordEntry.objects.filter(case=case, kind="coordination").count() == entries + 1
    assert AuditEvent.objects.filter(action=f"referral.{transition['to'].replace('-', '_')}",
                                     object_id=str(referral.pk), person_id=str(case.person_id)).exists()


ILLEGAL = [(f, t) for f in ALL for t in ALL if reference.transition(f, t) is None]


@pytest.mark.parametrize("from_status,to_status", ILLEGAL)
def test_illegal_transitions_are_refused_in_japanese(pref, net, case, consent_to, refer, move, from_status, to_status):
    referral = _put(refer(case, pref.orgs.housing, consent=consent_to(case, pref.orgs.housing)), from_status)
    for m in (pref.memberships.alice, pref.memberships.henry):
        if from_status == "draft" and m == pref.memberships.henry:
            continue
        with pytest.raises(ValidationError, match="にはできません"):
            move(referral, m, to_status, **EXTRA.get(to_status, {}))
    referral.refresh_from_db()
    assert referral.status == from_status


def test_rejection_needs_a_coded_reason_and_other_needs_text(pref, net, case, consent_to, refer, move):
    referral = refer(case, pref.orgs.housing, consent=consent_to(case, pref.orgs.housing))
    with pytest.raises(ValidationError, match="理由を選んで"):
        move(referral, pref.memberships.henry, "rejected")
    with pytest.raises(ValidationError, match="その他"):
        move(referral, pref.memberships.henry, "rejected", reason="other")
    moved = move(referral, pref.memberships.henry, "rejected", reason="other", reason_text="改修工事中")
    assert moved.status_reason == "other" and moved.status_reason_text == "改修工事中"


def test_completion_needs_an_outcome(pref, net, case, consent_to, refer, move):
    referral = refer(case, pref.orgs.housing, consent=consent_to(case, pref.orgs.housing))
    move(referral, pref.memberships.henry, "accepted")
    with pytest.raises(ValidationError, match="結果"):
        move(referral, pref.memberships.henry, "completed")
    assert move(referral, pref.memberships.henry, "completed", outcome="入居できた").outcome == "入居できた"


def test_a_stale_screen_is_refused(pref, net, case, consent_to, refer, move):
    referral = refer(case, pref.orgs.housing, consent=consent_to(case, pref.orgs.housing))
    move(referral, pref.memberships.henry, "received")
    with pytest.raises(ValidationError, match="読み込み直して"):
        move(referral, pref.memberships.henry, "accepted", expected_status="requested")
