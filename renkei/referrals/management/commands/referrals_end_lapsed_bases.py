"""Hold live referrals whose sharing basis lapsed by the clock, and tell support teams whose consent
expired. The product runs both daily by itself (`manage.py run_jobs`, jobs `referrals.lapsed_bases` and
`conferences.team_consent_lapse`); this command runs them once."""

from django.core.management.base import BaseCommand

from renkei.conferences.jobs import team_consent_lapse
from renkei.referrals.jobs import lapsed_bases


class Command(BaseCommand):
    help = ("共有の根拠（同意・法的根拠による提供）の期限が切れた進行中の連携依頼を保留にし、双方に知らせます。"
            "支援チームへの同意の期限切れもチームに知らせます（定期処理 run_jobs が毎日実行します）。")

    def handle(self, *args, **options):
        self.stdout.write(lapsed_bases())
        self.stdout.write(team_consent_lapse())  # support teams are told in their own app (renkei.conferences.lapse)
