"""The inbox of an organisation (received: new, waiting for a reply, overdue, in progress) and the
sender's view (waiting, returned with a reason, overdue)."""

from django.db.models import Q
from django.utils import timezone

from . import access, overdue


def received(membership) -> dict:
    if not access.can_respond(membership):
        return {}
    qs = access.referrals_visible_to(membership).filter(to_organisation=membership.organisation)
    late = overdue.overdue_in(qs)
    return {
        "new": list(qs.filter(status="requested").order_by("requested_at")),
        "waiting": list(qs.filter(status="received").order_by("requested_at")),
        "overdue": late,
        "active": list(qs.filter(status__in=["accepted", "in-progress", "on-hold"]).order_by("-last_modified")),
        "closed": list(qs.filter(status__in=["rejected", "completed", "failed", "cancelled"])
                       .order_by("-last_modified")[:20]),
    }


def sent(membership) -> dict:
    if not access.can_send(membership):
        return {}
    qs = access.referrals_visible_to(membership).filter(from_organisation=membership.organisation)
    mine = qs if membership.has_perm("staff.manage") else qs.filter(
        Q(requester=membership.user) | Q(case__lead=membership.user))
    return {
        "drafts": list(mine.filter(status="draft")),
        "waiting": list(mine.filter(status__in=["requested", "received"]).order_by("requested_at")),
        "overdue": overdue.overdue_in(mine),
        "returned": returned(membership, mine),
        "active": list(mine.filter(status__in=["accepted", "in-progress", "on-hold"]).order_by("-last_modified")),
        "closed": list(mine.filter(status__in=["completed", "cancelled"]).order_by("-last_modified")[:20]),
    }


def returned(membership, qs=None, days: int = 90) -> list:
    """Refused or failed referrals not yet followed by a newer referral for the same case."""
    qs = qs if qs is not None else access.referrals_visible_to(membership).filter(
        from_organisation=membership.organisation)
    since = timezone.now() - timezone.timedelta(days=days)
    out = []
    for r in qs.filter(status__in=["rejected", "failed"], ended_at__gte=since).order_by("-ended_at"):
        if not r.case.referrals.filter(created_at__gt=r.ended_at).exists():
            out.append(r)
    return out


def referrals_in(*boxes: dict) -> list:
    """Every referral shown by the boxes (`received`, `sent`), once each (overdue rows wrap theirs)."""
    found = {}
    for box in boxes:
        for items in box.values():
            for item in items:
                referral = getattr(item, "referral", item)
                found.setdefault(referral.pk, referral)
    return list(found.values())
