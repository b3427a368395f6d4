import pytest
from django.core.exceptions import ValidationError

from renkei.audit.models import AuditEvent
from renkei.cases.models import Case
from renkei.consent.actions import do_withdraw_consent
from renkei.discharge import actions
from renkei.discharge.actions import CONTENT_FIELDS
from renkei.discharge.models import DischargePlan, PlanVersion


@pytest.fixture
def handed_over(pref, make_plan, consent_for):
    plan = make_plan()
    consent = consent_for(plan.person, pref.orgs.wakaba)
    actions.do_hand_over(request=None, membership=pref.memberships.hana, plan=plan, to_organisation=pref.orgs.wakaba)
    plan.refresh_from_db()
    plan.handover_consent = consent
    return plan


def _content(version):
    return {f: getattr(version, f) for f in CONTENT_FIELDS}


def test_receiving_organisation_starts_its_own_plan_from_the_handed_over_one(pref, handed_over, client_for):
    source, source_version = handed_over, handed_over.current
    before = (_content(source_version), source.status, source.current_number, source.case_id)
    mallory = client_for(pref.users.mallory)
    page = mallory.get(f"/discharge/plans/{source.pk}/").content.decode()
    assert "この計画をもとに自機関の計画を作成" in page
    response = mallory.post(f"/discharge/plans/{source.pk}/continue/")
    new = DischargePlan.objects.get(organisation=pref.orgs.wakaba)
    assert response.status_code == 302 and response["Location"] == f"/discharge/plans/{new.pk}/"
    assert new.pk != source.pk and new.status == "draft"
    # its own case, opened on its own registration of the person (from the handed-over 基本情報): a
    # recipient never opens a case on, nor gains edit rights over, the sender's person record
    assert new.case.organisation == pref.orgs.wakaba and new.case_id != source.case_id
    assert new.person.organisation == pref.orgs.wakaba and new.person_id != source.person_id
    assert new.case.person_id == new.person_id
    assert (new.person.name, new.person.birth_date) == (source.person.name, source.person.birth_date)
    assert new.current_number == 1 and list(new.versions.values_list("number", flat=True)) == [1]
    assert _content(new.current) == _content(source_version) and new.source_version == source_version
    assert new.consent.person_id == source.person_id
    source.refresh_from_db()
    assert (_content(source.current), source.status, source.current_number, source.case_id) == before
    assert PlanVersion.objects.filter(plan=source).count() == 1
    assert AuditEvent.objects.filter(action="discharge_plan.continued_from_handover", actor=pref.users.mallory,
                                     legal_basis=f"consent:{handed_over.handover_consent.pk}").exists()
    assert AuditEvent.objects.filter(action="discharge_plan.created", actor=pref.users.mallory).exists()
    assert AuditEvent.objects.filter(action="case.opened", actor=pref.users.mallory).exists()
    page = mallory.get(f"/discharge/plans/{source.pk}/").content.decode()
    assert "この計画をもとに自機関の計画を作成" not in page and f"/discharge/plans/{new.pk}/" in page
    assert "から引き継いだ計画（第1版）" in mallory.get(f"/discharge/plans/{new.pk}/").content.decode()
    with pytest.raises(ValidationError):   # once per hand-over
        actions.do_continue_handed_over(request=None, membership=pref.memberships.mallory, plan=source)


def test_an_existing_open_case_of_the_receiving_organisation_is_used(pref, handed_over):
    from renkei.cases.actions import do_open_case, do_register_person

    m = pref.memberships.mallory
    source = handed_over.person
    own = do_register_person(request=None, membership=m, confirm_duplicate=True, data={
        "name": source.name, "kana": source.kana, "birth_date": source.birth_date, "sex": source.sex})
    case = do_open_case(request=None, membership=m, person=own)
    new = actions.do_continue_handed_over(request=None, membership=m, plan=handed_over)
    assert new.case == case and new.person == own and Case.objects.filter(organisation=pref.orgs.wakaba).count() == 1


def test_the_receiver_cannot_open_a_case_on_the_handed_over_person_itself(pref, handed_over, client_for):
    from django.http import Http404

    from renkei.cases.actions import do_open_case

    with pytest.raises(Http404):
        do_open_case(request=None, membership=pref.memberships.mallory, person=handed_over.person)
    mallory = client_for(pref.users.mallory)
    assert mallory.get(f"/cases/persons/{handed_over.person_id}/cases/new/").status_code == 404
    assert mallory.post("/api/cases/cases", {"person_id": handed_over.person_id},
                        content_type="application/json").status_code == 404
    assert not Case.objects.filter(organisation=pref.orgs.wakaba).exists()


def test_starting_from_a_handed_over_plan_is_refused_without_consent(pref, handed_over, client_for):
    do_withdraw_consent(request=None, membership=pref.memberships.hana, consent=handed_over.handover_consent,
                        version=handed_over.handover_consent.version,
                        method="oral", note="本人が撤回")
    with pytest.raises(ValidationError) as error:
        actions.do_continue_handed_over(request=None, membership=pref.memberships.mallory, plan=handed_over)
    assert "同意" in error.value.messages[0]
    assert client_for(pref.users.mallory).post(f"/discharge/plans/{handed_over.pk}/continue/").status_code == 404
    assert not DischargePlan.objects.filter(organisation=pref.orgs.wakaba).exists()
    assert not Case.objects.filter(organisation=pref.orgs.wakaba).exists()


def test_only_the_receiving_organisation_may_start_from_the_plan(pref, handed_over, client_for):
    with pytest.raises(ValidationError):   # the organisation that handed it over
        actions.do_continue_handed_over(request=None, membership=pref.memberships.hana, plan=handed_over)
    page = client_for(pref.users.hana).get(f"/discharge/plans/{handed_over.pk}/").content.decode()
    assert "この計画をもとに自機関の計画を作成" not in page
    assert client_for(pref.users.sam).post(f"/discharge/plans/{handed_over.pk}/continue/").status_code == 404
    assert not DischargePlan.objects.exclude(pk=handed_over.pk).exists()


def test_receiving_organisation_continues_through_the_api(pref, handed_over, client_for):
    mallory = client_for(pref.users.mallory)
    response = mallory.post(f"/api/discharge/plans/{handed_over.pk}/continue")
    assert response.status_code == 201 and response.json()["version"] == 1
    again = mallory.post(f"/api/discharge/plans/{handed_over.pk}/continue")
    assert again.status_code == 400 and "すでに" in again.json()["detail"]
