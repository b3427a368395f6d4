"""`migrate` moves the notices of both old tables (referrals' and consent's break-glass notices) into the one
notification model, keeping who, what and when, and adding the link and the person each is about."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from renkei.conferences.models import SupportTeam
from renkei.consent.models import BreakGlassAccess, Consent
from renkei.notices.models import Notification

CONSENT_BEFORE = ("consent", "0006_consent_version")
REFERRALS_BEFORE = ("referrals", "0002_event_by_automatic_and_basis_reasons")


@pytest.mark.django_db(transaction=True)
def test_migrate_moves_referral_team_and_break_glass_notices_into_one_table(pref, case, consent_to, refer):
    referral = refer(case, pref.orgs.housing, consent=consent_to(case, pref.orgs.housing))
    team = SupportTeam.objects.create(case=case)
    team_consent = consent_to(case, pref.orgs.vn)
    Consent.objects.filter(pk=team_consent.pk).update(recipient_kind="support_team", recipient_team=team,
                                                      recipient_organisation=None)
    now = timezone.now()
    glass = BreakGlassAccess.objects.create(person=case.person, user=pref.users.mallory, organisation=pref.orgs.wakaba,
                                            reason="夜間に警察から保護の連絡があった", legal_basis="apppi-27-1-2",
                                            started_at=now, expires_at=now + dt.timedelta(hours=2))
    Notification.objects.all().delete()
    call_command("migrate", *CONSENT_BEFORE, verbosity=0)
    call_command("migrate", *REFERRALS_BEFORE, verbosity=0)
    try:
        state = MigrationExecutor(connection).loader.project_state([CONSENT_BEFORE, REFERRALS_BEFORE]).apps
        old_referral = state.get_model("referrals", "Notification")
        old_consent = state.get_model("consent", "Notification")
        read = now - dt.timedelta(hours=1)
        old_referral.objects.create(recipient_id=pref.users.henry.pk, organisation_id=pref.orgs.housing.pk,
                                    referral_id=referral.pk, kind="new", message="新しい連携依頼", key="new:1",
                                    created_at=now - dt.timedelta(days=2), read_at=read)
        old_referral.objects.create(recipient_id=pref.users.dave.pk, organisation_id=pref.orgs.vn.pk,
                                    kind="basis_ended", message="支援チームへの同意が撤回されました",
                                    key=f"team-consent:{team_consent.pk}")
        old_consent.objects.create(recipient_id=pref.users.walter.pk, organisation_id=pref.orgs.wakaba.pk,
                                   kind="breakglass", breakglass_id=glass.pk, text="緊急アクセスで記録を開きました")
        old_consent.objects.create(recipient_id=pref.users.walter.pk, organisation_id=pref.orgs.wakaba.pk,
                                   kind="breakglass", breakglass_id=glass.pk, text="同じアクセスの二通目")
    finally:
        call_command("migrate", verbosity=0)
    notices = {n.message: n for n in Notification.objects.all()}
    assert len(notices) == 4
    new = notices["新しい連携依頼"]
    assert (new.recipient, new.organisation, new.kind, new.key) == (pref.users.henry, pref.orgs.housing, "new", "new:1")
    assert new.url == f"/referrals/{referral.pk}/" and new.person_id == case.person_id and new.read_at == read
    team_notice = notices["支援チームへの同意が撤回されました"]
    assert team_notice.url == f"/conferences/cases/{case.pk}/team/" and team_notice.person_id == case.person_id
    first, second = notices["緊急アクセスで記録を開きました"], notices["同じアクセスの二通目"]
    assert first.key == f"breakglass:{glass.pk}" and first.person_id == case.person_id and first.read_at is None
    assert second.key.startswith("breakglass-notice:") and second.recipient == pref.users.walter
    applied = MigrationExecutor(connection).loader.applied_migrations
    assert ("consent", "0007_notices_move") in applied and ("referrals", "0003_notices_move") in applied
