from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from renkei.audit.backup import BackupError, backup


class Command(BaseCommand):
    help = ("データベース（SQLite: オンラインバックアップ、PostgreSQL: pg_dump -Fc）・添付ファイル・目録（manifest.json:"
            "行数、監査ログの先頭、スキーマの版、鍵の指紋）を DIR に書く。鍵は含まない")
    requires_system_checks = []  # a backup is taken even when the keys are wrong: it copies what is stored

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="バックアップ先（存在しないか空のディレクトリ）")

    def handle(self, *args, **options):
        try:
            report = backup(options["directory"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        except OperationalError as error:
            raise CommandError(f"データベースに接続できません（DATABASE_URL を確認してください）: {error}") from error
        for line in report.warnings:
            self.stderr.write(line)
        for line in report.lines:
            self.stdout.write(line)
