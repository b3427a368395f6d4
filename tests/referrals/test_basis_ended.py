"""When the basis of a live referral's sharing ends (consent withdrawn or expired, disclosure ended) the
referral goes on hold at once with the coded reason, both sides are told, the receiver can no longer
resume or complete it, and the sender's pages say why and offer the next steps. The same notice reaches
support-team members whose team consent ends."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from renkei.audit.models import AuditEvent
from renkei.cases import access as cases_access
from renkei.consent import actions as consent_actions
from renkei.consent.models import Consent
from renkei.notices.models import Notification
from renkei.referrals import access, actions, reference
from renkei.referrals.models import Referral


@pytest.fixture
def live(pref, net, case, consent_to, refer, move):
    """A referral to あんしん住まいネット, accepted by ivy and in progress, on alice's consent."""
    consent = consent_to(case, net.anshin)
    r = refer(case, net.anshin, consent=consent)
    move(r, net.ivy_m, "accepted")
    r = move(r, net.ivy_m, "in-progress")
    return r, consent


def withdraw(pref, consent):
    return consent_actions.do_withdraw_consent(request=None, membership=pref.memberships.alice, consent=consent,
                                               version=consent.version,
                                               method="oral", note="本人から電話で撤回の申出")


def test_the_basis_ended_reasons_are_in_the_data_file_and_never_offered_to_a_worker():
    names = reference.reason_names()
    assert names["consent-withdrawn"] == "同意の撤回" and names["consent-expired"] == "同意期限切れ"
    offered = dict(reference.selectable_reasons())
    assert "consent-withdrawn" not in offered and "consent-expired" not in offered and "other" in offered


def test_withdrawing_the_consent_puts_the_live_referral_on_hold_and_tells_both_sides(pref, net, live):
    r, consent = live
    withdraw(pref, consent)
    r.refresh_from_db()
    assert r.status == "on-hold" and r.status_reason == "consent-withdrawn"
    assert r.reason_name == "同意の撤回" and f"同意#{consent.pk}が撤回されました" in r.status_reason_text
    sender = Notification.objects.get(recipient=pref.users.alice, url=f"/referrals/{r.pk}/", kind="basis_ended")
    receiver = Notification.objects.get(recipient=net.ivy, url=f"/referrals/{r.pk}/", kind="basis_ended")
    assert "同意の撤回" in sender.message and "同意の撤回" in receiver.message
    event = r.events.order_by("-id").first()
    assert (event.from_status, event.to_status, event.reason, event.by) == ("in-progress", "on-hold",
                                                                              "consent-withdrawn", pref.users.alice)
    assert AuditEvent.objects.filter(action="referral.on_hold", person_id=r.person_id).exists()
    assert r.case.entries.filter(body__contains="同意の撤回").exists()


def test_the_receiver_can_no_longer_resume_or_complete_a_referral_whose_consent_was_withdrawn(pref, net, live,
                                                                                               move):
    r, consent = live
    withdraw(pref, consent)
    r.refresh_from_db()
    offered = [t["to"] for t in access.allowed_transitions(net.ivy_m, r)]
    assert "completed" not in offered and "in-progress" not in offered and "failed" in offered
    with pytest.raises(ValidationError, match="保留中"):
        move(r, net.ivy_m, "in-progress", expected_status="on-hold")
    assert not cases_access.persons_visible_to(net.ivy_m).filter(pk=r.person_id).exists()
    assert "cancelled" in [t["to"] for t in access.allowed_transitions(pref.memberships.alice, r)]


def test_the_senders_referral_and_case_pages_say_why_and_offer_the_next_steps(pref, net, live, client_for):
    r, consent = live
    withdraw(pref, consent)
    alice = client_for(pref.users.alice)
    page = alice.get(reverse("referrals:detail", args=[r.pk])).content.decode()
    assert "共有の根拠が終了したため保留中です（同意の撤回）" in page
    assert "新しい同意を記録" in page and "新しい根拠を記録する" in page and "取り下げる" in page
    assert "完了にする" not in page
    case_page = alice.get(reverse("cases:case_detail", args=[r.case_id])).content.decode()
    assert f"連携依頼 #{r.pk}" in case_page and "「同意の撤回」のため保留中です" in case_page
    listing = alice.get(reverse("referrals:case", args=[r.case_id])).content.decode()
    assert "「同意の撤回」のため保留中です" in listing
    ivy = client_for(net.ivy)
    theirs = ivy.get(reverse("referrals:detail", args=[r.pk])).content.decode()
    assert "同意の撤回" in theirs and "完了にする" not in theirs and "対応を再開する" not in theirs


def test_a_new_consent_recorded_by_the_sender_returns_the_referral_to_where_it_was(pref, net, live, consent_to,
                                                                                   client_for):
    r, consent = live
    withdraw(pref, consent)
    renewed = consent_to(r.case, net.anshin)
    alice = client_for(pref.users.alice)
    response = alice.post(reverse("referrals:rebase", args=[r.pk]),
                          {"rebase-basis": "consent", "rebase-consent_ids": [str(renewed.pk)]})
    assert response.status_code == 302
    r.refresh_from_db()
    assert (r.status, r.status_reason, r.consent_ids) == ("in-progress", "", [renewed.pk])
    assert cases_access.persons_visible_to(net.ivy_m).filter(pk=r.person_id).exists()
    assert Notification.objects.filter(recipient=net.ivy, url=f"/referrals/{r.pk}/", message__contains="記録し直され").exists()
    assert AuditEvent.objects.filter(action="referral.basis_renewed", person_id=r.person_id).exists()


