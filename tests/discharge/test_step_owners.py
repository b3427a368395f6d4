from renkei.audit.models import AuditEvent
from renkei.discharge import work_actions as work


def _pathway_with_owned_steps(pref, inpatient):
    m = pref.memberships.hana
    pathway = work.do_start_pathway(request=None, membership=m, case=inpatient)
    nurse = pathway.steps.get(code="visiting_nurse")
    work.do_update_step(request=None, membership=m, step=nurse, status="in_progress",
                        owner_organisation=pref.orgs.vn.pk, owner_user=pref.users.dave.pk, note="週1回の訪問を調整中")
    housing = pathway.steps.get(code="housing")
    work.do_update_step(request=None, membership=m, step=housing, status="todo", owner_organisation=pref.orgs.housing.pk)
    return pathway, nurse, housing


def test_step_owner_sees_the_step_on_the_dashboard_with_the_case_number_only(pref, inpatient, client_for):
    pathway, nurse, housing = _pathway_with_owned_steps(pref, inpatient)
    dave = client_for(pref.users.dave)
    page = dave.get("/").content.decode()
    assert "地域移行の担当" in page and inpatient.number in page and nurse.name in page and "対応中" in page
    assert f"/discharge/steps/{nurse.pk}/view/" in page
    assert inpatient.person.name not in page and housing.name not in page
    detail = dave.get(f"/discharge/steps/{nurse.pk}/view/")
    assert detail.status_code == 200
    body = detail.content.decode()
    assert inpatient.number in body and "週1回の訪問を調整中" in body and inpatient.person.name not in body
    assert AuditEvent.objects.filter(action="pathway_step.viewed", actor=pref.users.dave,
                                     legal_basis="pathway_step_owner").exists()
    assert dave.get(f"/discharge/steps/{housing.pk}/view/").status_code == 404   # not dave's step
    assert dave.get(f"/discharge/cases/{inpatient.pk}/").status_code == 404       # nor the case


def test_an_organisation_owned_step_shows_for_its_members(pref, inpatient, client_for):
    pathway, nurse, housing = _pathway_with_owned_steps(pref, inpatient)
    page = client_for(pref.users.henry).get("/").content.decode()
    assert "地域移行の担当" in page and housing.name in page and "組織の担当" in page
    assert client_for(pref.users.henry).get(f"/discharge/steps/{housing.pk}/view/").status_code == 200


def test_others_and_finished_steps_do_not_appear(pref, inpatient, client_for):
    pathway, nurse, housing = _pathway_with_owned_steps(pref, inpatient)
    for outsider in (pref.users.mallory, pref.users.erin):
        client = client_for(outsider)
        assert "地域移行の担当" not in client.get("/").content.decode()
        assert client.get(f"/discharge/steps/{nurse.pk}/view/").status_code == 404
    work.do_update_step(request=None, membership=pref.memberships.hana, step=nurse, status="done",
                        owner_organisation=pref.orgs.vn.pk, owner_user=pref.users.dave.pk)
    assert "地域移行の担当" not in client_for(pref.users.dave).get("/").content.decode()
    hub = client_for(pref.users.hana).get(f"/discharge/steps/{housing.pk}/view/").content.decode()
    assert inpatient.person.name in hub   # the case's own worker sees the person as on the case pages


def test_step_owner_reads_their_steps_through_the_api(pref, inpatient, client_for):
    pathway, nurse, housing = _pathway_with_owned_steps(pref, inpatient)
    dave = client_for(pref.users.dave)
    rows = dave.get("/api/discharge/my-steps").json()
    assert [r["id"] for r in rows] == [nurse.pk] and rows[0]["case_number"] == inpatient.number
    assert "person" not in rows[0] and "川口" not in str(rows)
    one = dave.get(f"/api/discharge/steps/{nurse.pk}").json()
    assert one["status"] == "in_progress" and one["case_id"] is None
    assert dave.get(f"/api/discharge/steps/{housing.pk}").status_code == 404
    assert client_for(pref.users.mallory).get("/api/discharge/my-steps").json() == []


def test_a_step_with_no_owner_yet_reads_through_the_api_and_page(pref, inpatient, client_for):
    pathway = work.do_start_pathway(request=None, membership=pref.memberships.hana, case=inpatient)
    step = pathway.steps.exclude(owner_organisation__isnull=False).first()
    client = client_for(pref.users.hana)
    response = client.get(f"/api/discharge/steps/{step.pk}")
    assert response.status_code == 200 and response.json()["owner_organisation"] is None
    assert client.get(f"/discharge/steps/{step.pk}/view/").status_code == 200
