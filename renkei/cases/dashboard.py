"""'My work' panel: what needs attention (follow-ups due, cases without contact for N days), my open
cases and today's consultations."""

from django.utils import timezone

from . import access, followups, reference

LIMIT = 20


def panels(request) -> list[dict]:
    membership = request.membership
    if membership is None or not membership.has_perm("person.view"):
        return []
    user = request.user
    cases = list(followups.my_open_cases(membership, user)[:LIMIT])
    stale = list(followups.stale_cases(membership, user)[:LIMIT])
    due = list(followups.due_follow_ups(membership, user)[:LIMIT])
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = list(access.consultations_visible_to(membership).filter(occurred_at__gte=start, staff=user).order_by(
        "-occurred_at")[:LIMIT])
    persons = [c.person for c in cases + stale] + [e.case.person for e in due] + [c.person for c in today]
    return [{"title": "担当ケース", "template": "cases/panels/my_cases.html", "order": 10, "cases": cases,
             "stale": stale, "stale_ids": {c.pk for c in stale}, "stale_days": reference.stale_contact_days(),
             "due": due, "attention_count": len(due) + len(stale), "today_date": timezone.localdate(), "today": today,
             "persons": persons, "field_groups": [access.BASIC, access.RECORDS]}]
