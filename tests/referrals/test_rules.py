"""One live referral per person and receiver; overdue in business days; たらい回し; scoped visibility on
acceptance; rejection returns to the sender with alternatives; escalation; notifications."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from renkei.cases import access as cases_access
from renkei.cases.access import BASIC
from renkei.notices.models import Notification
from renkei.referrals import actions, alternatives, escalation, inbox, overdue, stats, tarai
from renkei.referrals.business_days import add_business_days
from renkei.referrals.models import Referral


def test_a_second_live_referral_is_refused_and_points_to_the_live_one(pref, net, case, consent_to, refer):
    consent = consent_to(case, pref.orgs.housing)
    first = refer(case, pref.orgs.housing, consent=consent)
    with pytest.raises(actions.LiveReferralExists) as refused:
        refer(case, pref.orgs.housing, consent=consent)
    assert refused.value.existing == first
    assert f"#{first.pk}" in refused.value.messages[0]
    assert Referral.objects.filter(person=case.person, to_organisation=pref.orgs.housing).count() == 1


def test_after_a_rejection_the_same_agency_may_be_asked_again(pref, net, case, consent_to, refer, move):
    consent = consent_to(case, pref.orgs.housing)
    move(refer(case, pref.orgs.housing, consent=consent), pref.memberships.henry, "rejected", reason="no-capacity")
    assert refer(case, pref.orgs.housing, consent=consent).status == "requested"


def test_sending_needs_a_consent_covering_the_receiver(pref, net, case, consent_to, refer):
    consent = consent_to(case, net.anshin)
    with pytest.raises(ValidationError, match="期限切れ・撤回済み・依頼先を含まない"):
        refer(case, pref.orgs.housing, consent=consent)
    with pytest.raises(ValidationError, match="同意を選んでください"):
        refer(case, pref.orgs.housing)
    assert not Referral.objects.exists()


def test_a_legal_basis_is_recorded_as_a_disclosure(pref, net, case, refer):
    from renkei.consent.models import Disclosure

    with pytest.raises(ValidationError, match="理由"):
        refer(case, pref.orgs.hc, basis="legal", legal_basis="apppi-69-2-3", asks=["accompany"])
    r = refer(case, pref.orgs.hc, basis="legal", legal_basis="apppi-69-2-3", asks=["accompany"],
              justification="精神保健福祉法47条の相談指導のため保健所と同行訪問する")
    d = Disclosure.objects.get(pk=r.disclosure_ref)
    assert d.recipient == pref.orgs.hc and BASIC in d.scopes


def test_business_days_skip_weekends_holidays_and_the_year_end():
    # 2026-04-29 (Wed) 昭和の日; 2026-05-03..06 憲法記念日〜振替休日
    assert add_business_days(dt.date(2026, 4, 28), 1) == dt.date(2026, 4, 30)
    assert add_business_days(dt.date(2026, 5, 1), 1) == dt.date(2026, 5, 7)
    assert add_business_days(dt.date(2026, 12, 28), 1) == dt.date(2027, 1, 4)


def test_overdue_counts_business_days_with_holidays(pref, net, case, consent_to, refer, settings):
    settings.REFERRAL_RECEIVE_BUSINESS_DAYS = 2
    r = refer(case, pref.orgs.housing, consent=consent_to(case, pref.orgs.housing))
    sent = timezone.make_aware(dt.datetime(2026, 4, 28, 10, 0))  # Tue; 4/29 holiday; due Fri 5/1
    Referral.objects.filter(pk=r.pk).update(requested_at=sent)
    r.refresh_from_db()
    assert overdue.check(r, today=dt.date(2026, 5, 1)) is None
    late = overdue.check(r, today=dt.date(2026, 5, 7))
    assert late.stage == "receive" and late.due == dt.date(2026, 5, 1)
    assert overdue.flag_overdue(today=dt.date(2026, 5, 7)) == 2  # alice and her supervisor bob
    assert overdue.flag_overdue(today=dt.date(2026, 5, 7)) == 0  # once only
    assert {n.recipient for n in Notification.objects.filter(kind="overdue")} == {pref.users.alice, pref.users.bob}


def _chain(pref, net, case, consent_to, refer, move):
    r1 = refer(case, pref.orgs.housing, consent=consent_to(case, pref.orgs.housing))
    move(r1, pref.memberships.henry, "rejected", reason="out-of-area")
    r2 = refer(case, net.anshin, consent=consent_to(case, net.anshin))
    move(r2, net.ivy_m, "accepted")
    move(r2, net.ivy_m, "failed", reason="unable-to-contact")
    return r1, r2


def test_repeated_refusals_flag_tarai_mawashi_for_the_supervisor(pref, net, case, consent_to, refer, move):
    r1, r2 = _chain(pref, net, case, consent_to, refer, move)
    chain = tarai.chain_for(pref.memberships.bob, case.person)
    assert chain.flagged and [r.pk for r in chain.referrals] == [r1.pk, r2.pk]
    assert [c.person for c in tarai.flagged_chains(pref.memberships.bob)] == [case.person]
    assert Notification.objects.filter(kind="tarai", recipient=pref.users.bob).exists()
    # the receivers see no chain of other agencies' referrals
    assert [r.pk for r in tarai.chain_for(pref.memberships.henry, case.person).referrals] == [r1.pk]


def test_several_agencies_without_acceptance_flag_tarai(pref, net, case, consent_to, refer, settings):
    settings.REFERRAL_TARAI_MAX_AGENCIES = 2
    refer(case, pref.orgs.housing, consent=consent_to(case, pref.orgs.housing))
    assert not tarai.chain_for(pref.memberships.bob, case.person).flagged
    refer(case, net.anshin, consent=consent_to(case, net.anshin))
    assert tarai.chain_for(pref.memberships.bob, case.person).flagged


def test_old_refusals_outside_the_window_do_not_flag(pref, net, case, consent_to, refer, move):
    _chain(pref, net, case, consent_to, refer, move)
    Referral.objects.update(requested_at=timezone.now() - dt.timedelta(days=200))
    assert not tarai.chain_for(pref.memberships.bob, case.person).flagged


def test_acceptance_grants_the_accepting_worker_exactly_the_shared_scopes(pref, net, case, consent_to, refer, move):
    r = refer(case, net.anshin, consent=consent_to(case, net.anshin, scopes=[BASIC]), scopes=[BASIC])
    ivy = net.ivy_m
    assert case.lead == pref.users.alice
    move(r, ivy, "accepted")
    case.refresh_from_db()
    assert case.lead == pref.users.alice  # the sender's lead stays
    assert cases_access.persons_visible_to(ivy).filter(pk=case.person_id).exists()
    assert not cases_access.cases_visible_to(ivy).filter(pk=case.pk).exists()
    assert not cases_access.entries_visible_to(ivy).filter(case=case).exists()


def test_records_scope_opens_the_case_and_entries_and_withdrawal_closes_them(pref, net, case, consent_to, refer,
                                                                             move):
    from renkei.consent import actions as consent_actions

    consent = consent_to(case, net.anshin)
    r = refer(case, net.anshin, consent=consent)
    move(r, net.ivy_m, "accepted")
    assert cases_access.cases_visible_to(net.ivy_m).filter(pk=case.pk).exists()
    assert cases_access.entries_visible_to(net.ivy_m).filter(case=case).exists()
    consent_actions.do_withdraw_consent(request=None, membership=pref.memberships.alice, consent=consent,
                                        version=consent.version,
                                        method="oral")
    assert not cases_access.persons_visible_to(net.ivy_m).filter(pk=case.person_id).exists()


def test_rejection_returns_to_the_sender_with_the_reason_and_alternatives(pref, net, case, consent_to, refer, move):
    r = refer(case, pref.orgs.housing, consent=consent_to(case, pref.orgs.housing), service=net.sumai_service)
    move(r, pref.memberships.henry, "rejected", reason="no-capacity")
    back = inbox.sent(pref.memberships.alice)["returned"]
    assert back == [r] and back[0].reason_name == "受け入れ枠がない"
    alts = alternatives.next_best(r, pref.memberships.alice)
    assert [a.service for a in alts] == [net.anshin_service]
    assert alts[0].renkei_organisation == net.anshin
    assert Notification.objects.filter(kind="returned", recipient=pref.users.alice, url=f"/referrals/{r.pk}/").exists()


def test_new_referrals_notify_the_receivers_in_product_and_by_mail(pref, net, case, consent_to, refer,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        refer(case, pref.orgs.housing, consent=consent_to(case, pref.orgs.housing))
    assert Notification.objects.filter(kind="new", recipient=pref.users.henry).exists()
    assert [m.to for m in mail.outbox] == [["henry@example.jp"]]
    assert "山田" not in mail.outbox[0].body  # no personal data in e-mail


def test_escalation_is_suggested_with_citation_and_created_as_a_request(pref, net, case, refer):
    s = escalation.suggestion(pref.memberships.alice, case)
    assert s["target"] == pref.orgs.hc and "accompany" in s["asks"] and s["step"].citation
    fields = escalation.kind_fields(pref.memberships.alice, case, {"escalation_rule": s["step"].rule_id})
    r = refer(case, pref.orgs.hc, basis="legal", legal_basis="apppi-69-2-3", asks=s["asks"],
              justification="複雑事例の同行訪問", **fields)
    assert r.kind == "escalation" and r.citation == s["step"].citation
    with pytest.raises(ValidationError):
        escalation.kind_fields(pref.memberships.alice, case, {"escalation_rule": "invented"})


def test_agency_figures_feed_the_matching(pref, net, case, consent_to, refer, move, settings):
    from renkei.directory import matching

    r = refer(case, net.anshin, consent=consent_to(case, net.anshin))
    move(r, net.ivy_m, "accepted")
    f = stats.figures_for(net.anshin)
    assert f.acceptance_rate == 1.0 and f.median_hours_to_accept is not None
    assert stats.performance_for_service(net.anshin_service) is None  # too few answers yet
    query = matching.MatchQuery(need=net.housing_term, municipality=pref.orgs.aoba)
    for _ in range(2):
        other = Referral.objects.create(case=case, person=case.person, from_organisation=pref.orgs.aoba,
                                        requester=pref.users.alice, to_organisation=net.anshin, purpose="x",
                                        basis="consent", status="completed", requested_at=timezone.now(),
                                        accepted_at=timezone.now(), ended_at=timezone.now())
        assert other.pk
    ranked = {i.service: i for i in matching.rank(query)}
    assert any("受諾率 100%" in why for why in ranked[net.anshin_service].reasons)


def test_the_daily_command_notifies_overdue_referrals_once(pref, net, case, consent_to, refer):
    from io import StringIO

    from django.core.management import call_command

    r = refer(case, pref.orgs.housing, consent=consent_to(case, pref.orgs.housing))
    Referral.objects.filter(pk=r.pk).update(requested_at=timezone.now() - dt.timedelta(days=30))
    out = StringIO()
    call_command("referrals_check_overdue", stdout=out)
    assert "2 件" in out.getvalue()
    call_command("referrals_check_overdue", stdout=out)
    assert Notification.objects.filter(kind="overdue").count() == 2


def test_the_overdue_job_run_twice_by_the_runner_notifies_once(pref, net, case, consent_to, refer, run_job_twice):
    r = refer(case, pref.orgs.housing, consent=consent_to(case, pref.orgs.housing))
    Referral.objects.filter(pk=r.pk).update(requested_at=timezone.now() - dt.timedelta(days=30))
    first, second = run_job_twice("referrals.overdue")
    assert "2 件" in first.summary and "0 件" in second.summary
    assert Notification.objects.filter(kind="overdue").count() == 2


def test_overdue_notifications_give_the_due_date_in_wareki(pref, net, case, consent_to, refer):
    from django.core.management import call_command

    from renkei.core.dates import wareki
    from renkei.referrals.overdue import check

    r = refer(case, pref.orgs.housing, consent=consent_to(case, pref.orgs.housing))
    Referral.objects.filter(pk=r.pk).update(requested_at=timezone.now() - dt.timedelta(days=30))
    call_command("referrals_check_overdue", stdout=open("/dev/null", "w"))
    message = Notification.objects.filter(kind="overdue").first().message
    due = check(Referral.objects.get(pk=r.pk)).due
    assert f"（期限 {wareki(due)}）" in message and "令和" in message and f"{due:%Y-%m-%d}" not in message
