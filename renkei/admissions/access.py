"""Who may see and record 入院等関係事務: the staff of the 保健所 that received the report or keeps the
inpatient's documents — `admission.view` to read, `admission.edit` to record (the role table gives both
to working roles and the first to 閲覧; organisation_types.json narrows them to 保健所). Every query goes
through here; single objects raise Http404 alike for missing and forbidden. A person is chosen for a
report among the persons the worker may see (renkei.cases.access)."""

from django.db.models import QuerySet
from django.http import Http404

from renkei.cases import access as case_access
from renkei.cases.access import BASIC

from .models import Admission, Report

MEDICAL = "医療情報"
PURPOSE = "入院等関係事務（精神保健福祉法22条〜29条の2・33条・38条の2）"
GROUPS = [BASIC, MEDICAL]
__all__ = ["BASIC", "MEDICAL", "GROUPS", "PURPOSE"]


def can_view(m) -> bool:
    return m is not None and m.is_active and m.has_perm("admission.view")


def can_edit(m) -> bool:
    return m is not None and m.is_active and m.has_perm("admission.edit")


def require_view(m):
    if not can_view(m):
        raise Http404
    return m


def require_edit(m):
    if not can_edit(m):
        raise Http404
    return m


def reports_visible_to(m) -> QuerySet:
    if not can_view(m):
        return Report.objects.none()
    return Report.objects.filter(organisation=m.organisation)


def admissions_visible_to(m) -> QuerySet:
    if not can_view(m):
        return Admission.objects.none()
    return Admission.objects.filter(organisation=m.organisation)


def _get(queryset: QuerySet, object_id):
    try:
        return queryset.get(pk=int(object_id))
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def get_report_for_user(m, report_id) -> Report:
    return _get(reports_visible_to(m).select_related("person", "received_by", "investigated_by", "exam_witness",
                                                     "decided_by"), report_id)


def get_report_for_edit(m, report_id) -> Report:
    require_edit(m)
    return get_report_for_user(m, report_id)


def get_admission_for_user(m, admission_id) -> Admission:
    return _get(admissions_visible_to(m).select_related("person", "report"), admission_id)


def get_admission_for_edit(m, admission_id) -> Admission:
    require_edit(m)
    return get_admission_for_user(m, admission_id)


def person_for_report(m, person_id):
    """The person a report names: one the worker may see (404 alike otherwise)."""
    return case_access.get_person_for_user(m, person_id)


def persons_for_choice(m) -> QuerySet:
    return case_access.persons_visible_to(m)
