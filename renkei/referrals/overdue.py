"""Referrals not received, or not answered (accepted or refused), within the configured number of
business days after they were sent (Japanese holidays and the year-end closure considered)."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from renkei.core.dates import wareki

from . import notify, reference
from .business_days import add_business_days
from .models import Referral

WAITING = ["requested", "received"]


@dataclass(frozen=True)
class Overdue:
    referral: Referral
    stage: str  # "receive" | "answer"
    due: object

    @property
    def label(self) -> str:
        return "受付の期限超過" if self.stage == "receive" else "回答の期限超過"


def check(referral, today=None) -> Overdue | None:
    if referral.status not in WAITING or referral.requested_at is None:
        return None
    today = today or timezone.localdate()
    sent = timezone.localdate(referral.requested_at)
    if referral.status == "requested":
        due = add_business_days(sent, reference.receive_business_days())
        if today > due:
            return Overdue(referral, "receive", due)
    due = add_business_days(sent, reference.answer_business_days())
    if today > due:
        return Overdue(referral, "answer", due)
    return None


def overdue_in(queryset: QuerySet, today=None) -> list[Overdue]:
    found = (check(r, today) for r in queryset.filter(status__in=WAITING).order_by("requested_at", "id"))
    return [o for o in found if o is not None]


def flag_overdue(today=None) -> int:
    """Notify the sender and the sender's supervisors of each overdue referral (once per stage)."""
    made = 0
    qs = Referral.objects.select_related("from_organisation", "to_organisation", "requester")
    for o in overdue_in(qs, today):
        r = o.referral
        message = f"連携依頼 #{r.pk}（{r.to_organisation.name}あて）: {o.label}（期限 {wareki(o.due)}）"
        made += notify.notify([r.requester, *notify.supervisors_of(r.from_organisation)],
                              organisation=r.from_organisation, kind="overdue", message=message,
                              key=f"overdue:{r.pk}:{o.stage}", referral=r)
    return made
