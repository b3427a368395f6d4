"""The consent-backed grant of a handed-over plan: the organisation a 退院後支援計画 was handed to sees
the person's basic information (to read the plan), while the hand-over consent is in force. The records
of the case stay where they were: no case, consultation or entry grant is added."""

from django.db.models import Q

from renkei.cases.access import NOTHING, register_grant
from renkei.cases.grant_cache import grant_tables

from .access import handovers_in_force
from .models import DischargePlan, PlanHandover


def handed_over_person(m, prefix="") -> Q:
    if m is None or not m.is_active or not (m.has_perm("person.view") or m.has_perm("shared.view")):
        return NOTHING
    persons = handovers_in_force(m.organisation).values("plan__person")
    return Q(**{f"{prefix}pk__in": persons})


def register() -> None:
    """DischargeConfig.ready: the grant and the tables it reads."""
    register_grant("person", handed_over_person)
    grant_tables(PlanHandover)
    grant_tables(DischargePlan, ["person"])
