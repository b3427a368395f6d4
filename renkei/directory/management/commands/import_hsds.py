import json
import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from renkei.directory.actions import do_import_hsds, do_import_hsds_tabular
from renkei.directory.importer import DirectoryImportError


def is_tabular(file: str) -> bool:
    """A directory, a .zip name or ZIP content is the CSV data package; anything else is read as JSON."""
    path = Path(file)
    return file != "-" and (path.is_dir() or path.suffix.lower() == ".zip" or zipfile.is_zipfile(path))


class Command(BaseCommand):
    help = ("HSDS 3.1 の JSON（サービス・機関、その一覧ページ、またはその配列）または CSV データパッケージ"
            "（ZIP かディレクトリ）を検証してから一括で取り込む。誤りがあれば何も書き込まない。")

    def add_arguments(self, parser):
        parser.add_argument("file", help="HSDS JSON ファイル（- で標準入力）、CSV データパッケージの ZIP またはディレクトリ")

    def handle(self, *args, file, **options):
        try:
            if is_tabular(file):
                result = do_import_hsds_tabular(source=Path(file), request=None)
            else:
                result = do_import_hsds(payload=self._json(file), request=None)
        except OSError as error:
            raise CommandError(f"ファイルを開けません: {error.strerror}") from None
        except DirectoryImportError as error:
            for line in error.errors:
                self.stderr.write(line)
            raise CommandError(f"{len(error.errors)} 件の誤りがあるため、何も取り込みませんでした。") from None
        self.stdout.write(f"取り込みました: 機関 {result.organizations} 件、サービス {result.services} 件、変更 {result.changes} 行")

    @staticmethod
    def _json(file):
        try:
            if file == "-":
                import sys

                return json.load(sys.stdin)
            with open(file, encoding="utf-8") as fh:
                return json.load(fh)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(f"JSON として読めません: {error}") from None
