"""Run the product's periodic jobs (reminders, overdue referrals, lapsed bases, the audit seal …).

`manage.py run_jobs` keeps running and runs each registered job when it is due; `--once` runs what is
due now and exits. Several runners (one per app server) may run at once: each job is claimed in the
database by exactly one of them (`renkei.core.jobs`)."""

import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connections
from django.utils import timezone

from renkei.core import jobs


class Command(BaseCommand):
    help = "定期処理（お知らせ・期限超過の確認・監査ログの封印など）を予定の時刻に実行する。--once で今すぐ予定分だけ実行して終了"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="予定の時刻を過ぎた処理だけを実行して終了する")
        parser.add_argument("--poll", type=int, default=30, metavar="秒",
                            help="予定を確かめる間隔の上限（秒、既定 30）")

    def handle(self, *args, **options):
        if options["once"]:
            runs = jobs.run_due()
            self._report(runs)
            if not runs:
                self.stdout.write("予定の時刻を過ぎた定期処理はありません。")
            return
        poll = max(1, min(options["poll"], 3600))
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        names = "、".join(job.title for job in jobs.registered())
        self.stdout.write(f"定期処理を開始しました（{len(jobs.registered())}件: {names}）。")
        while not stop.is_set():
            close_old_connections()
            try:
                self._report(jobs.run_due())
                wake = jobs.next_wake()
            except Exception as exc:  # noqa: BLE001 — e.g. the database restarting: try again later
                self.stderr.write(f"定期処理を確認できませんでした: {jobs.describe_error(exc)}")
                wake = None
            wait = poll if wake is None else (wake - timezone.now()).total_seconds()
            stop.wait(min(max(wait, 1), poll))
        connections.close_all()
        self.stdout.write("定期処理を終了しました。")

    def _report(self, runs):
        for run in runs:
            title = jobs.get(run.job).title if jobs.get(run.job) else run.job
            line = f"{timezone.localtime(run.started_at):%Y-%m-%d %H:%M} {title}: {'成功' if run.ok else '失敗'} — {run.summary}"
            (self.stdout if run.ok else self.stderr).write(line)
