import json

from django.core.management.base import BaseCommand, CommandError

from renkei.directory.actions import do_import_hsds
from renkei.directory.importer import DirectoryImportError


class Command(BaseCommand):
    help = "HSDS 3.1 の JSON（サービス・機関、その一覧ページ、またはその配列）を検証してから一括で取り込む。誤りがあれば何も書き込まない。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="HSDS JSON ファイル（- で標準入力）")

    def handle(self, *args, file, **options):
        try:
            if file == "-":
                import sys

                payload = json.load(sys.stdin)
            else:
                with open(file, encoding="utf-8") as fh:
                    payload = json.load(fh)
        except OSError as error:
            raise CommandError(f"ファイルを開けません: {error.strerror}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(f"JSON として読めません: {error}") from None
        try:
            result = do_import_hsds(payload=payload, request=None)
        except DirectoryImportError as error:
            for line in error.errors:
                self.stderr.write(line)
            raise CommandError(f"{len(error.errors)} 件の誤りがあるため、何も取り込みませんでした。") from None
        self.stdout.write(f"取り込みました: 機関 {result.organizations} 件、サービス {result.services} 件、変更 {result.changes} 行")
