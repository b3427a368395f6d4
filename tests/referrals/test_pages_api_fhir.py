"""Pages, the JSON API and the FHIR interchange: shapes, the same access rules (404 alike for missing and
forbidden), audited reads."""

import pytest

from renkei.audit.models import AuditEvent


@pytest.fixture
def accepted(pref, net, case, consent_to, refer, move):
    r = refer(case, pref.orgs.housing, consent=consent_to(case, pref.orgs.housing), service=net.sumai_service)
    move(r, pref.memberships.henry, "received")
    move(r, pref.memberships.henry, "accepted")
    return r


def test_fhir_task_has_the_sdoh_referral_management_shape(pref, accepted, client_for, move):
    move(accepted, pref.memberships.henry, "completed", outcome="アパートに入居できた")
    answer = client_for(pref.users.alice).get(f"/api/fhir/Task/{accepted.pk}")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/fhir+json")
    task = answer.json()
    assert task["resourceType"] == "Task" and task["status"] == "completed" and task["intent"] == "order"
    assert task["meta"]["profile"][0].endswith("SDOHCC-TaskForReferralManagement")
    assert task["focus"] == {"reference": f"ServiceRequest/{accepted.pk}"}
    assert task["for"]["reference"] == f"Patient/{accepted.person_id}"
    assert task["requester"]["reference"] == "Organization/aoba" and "sumai-midori" in task["owner"]["reference"]
    assert task["output"][0]["valueCodeableConcept"] == {"text": "アパートに入居できた"}
    assert {"authoredOn", "lastModified"} <= set(task)
    assert AuditEvent.objects.filter(action="referral.fhir_task_read", object_id=str(accepted.pk)).exists()


def test_fhir_task_carries_the_coded_reason_of_a_rejection(pref, net, case, consent_to, refer, move, client_for):
    r = refer(case, net.anshin, consent=consent_to(case, net.anshin))
    move(r, net.ivy_m, "rejected", reason="out-of-area")
    task = client_for(pref.users.alice).get(f"/api/fhir/Task/{r.pk}").json()
    assert task["status"] == "rejected"
    assert task["statusReason"]["coding"][0]["code"] == "out-of-area"
    sr = client_for(pref.users.alice).get(f"/api/fhir/ServiceRequest/{r.pk}").json()
    assert sr["status"] == "revoked"


def test_fhir_service_request_shape(pref, accepted, client_for):
    sr = client_for(pref.users.henry).get(f"/api/fhir/ServiceRequest/{accepted.pk}").json()
    assert sr["resourceType"] == "ServiceRequest" and sr["status"] == "active" and sr["intent"] == "order"
    assert sr["meta"]["profile"][0].endswith("SDOHCC-ServiceRequest")
    assert sr["code"]["coding"][0]["code"] == "accept"
    assert sr["category"][0]["coding"][0]["code"] == "housing-support"
    assert sr["subject"]["display"] == "山田 太郎"
    assert sr["performer"][0]["reference"] == "Organization/sumai-midori"


@pytest.mark.parametrize("path", ["/api/fhir/Task/{}", "/api/fhir/ServiceRequest/{}", "/api/referrals/{}",
                                  "/referrals/{}/"])
def test_outsiders_get_404_alike_for_missing_and_forbidden(pref, accepted, client_for, path):
    for user in (pref.users.mallory, pref.users.dave, pref.users.erin):
        c = client_for(user)
        assert c.get(path.format(accepted.pk)).status_code == 404
        assert c.get(path.format(999999)).status_code == 404


def test_drafts_are_invisible_to_the_receiver(pref, net, case, consent_to, refer, client_for):
    r = refer(case, pref.orgs.housing, consent=consent_to(case, pref.orgs.housing), send=False)
    assert client_for(pref.users.henry).get(f"/referrals/{r.pk}/").status_code == 404
    assert client_for(pref.users.alice).get(f"/referrals/{r.pk}/").status_code == 200


def test_pages_render_for_sender_and_receiver(pref, accepted, client_for, case):
    alice, henry = client_for(pref.users.alice), client_for(pref.users.henry)
    for c, paths in [(alice, ["/referrals/", f"/referrals/{accepted.pk}/", f"/referrals/case/{case.pk}/",
                              f"/referrals/case/{case.pk}/new/", f"/referrals/case/{case.pk}/new/?escalate=1",
                              "/referrals/notifications/", "/referrals/stats/", "/"]),
                     (henry, ["/referrals/", f"/referrals/{accepted.pk}/", "/referrals/notifications/", "/"])]:
        for path in paths:
            assert c.get(path).status_code == 200, path
    page = henry.get(f"/referrals/{accepted.pk}/").content.decode()
    assert "山田 太郎" in page and "家賃滞納" in page
    assert AuditEvent.objects.filter(action="referral.viewed", actor=pref.users.henry,
                                     person_id=str(accepted.person_id)).exists()
    assert henry.get(f"/referrals/case/{case.pk}/new/").status_code == 404