def test_a_withdrawn_consent_cannot_be_the_new_basis(pref, net, live):
    r, consent = live
    withdraw(pref, consent)
    r.refresh_from_db()
    with pytest.raises(ValidationError):
        actions.do_rebase(request=None, membership=pref.memberships.alice, referral=r, basis="consent",
                          consent_ids=[consent.pk])
    r.refresh_from_db()
    assert r.status == "on-hold" and r.status_reason == "consent-withdrawn"


def test_an_expired_consent_holds_the_referral_in_the_daily_run(pref, net, live):
    r, consent = live
    Consent.objects.filter(pk=consent.pk).update(valid_from=timezone.localdate() - dt.timedelta(days=30),
                                                 valid_until=timezone.localdate() - dt.timedelta(days=1))
    call_command("referrals_end_lapsed_bases", stdout=open("/dev/null", "w"))
    r.refresh_from_db()
    assert r.status == "on-hold" and r.status_reason == "consent-expired" and r.reason_name == "同意期限切れ"
    assert r.events.order_by("-id").first().by is None
    assert Notification.objects.filter(recipient=net.ivy, url=f"/referrals/{r.pk}/", kind="basis_ended").exists()
    call_command("referrals_end_lapsed_bases", stdout=open("/dev/null", "w"))
    assert r.events.filter(reason="consent-expired").count() == 1


def test_an_expired_consent_holds_the_referral_when_it_is_read(pref, net, live, client_for):
    r, consent = live
    Consent.objects.filter(pk=consent.pk).update(valid_from=timezone.localdate() - dt.timedelta(days=30),
                                                 valid_until=timezone.localdate() - dt.timedelta(days=1))
    page = client_for(pref.users.alice).get(reverse("referrals:detail", args=[r.pk])).content.decode()
    assert "共有の根拠が終了したため保留中です（同意期限切れ）" in page
    assert Referral.objects.get(pk=r.pk).status == "on-hold"


def test_ending_a_legal_basis_disclosure_holds_the_referral(pref, net, case, refer, move):
    r = refer(case, pref.orgs.hc, basis="legal", legal_basis=_public_basis(pref),
              justification="自傷のおそれがあり、保健所の訪問が必要")
    move(r, pref.memberships.hana, "accepted")
    from renkei.consent.models import Disclosure

    disclosure = Disclosure.objects.get(pk=r.disclosure_ref)
    consent_actions.do_end_disclosure(request=None, membership=pref.memberships.alice, disclosure=disclosure,
                                      reason="本人の状況が落ち着いたため")
    r.refresh_from_db()
    assert r.status == "on-hold" and r.status_reason == "disclosure-ended"


def _public_basis(pref):
    from renkei.referrals import sharing

    return sharing.legal_basis_choices(pref.orgs.aoba, pref.orgs.hc)[0]["code"]


def test_a_support_team_member_is_told_when_the_team_consent_is_withdrawn(pref, case):
    from renkei.conferences import actions as team_actions
    from renkei.conferences.models import SupportTeam

    team_actions.do_add_team_member(request=None, membership=pref.memberships.alice, case=case,
                                    role="visiting_nurse", member_membership=pref.memberships.dave)
    team = SupportTeam.objects.get(case=case)
    today = timezone.localdate()
    consent = consent_actions.do_record_consent(
        request=None, membership=pref.memberships.alice, person=case.person, recipient_kind="support_team",
        recipient_team=team, purpose="支援チームでの支援のため", scopes=["相談・経過記録"], valid_from=today,
        valid_until=today + dt.timedelta(days=90), method="written", obtained_at=timezone.now(),
        note="支援チームへの提供について同意書に署名。")
    withdraw(pref, consent)
    told = Notification.objects.get(recipient=pref.users.dave, key=f"team-consent:{consent.pk}")
    assert f"同意#{consent.pk}が撤回されました" in told.message
    lead = Notification.objects.get(recipient=case.lead, key=f"team-consent:{consent.pk}")
    assert "訪看 デイブ" in lead.message
    assert AuditEvent.objects.filter(action="team.consent_ended", person_id=case.person_id).exists()


def test_the_referral_form_lists_the_persons_consents_before_the_first_save(pref, net, case, consent_to,
                                                                           client_for):
    consent = consent_to(case, net.anshin)
    page = client_for(pref.users.alice).get(reverse("referrals:create", args=[case.pk])).content.decode()
    assert f'value="{consent.pk}"' in page and f"同意#{consent.pk}" in page
    assert "令和" in page


def test_the_lapsed_bases_job_run_twice_by_the_runner_holds_the_referral_once(pref, net, live, run_job_twice):
    r, consent = live
    Consent.objects.filter(pk=consent.pk).update(valid_from=timezone.localdate() - dt.timedelta(days=30),
                                                 valid_until=timezone.localdate() - dt.timedelta(days=1))
    first, second = run_job_twice("referrals.lapsed_bases")
    assert "1 件" in first.summary and "0 件" in second.summary
    r.refresh_from_db()
    assert r.status == "on-hold" and r.events.filter(reason="consent-expired").count() == 1
