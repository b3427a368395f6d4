"""Who may see discharge plans, pathways, visit-support requests and outreach visits. Every query goes
through here; single objects raise Http404 alike for missing and forbidden.

- Plans: members (person.view) of the organisation that made the plan, and the case team; partners
  (shared.view) whose organisation a consent in force covers for 支援計画, given by the person to the
  plan's organisation; the organisation a plan was handed over to, while the hand-over consent is in
  force. Writing: person.edit in the plan's organisation, until the plan is handed over.
- Pathways and outreach visits: whoever may see the case (renkei.cases.access); companions (同行) see the
  visits they go on, not the case; a step's owner (the worker, or their organisation when no worker
  is named) sees that step with the case number only, not the case.
- Visit-support requests: the operating office (person.view); an assigned 訪問支援員 sees only the
  programme's fields of the requests assigned to them (`supporter_view`), never the case records.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from renkei.cases import access as case_access
from renkei.cases.access import BASIC, RECORDS
from renkei.consent.access import active_consents

from . import reference
from .models import (
    DischargePlan,
    OutreachVisit,
    Pathway,
    PathwayStep,
    PlanHandover,
    Supporter,
    VisitSupportRequest,
)

PLAN = "支援計画"
VISIT_SUPPORT = "入院者訪問支援"
PURPOSE_PLAN = "退院後支援計画の作成・実施（本人の同意による）"
PURPOSE_VISIT = "入院者訪問支援事業（精神保健福祉法35条の2）"
PURPOSE_PATHWAY = "地域移行・地域定着の支援（経路の段階の担当）"
PURPOSE_OUTREACH = "アウトリーチ・訪問による相談支援"
__all__ = ["BASIC", "RECORDS", "PLAN", "VISIT_SUPPORT"]


def _active(m) -> bool:
    return m is not None and m.is_active


def can_view(m) -> bool:
    return _active(m) and m.has_perm("person.view")


def can_edit(m) -> bool:
    return _active(m) and m.has_perm("person.edit")


def _get(queryset: QuerySet, object_id):
    try:
        return queryset.get(pk=int(object_id))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- plans -------------------------------------------------------------------------------------------
def handovers_in_force(organisation) -> QuerySet:
    """Hand-overs to `organisation` whose consent is still in force (withdrawal ends the access)."""
    today = timezone.localdate()
    return PlanHandover.objects.filter(to_organisation=organisation, consent__withdrawn_at__isnull=True,
                                       consent__valid_from__lte=today, consent__valid_until__gte=today)


def plans_visible_to(m) -> QuerySet:
    if not _active(m):
        return DischargePlan.objects.none()
    q = Q(pk__in=[])
    if can_view(m):
        # the case team: co-workers of the case in the membership given the place (cases.access)
        q |= Q(organisation=m.organisation) | case_access.in_team_cases(m, "case")
    if m.has_perm("person.view") or m.has_perm("shared.view"):
        q |= Q(pk__in=handovers_in_force(m.organisation).values("plan"))
    if m.has_perm("shared.view"):
        consents = active_consents(None, m.organisation, [reference.plan_scope()])
        q |= Exists(consents.filter(person=OuterRef("person"), owner=OuterRef("organisation")))
    return DischargePlan.objects.filter(q).select_related("person", "case", "organisation", "consent")


def plans_of_case(m, case) -> list:
    """The plans of `case` that `m` sees, for a page that fetched `case` through the access layer for `m`.
    A plan belongs to its case's organisation (`do_create_plan`, `do_continue_plan` create it so), so the
    case's own organisation and its team see every plan of the case, as `plans_visible_to` would open them,
    without building its whole condition; any other viewer gets what `plans_visible_to` opens. The plans
    come without their related rows (the page has the case, its person and organisation)."""
    if can_view(m) and (case.organisation_id == m.organisation_id or case_access.works_on_case(m, case.pk)):
        return list(DischargePlan.objects.filter(case=case))
    return list(plans_visible_to(m).filter(case=case).select_related(None))


def own_plans(m) -> QuerySet:
    """The plans of the member's own organisation (every one of them is among `plans_visible_to`)."""
    if not can_view(m):
        return DischargePlan.objects.none()
    return DischargePlan.objects.filter(organisation=m.organisation).select_related("person", "case", "organisation",
                                                                                     "consent")


def get_plan_for_user(m, plan_id) -> DischargePlan:
    return _get(plans_visible_to(m), plan_id)


def can_edit_plan(m, plan) -> bool:
    return can_edit(m) and plan.organisation_id == m.organisation_id and plan.status != "handed_over"


def require_plan_edit(m, plan) -> None:
    if not can_edit_plan(m, plan):
        raise Http404


def can_continue_handed_over(m, plan) -> bool:
    """Whether `m` may start its organisation's own plan from a plan handed to it (the action checks the
    consent and that it was not done yet)."""
    return can_edit(m) and handovers_in_force(m.organisation).filter(plan=plan).exists()


