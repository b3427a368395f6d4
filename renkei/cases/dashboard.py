"""'My work' panel: what needs attention (follow-ups due, cases without contact for N days), my open
cases and today's consultations."""

import datetime as dt

from django.utils import timezone

from . import access, followups, reference

LIMIT = 20
CASE_FIELDS = ("id", "number", "status", "last_contact_at", "opened_at", "person", "person__id", "person__name")


def panels(request) -> list[dict]:
    membership = request.membership
    if membership is None or not membership.has_perm("person.view"):
        return []
    user = request.user
    # Only the columns the panel shows (whole cases with their person, lead and organisation, and whole
    # entries, cost more to build than to read).
    cases = list(followups.my_open_cases(membership, user).select_related(None).select_related("person")
                 .only(*CASE_FIELDS)[:LIMIT])
    # my_open_cases is ordered by last contact, oldest first: the stale ones are the head of that list, so
    # its first LIMIT rows hold the first LIMIT stale cases.
    cutoff = timezone.now() - dt.timedelta(days=reference.stale_contact_days())
    stale = [c for c in cases if c.contact_at < cutoff]
    due = list(followups.due_follow_ups(membership, user).select_related(None).select_related("case__person")
               .only("id", "case_id", "follow_up_on", *(f"case__{f}" for f in CASE_FIELDS))[:LIMIT])
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = list(access.consultations_visible_to(membership).filter(occurred_at__gte=start, staff=user).order_by(
        "-occurred_at").select_related(None).select_related("person").only(
        "id", "occurred_at", "person_id", "person__id", "person__name", "is_anonymous", "subject_label", "channel",
        "category")[:LIMIT])
    persons = [c.person for c in cases + stale] + [e.case.person for e in due] + [c.person for c in today]
    return [{"title": "担当ケース", "template": "cases/panels/my_cases.html", "order": 10, "cases": cases,
             "stale": stale, "stale_ids": {c.pk for c in stale}, "stale_days": reference.stale_contact_days(),
             "due": due, "attention_count": len(due) + len(stale), "today_date": timezone.localdate(), "today": today,
             "persons": persons, "field_groups": [access.BASIC, access.RECORDS]}]
