"""The person page's link to the 本人開示 record (renkei.cases.panels "person.head"), shown only to members
who may produce it."""

from .access import may_produce


def person_links(request, person):
    if not may_produce(getattr(request, "membership", None), person):
        return None
    return ("subject_access/_person_links.html", {"person_id": person.pk})
