"""The case timeline: record entries of the case and the person's consultations, newest first."""

from dataclasses import dataclass

from . import access


@dataclass
class Item:
    kind: str  # "entry" | "consultation"
    at: object
    obj: object


def case_timeline(membership, case, limit: int = 200) -> list[Item]:
    entries = access.entries_visible_to(membership).filter(case=case).prefetch_related("revisions__by")[:limit]
    consultations = access.consultations_visible_to(membership).filter(person=case.person)[:limit]
    items = [Item("entry", e.occurred_at, e) for e in entries]
    items += [Item("consultation", c.occurred_at, c) for c in consultations]
    return sorted(items, key=lambda i: (i.at, i.obj.pk), reverse=True)[:limit]
