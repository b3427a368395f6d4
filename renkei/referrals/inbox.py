"""The inbox of an organisation (received: new, waiting for a reply, overdue, in progress) and the
sender's view (waiting, returned with a reason, overdue).

Each box reads its live referrals in one narrow query (the columns the lists show, three joins) and sorts
them into the sections in Python; the ended ones are a second query (newest 20). Loading whole referrals
with their eight related rows (person, users, service …) cost more in building the SQL and the objects than
the database spent answering."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from . import access, overdue
from .models import Referral

# What the lists, panels, overdue check and たらい回し chains read of a referral.
LIST_FIELDS = ("id", "kind", "case_id", "person_id", "from_organisation_id", "to_organisation_id", "requester_id",
               "asks", "urgency", "status", "status_reason", "status_reason_text", "created_at", "requested_at",
               "accepted_at", "ended_at", "last_modified", "case__id", "case__number", "case__lead_id", "from_organisation__id",
               "from_organisation__name", "to_organisation__id", "to_organisation__name")
ACTIVE = ["accepted", "in-progress", "on-hold"]


def listed(queryset):
    """The referrals with only what the lists show."""
    return queryset.select_related(None).select_related("case", "from_organisation", "to_organisation").only(
        *LIST_FIELDS)


def _overdue(live, today=None):
    waiting = sorted((r for r in live if r.status in overdue.WAITING), key=lambda r: (r.requested_at, r.pk))
    return [o for o in (overdue.check(r, today) for r in waiting) if o is not None]


def _by_requested(rows):
    return sorted(rows, key=lambda r: (r.requested_at is None, r.requested_at or 0, r.pk))


def _by_modified(rows):
    return sorted(rows, key=lambda r: (r.last_modified, r.pk), reverse=True)


def received(membership, closed: bool = True) -> dict:
    """The organisation's received referrals by box; `closed=False` leaves out the closed box (the dashboard
    shows only the live ones: one wide query fewer)."""
    if not access.can_respond(membership):
        return {}
    qs = listed(access.referrals_visible_to(membership).filter(to_organisation=membership.organisation))
    live = list(qs.filter(status__in=[*overdue.WAITING, *ACTIVE]))
    return {
        "new": _by_requested(r for r in live if r.status == "requested"),
        "waiting": _by_requested(r for r in live if r.status == "received"),
        "overdue": _overdue(live),
        "active": _by_modified(r for r in live if r.status in ACTIVE),
        "closed": list(qs.filter(status__in=["rejected", "completed", "failed", "cancelled"])
                       .order_by("-last_modified", "-id")[:20]) if closed else [],
    }


def _mine(membership, qs):
    return qs if membership.has_perm("staff.manage") else qs.filter(
        Q(requester=membership.user) | Q(case__lead=membership.user))


def sent(membership, closed: bool = True) -> dict:
    """The member's sent referrals by box (a supervisor's: the organisation's); `closed=False` as in `received`."""
    if not access.can_send(membership):
        return {}
    qs = access.referrals_visible_to(membership).filter(from_organisation=membership.organisation)
    mine = listed(_mine(membership, qs))
    live = list(mine.filter(status__in=["draft", *overdue.WAITING, *ACTIVE]))
    return {
        "drafts": sorted((r for r in live if r.status == "draft"), key=lambda r: (r.created_at, r.pk), reverse=True),
        "waiting": _by_requested(r for r in live if r.status in overdue.WAITING),
        "overdue": _overdue(live),
        "returned": returned(membership, mine),
        "active": _by_modified(r for r in live if r.status in ACTIVE),
        "closed": list(mine.filter(status__in=["completed", "cancelled"]).order_by("-last_modified", "-id")[:20])
        if closed else [],
    }


def returned(membership, qs=None, days: int = 90) -> list:
    """Refused or failed referrals not yet followed by a newer referral for the same case."""
    qs = qs if qs is not None else listed(access.referrals_visible_to(membership).filter(
        from_organisation=membership.organisation))
    since = timezone.now() - timezone.timedelta(days=days)
    followed = Referral.objects.filter(case=OuterRef("case_id"), created_at__gt=OuterRef("ended_at"))
    return list(qs.filter(status__in=["rejected", "failed"], ended_at__gte=since).filter(~Exists(followed))
                .order_by("-ended_at", "-id"))


def referrals_in(*boxes: dict) -> list:
    """Every referral shown by the boxes (`received`, `sent`), once each (overdue rows wrap theirs)."""
    found = {}
    for box in boxes:
        for items in box.values():
            for item in items:
                referral = getattr(item, "referral", item)
                found.setdefault(referral.pk, referral)
    return list(found.values())
