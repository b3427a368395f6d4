import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from renkei.audit.models import AuditEvent
from renkei.discharge import work_actions as work
from renkei.discharge.dates import add_months
from renkei.discharge.models import ReviewReminder


@pytest.fixture
def objects(pref, make_plan, inpatient, hospital):
    plan = make_plan()
    visit = work.do_plan_visit(request=None, membership=pref.memberships.hana, case=inpatient, kind="home_visit",
                               planned_at=timezone.now(), purpose="確認", category="rehabilitation")
    work.do_start_pathway(request=None, membership=pref.memberships.hana, case=inpatient)
    req = work.do_receive_request(request=None, membership=pref.memberships.sam, data={
        "patient_name": "石田 勝", "hospital": hospital.pk, "admission_type": "medical_protection_mayor",
        "source": "patient"})
    return {"plan": plan.pk, "case": inpatient.pk, "visit": visit.pk, "request": req.pk}


PAGES = [
    ("/discharge/plans/{plan}/", "plan"), ("/discharge/plans/{plan}/pdf/", "plan"),
    ("/discharge/plans/{plan}/revise/", "plan"), ("/discharge/cases/{case}/", "case"),
    ("/discharge/cases/{case}/plan/new/", "case"), ("/discharge/visits/{visit}/", "visit"),
    ("/discharge/visit-support/{request}/", "request"), ("/api/discharge/plans/{plan}", "plan"),
    ("/api/discharge/plans/{plan}/versions/1", "plan"), ("/api/discharge/cases/{case}/pathway", "case"),
    ("/api/discharge/visits/{visit}", "visit"), ("/api/discharge/visit-support/{request}", "request"),
]


@pytest.mark.parametrize("url,key", PAGES)
def test_outsiders_and_missing_objects_answer_404_alike(pref, objects, client_for, url, key):
    owner = pref.users.sam if key == "request" else pref.users.hana
    assert client_for(owner).get(url.format(**objects)).status_code == 200
    for outsider in (pref.users.mallory, pref.users.erin, pref.users.henry, pref.users.alice):
        assert client_for(outsider).get(url.format(**objects)).status_code == 404, outsider
    missing = {k: 999999 for k in objects}
    assert client_for(owner).get(url.format(**missing)).status_code == 404


def test_partner_with_consent_for_the_plan_reads_it_but_cannot_change_it(pref, objects, hospital, client_for):
    psw = client_for(hospital.psw)
    assert psw.get(f"/discharge/plans/{objects['plan']}/").status_code == 200
    assert psw.get(f"/discharge/plans/{objects['plan']}/revise/").status_code == 404
    assert psw.get(f"/discharge/cases/{objects['case']}/").status_code == 404
    event = AuditEvent.objects.filter(action="discharge_plan.viewed", actor=hospital.psw).latest("id")
    assert event.person_id and "支援計画" in event.field_groups and event.legal_basis.startswith("consent:")


def test_reads_are_on_record_with_person_and_field_groups(pref, objects, client_for):
    client_for(pref.users.hana).get(f"/discharge/plans/{objects['plan']}/")
    event = AuditEvent.objects.filter(action="discharge_plan.viewed").latest("id")
    assert event.field_groups == ["基本情報", "支援計画"] and event.person_id


def test_due_reviews_appear_on_the_dashboard_and_are_mailed_once(pref, make_plan, client_for):
    today = timezone.localdate()
    plan = make_plan(period_start=add_months(today, -3), review_dates=[(today + dt.timedelta(days=5)).isoformat()])
    page = client_for(pref.users.hana).get("/").content.decode()
    assert "退院後支援計画の見直し" in page and f"/discharge/plans/{plan.pk}/" in page
    call_command("send_review_reminders")
    call_command("send_review_reminders")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hana@example.jp"]
    assert "川口" not in mail.outbox[0].body  # no personal data in e-mail
    assert ReviewReminder.objects.count() == 1


def test_bad_form_input_changes_nothing_and_answers_in_japanese(pref, inpatient, client_for):
    c = client_for(pref.users.hana)
    response = c.post(f"/discharge/cases/{inpatient.pk}/plan/new/", {"wishes": ""})
    assert response.status_code == 200 and "入力してください" in response.content.decode() or \
        "必須" in response.content.decode()
    assert not inpatient.discharge_plans.exists()
    refused = c.post(f"/discharge/cases/{inpatient.pk}/refusal/", {"refused_on": "2999-01-01"}, follow=True)
    assert "未来" in refused.content.decode() and not inpatient.plan_refusals.exists()


def test_the_review_reminder_job_run_twice_by_the_runner_mails_once(pref, make_plan, run_job_twice):
    today = timezone.localdate()
    make_plan(period_start=add_months(today, -3), review_dates=[(today + dt.timedelta(days=5)).isoformat()])
    first, second = run_job_twice("discharge.review_reminders")
    assert first.summary == "見直しのお知らせを1件送信しました。"
    assert second.summary == "見直しのお知らせを0件送信しました。"
    assert len(mail.outbox) == 1 and ReviewReminder.objects.count() == 1
