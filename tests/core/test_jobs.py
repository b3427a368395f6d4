"""The product's periodic jobs (renkei/core/jobs.py): registered by the apps, claimed in the database by one
runner at a time, every run on record, failures kept apart; the supervisors' page and API show them."""

import datetime as dt
import threading
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test import Client
from django.utils import timezone

from renkei.audit.models import AuditEvent
from renkei.core import jobs
from renkei.core.models import JobRun, JobState

NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=jobs.TOKYO)
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def only(monkeypatch, db):
    """A registry of just the jobs a test registers (the apps' own jobs are left aside)."""
    monkeypatch.setattr(jobs, "_jobs", {})
    calls = []

    def make(name, fail=None, **schedule):
        def run():
            calls.append(name)
            if fail is not None:
                raise fail
            return f"{name}: 3件"
        return jobs.register(name, f"{name}の処理", run, **(schedule or {"every": HOUR}))

    make.calls = calls
    return make


def test_a_due_job_runs_once_and_its_run_is_recorded(only):
    only("mail")
    runs = jobs.run_due(NOW)
    assert only.calls == ["mail"]
    run = JobRun.objects.get()
    assert (run.job, run.ok, run.summary, run.started_at) == ("mail", True, "mail: 3件", NOW)
    assert run.finished_at is not None and runs == [run]
    assert JobState.objects.get(name="mail").next_due == NOW + HOUR
    assert jobs.run_due(NOW + dt.timedelta(minutes=59)) == []
    assert only.calls == ["mail"] and JobRun.objects.count() == 1
    jobs.run_due(NOW + HOUR)
    assert only.calls == ["mail", "mail"] and JobRun.objects.count() == 2


def test_of_two_runners_claiming_a_due_job_at_the_same_moment_the_second_gets_nothing(only):
    job = only("mail")
    jobs.ensure_states(now=NOW)
    first = jobs.claim(job, NOW)
    assert first and jobs.claim(job, NOW) is None
    # the second runner's pass runs nothing while the first holds the job, and records nothing
    assert jobs.run_due(NOW) == [] and only.calls == [] and not JobRun.objects.exists()
    jobs.run_claimed(job, first, NOW)
    assert only.calls == ["mail"] and jobs.claim(job, NOW) is None  # done: not due again before its time


def test_a_second_runner_starting_up_does_not_reset_the_schedule(only):
    only("mail")
    jobs.run_due(NOW)
    jobs.ensure_states(now=NOW + dt.timedelta(minutes=5))
    assert JobState.objects.get().next_due == NOW + HOUR


def test_a_claim_left_by_a_runner_that_died_runs_out_with_its_lease(only):
    job = only("mail")
    jobs.ensure_states(now=NOW)
    assert jobs.claim(job, NOW)
    assert jobs.claim(job, NOW + dt.timedelta(minutes=29)) is None
    assert jobs.claim(job, NOW + jobs.LEASE)


def test_a_failing_job_is_recorded_with_its_message_does_not_stop_the_others_and_is_retried_when_next_due(only):
    only("broken", fail=RuntimeError("送信先に\n接続できません"))
    only("mail")
    runs = jobs.run_due(NOW)
    assert [(r.job, r.ok) for r in runs] == [("broken", False), ("mail", True)]
    failed = JobRun.objects.get(job="broken")
    assert failed.summary == "RuntimeError: 送信先に 接続できません" and failed.finished_at
    assert JobState.objects.get(name="broken").next_due == NOW + HOUR
    assert JobState.objects.get(name="broken").lease_until is None
    assert jobs.run_due(NOW + dt.timedelta(minutes=30)) == []
    again = jobs.run_due(NOW + HOUR)
    assert [(r.job, r.ok) for r in again] == [("broken", False), ("mail", True)]
    assert only.calls == ["broken", "mail", "broken", "mail"]


def test_a_database_error_is_recorded_by_its_class_only_since_its_message_may_quote_a_row(only):
    only("broken", fail=IntegrityError("Key (email)=(kawaguchi@example.jp) already exists"))
    jobs.run_due(NOW)
    summary = JobRun.objects.get().summary
    assert summary.startswith("IntegrityError") and "kawaguchi" not in summary


def test_a_daily_job_is_due_at_its_time_in_tokyo_whatever_the_server_clock(only):
    job = only("daily", daily_at=dt.time(7, 0))
    before = dt.datetime(2026, 6, 1, 6, 59, tzinfo=jobs.TOKYO)
    assert job.next_after(before) == dt.datetime(2026, 6, 1, 7, 0, tzinfo=jobs.TOKYO)
    assert job.next_after(before.astimezone(dt.UTC) + dt.timedelta(minutes=1)) == dt.datetime(
        2026, 6, 2, 7, 0, tzinfo=jobs.TOKYO)
    assert job.schedule == "毎日 7:00" and only("hourly").schedule == "1時間ごと"
    jobs.run_due(before)
    assert JobState.objects.get(name="daily").next_due == dt.datetime(2026, 6, 1, 7, 0, tzinfo=jobs.TOKYO)


