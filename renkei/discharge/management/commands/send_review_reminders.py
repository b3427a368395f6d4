"""E-mail the case lead and the plan's author about 退院後支援計画 reviews that are near or overdue.

The product runs this daily by itself (`manage.py run_jobs`, job `discharge.review_reminders`); this command
runs the same job's work once (`renkei.discharge.reminders`)."""

from django.core.management.base import BaseCommand

from renkei.discharge.jobs import review_reminders


class Command(BaseCommand):
    help = "退院後支援計画の見直し日が近い・過ぎた計画を担当者にメールで知らせる"

    def handle(self, *args, **options):
        self.stdout.write(review_reminders())
