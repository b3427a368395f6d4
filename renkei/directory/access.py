"""Who may see and edit directory entries. Directory data is not personal data: every member with
`directory.view` sees all of it; editing is for supervisors (`directory.edit`) of the organisation
that maintains the entry. Missing and forbidden answer the same 404."""

from django.core.exceptions import ValidationError
from django.http import Http404

from .models import Organization, Service


def organizations_visible_to(membership):
    if membership is None or not membership.has_perm("directory.view"):
        return Organization.objects.none()
    return Organization.objects.select_related("agency_type", "organisation", "maintained_by")


def services_visible_to(membership):
    if membership is None or not membership.has_perm("directory.view"):
        return Service.objects.none()
    return Service.objects.select_related("organization", "organization__agency_type")


def organizations_editable_by(membership):
    if membership is None or not membership.has_perm("directory.edit"):
        return Organization.objects.none()
    return organizations_visible_to(membership).filter(maintained_by=membership.organisation)


def can_edit(membership, organization) -> bool:
    return organizations_editable_by(membership).filter(pk=organization.pk).exists()


def _get(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def get_organization_for_user(membership, pk) -> Organization:
    return _get(organizations_visible_to(membership), pk)


def get_organization_for_editor(membership, pk) -> Organization:
    return _get(organizations_editable_by(membership), pk)


def get_service_for_editor(membership, pk) -> Service:
    return _get(Service.objects.filter(organization__in=organizations_editable_by(membership)), pk)
