import datetime as dt
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from renkei.audit.models import AuditEvent
from renkei.discharge import actions
from renkei.discharge.dates import add_months
from renkei.discharge.models import DischargePlan, PlanRefusal, PlanVersion

from .conftest import plan_data


def test_plan_is_refused_without_a_recorded_consent_and_nothing_is_saved(pref, hospital, inpatient):
    with pytest.raises(ValidationError) as error:
        actions.do_create_plan(request=None, membership=pref.memberships.hana, case=inpatient,
                               data=plan_data(pref, hospital))
    assert "同意" in error.value.messages[0] and "作成できません" in error.value.messages[0]
    assert not DischargePlan.objects.exists() and not PlanVersion.objects.exists()


def test_consent_without_the_plan_scope_does_not_count(pref, hospital, inpatient, consent_for):
    consent_for(inpatient.person, hospital, scopes=["基本情報"])
    with pytest.raises(ValidationError):
        actions.do_create_plan(request=None, membership=pref.memberships.hana, case=inpatient,
                               data=plan_data(pref, hospital))


def test_plan_is_made_with_consent_for_six_months_with_a_review_at_three(pref, make_plan):
    plan = make_plan()
    v = plan.current
    today = timezone.localdate()
    assert plan.status == "draft" and v.number == 1
    assert v.period_start == today and v.period_end == add_months(today, 6) - dt.timedelta(days=1)
    assert v.review_dates[0] == add_months(today, 3).isoformat()
    assert [i["organisation"] for i in v.support_items] == ["訪問看護ステーション みどり", "NPO法人 すまいサポートみどり",
                                                           "ピアサポートの会 つばさ"]
    event = AuditEvent.objects.filter(action="discharge_plan.created").get()
    assert event.person_id == str(plan.person_id) and "支援計画" in event.field_groups
    assert event.legal_basis == f"consent:{plan.consent_id}"


def test_period_beyond_the_maximum_in_the_data_file_is_refused(pref, make_plan):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        make_plan(period_start=today, period_end=add_months(today, 7))
    assert "6か月以内" in error.value.messages[0]
    assert not DischargePlan.objects.exists()


def test_period_limit_comes_from_the_data_file(pref, make_plan, monkeypatch):
    from renkei.discharge import reference

    rules = reference.plan_rules() | {"period": {**reference.plan_rules()["period"], "max_months": 12}}
    monkeypatch.setattr(reference, "plan_rules", lambda: rules)
    today = timezone.localdate()
    plan = make_plan(period_start=today, period_end=add_months(today, 9))
    assert plan.current.period_end == add_months(today, 9)


def test_every_change_is_a_new_version_and_earlier_versions_stay_readable(pref, hospital, make_plan, client_for):
    plan = make_plan()
    data = plan_data(pref, hospital, wishes="グループホームではなくアパートで暮らしたい。")
    with pytest.raises(ValidationError):
        actions.do_revise_plan(request=None, membership=pref.memberships.hana, plan=plan, based_on=1, data=data,
                               reason="")
    v2 = actions.do_revise_plan(request=None, membership=pref.memberships.hana, plan=plan, based_on=1, data=data,
                                reason="本人の希望の変更")
    assert v2.number == 2 and DischargePlan.objects.get().current_number == 2
    with pytest.raises(ValidationError):  # based on an old version
        actions.do_revise_plan(request=None, membership=pref.memberships.hana, plan=plan, based_on=1, data=data,
                               reason="古い版から")
    v1 = plan.versions.get(number=1)
    with pytest.raises(PermissionError):
        v1.save()
    page = client_for(pref.users.hana).get(f"/discharge/plans/{plan.pk}/v/1/")
    assert page.status_code == 200 and "アパートで一人暮らしをしたい" in page.content.decode()
    assert "過去の版" in page.content.decode()


def test_agreement_at_a_meeting_makes_the_plan_agreed_and_a_new_version_needs_agreeing_again(pref, hospital,
                                                                                              make_plan):
    plan = make_plan()
    with pytest.raises(ValidationError):
        actions.do_record_agreement(request=None, membership=pref.memberships.hana, plan=plan,
                                    agreed_on=timezone.localdate(), meeting_kind="nope", meeting_form="hospital")
    actions.do_record_agreement(request=None, membership=pref.memberships.hana, plan=plan,
                                agreed_on=timezone.localdate(), meeting_kind="pre_discharge", meeting_form="hospital")
    plan.refresh_from_db()
    assert plan.status == "agreed"
    actions.do_revise_plan(request=None, membership=pref.memberships.hana, plan=plan, based_on=1,
                           data=plan_data(pref, hospital), reason="連絡先の追加")
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_extension_needs_a_review_with_the_persons_consent(pref, make_plan):
    plan = make_plan()
    m, end = pref.memberships.hana, plan.current.period_end
    with pytest.raises(ValidationError) as error:
        actions.do_extend_plan(request=None, membership=m, plan=plan, based_on=1,
                               period_end=add_months(end, 3), reason="継続が必要")
    assert "見直し" in error.value.messages[0]
    actions.do_record_review(request=None, membership=m, plan=plan, held_on=timezone.localdate(),
                             outcome="経過は順調。延長して見守る。", extension_consented=False)
    with pytest.raises(ValidationError):
        actions.do_extend_plan(request=None, membership=m, plan=plan, based_on=1,
                               period_end=add_months(end, 3), reason="継続が必要")
    actions.do_record_review(request=None, membership=m, plan=plan, held_on=timezone.localdate(),
                             outcome="本人が延長を希望し同意した。", extension_consented=True)
    with pytest.raises(ValidationError):  # beyond the extension limit of the data file
        actions.do_extend_plan(request=None, membership=m, plan=plan, based_on=1,
                               period_end=add_months(end, 7), reason="長く")
    v2 = actions.do_extend_plan(request=None, membership=m, plan=plan, based_on=1,
                                period_end=add_months(end, 3), reason="継続が必要")
    assert v2.number == 2 and v2.period_end == add_months(end, 3)
    assert DischargePlan.objects.get().extensions == 1


