from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from renkei.demo.loader import load_demo


class Command(BaseCommand):
    help = "架空のみどり県（デモ用の組織・職員・データ）を読み込む。何度実行しても同じ結果になる。"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="本番環境でも読み込む")

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["force"]:
            raise CommandError("本番環境（RENKEI_ENV=production）ではデモデータを読み込みません。")
        ctx = load_demo()
        self.stdout.write(f"デモ県を読み込みました: 組織 {len(ctx.orgs)}、職員 {len(ctx.users)}、変更 {ctx.changes} 件")
