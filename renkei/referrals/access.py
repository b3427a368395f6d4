"""Who may see which referrals and notifications, and which transitions a member may make.

A referral is visible to the sending organisation's staff who may see its records (`person.view`),
and — once sent — to the receiving organisation's staff who may answer (`referral.respond`).
Drafts stay with the sender. Missing and forbidden answer the same 404.

On acceptance, the receiver's accepting worker (the owner) sees the person and the case within
exactly the shared scopes, through grants registered with the cases access layer (`grants.py`).
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from renkei.notices import access as notices
from renkei.notices.models import Notification

from . import reference
from .models import Referral


def _active(membership) -> bool:
    return membership is not None and membership.is_active


def can_send(membership) -> bool:
    return _active(membership) and membership.has_perm("referral.send") and membership.has_perm("person.view")


def can_respond(membership) -> bool:
    return _active(membership) and membership.has_perm("referral.respond")


def referrals_visible_to(membership) -> QuerySet:
    if not _active(membership):
        return Referral.objects.none()
    q = Q(pk__in=[])
    if membership.has_perm("person.view"):
        q |= Q(from_organisation=membership.organisation)
    if can_respond(membership):
        q |= Q(to_organisation=membership.organisation) & ~Q(status="draft")
    return Referral.objects.filter(q).select_related(
        "case", "person", "from_organisation", "to_organisation", "requester", "owner", "service", "need")


def get_referral_for_user(membership, referral_id) -> Referral:
    """The referral, after the check on read: a live one whose sharing basis lapsed is put on hold first."""
    from . import lapse

    try:
        referral = referrals_visible_to(membership).get(pk=int(referral_id))
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return lapse.check(referral)


def side_of(membership, referral) -> str | None:
    """REQUESTER, RECEIVER or None: which transitions of the table this member may make."""
    if not _active(membership):
        return None
    if membership.organisation_id == referral.from_organisation_id and can_send(membership):
        return reference.REQUESTER
    if membership.organisation_id == referral.to_organisation_id and can_respond(membership):
        return reference.RECEIVER
    return None


def blocked_by_basis(referral, to_status: str) -> bool:
    """A referral on hold because its sharing basis ended cannot be resumed or completed until the sender
    records a new basis (data/referrals.json `basis_hold`)."""
    return referral.is_basis_held and to_status in reference.basis_hold()["blocked"]


def allowed_transitions(membership, referral) -> list[dict]:
    side = side_of(membership, referral)
    if not side:
        return []
    return [t for t in reference.transitions_from(referral.status, side) if not blocked_by_basis(referral, t["to"])]


def can_rebase(membership, referral) -> bool:
    """The sender may record a new basis for a referral held because its basis ended."""
    return referral.is_basis_held and side_of(membership, referral) == reference.REQUESTER


# Break-glass notices are the supervisor's to review on the dashboard's 緊急アクセス panel, where each
# acknowledgement is audited (consent.actions.do_acknowledge_notification); the notices page lists the rest.
OWN_PANEL_KINDS = ("breakglass",)


def notifications_for(membership) -> QuerySet:
    """The member's notices of every app (referrals, support teams …), newest first."""
    return notices.notices_for(membership, exclude_kinds=OWN_PANEL_KINDS)


def get_notification_for_user(membership, notification_id) -> Notification:
    return notices.get_notice_for_user(membership, notification_id, exclude_kinds=OWN_PANEL_KINDS)
