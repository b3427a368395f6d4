"""Hold live referrals whose sharing basis lapsed by the clock, and tell support teams whose consent
expired (run daily, after midnight)."""

from django.core.management.base import BaseCommand

from renkei.conferences import lapse as team_lapse
from renkei.referrals.lapse import end_lapsed


class Command(BaseCommand):
    help = ("共有の根拠（同意・法的根拠による提供）の期限が切れた進行中の連携依頼を保留にし、双方に知らせます。"
            "支援チームへの同意の期限切れもチームに知らせます（1日1回の実行を想定）。")

    def handle(self, *args, **options):
        held = end_lapsed()
        told = team_lapse.end_lapsed()  # support teams are told in their own app (renkei.conferences.lapse)
        self.stdout.write(f"期限切れにより保留にした連携依頼: {held} 件")
        self.stdout.write(f"支援チームへの同意の期限切れのお知らせ: {told} 件")
