"""E-mail the case lead and the plan's author about 退院後支援計画 reviews that are near or overdue.

The e-mail names no person (only a link into the product); each review date is mailed once per recipient
(`ReviewReminder`), so running it again sends nothing new. Run daily by the product's job runner
(`renkei/discharge/jobs.py`) and by `manage.py send_review_reminders`."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from renkei.audit.actions import log_event

from .actions import due_reviews, reminder_recipients
from .models import DischargePlan, ReviewReminder


def send_review_reminders() -> int:
    """Mail every reminder not sent yet; returns how many were sent."""
    sent = 0
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    for due in due_reviews(DischargePlan.objects.select_related("case__lead", "created_by", "organisation")):
        plan, day = due["plan"], due["date"]
        for user in reminder_recipients(plan):
            with transaction.atomic():
                _, created = ReviewReminder.objects.get_or_create(plan=plan, review_date=day, recipient=user)
                if not created:
                    continue
                send_mail("【Renkei】退院後支援計画の見直し日のお知らせ",
                          f"{user}様\n\n担当する退院後支援計画の見直し予定日（{day.isoformat()}）が"
                          f"{'過ぎています' if due['overdue'] else '近づいています'}。\n"
                          f"{base}{reverse('discharge:plan_detail', args=[plan.pk])}\n",
                          None, [user.email])
                log_event("discharge_plan.reminder_sent", actor=None, organisation=plan.organisation, obj=plan,
                          actor_label="system", data={"review_date": day, "recipient": user.pk})
                sent += 1
    return sent
