"""The holder of a person's record ends a break-glass access early from the person's register: a POST with a
reason, after a confirmation, in one transaction with its audit entry; the access it opened is gone at once
(the grant epoch moves with the row). Anyone else gets the same 404 as for a missing access."""

from django.urls import reverse

from renkei.audit.models import AuditEvent
from renkei.cases import grant_cache
from renkei.consent import actions
from renkei.consent.models import BreakGlassAccess
from renkei.notices.models import Notification

REASON = "夜間に警察から保護の連絡。服薬と緊急連絡先の確認が必要"


def open_glass(pref, world):
    return actions.do_open_breakglass(request=None, membership=pref.memberships.mallory, person=world["person"],
                                      reason=REASON, legal_basis="apppi-27-1-2")


def end_url(glass):
    return reverse("consent:breakglass_end", args=[glass.pk])


def test_the_register_lists_the_active_break_glass_with_the_page_that_ends_it(pref, client_for, world):
    glass = open_glass(pref, world)
    page = client_for(pref.users.alice).get(reverse("consent:person_register", args=[world["person"].pk]))
    assert end_url(glass) in page.content.decode() and "緊急アクセスを終了する" in page.content.decode()
    confirm = client_for(pref.users.alice).get(end_url(glass)).content.decode()
    assert "若葉" in confirm and 'data-confirm="この緊急アクセスを終了します。よろしいですか。"' in confirm
    assert AuditEvent.objects.filter(action="breakglass.end_form_viewed", person_id=str(world["person"].pk)).exists()
    # a viewer of the holder sees the row, without the way to end it
    viewer = client_for(pref.users.carol).get(reverse("consent:person_register", args=[world["person"].pk]))
    assert end_url(glass) not in viewer.content.decode()


def test_the_ended_break_glass_no_longer_opens_the_person(pref, client_for, world):
    glass = open_glass(pref, world)
    mallory = client_for(pref.users.mallory)
    person_url = reverse("cases:person_detail", args=[world["person"].pk])
    assert mallory.get(person_url).status_code == 200  # the grants are cached for this epoch
    token = grant_cache.current_token()
    response = client_for(pref.users.alice).post(end_url(glass), {"reason": "本人の安全が確認できたため"})
    assert response.status_code == 302
    assert response.url == reverse("consent:person_register", args=[world["person"].pk])
    assert grant_cache.current_token() != token
    assert mallory.get(person_url).status_code == 404
    assert mallory.get(reverse("cases:case_detail", args=[world["case"].pk])).status_code == 404
    glass.refresh_from_db()
    assert glass.ended_by == pref.users.alice and glass.end_reason == "本人の安全が確認できたため"
    assert glass.expires_at == glass.ended_at
    entry = AuditEvent.objects.get(action="breakglass.ended")
    assert entry.person_id == str(world["person"].pk) and entry.actor == pref.users.alice
    assert Notification.objects.filter(recipient=pref.users.mallory, kind="breakglass_ended").exists()
    page = client_for(pref.users.alice).get(reverse("consent:person_register", args=[world["person"].pk]))
    assert end_url(glass) not in page.content.decode()


def test_a_non_holder_cannot_end_it_and_gets_404_like_a_missing_access(pref, client_for, world):
    glass = open_glass(pref, world)
    for user in (pref.users.mallory, pref.users.walter, pref.users.hana, pref.users.carol):
        client = client_for(user)
        assert client.get(end_url(glass)).status_code == 404
        assert client.post(end_url(glass), {"reason": "終了したい"}).status_code == 404
        answer = client.post(f"/api/consent/breakglass/accesses/{glass.pk}/end", {"reason": "終了したい"},
                             content_type="application/json")
        assert answer.status_code == 404
    alice = client_for(pref.users.alice)
    assert alice.post(reverse("consent:breakglass_end", args=[glass.pk + 1000]), {"reason": "x"}).status_code == 404
    glass.refresh_from_db()
    assert glass.ended_at is None and glass.is_active
    assert not AuditEvent.objects.filter(action="breakglass.ended").exists()


def test_ending_needs_a_reason_and_an_active_access_and_changes_nothing_otherwise(pref, client_for, world):
    glass = open_glass(pref, world)
    alice = client_for(pref.users.alice)
    response = alice.post(end_url(glass), {"reason": "  "})
    assert response.status_code == 200 and "緊急アクセスを終了する理由を入力してください。" in response.content.decode()
    answer = alice.post(f"/api/consent/breakglass/accesses/{glass.pk}/end", {"reason": ""},
                        content_type="application/json")
    assert answer.status_code == 400 and answer.json()["detail"] == "緊急アクセスを終了する理由を入力してください。"
    glass.refresh_from_db()
    assert glass.ended_at is None
    assert alice.post(end_url(glass), {"reason": "本人と連絡がとれたため"}).status_code == 302
    again = alice.post(end_url(glass), {"reason": "二度目"})
    assert again.status_code == 200 and "この緊急アクセスはすでに終了しています。" in again.content.decode()
    assert AuditEvent.objects.filter(action="breakglass.ended").count() == 1
    assert "すでに終わっています" in alice.get(end_url(glass)).content.decode()


def test_the_api_ends_it_too(pref, client_for, world):
    glass = open_glass(pref, world)
    answer = client_for(pref.users.alice).post(f"/api/consent/breakglass/accesses/{glass.pk}/end",
                                               {"reason": "本人の安全が確認できたため"}, content_type="application/json")
    assert answer.status_code == 200
    body = answer.json()
    assert body["id"] == glass.pk and body["end_reason"] == "本人の安全が確認できたため" and body["ended_at"]
    assert not BreakGlassAccess.objects.get(pk=glass.pk).is_active
    assert client_for(pref.users.mallory).get(f"/api/cases/persons/{world['person'].pk}").status_code == 404
