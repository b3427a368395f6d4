"""The case page's discharge panel reads a case's plans with `plans_of_case`: the case's organisation and its
team see every plan of the case without the whole `plans_visible_to` condition, anyone else what it opens.
Both give the same plans, for every demo member and every case the member sees."""

from renkei.accounts.models import Membership
from renkei.cases import access as case_access
from renkei.cases.models import CaseCoWorker
from renkei.demo.loader import load_demo
from renkei.discharge import access
from renkei.discharge.models import DischargePlan


def _same_for_everyone():
    checked = 0
    for m in Membership.objects.filter(is_active=True).select_related("organisation", "user"):
        for case in case_access.cases_visible_to(m):
            expected = sorted(access.plans_visible_to(m).filter(case=case).values_list("pk", flat=True))
            assert sorted(p.pk for p in access.plans_of_case(m, case)) == expected, (m, case)
            checked += bool(expected)
    return checked


def test_a_cases_plans_are_the_ones_the_members_plans_open_for_every_demo_member(db):
    load_demo()
    assert _same_for_everyone() > 0


def test_a_co_worker_from_another_organisation_sees_the_cases_plans_as_the_plans_list_does(db):
    load_demo()
    plan = DischargePlan.objects.select_related("case").order_by("pk").first()
    other = next(m for m in Membership.objects.filter(is_active=True, role="caseworker")
                 .exclude(organisation=plan.case.organisation).select_related("organisation")
                 if case_access.team_case_organisations(m.organisation) is None
                 or plan.case.organisation_id in case_access.team_case_organisations(m.organisation))
    CaseCoWorker.objects.create(case=plan.case, user=other.user, membership=other)
    assert case_access.works_on_case(other, plan.case_id)
    assert [p.pk for p in access.plans_of_case(other, plan.case)] == [plan.pk]
    assert _same_for_everyone() > 0