def test_refusal_is_recorded_and_the_case_stays_open_for_consultation(pref, inpatient, client_for):
    actions.do_record_refusal(request=None, membership=pref.memberships.hana, case=inpatient,
                              refused_on=timezone.localdate(), note="今は計画はいらない、と本人。")
    inpatient.refresh_from_db()
    assert PlanRefusal.objects.count() == 1 and inpatient.is_open
    assert inpatient.entries.filter(body__contains="相談支援を継続").exists()
    page = client_for(pref.users.hana).get(f"/discharge/cases/{inpatient.pk}/").content.decode()
    assert "計画は作成していません" in page


def test_hand_over_needs_the_persons_consent_naming_the_new_area(pref, make_plan, consent_for, client_for):
    plan = make_plan()
    m = pref.memberships.hana
    mallory = client_for(pref.users.mallory)
    assert mallory.get(f"/discharge/plans/{plan.pk}/").status_code == 404
    with pytest.raises(ValidationError) as error:
        actions.do_hand_over(request=None, membership=m, plan=plan, to_organisation=pref.orgs.wakaba)
    assert "若葉町" in error.value.messages[0]
    consent = consent_for(plan.person, pref.orgs.wakaba)
    handover = actions.do_hand_over(request=None, membership=m, plan=plan, to_organisation=pref.orgs.wakaba,
                                    note="若葉町へ転居")
    assert handover.consent == consent
    assert AuditEvent.objects.filter(action="discharge_plan.handed_over", legal_basis=f"consent:{consent.pk}").exists()
    page = mallory.get(f"/discharge/plans/{plan.pk}/")
    assert page.status_code == 200 and "アパートで一人暮らし" in page.content.decode()
    assert mallory.get(f"/cases/persons/{plan.person_id}/").status_code == 200   # basic information, via the grant
    assert mallory.get(f"/cases/{plan.case_id}/").status_code == 404             # not the case records
    from renkei.consent.actions import do_withdraw_consent

    do_withdraw_consent(request=None, membership=m, consent=consent,
                        version=consent.version, method="oral", note="本人が撤回")
    assert mallory.get(f"/discharge/plans/{plan.pk}/").status_code == 404


def test_plan_prints_as_an_a4_form_with_japanese_text_and_signature_lines(pref, make_plan, client_for):
    plan = make_plan()
    response = client_for(pref.users.hana).get(f"/discharge/plans/{plan.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    for expected in ["退院後支援計画", "川口 美和", "アパートで一人暮らしをしたい", "クライシスプラン", "本人の署名",
                     "計画を作成した機関", "訪問看護ステーション みどり"]:
        assert expected in text, expected
    width_mm = float(reader.pages[0].mediabox.width) / 72 * 25.4
    assert round(width_mm) == 210
    assert AuditEvent.objects.filter(action="discharge_plan.printed", person_id=str(plan.person_id)).exists()


def test_plan_api_refuses_without_consent_and_creates_with_it(pref, hospital, inpatient, consent_for, client_for):
    c = client_for(pref.users.hana)
    payload = plan_data(pref, hospital)
    payload = {**payload, "hospital_id": payload.pop("hospital"), "discharge_officer_id": payload.pop("discharge_officer"),
               "expected_discharge_on": payload["expected_discharge_on"].isoformat()}
    url = f"/api/discharge/cases/{inpatient.pk}/plans"
    refused = c.post(url, payload, content_type="application/json")
    assert refused.status_code == 400 and "同意" in refused.json()["detail"]
    consent_for(inpatient.person, hospital)
    made = c.post(url, payload, content_type="application/json")
    assert made.status_code == 201, made.content
    plan_id = made.json()["id"]
    got = c.get(f"/api/discharge/plans/{plan_id}").json()
    assert got["current"]["wishes"] == "アパートで一人暮らしをしたい。" and got["versions"] == [1]
    assert c.get(f"/api/discharge/plans/{plan_id}/versions/9").status_code == 404


def test_plan_is_agreed_at_a_conference_of_the_case(pref, make_plan, client_for):
    from renkei.conferences.models import Conference

    plan = make_plan()
    conference = Conference.objects.create(case=plan.case, kind="pre_discharge", title="退院前会議",
                                           starts_at=timezone.now() - dt.timedelta(days=1), place="県立みどり病院",
                                           organisation=pref.orgs.hc, convener=pref.users.hana)
    agreement = actions.do_record_agreement(request=None, membership=pref.memberships.hana, plan=plan,
                                            conference=conference.pk)
    assert agreement.conference == conference and agreement.meeting_kind == "pre_discharge"
    assert agreement.agreed_on == timezone.localdate(conference.starts_at)
    page = client_for(pref.users.hana).get(f"/discharge/plans/{plan.pk}/").content.decode()
    assert f"/conferences/{conference.pk}/" in page
