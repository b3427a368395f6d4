"""Who sees and changes 地域づくり records: any staff (`network.view`) of the owning office or of a co-organising
office sees a record; editors (`network.edit`) there change it. Everyone else gets 404, alike for missing."""

from django.db.models import Q
from django.http import Http404

from .models import ActionItem, Group, GroupSupport, Meeting, Outreach

VIEW, EDIT = "network.view", "network.edit"


def may_view(membership) -> bool:
    return membership is not None and membership.has_perm(VIEW)


def may_edit(membership) -> bool:
    return membership is not None and membership.has_perm(EDIT)


def _shared(membership, prefix: str = "") -> Q:
    org = membership.organisation_id
    return Q(**{f"{prefix}organisation_id": org}) | Q(**{f"{prefix}co_organisers": org})


def _visible(model, membership):
    if not may_view(membership):
        return model.objects.none()
    ids = model.objects.filter(_shared(membership)).values("pk")
    return model.objects.filter(pk__in=ids)  # no duplicate rows from the co-organisers join


def groups_visible_to(membership):
    return _visible(Group, membership)


def supports_visible_to(membership):
    return _visible(GroupSupport, membership)


def outreach_visible_to(membership):
    return _visible(Outreach, membership)


def meetings_visible_to(membership):
    return _visible(Meeting, membership)


def _get(queryset, pk):
    obj = queryset.filter(pk=pk).select_related("organisation", "created_by").first()
    if obj is None:
        raise Http404
    return obj


def _get_for(visible, membership, pk, edit: bool):
    if edit and not may_edit(membership):
        raise Http404
    return _get(visible(membership), pk)


def get_group_for_user(membership, pk, *, edit=False):
    return _get_for(groups_visible_to, membership, pk, edit)


def get_support_for_user(membership, pk, *, edit=False):
    return _get_for(supports_visible_to, membership, pk, edit)


def get_outreach_for_user(membership, pk, *, edit=False):
    return _get_for(outreach_visible_to, membership, pk, edit)


def get_meeting_for_user(membership, pk, *, edit=False):
    return _get_for(meetings_visible_to, membership, pk, edit)


def items_visible_to(membership):
    if not may_view(membership):
        return ActionItem.objects.none()
    return ActionItem.objects.filter(Q(meeting__in=meetings_visible_to(membership).values("pk"))
                                     | Q(support__in=supports_visible_to(membership).values("pk")))


def get_item_for_user(membership, pk):
    """An action item its owner or an editor of the meeting's or support's offices may mark."""
    item = items_visible_to(membership).filter(pk=pk).select_related("owner__user").first()
    if item is None or not (item.owner_id == membership.pk or may_edit(membership)):
        raise Http404
    return item


def open_items_owned_by(membership):
    from .reference import open_statuses

    return (ActionItem.objects.filter(owner=membership, status__in=open_statuses())
            .select_related("meeting", "support__group").order_by("due_date", "id"))
