from django.core.management.base import BaseCommand

from renkei.conferences.reminders import send_action_reminders


class Command(BaseCommand):
    help = "会議の宿題の期限が近い・過ぎた担当者にメールで知らせる（1日1回）"

    def handle(self, *args, **options):
        sent = send_action_reminders()
        self.stdout.write(f"会議の宿題のお知らせを{sent}通送りました。")
