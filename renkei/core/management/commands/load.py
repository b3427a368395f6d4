"""`make load`: 50 concurrent logged-in demo workers against gunicorn in production mode (renkei/core/load.py)."""

from django.core.management.base import BaseCommand, CommandError

from renkei.core import load


class Command(BaseCommand):
    help = "本番と同じ構成（gunicorn）で、ログインした職員50人の同時利用を計測する"

    def add_arguments(self, parser):
        parser.add_argument("backends", nargs="*", default=[],
                            help="sqlite / postgresql（省略時は両方。PostgreSQL は応答する場合のみ）")
        parser.add_argument("--duration", type=int, default=60, help="計測する秒数（既定 60）")
        parser.add_argument("--connections", type=int, default=50, help="同時接続数（既定 50）")
        parser.add_argument("--workers", type=int, help="gunicorn のワーカー数（既定 gunicorn.conf.py）")
        parser.add_argument("--threads", type=int, help="ワーカーあたりのスレッド数（既定 gunicorn.conf.py）")
        parser.add_argument("--pg-url", default=load.Options.pg_url, help="PostgreSQL の計測用データベース")

    def handle(self, *args, **options):
        unknown = set(options["backends"]) - {"sqlite", "postgresql"}
        if unknown:
            raise CommandError(f"sqlite か postgresql を指定してください: {', '.join(sorted(unknown))}")
        opts = load.Options(duration=options["duration"], connections=options["connections"],
                            workers=options["workers"], threads=options["threads"], pg_url=options["pg_url"])
        load.run(self.stdout, backends=options["backends"] or ("sqlite", "postgresql"), options=opts)
