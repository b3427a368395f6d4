import json

from django.core.management.base import BaseCommand

from renkei.directory.hsds import export_services


class Command(BaseCommand):
    help = "機関ディレクトリ全体を HSDS 3.1 の compiled service の JSON 配列として書き出す。"

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="出力ファイル（省略時は標準出力）")

    def handle(self, *args, output=None, **options):
        text = json.dumps(export_services(), ensure_ascii=False, indent=1)
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
            self.stderr.write(f"{output} に書き出しました。")
        else:
            self.stdout.write(text)
