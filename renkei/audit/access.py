"""Who may read which audit entries: supervisors (perm audit.view) see what their organisation's staff
did, and everything anyone did to the persons their organisation registered (for 開示請求)."""

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from renkei.accounts.access import require_perm  # noqa: F401  (re-exported for views)

from .models import AuditEvent


def _own_person_ids(organisation) -> QuerySet:
    from renkei.cases.models import Person

    return (Person.objects.filter(organisation=organisation)
            .annotate(pid=Cast("pk", output_field=CharField())).values("pid"))


def events_visible_to(membership) -> QuerySet:
    if membership is None or not membership.has_perm("audit.view"):
        return AuditEvent.objects.none()
    org = membership.organisation
    return AuditEvent.objects.filter(Q(organisation=org) | Q(person_id__in=_own_person_ids(org))).select_related(
        "actor", "organisation")
