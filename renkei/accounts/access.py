"""Who may see and manage which staff. Every staff query goes through here."""

from django.http import Http404

from .models import Membership

# Who sees the periodic jobs' runs (`renkei.core.jobs`): the supervisors, as for the audit log.
JOBS_PERM = "audit.view"


def require_perm(request, perm: str) -> None:
    """404 unless the active membership grants `perm` (404, not 403: nobody learns what exists)."""
    membership = getattr(request, "membership", None)
    if membership is None or not membership.has_perm(perm):
        raise Http404


def memberships_visible_to(membership):
    """Staff of the acting organisation, for a member allowed to manage staff; nothing otherwise."""
    if membership is None or not membership.has_perm("staff.manage"):
        return Membership.objects.none()
    return Membership.objects.filter(organisation=membership.organisation).select_related(
        "user", "department", "organisation"
    )


def get_membership_for_manager(membership, membership_id) -> Membership:
    try:
        return memberships_visible_to(membership).get(pk=membership_id)
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
