from renkei.audit.actions import log_event
from renkei.audit.models import AuditEvent


def _person(pref, org=None, name="青葉 太郎"):
    from renkei.cases.models import Person

    return Person.objects.create(organisation=org or pref.orgs.aoba, name=name, kana="アオバ タロウ",
                                 created_by=pref.users.alice)


def test_supervisor_sees_own_staff_actions_but_not_other_organisations(pref, client_for):
    log_event("test.ours", actor=pref.users.alice, organisation=pref.orgs.aoba)
    log_event("test.theirs", actor=pref.users.mallory, organisation=pref.orgs.wakaba)
    page = client_for(pref.users.bob).get("/audit/").content.decode()
    assert "test.ours" in page and "test.theirs" not in page


def test_supervisor_sees_other_organisations_reading_our_persons(pref, client_for):
    person = _person(pref)
    log_event("person.viewed", actor=pref.users.hana, organisation=pref.orgs.hc, person=person,
              field_groups=["基本情報"], purpose="同行訪問の準備", legal_basis="consent")
    page = client_for(pref.users.bob).get("/audit/").content.decode()
    assert "person.viewed" in page and "同行訪問の準備" in page


def test_audit_viewer_is_for_supervisors_only(pref, client_for):
    for user in [pref.users.alice, pref.users.carol, pref.users.dave, pref.users.erin]:
        client = client_for(user)
        assert client.get("/audit/").status_code == 404
        assert client.get("/audit/export.csv").status_code == 404


def test_filters_narrow_the_list_and_bad_dates_get_a_japanese_error(pref, client_for):
    log_event("auth.login", actor=pref.users.alice, organisation=pref.orgs.aoba)
    log_event("staff.created", actor=pref.users.bob, organisation=pref.orgs.aoba)
    client = client_for(pref.users.bob)
    page = client.get("/audit/", {"action": "staff."}).content.decode()
    assert "staff.created" in page and "<code>auth.login</code>" not in page
    bad = client.get("/audit/", {"since": "2026-05-01", "until": "2026-04-01"}).content.decode()
    assert "開始日は終了日より前の日付にしてください" in bad


def test_viewing_and_exporting_the_audit_log_is_itself_logged(pref, client_for):
    client = client_for(pref.users.bob)
    client.get("/audit/")
    response = client.get("/audit/export.csv")
    assert response.content.startswith("\ufeff".encode())
    assert "日時（和暦）" in response.content.decode("utf-8-sig")
    actions = set(AuditEvent.objects.filter(actor=pref.users.bob).values_list("action", flat=True))
    assert {"audit.viewed", "audit.exported"} <= actions


def test_person_access_report_lists_every_read_across_organisations(pref, client_for):
    person = _person(pref)
    other = _person(pref, pref.orgs.wakaba, "若葉 花子")
    log_event("person.viewed", actor=pref.users.alice, organisation=pref.orgs.aoba, person=person)
    log_event("person.viewed", actor=pref.users.hana, organisation=pref.orgs.hc, person=person, purpose="助言")
    log_event("person.viewed", actor=pref.users.mallory, organisation=pref.orgs.wakaba, person=other)
    client = client_for(pref.users.bob)
    page = client.get(f"/audit/person/{person.pk}/").content.decode()
    assert page.count("本人の基本情報の閲覧") == 2 and "助言" in page and "中央 はな" in page
    csv_text = client.get(f"/audit/person/{person.pk}/", {"format": "csv"}).content.decode("utf-8-sig")
    assert csv_text.count("本人の基本情報の閲覧") == 2
    assert AuditEvent.objects.filter(action="audit.person_report", person_id=str(person.pk)).count() == 2


def test_person_report_of_another_organisations_person_is_404(pref, client_for):
    other = _person(pref, pref.orgs.wakaba, "若葉 花子")
    assert client_for(pref.users.bob).get(f"/audit/person/{other.pk}/").status_code == 404
    assert client_for(pref.users.bob).get("/audit/person/999999/").status_code == 404


def test_the_viewer_and_its_csv_name_each_operation_in_japanese_beside_its_code(pref, client_for):
    log_event("staff.created", actor=pref.users.bob, organisation=pref.orgs.aoba)
    client = client_for(pref.users.bob)
    page = client.get("/audit/").content.decode()
    assert "職員の登録<br><small><code>staff.created</code></small>" in page
    csv = client.get("/audit/export.csv").content.decode("utf-8-sig")
    assert "操作,操作コード" in csv and "職員の登録,staff.created" in csv
