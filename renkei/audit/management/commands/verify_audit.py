from django.core.management.base import BaseCommand, CommandError

from renkei.audit.actions import verify_chain


class Command(BaseCommand):
    help = "監査ログのハッシュ連鎖を検証し、改ざん・削除があれば最初の記録を示して異常終了する"

    def handle(self, *args, **options):
        ok, message = verify_chain()
        if not ok:
            raise CommandError(message)
        self.stdout.write(message)
