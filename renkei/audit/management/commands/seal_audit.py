from django.core.management.base import BaseCommand, CommandError

from renkei.audit import seal as sealing
from renkei.audit.actions import log_event


class Command(BaseCommand):
    help = ("監査ログを封印する: 未連結の記録を連結し、署名付きの封印を作って 1 行で出力する。"
            "この行をデータベースの外（印刷、メール、別の機器）に保管し、verify_audit --against で照合する")

    def add_arguments(self, parser):
        parser.add_argument("--append", metavar="FILE", help="封印の行をこのファイルの末尾に追記する")

    def handle(self, *args, **options):
        try:
            seal = sealing.make_seal()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        log_event("audit.sealed", actor_label="seal_audit", data={"seq": seal.seq, "chain": seal.chain})
        if options.get("append"):
            with open(options["append"], "a", encoding="utf-8") as f:
                f.write(seal.line + "\n")
        self.stdout.write(seal.line)
