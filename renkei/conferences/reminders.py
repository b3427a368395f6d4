"""Reminders of action items: one e-mail a day per owner listing their open items due within the data
file's `reminder_days_before_due` days or overdue. The mail names no person: only due dates, counts and
links, so nothing sensitive leaves the closed network by e-mail."""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from renkei.audit.actions import log_event

from . import reference
from .models import ActionItem


@transaction.atomic
def send_action_reminders(today=None) -> int:
    """Send today's reminders; returns the number of e-mails sent. Idempotent within a day."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=reference.reminder_days())
    due = (ActionItem.objects.select_for_update().filter(status__in=reference.open_statuses(), due_date__lte=horizon)
           .exclude(reminded_on=today).select_related("owner").order_by("owner_id", "due_date"))
    by_owner = defaultdict(list)
    for item in due:
        by_owner[item.owner].append(item)
    sent = 0
    base = getattr(settings, "RENKEI_BASE_URL", "").rstrip("/")
    for owner, items in by_owner.items():
        if not owner.is_active or not owner.email:
            continue
        overdue = [i for i in items if i.due_date < today]
        lines = [f"・期限 {i.due_date:%Y-%m-%d}{'（期限切れ）' if i.due_date < today else ''}  {base}"
                 f"{reverse('conferences:detail', args=[i.conference_id])}" for i in items]
        body = (f"{owner}さん\n\n会議の宿題が{len(items)}件あります（うち期限切れ{len(overdue)}件）。\n"
                "内容はRenkeiのマイページ「会議の宿題」で確認してください。\n\n" + "\n".join(lines) + "\n")
        send_mail(f"[Renkei] 会議の宿題 {len(items)}件（期限切れ{len(overdue)}件）", body, None, [owner.email])
        ActionItem.objects.filter(pk__in=[i.pk for i in items]).update(reminded_on=today)
        log_event("conference.action_reminder_sent", actor_label="send_action_reminders",
                  data={"owner": owner.get_username(), "items": [i.pk for i in items]})
        sent += 1
    return sent
