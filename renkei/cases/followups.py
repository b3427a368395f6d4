"""What needs the worker's attention on the cases they lead or share: open cases with no contact for
`stale_contact_days` days, and record entries whose 次回確認日 (follow_up_on) is due (within
`follow_up_notice_days` days from today, or past) with no contact recorded on the case since that entry.
Both numbers are data (cases/data/vocabulary.json)."""

import datetime as dt

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import access, reference


def my_open_cases(membership, user) -> QuerySet:
    """Open cases the user leads or works on, least recently contacted first (never contacted: by opening)."""
    return (access.cases_visible_to(membership).filter(access.led_or_worked_on_by(user),
                                                       status__in=reference.open_statuses())
            .annotate(contact_at=Coalesce("last_contact_at", "opened_at")).order_by("contact_at", "id"))


def stale_cases(membership, user, now=None) -> QuerySet:
    days = reference.stale_contact_days()
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    return my_open_cases(membership, user).filter(contact_at__lt=cutoff)


def due_follow_ups(membership, user, today=None) -> QuerySet:
    """Entries of my open cases whose follow-up date has come (or comes within the notice days) and after
    which nothing was recorded on the case; earliest date first."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=reference.follow_up_notice_days())
    cases = my_open_cases(membership, user).values("pk")
    return (access.entries_visible_to(membership)
            .filter(case__in=cases, follow_up_on__isnull=False, follow_up_on__lte=horizon, entered_in_error=False)
            .filter(Q(case__last_contact_at__isnull=True) | Q(case__last_contact_at__lte=F("occurred_at")))
            .select_related("case__person").order_by("follow_up_on", "id"))
