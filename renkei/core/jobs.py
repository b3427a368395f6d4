"""Periodic jobs, run by the product itself (`manage.py run_jobs`), never by a cron line per app.

Each app registers its jobs in its `AppConfig.ready()` with `register(name, title, run, every=… | daily_at=…)`;
`run` takes no argument and returns a short Japanese summary (counts, never a person). Core knows nothing
else of them. The schedule is an interval or a daily time in Asia/Tokyo.

All state is in the database (`JobState`, `JobRun`), so any number of runners on any number of servers agree:
- a runner *claims* a job with one conditional UPDATE of its `JobState` row — due, and no live lease — that
  sets a lease and a random claim token. The database decides: on PostgreSQL the UPDATE locks the row and a
  concurrent one re-checks the condition after the first commits (and finds the lease set); on SQLite the
  UPDATE holds the database's write lock, across processes. Exactly one runner gets the row; the others get
  nothing and move on. A runner that dies leaves a lease that runs out (`lease`, 30 minutes by default),
  after which the job is due again.
- the run is recorded in a `JobRun` (started, finished, ok/failed, summary or the error's class and message)
  and the job's next due time is set from the schedule, succeeded or not: a failed job is tried again at its
  next due time, and does not stop the other jobs.
Jobs must be idempotent (the reminders remember what they sent): a lease that ran out may run one twice.
"""

import datetime as dt
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.db.models import Max, Q
from django.utils import timezone

logger = logging.getLogger("renkei.jobs")

TOKYO = ZoneInfo("Asia/Tokyo")
LEASE = dt.timedelta(minutes=30)
SUMMARY_MAX = 300


@dataclass(frozen=True)
class Job:
    name: str
    title: str
    run: Callable[[], str]
    every: dt.timedelta | None = None
    daily_at: dt.time | None = None
    lease: dt.timedelta = LEASE

    @property
    def schedule(self) -> str:
        """The schedule in Japanese: 「毎日 7:00」「1時間ごと」「10分ごと」."""
        if self.daily_at is not None:
            return f"毎日 {self.daily_at.hour}:{self.daily_at.minute:02d}"
        minutes = int(self.every.total_seconds() // 60)
        if minutes and minutes % 1440 == 0:
            return f"{minutes // 1440}日ごと"
        if minutes and minutes % 60 == 0:
            return f"{minutes // 60}時間ごと"
        return f"{minutes}分ごと" if minutes else f"{int(self.every.total_seconds())}秒ごと"

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        """The first due time after `moment`."""
        if self.every is not None:
            return moment + self.every
        local = moment.astimezone(TOKYO)
        candidate = dt.datetime.combine(local.date(), self.daily_at, tzinfo=TOKYO)
        if candidate <= local:
            candidate = dt.datetime.combine(local.date() + dt.timedelta(days=1), self.daily_at, tzinfo=TOKYO)
        return candidate


_jobs: dict[str, Job] = {}


def register(name: str, title: str, run: Callable[[], str], *, every: dt.timedelta | None = None,
             daily_at: dt.time | None = None, lease: dt.timedelta = LEASE) -> Job:
    """Register a periodic job (from an AppConfig.ready). Exactly one of `every` and `daily_at`."""
    if (every is None) == (daily_at is None):
        raise ImproperlyConfigured(f"定期処理 {name}: every か daily_at のどちらか一方を指定してください。")
    if every is not None and every <= dt.timedelta(0):
        raise ImproperlyConfigured(f"定期処理 {name}: every は正の長さにしてください。")
    if len(name) > 80:
        raise ImproperlyConfigured(f"定期処理 {name}: 名前は80文字以内にしてください。")
    job = Job(name=name, title=title, run=run, every=every, daily_at=daily_at, lease=lease)
    _jobs[name] = job
    return job


def registered() -> list[Job]:
    return list(_jobs.values())


def get(name: str) -> Job | None:
    return _jobs.get(name)


def ensure_states(jobs: list[Job] | None = None, now: dt.datetime | None = None) -> None:
    """A state row for every registered job; a new job is due at once (jobs are idempotent)."""
    from .models import JobState

    now = now or timezone.now()
    jobs = jobs or registered()
    known = set(JobState.objects.filter(name__in=[job.name for job in jobs]).values_list("name", flat=True))
    missing = [JobState(name=job.name, next_due=now) for job in jobs if job.name not in known]
    if missing:  # a read on every pass, a write only for a new job (another runner may insert it too)
        JobState.objects.bulk_create(missing, ignore_conflicts=True)


def claim(job: Job, now: dt.datetime | None = None) -> str | None:
    """Take the job for one run if it is due and nobody holds it: the claim token, or None."""
    from .models import JobState

    now = now or timezone.now()
    token = secrets.token_hex(16)
    taken = (JobState.objects.filter(name=job.name, next_due__lte=now)
             .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
             .update(lease_until=now + job.lease, claim=token))
    return token if taken else None


def describe_error(exc: BaseException) -> str:
    """The error for the run record: its class and message, but only the class of a database error (its
    message may quote the row's values) — the traceback is in the server log."""
    name = type(exc).__name__
    if isinstance(exc, DatabaseError):
        return f"{name}（データベースのエラー。詳細はサーバーのログを確認してください）"
    message = " ".join(str(exc).split())
    return f"{name}: {message}"[:SUMMARY_MAX] if message else name


def run_claimed(job: Job, token: str, now: dt.datetime):
    """Run a job this runner has claimed, record the run and set its next due time; returns the JobRun."""
    from .models import JobRun, JobState

    run = JobRun.objects.create(job=job.name, started_at=now)
    try:
        summary = job.run() or "完了しました。"
        ok = True
    except Exception as exc:  # noqa: BLE001 — one failing job is recorded and must not stop the others
        logger.exception("定期処理 %s が失敗しました", job.name)
        ok, summary = False, describe_error(exc)
    run.finished_at, run.ok, run.summary = timezone.now(), ok, str(summary)[:SUMMARY_MAX]
    JobRun.objects.filter(pk=run.pk).update(finished_at=run.finished_at, ok=ok, summary=run.summary)
    JobState.objects.filter(name=job.name, claim=token).update(
        next_due=job.next_after(now), lease_until=None, claim="")
    return run


def run_job(job: Job, now: dt.datetime | None = None):
    """Run `job` if it is due and this runner gets it; the JobRun, or None when it was not ours to run."""
    now = now or timezone.now()
    token = claim(job, now)
    return run_claimed(job, token, now) if token else None


def run_due(now: dt.datetime | None = None) -> list:
    """Run every registered job that is due and free, one after the other; the runs made."""
    from .models import JobState

    now = now or timezone.now()
    jobs = registered()
    ensure_states(jobs, now)
    due = set(JobState.objects.filter(next_due__lte=now)
              .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now)).values_list("name", flat=True))
    runs = []
    for job in jobs:
        if job.name in due:
            run = run_job(job, now)
            if run is not None:
                runs.append(run)
    return runs


