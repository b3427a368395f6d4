"""The consent-backed grant of a handed-over plan: the organisation a 退院後支援計画 was handed to sees
the person's basic information (to read the plan), while the hand-over consent is in force. The records
of the case stay where they were: no case, consultation or entry grant is added."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from renkei.cases.access import NOTHING, register_grant
from renkei.cases.grant_cache import grant_tables
from renkei.consent.access import register_person_grants

from .access import handovers_in_force
from .models import DischargePlan, PlanHandover


def handed_over_person(m, prefix="") -> Q:
    if m is None or not m.is_active or not (m.has_perm("person.view") or m.has_perm("shared.view")):
        return NOTHING
    persons = handovers_in_force(m.organisation).values("plan__person")
    return Q(**{f"{prefix}pk__in": persons})


def handover_grants(m, person) -> list[dict]:
    """The holder's list of grants (consent register): hand-overs of the person's plans whose consent is in
    force."""
    return [{"kind": "退院後支援計画の引継ぎ", "who": handover.to_organisation.name, "since": handover.handed_at,
             "until": handover.consent.valid_until, "basis": f"同意#{handover.consent_id}",
             "end_url": reverse("consent:consent_detail", args=[handover.consent_id]), "end_label": "同意の撤回で終了"}
            for handover in (PlanHandover.objects.filter(plan__person=person, consent__withdrawn_at__isnull=True,
                                                         consent__valid_until__gte=timezone.localdate())
                             .select_related("to_organisation", "consent").order_by("handed_at"))]


def register() -> None:
    """DischargeConfig.ready: the grant and the tables it reads; hand-overs in the holder's list of grants."""
    register_grant("person", handed_over_person)
    register_person_grants(50, handover_grants)
    grant_tables(PlanHandover)
    grant_tables(DischargePlan, ["person"])
