"""Notify senders and their supervisors of referrals not received or answered in time (run daily)."""

from django.core.management.base import BaseCommand

from renkei.referrals.overdue import flag_overdue


class Command(BaseCommand):
    help = "期限を過ぎた連携依頼を、依頼者とその組織の管理者に知らせます（1日1回の実行を想定）。"

    def handle(self, *args, **options):
        made = flag_overdue()
        self.stdout.write(f"期限超過のお知らせ {made} 件を作成しました。")
