"""Notify senders and their supervisors of referrals not received or answered in time. The product runs
this every hour by itself (`manage.py run_jobs`, job `referrals.overdue`); this command runs it once."""

from django.core.management.base import BaseCommand

from renkei.referrals.jobs import overdue


class Command(BaseCommand):
    help = "期限を過ぎた連携依頼を、依頼者とその組織の管理者に知らせます（定期処理 run_jobs が毎時実行します）。"

    def handle(self, *args, **options):
        self.stdout.write(overdue())
