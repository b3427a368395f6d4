"""The API's next step for a referral held because its sharing basis ended: the sender records a new basis
(POST /api/referrals/{id}/rebase) with the same checks and action as the page — the referral returns to
where it was and the receiver sees the person again; another organisation, and the receiver, get the
404 of a referral that does not exist; a basis that does not hold is refused in Japanese and changes
nothing."""

import pytest

from renkei.api import api
from renkei.audit.models import AuditEvent
from renkei.cases import access as cases_access
from renkei.consent import actions as consent_actions
from renkei.notices.models import Notification
from renkei.referrals.models import Referral


@pytest.fixture
def held(pref, net, case, consent_to, refer, move):
    """A referral to あんしん住まいネット, accepted by ivy and in progress, whose consent alice withdrew."""
    consent = consent_to(case, net.anshin)
    r = refer(case, net.anshin, consent=consent)
    move(r, net.ivy_m, "accepted")
    move(r, net.ivy_m, "in-progress")
    consent_actions.do_withdraw_consent(request=None, membership=pref.memberships.alice, consent=consent,
                                        version=consent.version, method="oral", note="本人から電話で撤回の申出")
    r.refresh_from_db()
    assert (r.status, r.status_reason) == ("on-hold", "consent-withdrawn")
    return r


def rebase(client, referral_id, body):
    return client.post(f"/api/referrals/{referral_id}/rebase", body, content_type="application/json")


def still_held(referral):
    fresh = Referral.objects.get(pk=referral.pk)
    return (fresh.status, fresh.status_reason) == ("on-hold", "consent-withdrawn")


def test_a_new_consent_through_the_api_returns_the_referral_and_the_receiver_sees_the_person_again(
        pref, net, held, consent_to, client_for):
    assert not cases_access.persons_visible_to(net.ivy_m).filter(pk=held.person_id).exists()
    renewed = consent_to(held.case, net.anshin)
    response = rebase(client_for(pref.users.alice), held.pk,
                      {"basis": "consent", "consent_ids": [renewed.pk], "note": "本人から改めて同意を得た"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["status_reason"], body["basis"]) == ("in-progress", "", "consent")
    held.refresh_from_db()
    assert held.consent_ids == [renewed.pk]
    assert cases_access.persons_visible_to(net.ivy_m).filter(pk=held.person_id).exists()
    assert client_for(net.ivy).get(f"/api/referrals/{held.pk}").json()["status"] == "in-progress"
    assert AuditEvent.objects.filter(action="referral.basis_renewed", person_id=held.person_id,
                                     actor=pref.users.alice).count() == 1
    assert Notification.objects.filter(recipient=net.ivy, url=f"/referrals/{held.pk}/", message__contains="記録し直され").exists()
    assert held.events.order_by("-id").first().note.endswith("本人から改めて同意を得た")


def test_another_organisation_and_the_receiver_get_the_404_of_a_missing_referral(pref, net, held, consent_to,
                                                                                client_for):
    renewed = consent_to(held.case, net.anshin)
    body = {"basis": "consent", "consent_ids": [renewed.pk]}
    missing = rebase(client_for(pref.users.alice), 999999, body)
    assert missing.status_code == 404
    for outsider in (pref.users.mallory, net.ivy, pref.users.dave):
        response = rebase(client_for(outsider), held.pk, body)
        assert response.status_code == 404 and response.json() == missing.json()
    assert still_held(held)
    assert not AuditEvent.objects.filter(action="referral.basis_renewed").exists()


def test_a_consent_that_does_not_cover_the_receiver_is_refused_in_japanese(pref, net, held, consent_to,
                                                                          client_for):
    elsewhere = consent_to(held.case, pref.orgs.housing)  # すまいサポート, not あんしん住まいネット
    response = rebase(client_for(pref.users.alice), held.pk, {"basis": "consent", "consent_ids": [elsewhere.pk]})
    assert response.status_code == 400
    assert response.json()["detail"] == "選んだ同意に、期限切れ・撤回済み・依頼先を含まないものがあります。"
    assert still_held(held)
    assert not cases_access.persons_visible_to(net.ivy_m).filter(pk=held.person_id).exists()
    assert not AuditEvent.objects.filter(action="referral.basis_renewed").exists()


def test_the_withdrawn_consent_itself_is_not_a_new_basis(pref, held, client_for):
    response = rebase(client_for(pref.users.alice), held.pk, {"basis": "consent", "consent_ids": held.consent_ids})
    assert response.status_code == 400 and "撤回済み" in response.json()["detail"]
    assert still_held(held)


@pytest.mark.parametrize("body, status, message", [
    ({"basis": "maybe"}, 422, "選択肢にない値です"),
    ({}, 422, "必須項目です。"),
    ({"basis": "consent", "consent_ids": ["x"]}, 422, "整数で指定してください。"),
    ({"basis": "consent"}, 400, "依頼先に情報を共有する根拠となる同意を選んでください。"),
    ({"basis": "legal", "legal_basis": "no-such-basis", "justification": "理由"}, 422, "選択肢にない値です"),
    ({"basis": "legal", "legal_basis": "", "justification": "理由"}, 400,
     "この依頼先への提供に使える法的根拠を選んでください。"),
])
def test_a_bad_basis_is_refused_in_japanese_and_changes_nothing(pref, held, client_for, body, status, message):
    response = rebase(client_for(pref.users.alice), held.pk, body)
    assert response.status_code == status
    answer = response.json()
    assert message in answer["detail"] or any(message in e["msg"] for e in answer["errors"])
    assert still_held(held)


def test_a_referral_not_held_for_its_basis_is_refused(pref, net, case, consent_to, refer, client_for):
    consent = consent_to(case, net.anshin)
    r = refer(case, net.anshin, consent=consent)
    response = rebase(client_for(pref.users.alice), r.pk, {"basis": "consent", "consent_ids": [consent.pk]})
    assert response.status_code == 400 and "保留中ではありません" in response.json()["detail"]
    assert Referral.objects.get(pk=r.pk).status == "requested"


def test_the_operation_is_documented_in_the_openapi_schema(db):
    schema = api.get_openapi_schema(path_prefix="/api/")
    operation = schema["paths"]["/api/referrals/{referral_id}/rebase"]["post"]
    assert "新しい根拠を記録する" in operation["summary"]
    assert {200, 400, 404, 422} <= set(operation["responses"])
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    fields = schema["components"]["schemas"][body]["properties"]
    assert {"basis", "consent_ids", "legal_basis", "justification", "note"} == set(fields)
    assert fields["basis"]["enum"] == ["consent", "legal"]