def test_a_job_needs_exactly_one_schedule():
    with pytest.raises(ImproperlyConfigured):
        jobs.register("x", "x", lambda: "", every=HOUR, daily_at=dt.time(1))
    with pytest.raises(ImproperlyConfigured):
        jobs.register("x", "x", lambda: "")
    assert jobs.get("x") is None


def test_every_app_registers_its_periodic_work_with_the_one_scheduler():
    assert {job.name for job in jobs.registered()} >= {
        "audit.seal", "core.prune_job_runs", "conferences.action_reminders", "conferences.team_consent_lapse",
        "referrals.overdue", "referrals.lapsed_bases", "discharge.review_reminders", "consent.expiring"}
    assert all(job.title and job.schedule for job in jobs.registered())


def test_every_registered_job_runs_on_an_empty_product_and_a_second_pass_runs_nothing(db):
    runs = jobs.run_due()
    assert {r.job for r in runs} == {job.name for job in jobs.registered()}
    assert all(r.ok for r in runs), [(r.job, r.summary) for r in runs]
    assert jobs.run_due() == []


def test_old_runs_are_pruned_but_the_newest_success_and_failure_of_a_job_are_kept(db):
    old = timezone.now() - jobs.KEEP_RUNS - dt.timedelta(days=1)
    JobRun.objects.create(job="a", started_at=old - dt.timedelta(days=2), ok=True)
    kept_ok = JobRun.objects.create(job="a", started_at=old - dt.timedelta(days=1), ok=True)
    kept_failed = JobRun.objects.create(job="a", started_at=old, ok=False)
    recent = JobRun.objects.create(job="b", started_at=timezone.now(), ok=True)
    assert jobs.prune_runs() == "古い実行記録を1件削除しました。"
    assert set(JobRun.objects.values_list("pk", flat=True)) == {kept_ok.pk, kept_failed.pk, recent.pk}


def test_run_jobs_once_runs_what_is_due_and_says_so_in_japanese(only):
    only("mail")
    out = StringIO()
    call_command("run_jobs", "--once", stdout=out)
    assert "mailの処理: 成功 — mail: 3件" in out.getvalue()
    out = StringIO()
    call_command("run_jobs", "--once", stdout=out)
    assert out.getvalue().strip() == "予定の時刻を過ぎた定期処理はありません。"


def test_the_jobs_page_and_api_show_a_supervisor_each_job_without_writing_a_read_entry(pref, client_for, only):
    only("mail")
    only("broken", fail=RuntimeError("接続できません"))
    jobs.run_due()
    client = client_for(pref.users.bob)
    before = AuditEvent.objects.count()
    page = client.get("/accounts/jobs/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "mailの処理" in text and "1時間ごと" in text and "RuntimeError: 接続できません" in text
    answer = client.get("/api/accounts/jobs")
    assert answer.status_code == 200
    by_name = {job["name"]: job for job in answer.json()}
    assert by_name["mail"]["last_ok"]["summary"] == "mail: 3件" and by_name["mail"]["last_failed"] is None
    assert by_name["broken"]["last_failed"]["summary"] == "RuntimeError: 接続できません"
    assert by_name["broken"]["last"]["ok"] is False and by_name["broken"]["next_due"]
    assert AuditEvent.objects.count() == before  # it shows no person


def test_the_jobs_page_and_api_are_not_found_for_staff_who_may_not_see_the_audit_log(pref, client_for):
    for user in (pref.users.alice, pref.users.carol, pref.users.dave, pref.users.erin):
        client = client_for(user)
        assert client.get("/accounts/jobs/").status_code == 404, user
        answer = client.get("/api/accounts/jobs")
        assert answer.status_code == 404 and answer.json()["detail"] == "見つかりません。", user
    anonymous = Client()
    assert anonymous.get("/accounts/jobs/").status_code == 302
    assert anonymous.get("/api/accounts/jobs").status_code == 401


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads on separate connections: PostgreSQL")
def test_two_runners_on_their_own_connections_at_the_same_moment_run_a_due_job_once(monkeypatch):
    monkeypatch.setattr(jobs, "_jobs", {})
    calls, start = [], threading.Barrier(4)

    def run():
        calls.append(1)
        return "1件"

    jobs.register("mail", "mailの処理", run, every=HOUR)
    jobs.ensure_states(now=NOW)
    runs = []

    def runner():
        try:
            start.wait()
            runs.extend(jobs.run_due(NOW))
        finally:
            connection.close()

    threads = [threading.Thread(target=runner) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len(runs) == 1 and JobRun.objects.count() == 1
