import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from renkei.audit.models import AuditEvent
from renkei.cases import actions
from renkei.core.dates import FiscalYear


def test_case_numbers_are_readable_and_count_per_organisation_and_fiscal_year(pref, make_person, make_case):
    from django.utils import timezone

    year = FiscalYear.of(timezone.now()).year
    first, second = make_case(make_person()), make_case(make_person(name="鈴木", kana="スズキ"))
    other = make_case(make_person(membership=pref.memberships.mallory), membership=pref.memberships.mallory)
    assert (first.number, second.number) == (f"青葉-{year}-0001", f"青葉-{year}-0002")
    assert other.number == f"若葉-{year}-0001"


def test_status_moves_as_the_data_allows_closes_with_a_reason_and_reopens(pref, make_person, make_case):
    m = pref.memberships.alice
    case = make_case(make_person())
    case = actions.do_change_case_status(request=None, membership=m, case=case, version=1, to_status="assessment")
    case = actions.do_change_case_status(request=None, membership=m, case=case, version=2, to_status="support")
    with pytest.raises(ValidationError):
        actions.do_change_case_status(request=None, membership=m, case=case, version=3, to_status="closed")
    with pytest.raises(ValidationError):
        actions.do_change_case_status(request=None, membership=m, case=case, version=3, to_status="intake")
    case = actions.do_change_case_status(request=None, membership=m, case=case, version=3, to_status="closed",
                                         closure_reason="goal_met")
    assert (case.status, case.closure_reason, case.is_open) == ("closed", "goal_met", False)
    case = actions.do_change_case_status(request=None, membership=m, case=case, version=4, to_status="support",
                                         note="再び相談あり")
    assert (case.status, case.closure_reason, case.closed_at) == ("support", "", None)
    assert list(case.status_changes.values_list("to_status", flat=True)) == [
        "intake", "assessment", "support", "closed", "support"]
    assert AuditEvent.objects.filter(action="case.reopened").exists()
    assert AuditEvent.objects.filter(action="case.closed").exists()


def test_needs_are_validated_against_the_assessment_domains(pref, make_person, make_case):
    with pytest.raises(ValidationError):
        make_case(make_person(), needs={"elderly": "mild"})   # not an assessment domain
    with pytest.raises(ValidationError):
        make_case(make_person(name="x", kana="エックス"), needs={"medical": "extreme"})
    case = make_case(make_person(name="y", kana="ワイ"), needs={"medical": "severe", "family": "none"})
    assert case.needs == {"medical": "severe"}


def test_the_case_page_shows_needs_team_and_the_escalation_suggestion(pref, client_for, make_person, make_case,
                                                                      make_entry):
    case = make_case(make_person(), needs={"medical": "moderate", "family": "severe", "employment": "mild"},
                     complexity="complex", co_workers=[pref.users.hana])
    make_entry(case, body="母親と面談")
    body = client_for(pref.users.alice).get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "中等度" in body and "重度" in body and "中央 はな" in body and "母親と面談" in body
    from renkei.cases.guidance_panel import engine

    if engine is not None:
        suggestion = engine.suggest_escalation("municipality", "complex")
        assert suggestion is not None and suggestion.title in body


def test_opening_a_case_by_form(pref, client_for, make_person):
    person = make_person()
    client = client_for(pref.users.alice)
    form = {"lead": pref.users.alice.pk, "complexity": "complex", "summary": "ひきこもり", "need_medical": "mild",
            **{f"need_{c}": "none" for c in ["crisis", "housing", "employment", "education", "family", "addiction",
                                              "economic", "physical", "legal"]}}
    response = client.post(reverse("cases:case_create", args=[person.pk]), form)
    assert response.status_code == 302
    case = person.cases.get()
    assert (case.complexity, case.needs, case.lead) == ("complex", {"medical": "mild"}, pref.users.alice)


def test_the_lead_must_be_own_staff(pref, make_person, make_case):
    with pytest.raises(ValidationError):
        make_case(make_person(), lead=pref.users.mallory)


def test_the_dashboard_shows_my_cases(pref, client_for, make_person, make_case, make_consultation):
    person = make_person()
    case = make_case(person)
    make_consultation(person=person)
    body = client_for(pref.users.alice).get("/").content.decode()
    assert "担当ケース" in body and case.number in body
    assert "担当ケース" not in client_for(pref.users.dave).get("/").content.decode()


def test_the_navigation_offers_cases_to_those_who_may_see_them(pref, client_for):
    assert "相談・ケース" in client_for(pref.users.carol).get("/").content.decode()
    assert "相談・ケース" not in client_for(pref.users.erin).get("/").content.decode()