def next_wake(now: dt.datetime | None = None) -> dt.datetime | None:
    """The earliest time a registered job is due (or its lease ends)."""
    from .models import JobState

    now = now or timezone.now()
    times = [max(s.next_due, s.lease_until or s.next_due)
             for s in JobState.objects.filter(name__in=list(_jobs))]
    return min(times, default=None)


def overview(now: dt.datetime | None = None) -> list[dict]:
    """Every registered job with its schedule, last run, last success, last failure and next due time
    (a fixed number of queries whatever the number of jobs and runs)."""
    from .models import JobRun, JobState

    now = now or timezone.now()
    jobs = registered()
    names = [job.name for job in jobs]
    states = {s.name: s for s in JobState.objects.filter(name__in=names)}
    runs = JobRun.objects.filter(job__in=names)
    latest = {
        "last": runs.values("job").annotate(last=Max("id")),
        "last_ok": runs.filter(ok=True).values("job").annotate(last=Max("id")),
        "last_failed": runs.filter(ok=False).values("job").annotate(last=Max("id")),
    }
    ids = {kind: {row["job"]: row["last"] for row in rows} for kind, rows in latest.items()}
    by_id = JobRun.objects.in_bulk([i for kind in ids.values() for i in kind.values()])
    result = []
    for job in jobs:
        state = states.get(job.name)
        result.append({
            "name": job.name, "title": job.title, "schedule": job.schedule,
            "next_due": state.next_due if state else None,
            "running": bool(state and state.lease_until and state.lease_until > now),
            **{kind: by_id.get(ids[kind].get(job.name)) for kind in ids},
        })
    return result


KEEP_RUNS = dt.timedelta(days=400)


def prune_runs() -> str:
    """Core's own job: forget runs older than `KEEP_RUNS` (a year and a month), keeping each job's newest
    success and failure so the page still shows them."""
    from .models import JobRun

    keep = [i for kind in (JobRun.objects.filter(ok=True), JobRun.objects.filter(ok=False))
            for i in kind.values("job").annotate(last=Max("id")).values_list("last", flat=True)]
    deleted, _ = (JobRun.objects.filter(started_at__lt=timezone.now() - KEEP_RUNS)
                  .exclude(pk__in=keep).delete())
    return f"古い実行記録を{deleted:,}件削除しました。"
