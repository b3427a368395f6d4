"""The daily job tells whoever obtained a consent that it ends soon: once per consent and end date, naming the
consent, not the person; a renewed period is told again."""

import datetime as dt

from django.core import mail
from django.utils import timezone

from renkei.consent import actions
from renkei.consent.jobs import KIND, notify_expiring
from renkei.notices.models import Notification


def test_a_consent_ending_within_the_warning_days_is_told_to_its_recorder_once(
        pref, world, consent_to, run_job_twice, django_capture_on_commit_callbacks):
    soon = consent_to(world["person"], pref.orgs.housing, days=10)
    consent_to(world["person"], pref.orgs.vn, days=120)  # far off: nothing yet
    with django_capture_on_commit_callbacks(execute=True):
        first, second = run_job_twice("consent.expiring")
    assert "1 件" in first.summary and "0 件" in second.summary
    notice = Notification.objects.get(kind=KIND)
    assert notice.recipient == pref.users.alice and notice.organisation == pref.orgs.aoba
    assert notice.url == f"/consent/{soon.pk}/" and notice.person_id == world["person"].pk
    assert f"同意 #{soon.pk}" in notice.message and "山田" not in notice.message
    assert len(mail.outbox) == 1 and "山田" not in mail.outbox[0].body


def test_a_withdrawn_or_ended_consent_is_not_told(pref, world, consent_to):
    gone = consent_to(world["person"], pref.orgs.housing, days=10)
    actions.do_withdraw_consent(request=None, membership=pref.memberships.alice, consent=gone, version=gone.version, method="oral",
                                note="本人から撤回の申し出")
    assert notify_expiring(today=timezone.localdate()) == 0
    assert notify_expiring(today=timezone.localdate() + dt.timedelta(days=11)) == 0


def test_when_the_recorder_no_longer_manages_consents_the_supervisors_are_told(pref, world, consent_to):
    consent_to(world["person"], pref.orgs.housing, days=10)
    pref.memberships.alice.role = "viewer"
    pref.memberships.alice.save()
    assert notify_expiring() == 1
    assert Notification.objects.get(kind=KIND).recipient == pref.users.bob
