"""The pages of 入院等関係事務: a 保健所 worker receives a report and records every step through the forms;
every page that shows a person is on record naming them; other organisations get 404 alike; a 閲覧 post
reads without forms; the navigation shows the entry only where the permission is."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from renkei.accounts.models import Membership
from renkei.admissions.models import Admission, Report
from renkei.audit.models import AuditEvent, AuditEventPerson

from .conftest import investigate


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_a_worker_records_a_report_through_the_pages_from_receipt_to_transfer(pref, client_for, hc_person):
    client = client_for(pref.users.hana)
    now = timezone.now()
    assert client.get("/admissions/reports/new/").status_code == 200
    response = client.post("/admissions/reports/new/", {
        "kind": "23", "received_at": _local(now - dt.timedelta(hours=5)), "received_by": pref.users.hana.pk,
        "reporter": "みどり中央警察署 巡査部長 山本", "person": hc_person.pk, "place": "警察署",
        "symptoms": "路上で興奮", "guardian": "母"})
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admissions/reports/{report.pk}/"
    base = f"/admissions/reports/{report.pk}/"
    assert client.post(base + "investigation/", {
        "investigated_at": _local(now - dt.timedelta(hours=4)), "investigated_by": pref.users.hana.pk,
        "findings": "聴取した", "exam_needed": "yes", "grounds": ["risk_others"]}).status_code == 302
    client.post(base + "examination/", {
        "exam_at": _local(now - dt.timedelta(hours=3)), "exam_place": "県立みどり病院", "exam_witness": pref.users.hiro.pk,
        "doctor1_name": "佐藤 一郎", "doctor1_number": "12345", "doctor2_name": "鈴木 花子", "doctor2_number": "23456"})
    for position in ("1", "2"):
        client.post(base + "result/", {"position": position, "result": "needed"})
    client.post(base + "decision/", {"decision": "measure", "decided_at": _local(now - dt.timedelta(hours=2)),
                                     "hospital": "県立みどり病院", "admitted_at": _local(now - dt.timedelta(hours=2))})
    client.post(base + "notice/", {"notified_at": _local(now - dt.timedelta(hours=1)), "notified_to": "本人・母"})
    client.post(base + "transfer/", {"transferred_at": _local(now - dt.timedelta(hours=1)), "transfer_note": "職員2名"})
    report.refresh_from_db()
    assert report.stage == "移送済み"
    page = client.get(base).content.decode()
    assert "森 健一" in page and "佐藤 一郎" in page and "12345" in page and "経過" in page
    assert AuditEvent.objects.filter(action="admission_report.viewed", person_id=str(hc_person.pk)).exists()
    admission = Admission.objects.get()
    page = client.get(f"/admissions/inpatients/{admission.pk}/").content.decode()
    assert "定期病状報告" in page and "未確認" in page


def test_a_refused_step_comes_back_with_what_was_typed_and_changes_nothing(pref, client_for, police_report):
    client = client_for(pref.users.hana)
    investigate(pref, police_report)
    base = f"/admissions/reports/{police_report.pk}/"
    response = client.post(base + "examination/", {
        "exam_at": _local(timezone.now()), "exam_place": "県立みどり病院", "exam_witness": pref.users.hiro.pk,
        "doctor1_name": "佐藤 一郎", "doctor1_number": "111", "doctor2_name": "佐藤 二郎", "doctor2_number": "111"},
        follow=True)
    page = response.content.decode()
    assert "別の方にしてください" in page and "佐藤 二郎" in page
    assert not police_report.doctors.exists()


def test_another_organisation_gets_404_on_every_page_alike(pref, client_for, police_report):
    pages = ["/admissions/", "/admissions/reports/", "/admissions/reports/new/", f"/admissions/reports/{police_report.pk}/",
             "/admissions/inpatients/", "/admissions/rules/"]
    for user in (pref.users.alice, pref.users.sam, pref.users.dave):
        client = client_for(user)
        for url in pages:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(f"/admissions/reports/{police_report.pk}/investigation/", {}).status_code == 404
    assert client_for(pref.users.hana).get("/admissions/reports/999999/").status_code == 404


def test_a_health_centre_viewer_reads_the_register_without_any_form(pref, client_for, police_report):
    viewer = get_user_model().objects.create_user(username="hcviewer", password=pref.password, display_name="中央 みる",
                                                  kana="チュウオウ ミル")
    Membership.objects.create(user=viewer, organisation=pref.orgs.hc, role="viewer")
    client = client_for(viewer)
    page = client.get(f"/admissions/reports/{police_report.pk}/").content.decode()
    assert "森 健一" in page and "<form" not in page.split("<main")[-1].split("</main>")[0].replace(
        'form method="post" action="/accounts/', "")
    assert client.get("/admissions/reports/new/").status_code == 404
    assert client.post(f"/admissions/reports/{police_report.pk}/investigation/", {}).status_code == 404


def test_the_navigation_shows_the_entry_only_to_health_centre_staff(pref, client_for):
    assert "入院等関係事務" in client_for(pref.users.hana).get("/").content.decode()
    assert "入院等関係事務" not in client_for(pref.users.alice).get("/").content.decode()


def test_the_worklist_page_and_the_dashboard_panel_show_what_is_due_and_name_the_persons(pref, client_for, hc_person):
    from renkei.admissions import actions

    hana = pref.memberships.hana
    admission = actions.do_register_admission(request=None, membership=hana, data={
        "kind": "medical_protection", "hospital": "みどり第二病院", "person_id": hc_person.pk,
        "admitted_at": timezone.now() - dt.timedelta(days=20)})
    client = client_for(pref.users.hana)
    page = client.get("/admissions/").content.decode()
    assert "期限超過" in page and "医療保護入院届" in page and "森 健一" in page
    entry = AuditEvent.objects.filter(action="admission.worklist_viewed").latest("id")
    assert _named(entry) == {str(hc_person.pk)}
    dashboard = client.get("/").content.decode()
    assert "入院等関係事務の期限" in dashboard and "医療保護入院届" in dashboard
    entry = AuditEvent.objects.filter(action="dashboard.viewed").latest("id")
    assert entry.data["panels"]["入院等関係事務の期限"] == [hc_person.pk] and str(hc_person.pk) in _named(entry)
    actions.do_record_document(request=None, membership=hana, admission=admission, rule_code="mp_notice_33", nth=1,
                               received_on=timezone.localdate(), note="同意書あり")
    assert "医療保護入院届" not in client.get("/admissions/").content.decode()


def _named(entry) -> set[str]:
    return set(AuditEventPerson.objects.filter(event=entry).values_list("person_id", flat=True))


def test_a_refused_document_comes_back_in_its_own_row_with_what_was_typed(pref, client_for, hc_person):
    from renkei.admissions import actions

    admission = actions.do_register_admission(request=None, membership=pref.memberships.hana, data={
        "kind": "medical_protection", "hospital": "みどり第二病院", "person_id": hc_person.pk,
        "admitted_at": timezone.now() - dt.timedelta(days=3)})
    client = client_for(pref.users.hana)
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    page = client.post(f"/admissions/inpatients/{admission.pk}/documents/", {
        "dmp_notice_33-1-rule": "mp_notice_33", "dmp_notice_33-1-nth": "1", "dmp_notice_33-1-received_on": future,
        "dmp_notice_33-1-note": "同意書の日付を確認"}, follow=True).content.decode()
    assert "未来の日付は記録できません" in page and "同意書の日付を確認" in page and future in page
    assert not admission.documents.exists()


def test_the_person_page_shows_the_health_centre_its_reports_and_stays_about_the_person(pref, client_for,
                                                                                    police_report, hc_person):
    page = client_for(pref.users.hana).get(f"/cases/persons/{hc_person.pk}/").content.decode()
    assert f"/admissions/reports/{police_report.pk}/" in page and "警察官通報（法23条）" in page
    assert AuditEvent.objects.filter(action="person.viewed", person_id=str(hc_person.pk)).exists()
    # the panel's 医療情報 (the reports) has its own entry naming the person
    listed = AuditEvent.objects.get(action="admission.listed", data__on="person")
    assert listed.field_groups == ["基本情報", "医療情報"] and listed.data["reports"] == [police_report.pk]
    from renkei.audit.models import AuditEventPerson

    assert AuditEventPerson.objects.filter(event=listed, person_id=str(hc_person.pk)).exists()
    from types import SimpleNamespace

    from renkei.admissions.panels import person_admissions

    # the panel shows nothing to a member without admission.view, whatever persons they see
    for membership in (pref.memberships.alice, pref.memberships.sam, None):
        assert person_admissions(SimpleNamespace(membership=membership), hc_person) is None
