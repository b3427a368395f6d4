"""たらい回し detection: a person whose referrals were refused or failed repeatedly, or who was sent to
several agencies without any accepting, within a window (thresholds in data/referrals.json, or settings).

Only referrals the viewer may see are considered, so the chain shown never reveals another
organisation's referrals."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from . import inbox, reference
from .access import referrals_visible_to


@dataclass
class Chain:
    person: object
    referrals: list = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.reasons)


def _window_start(now=None):
    return (now or timezone.now()) - dt.timedelta(days=reference.tarai_thresholds()["window_days"])


def evaluate(person, referrals, thresholds=None) -> Chain:
    t = thresholds or reference.tarai_thresholds()
    chain = Chain(person, sorted(referrals, key=lambda r: (r.requested_at, r.pk)))
    unsuccessful = [r for r in chain.referrals if r.is_unsuccessful]
    agencies = {r.to_organisation_id for r in chain.referrals}
    accepted = any(r.accepted_at is not None for r in chain.referrals)
    if len(unsuccessful) >= t["max_unsuccessful"]:
        chain.reasons.append(f"{t['window_days']}日以内にお断り・不成立が{len(unsuccessful)}件")
    if not accepted and len(agencies) >= t["max_agencies_without_acceptance"]:
        chain.reasons.append(f"{t['window_days']}日以内に{len(agencies)}機関へ依頼し、受諾に至っていない")
    return chain


def _recent(membership, now=None):
    return (referrals_visible_to(membership).filter(requested_at__gte=_window_start(now))
            .exclude(status__in=["draft", "cancelled"]))


def chain_for(membership, person, now=None) -> Chain:
    # the chain shows each referral's receiver only (fewer joins: most of this query's time was planning them)
    return evaluate(person, list(_recent(membership, now).filter(person=person).select_related(None)
                                 .select_related("to_organisation")))


def flagged_chains(membership, now=None) -> list[Chain]:
    """Persons with a flagged chain among the referrals sent by the member's organisation."""
    # only the columns the chain and the lists show (whole persons and users cost most of this query)
    recent = list(inbox.listed(_recent(membership, now).filter(from_organisation=membership.organisation))
                  .select_related("person").only(*inbox.LIST_FIELDS, "person__id"))
    by_person: dict[int, list] = {}
    for r in recent:
        by_person.setdefault(r.person_id, []).append(r)
    chains = [evaluate(rs[0].person, rs) for rs in by_person.values()]
    return sorted([c for c in chains if c.flagged], key=lambda c: c.referrals[-1].requested_at, reverse=True)


def chain_of_sender(referral, now=None) -> Chain:
    """The chain as the sending organisation sees it (used when a refusal or failure arrives)."""
    from .models import Referral

    qs = (Referral.objects.filter(from_organisation=referral.from_organisation, person=referral.person,
                                  requested_at__gte=_window_start(now))
          .exclude(status__in=["draft", "cancelled"]).select_related("to_organisation"))
    return evaluate(referral.person, list(qs))
