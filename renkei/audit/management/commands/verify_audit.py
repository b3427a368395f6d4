from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from renkei.audit import seal as sealing
from renkei.audit.actions import verify_chain


def read_against(values: list[str]) -> tuple[list[sealing.Seal], list[tuple[str, str]]]:
    """Seals given on the command line: each value is a seal line or a file of seal lines."""
    seals, bad = [], []
    for value in values:
        path = Path(value)
        if not value.startswith(sealing.LINE_PREFIX) and path.is_file():
            found, wrong = sealing.read_lines(path.read_text(encoding="utf-8"), f"ファイル {path}")
            if not found and not wrong:
                wrong = ["（封印の行がありません）"]
            source = f"ファイル {path}"
        else:
            found, wrong = sealing.read_lines(value, "指定された封印")
            if not found and not wrong:
                wrong = [value]
            source = "指定された封印"
        seals += found
        bad += [(source, line) for line in wrong]
    return seals, bad


class Command(BaseCommand):
    help = ("監査ログを検証する（各記録の鍵付きハッシュ、封印順の連鎖、保存された封印）。--against で外部に"
            "保管した封印の行（または行を並べたファイル）とも照合する。異常があれば最初の箇所を示して異常終了する")

    def add_arguments(self, parser):
        parser.add_argument("--against", action="append", default=[], metavar="SEAL",
                            help="封印の行、または封印の行を並べたファイル（複数指定可）")

    def handle(self, *args, **options):
        against, bad = read_against(options["against"])
        if not bad:
            sealing.link_pending(block=True)  # link what is pending first (only if the chain is intact)
        ok, message = verify_chain(against, bad)
        if not ok:
            raise CommandError(message)
        self.stdout.write(message)
