import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from renkei.directory import tabular as hsds_tabular
from renkei.directory.hsds import export_services


class Command(BaseCommand):
    help = ("機関ディレクトリ全体を HSDS 3.1 で書き出す。既定は compiled service の JSON 配列、"
            "--tabular DIR（または --format tabular -o FILE.zip）で CSV データパッケージ。")

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="出力ファイル（省略時は標準出力。tabular では ZIP ファイル）")
        parser.add_argument("--format", choices=["json", "tabular"], default="json", help="出力形式")
        parser.add_argument("--tabular", metavar="DIR", help="CSV と datapackage.json をこのディレクトリに書き出す")

    def handle(self, *args, output=None, format="json", tabular=None, **options):
        if tabular:
            path = Path(tabular)
            if path.exists() and not path.is_dir():
                raise CommandError(f"{tabular} はディレクトリではありません。")
            names = self._write(lambda: hsds_tabular.write_dir(path))
            self.stderr.write(f"{tabular} に {len(names)} 個のファイルを書き出しました。")
        elif format == "tabular":
            if not output:
                raise CommandError("tabular 形式には -o FILE.zip（または --tabular DIR）を指定してください。")
            content = hsds_tabular.zip_bytes()
            self._write(lambda: Path(output).write_bytes(content))
            self.stderr.write(f"{output} に書き出しました。")
        else:
            text = json.dumps(export_services(), ensure_ascii=False, indent=1)
            if output:
                self._write(lambda: Path(output).write_text(text + "\n", encoding="utf-8"))
                self.stderr.write(f"{output} に書き出しました。")
            else:
                self.stdout.write(text)

    @staticmethod
    def _write(write):
        try:
            return write()
        except OSError as error:
            raise CommandError(f"書き出せません: {error.strerror}") from None

