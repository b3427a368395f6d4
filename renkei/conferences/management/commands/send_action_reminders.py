"""The product sends these daily by itself (`manage.py run_jobs`, job `conferences.action_reminders`);
this command runs the same job's work once."""

from django.core.management.base import BaseCommand

from renkei.conferences.jobs import action_reminders


class Command(BaseCommand):
    help = "会議の宿題の期限が近い・過ぎた担当者にメールで知らせる（1日1回）"

    def handle(self, *args, **options):
        self.stdout.write(action_reminders())
