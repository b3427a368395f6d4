"""The case timeline: record entries of the case and the person's consultations, newest first.

A fixed number of queries whatever its length: entries (with author and error_by), the revisions of the
amended entries only (one query), and the consultations."""

from collections import defaultdict
from dataclasses import dataclass

from django.urls import reverse

from . import access
from .models import RecordRevision


@dataclass
class Item:
    kind: str  # "entry" | "consultation"
    at: object
    obj: object
    url: str = ""  # the entry's amend page, the consultation's page


def _url_pattern(name: str) -> str:
    """`reverse` once per page, not once per item (the timeline has up to 200)."""
    return reverse(name, args=[987654321]).replace("987654321", "{}")


def case_timeline(membership, case, limit: int = 200) -> list[Item]:
    # Only the relations the page shows: every entry's case is `case`, and a consultation's person is the
    # case's person (loading them again per row was most of the page's time on a long timeline).
    entries = list(access.entries_visible_to(membership).filter(case=case).select_related(None)
                   .select_related("author", "error_by")[:limit])
    history = defaultdict(list)
    amended = [e.pk for e in entries if e.is_amended]
    if amended:
        for revision in RecordRevision.objects.filter(entry__in=amended).select_related("by").order_by("number"):
            history[revision.entry_id].append(revision)
    for e in entries:
        e.history = history.get(e.pk, [])
        e.case = case
    consultations = list(access.consultations_visible_to(membership).filter(person=case.person)
                         .select_related(None).select_related("staff")[:limit])
    for c in consultations:
        c.person = case.person
    amend, detail = _url_pattern("cases:entry_amend"), _url_pattern("cases:consultation_detail")
    items = [Item("entry", e.occurred_at, e, amend.format(e.pk)) for e in entries]
    items += [Item("consultation", c.occurred_at, c, detail.format(c.pk)) for c in consultations]
    return sorted(items, key=lambda i: (i.at, i.obj.pk), reverse=True)[:limit]
