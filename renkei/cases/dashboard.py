"""'My work' panel: my open cases (with those not contacted for N days) and today's consultations."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from . import access, reference


def panels(request) -> list[dict]:
    membership = request.membership
    if membership is None or not membership.has_perm("person.view"):
        return []
    user = request.user
    cases = list(access.cases_visible_to(membership).filter(status__in=reference.open_statuses())
                 .filter(Q(lead=user) | Q(co_workers=user)).distinct().order_by("last_contact_at", "opened_at")[:20])
    days = reference.stale_contact_days()
    cutoff = timezone.now() - dt.timedelta(days=days)
    stale = {c.pk for c in cases if (c.last_contact_at or c.opened_at) < cutoff}
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = access.consultations_visible_to(membership).filter(occurred_at__gte=start, staff=user).order_by(
        "-occurred_at")[:20]
    return [{"title": "担当ケース", "template": "cases/panels/my_cases.html", "order": 10, "cases": cases,
             "stale_ids": stale, "stale_days": days, "today": list(today)}]