# --- cases (pathways, outreach) -----------------------------------------------------------------------
def get_case_for_user(m, case_id):
    if not can_view(m):
        raise Http404
    return case_access.get_case_for_user(m, case_id)


def can_open_case(m, case_id) -> bool:
    """Whether the case's pages would answer for `m` (a plan seen through a hand-over or consent
    does not open its case): pages link to the case only then."""
    return can_view(m) and case_access.cases_visible_to(m).filter(pk=case_id).exists()


def pathways_visible_to(m) -> QuerySet:
    if not can_view(m):
        return Pathway.objects.none()
    return Pathway.objects.filter(case__in=case_access.cases_visible_to(m).values("pk"))


def get_pathway_for_user(m, pathway_id) -> Pathway:
    return _get(pathways_visible_to(m).select_related("case", "case__person"), pathway_id)


def steps_owned_by(m) -> QuerySet:
    """Pathway steps owned by this worker, or by their organisation with no named worker. The owner sees
    the step (case number, step, status, note) even when the case's records stay closed to them."""
    if not _active(m):
        return PathwayStep.objects.none()
    mine = Q(owner_user=m.user) | Q(owner_user__isnull=True)
    return PathwayStep.objects.filter(mine, owner_organisation=m.organisation).select_related(
        "pathway", "pathway__case", "owner_organisation", "owner_user")


def open_steps_owned_by(m) -> QuerySet:
    open_codes = [code for code, done in reference.pathway_status_done().items() if not done]
    return steps_owned_by(m).filter(status__in=open_codes).order_by("pathway__started_at", "order")


def get_step_for_user(m, step_id) -> PathwayStep:
    """A step of a pathway one may see, or a step one owns."""
    q = Q(pk__in=steps_owned_by(m).values("pk"))
    if can_view(m):
        q |= Q(pathway__in=pathways_visible_to(m).values("pk"))
    return _get(PathwayStep.objects.filter(q).select_related(
        "pathway", "pathway__case", "owner_organisation", "owner_user"), step_id)


def visits_visible_to(m) -> QuerySet:
    """Visits of the cases one may see, and visits one goes on as a companion (同行)."""
    if not _active(m):
        return OutreachVisit.objects.none()
    q = Q(pk__in=OutreachVisit.objects.filter(companions=m.user).values("pk"))
    if can_view(m):
        q |= Q(case__in=case_access.cases_visible_to(m).values("pk"))
    return OutreachVisit.objects.filter(q).select_related("case", "case__person", "organisation")


def get_visit_for_user(m, visit_id) -> OutreachVisit:
    return _get(visits_visible_to(m), visit_id)


def can_edit_visit(m, visit) -> bool:
    return can_edit(m) and visit.organisation_id == m.organisation_id


# --- 入院者訪問支援事業 -----------------------------------------------------------------------------------
def is_office(m) -> bool:
    return can_view(m) and reference.is_visit_support_operator(m.organisation)


def supporter_of(m) -> Supporter | None:
    if not _active(m):
        return None
    return case_access.per_request(("discharge.supporter", m.user_id),
                                   lambda: Supporter.objects.filter(user=m.user, is_active=True).first())


def requests_visible_to(m) -> QuerySet:
    if not _active(m):
        return VisitSupportRequest.objects.none()
    q = Q(pk__in=[])
    if is_office(m):
        q |= Q(operator=m.organisation)
    supporter = supporter_of(m)
    if supporter is not None:
        q |= Q(pk__in=supporter.assignments.values("request"))
    return VisitSupportRequest.objects.filter(q).select_related("hospital", "operator", "person")


def get_request_for_user(m, request_id) -> tuple[VisitSupportRequest, str]:
    """(request, level): "office" for the operating office, "supporter" for an assigned 訪問支援員."""
    obj = _get(requests_visible_to(m), request_id)
    return obj, ("office" if is_office(m) and obj.operator_id == m.organisation_id else "supporter")


def require_office(m) -> None:
    if not (is_office(m) and can_edit(m)):
        raise Http404


def supporters_visible_to(m) -> QuerySet:
    if not is_office(m):
        return Supporter.objects.none()
    return Supporter.objects.filter(operator=m.organisation).select_related("user")


def supporter_view(obj: VisitSupportRequest) -> dict:
    """What an assigned 訪問支援員 needs for the visit, and nothing else (no case, no records)."""
    return {"id": obj.pk, "patient_name": obj.patient_name, "hospital": obj.hospital.name,
            "hospital_phone": obj.hospital.phone, "ward": obj.ward, "visit_at": obj.visit_at,
            "hospital_contact": obj.hospital_contact, "status": obj.status, "status_name": obj.status_name,
            "wish_confirmed": obj.wish_confirmed_on is not None, "reported_on": obj.reported_on,
            "report": obj.report,
            "supporters": [s.name for s in obj.supporters.all()]}
