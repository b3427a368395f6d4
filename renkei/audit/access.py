"""Who may read which audit entries: supervisors (perm audit.view) see what their organisation's staff
did, and everything anyone did to the persons their organisation registered (for 開示請求)."""

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from renkei.accounts.access import require_perm  # noqa: F401  (re-exported for views)

from .models import AuditEvent, AuditEventPerson


def _own_person_ids(organisation) -> QuerySet:
    from renkei.cases.models import Person

    return (Person.objects.filter(organisation=organisation)
            .annotate(pid=Cast("pk", output_field=CharField())).values("pid"))


def naming_persons(person_ids) -> QuerySet:
    """Ids of the entries that name any of `person_ids` (a queryset or list of id strings)."""
    return AuditEventPerson.objects.filter(person_id__in=person_ids).values("event_id")


def events_visible_to(membership) -> QuerySet:
    if membership is None or not membership.has_perm("audit.view"):
        return AuditEvent.objects.none()
    org = membership.organisation
    return AuditEvent.objects.filter(Q(organisation=org) | Q(id__in=naming_persons(_own_person_ids(org)))
                                     ).select_related("actor", "organisation")
