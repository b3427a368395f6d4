"""The JSON API of 入院等関係事務 (/api/admissions): the same actions as the pages, one error shape, 404 alike
for other organisations and missing ids, every read on record naming the person."""

import datetime as dt

from django.utils import timezone

from renkei.admissions.models import Admission, Report
from renkei.audit.models import AuditEvent


def _iso(**ago):
    return (timezone.localtime() - dt.timedelta(**ago)).isoformat()


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_a_police_report_is_recorded_through_the_api_to_a_measure_admission_and_its_deadlines(pref, client_for,
                                                                                              hc_person):
    client = client_for(pref.users.hana)
    response = post(client, "/api/admissions/reports", {
        "kind": "23", "received_at": _iso(hours=6), "reporter": "みどり中央警察署", "person_id": hc_person.pk,
        "place": "駅前", "symptoms": "興奮している", "guardian": "母"})
    assert response.status_code == 201, response.json()
    rid = response.json()["id"]
    assert response.json()["person"]["name"] == "森 健一" and response.json()["stage"] == "受理"
    assert post(client, f"/api/admissions/reports/{rid}/investigation", {
        "investigated_at": _iso(hours=5), "findings": "聴取した", "exam_needed": True,
        "grounds": ["risk_others"]}).status_code == 200
    assert post(client, f"/api/admissions/reports/{rid}/examination", {
        "exam_at": _iso(hours=4), "exam_place": "県立みどり病院", "exam_witness_id": pref.users.hiro.pk,
        "doctors": [{"name": "佐藤 一郎", "number": "1"}, {"name": "鈴木 花子", "number": "2"}]}).status_code == 200
    for position in (1, 2):
        assert post(client, f"/api/admissions/reports/{rid}/results",
                    {"position": position, "result": "needed"}).status_code == 200
    response = post(client, f"/api/admissions/reports/{rid}/decision", {
        "decision": "measure", "hospital": "県立みどり病院", "admitted_at": _iso(hours=3)})
    assert response.status_code == 200 and len(response.json()["admission_ids"]) == 1
    aid = response.json()["admission_ids"][0]
    assert post(client, f"/api/admissions/reports/{rid}/notice", {"notified_at": _iso(hours=2),
                                                                  "notified_to": "本人"}).status_code == 200
    body = client.get(f"/api/admissions/reports/{rid}").json()
    assert body["stage"] == "書面告知済み" and [d["result"] for d in body["examination"]["doctors"]] == ["needed"] * 2
    assert len(body["timeline"]) == 7
    admission = client.get(f"/api/admissions/inpatients/{aid}").json()
    rules = {(d["rule"], d["nth"]): d for d in admission["documents"]}
    # the notice is due on the day of admission: today, or yesterday shortly after midnight
    admitted_today = timezone.localtime(Admission.objects.get(pk=aid).admitted_at).date() == timezone.localdate()
    assert rules[("measure_notice_29", 1)]["status"] == ("today" if admitted_today else "overdue")
    assert rules[("measure_report_38_2", 1)]["confirmed"] is False
    assert post(client, f"/api/admissions/inpatients/{aid}/documents", {
        "rule": "measure_notice_29", "received_on": timezone.localdate().isoformat()}).status_code == 200
    work = client.get("/api/admissions/worklist").json()
    assert work["today"] == [] and work["overdue"] == []
    read = AuditEvent.objects.filter(action="admission.viewed").latest("id")
    assert read.person_id == str(hc_person.pk)


def test_refusals_are_400_in_japanese_and_change_nothing(pref, client_for, police_report):
    client = client_for(pref.users.hana)
    response = post(client, f"/api/admissions/reports/{police_report.pk}/decision", {"decision": "measure"})
    assert response.status_code == 400 and "事前調査" in response.json()["detail"]
    response = post(client, f"/api/admissions/reports/{police_report.pk}/examination", {
        "exam_at": _iso(hours=1), "exam_place": "x", "exam_witness_id": pref.users.hiro.pk,
        "doctors": [{"name": "佐藤 一郎", "number": "1"}]})
    assert response.status_code == 400
    response = post(client, "/api/admissions/reports", {"kind": "99", "received_at": _iso(hours=1), "reporter": "x",
                                                         "place": "x", "symptoms": "x"})
    assert response.status_code == 422
    assert Report.objects.get(pk=police_report.pk).decision == "" and not police_report.doctors.exists()


def test_other_organisations_get_404_alike_and_a_viewer_cannot_write(pref, client_for, police_report):
    for user in (pref.users.alice, pref.users.sam):
        client = client_for(user)
        for url in ("/api/admissions/reports", f"/api/admissions/reports/{police_report.pk}", "/api/admissions/worklist",
                    "/api/admissions/inpatients", "/api/admissions/rules"):
            assert client.get(url).status_code == 404, (user, url)
    hana = client_for(pref.users.hana)
    assert hana.get("/api/admissions/reports/999999").status_code == 404
    listed = hana.get("/api/admissions/reports").json()
    assert [r["id"] for r in listed] == [police_report.pk]
    entry = AuditEvent.objects.filter(action="admission_report.listed").latest("id")
    assert entry.data["reports"] == [police_report.pk]
    assert not Admission.objects.exists()


def test_the_rules_answer_lists_every_revision_with_articles_and_confidence_marks(pref, client_for):
    rules = client_for(pref.users.hana).get("/api/admissions/rules").json()
    assert rules[0]["in_force_from"] == "2024-04-01"
    by_code = {r["code"]: r for r in rules[0]["rules"]}
    assert by_code["emergency_limit_29_2"]["deadline"] == {"unit": "hours", "amount": 72}
    assert by_code["emergency_limit_29_2"]["confirmed"] is True and by_code["mp_notice_33"]["confirmed"] is False