def test_the_page_flow_rejects_with_a_reason_and_refuses_bad_input(pref, net, case, consent_to, refer, client_for):
    r = refer(case, pref.orgs.housing, consent=consent_to(case, pref.orgs.housing))
    henry = client_for(pref.users.henry)
    bad = henry.post(f"/referrals/{r.pk}/transition/", {"to_status": "rejected", "expected_status": "requested"},
                     follow=True)
    assert "理由を選んでください" in bad.content.decode()
    r.refresh_from_db()
    assert r.status == "requested"
    henry.post(f"/referrals/{r.pk}/transition/", {"to_status": "rejected", "expected_status": "requested",
                                                   "reason": "no-capacity"})
    r.refresh_from_db()
    assert r.status == "rejected"
    page = client_for(pref.users.alice).get(f"/referrals/{r.pk}/").content.decode()
    assert "次に依頼できる機関" in page and "あんしん住まいネット" in page


def test_the_create_page_sends_a_referral_and_refuses_a_second(pref, net, case, consent_to, client_for):
    consent = consent_to(case, net.anshin)
    alice = client_for(pref.users.alice)
    data = {"service": str(net.anshin_service.pk), "purpose": "「一人暮らしを続けたい」", "asks": ["accept"],
            "urgency": "routine", "scopes": ["基本情報"], "basis": "consent", "consent_ids": [str(consent.pk)],
            "send": "on"}
    first = alice.post(f"/referrals/case/{case.pk}/new/", data)
    assert first.status_code == 302
    second = alice.post(f"/referrals/case/{case.pk}/new/", data)
    assert second.status_code == 200 and "進行中の連携依頼" in second.content.decode()


def test_api_creates_and_moves_a_referral(pref, net, case, consent_to, client_for):
    consent = consent_to(case, net.anshin)
    alice, ivy = client_for(pref.users.alice), client_for(net.ivy)
    made = alice.post("/api/referrals/", {"case_id": case.pk, "to_organisation": "anshin", "purpose": "住まい",
                                          "asks": ["accept"], "need": "housing-support",
                                          "consent_ids": [consent.pk]}, content_type="application/json")
    assert made.status_code == 201, made.content
    rid = made.json()["id"]
    refused = alice.post(f"/api/referrals/{rid}/transition", {"to_status": "accepted"},
                         content_type="application/json")
    assert refused.status_code == 400 and "依頼先だけ" in refused.json()["detail"]
    ok = ivy.post(f"/api/referrals/{rid}/transition", {"to_status": "accepted"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    assert [r["id"] for r in ivy.get("/api/referrals/?box=received").json()] == [rid]
    assert alice.get("/api/referrals/stats").status_code == 200


def test_the_case_page_suggests_the_escalation_with_one_click(pref, net, case, client_for):
    page = client_for(pref.users.alice).get(f"/cases/{case.pk}/").content.decode()
    assert "連携依頼" in page and f"/referrals/case/{case.pk}/new/?escalate=1" in page
    form = client_for(pref.users.alice).get(f"/referrals/case/{case.pk}/new/?escalate=1").content.decode()
    assert "保健所に同行訪問・助言を依頼する" in form and "根拠:" in form


def test_the_referral_page_names_the_legal_basis_and_the_fhir_links_in_japanese(pref, net, case, refer, client_for):
    from renkei.referrals import sharing

    basis = sharing.legal_basis_choices(pref.orgs.aoba, pref.orgs.hc)[0]
    r = refer(case, pref.orgs.hc, basis="legal", legal_basis=basis["code"], justification="自傷のおそれがあり訪問が必要")
    page = client_for(pref.users.alice).get(f"/referrals/{r.pk}/").content.decode()
    shared = page[page.index("<dt>共有の根拠</dt>"):page.index("</dd>", page.index("<dt>共有の根拠</dt>"))]
    assert basis["name"] in shared and basis["code"] not in shared
    assert "FHIR: ServiceRequest" not in page and "他のシステムとの連携用（HL7 FHIR 形式）" in page
