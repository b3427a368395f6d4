"""Panels of other apps on the case and person pages, by slot.

The case and person pages are the cases app's; what the apps above it show there (a support team's
purpose, the discharge progress, the referrals, the consent badge) they register in their
`AppConfig.ready()`, so that cases — the lower app — neither imports them nor loads their template tags:

    register("case.head", "conferences.purpose", 10, panel)

`panel(request, obj)` gets the request and the page's object (the case, or the person) and returns
`(template name, context)`, or None when it shows nothing to this member. The page fetched `obj` through
the access layer for the acting member (`get_case_for_user`, `get_person_for_user`): a panel does not
check again that the member sees it, only which of its own records about it the member sees. The page renders the panels of
a slot in order with `{% load case_panels %}{% case_panels "case.head" case %}`: each template with only
its own context (and the CSRF token), as an inclusion tag would. Slots:

- "case.head": below the case page's heading and sub-navigation;
- "case.body": below the case's guidance, above its record;
- "person.head": below the person page's heading.
"""

from collections.abc import Callable
from dataclasses import dataclass

SLOTS = ("case.head", "case.body", "person.head")


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    panel: Callable  # (request, obj) -> (template name, context) | None


_panels: dict[str, list[Panel]] = {slot: [] for slot in SLOTS}


def register(slot: str, key: str, order: int, panel: Callable) -> None:
    """Add (or replace, by `key`) a panel of `slot`. Called from the registering app's AppConfig.ready."""
    if slot not in _panels:
        raise ValueError(f"unknown panel slot {slot!r} (one of {', '.join(SLOTS)})")
    entries = [entry for entry in _panels[slot] if entry.key != key] + [Panel(key, order, panel)]
    _panels[slot] = sorted(entries, key=lambda entry: entry.order)


def panels(slot: str) -> list[Panel]:
    return list(_panels[slot])


def shown(slot: str, request, obj) -> list[tuple[str, dict]]:
    """The (template, context) of each panel of `slot` that shows something for this request, in order."""
    out = []
    for entry in _panels[slot]:
        result = entry.panel(request, obj)
        if result is not None:
            out.append(result)
    return out
