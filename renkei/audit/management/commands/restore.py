from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from renkei.audit.backup import BackupError, restore


class Command(BaseCommand):
    help = ("backup で作った DIR を空のデータベース（DATABASE_URL）と ATTACHMENT_ROOT に復元し、行数・監査ログ・"
            "鍵（暗号化データを復号できるか）を確かめる。合わなければ復元を取り消す")
    requires_system_checks = []  # restore checks the keys itself, against the backup, before writing

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="backup で作ったディレクトリ")

    def handle(self, *args, **options):
        try:
            report = restore(options["directory"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        except OperationalError as error:
            raise CommandError(f"データベースに接続できません（DATABASE_URL を確認してください）: {error}") from error
        for line in report.lines:
            self.stdout.write(line)
        for line in report.warnings:
            self.stderr.write(line)
