"""Whose notices a member sees: their own, in the organisation they act in."""

from django.db.models import QuerySet
from django.http import Http404

from .models import Notification


def notices_for(membership, *, kinds=None, exclude_kinds=()) -> QuerySet:
    if membership is None or not membership.is_active:
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=membership.user, organisation=membership.organisation)
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    if exclude_kinds:
        qs = qs.exclude(kind__in=list(exclude_kinds))
    return qs


def get_notice_for_user(membership, notice_id, **filters) -> Notification:
    """The member's own notice; 404 alike for a missing one and somebody else's."""
    try:
        return notices_for(membership, **filters).get(pk=int(notice_id))
    except (Notification.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
