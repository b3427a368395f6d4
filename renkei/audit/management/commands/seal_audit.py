from django.core.management.base import BaseCommand, CommandError

from renkei.audit.jobs import seal


class Command(BaseCommand):
    help = ("監査ログを封印する: 未連結の記録を連結し、署名付きの封印を作って 1 行で出力する。"
            "この行をデータベースの外（印刷、メール、別の機器）に保管し、verify_audit --against で照合する"
            "（定期処理 run_jobs も毎時、新しい記録があれば封印する）")

    def add_arguments(self, parser):
        parser.add_argument("--append", metavar="FILE", help="封印の行をこのファイルの末尾に追記する")

    def handle(self, *args, **options):
        try:
            made = seal()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        if options.get("append"):
            with open(options["append"], "a", encoding="utf-8") as f:
                f.write(made.line + "\n")
        self.stdout.write(made.line)
