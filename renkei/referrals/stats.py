"""Per-agency figures from referrals: acceptance rate and median hours to receive, accept, complete.
They feed the directory matching (`register_performance_source`) once enough referrals were answered."""

from dataclasses import dataclass
from statistics import median

from django.db.models import Q

from renkei.accounts.models import Organisation

from . import reference
from .models import Referral


@dataclass(frozen=True)
class Figures:
    organisation: Organisation
    sent_to: int
    accepted: int
    refused: int
    acceptance_rate: float | None
    median_hours_to_receive: float | None
    median_hours_to_accept: float | None
    median_hours_to_complete: float | None

    @property
    def answered(self) -> int:
        return self.accepted + self.refused


def _hours(pairs) -> float | None:
    values = [(end - start).total_seconds() / 3600 for start, end in pairs if start and end and end >= start]
    return round(median(values), 1) if values else None


def figures_for(organisation) -> Figures:
    rows = list(Referral.objects.filter(to_organisation=organisation, requested_at__isnull=False).values(
        "status", "requested_at", "received_at", "accepted_at", "answered_at", "ended_at"))
    accepted = sum(1 for r in rows if r["accepted_at"] is not None)
    refused = sum(1 for r in rows if r["status"] == "rejected")
    answered = accepted + refused
    first_response = [(r["requested_at"], r["received_at"] or r["answered_at"]) for r in rows]
    return Figures(
        organisation=organisation, sent_to=len(rows), accepted=accepted, refused=refused,
        acceptance_rate=round(accepted / answered, 3) if answered else None,
        median_hours_to_receive=_hours(first_response),
        median_hours_to_accept=_hours((r["requested_at"], r["accepted_at"]) for r in rows),
        median_hours_to_complete=_hours((r["requested_at"], r["ended_at"]) for r in rows
                                        if r["status"] == "completed"),
    )


def all_figures() -> list[Figures]:
    orgs = Organisation.objects.filter(Q(referrals_received__requested_at__isnull=False)).distinct().order_by(
        "type__sort_order", "kana_folded", "name")
    return [figures_for(o) for o in orgs]


def performance_for_service(service):
    """The directory matching's performance source: figures of the Renkei organisation behind the
    service's directory organisation, when enough of its referrals were answered; otherwise None."""
    from renkei.directory.matching import Performance

    organisation_id = getattr(service.organization, "organisation_id", None)
    if organisation_id is None:
        return None
    f = figures_for(Organisation(pk=organisation_id))
    if f.answered < reference.performance_min_answered():
        return None
    return Performance(acceptance_rate=f.acceptance_rate, median_response_hours=f.median_hours_to_receive)
