"""A consent is not edited once recorded; its one change, the withdrawal, is saved with the version it was
based on (renkei.cases.versioning). Two workers recording the withdrawal of the same consent at once never
both succeed: the later one is refused in Japanese, nothing of theirs is written, and what they typed comes
back beside what the colleague recorded — on the page and in the API (409 in the one error shape)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from renkei.audit.models import AuditEvent
from renkei.cases.versioning import StaleVersion
from renkei.consent import actions
from renkei.consent.models import Consent

STALE = "ほかの職員が先にこの同意を更新しました"


@pytest.fixture
def consent(pref, world, consent_to):
    return consent_to(world["person"], organisation=pref.orgs.vn)


def withdraw(pref, who, consent, version, method="oral", note=""):
    return actions.do_withdraw_consent(request=None, membership=getattr(pref.memberships, who), consent=consent,
                                       version=version, method=method, note=note)


def withdrawals(consent):
    return AuditEvent.objects.filter(action="consent.withdrawn", object_id=str(consent.pk)).count()


def test_a_recorded_consent_starts_at_version_one_and_the_withdrawal_makes_it_two(pref, consent):
    assert consent.version == 1
    withdrawn = withdraw(pref, "bob", consent, 1, note="本人から電話で撤回の申出")
    assert withdrawn.version == 2 and Consent.objects.get(pk=consent.pk).version == 2


def test_a_withdrawal_based_on_an_older_version_is_refused_and_the_first_one_stands(pref, consent):
    withdraw(pref, "bob", consent, 1, method="written", note="本人から書面で撤回")
    with pytest.raises(StaleVersion) as refused:
        withdraw(pref, "alice", consent, 1, method="oral", note="母親から電話で撤回の連絡")
    assert STALE in refused.value.messages[0] and "青葉 ボブさんが撤回（書面）を記録しています" in refused.value.messages[0]
    assert refused.value.current.version == 2
    stored = Consent.objects.get(pk=consent.pk)
    assert (stored.withdrawn_by, stored.withdrawal_method, stored.withdrawal_note, stored.version) == (
        pref.users.bob, "written", "本人から書面で撤回", 2)
    assert withdrawals(consent) == 1


def test_a_colleague_s_withdrawal_between_the_check_and_the_write_is_not_overwritten(pref, consent, monkeypatch):
    """The conditional UPDATE itself refuses: bob's withdrawal lands after alice's request has read the
    consent at version 1 and before it writes (here inside her transaction, so it is rolled back with it;
    the refusal carries the stored record as the UPDATE found it)."""
    real = actions.save_versioned

    def bob_first(obj, expected, values, **kwargs):
        Consent.objects.filter(pk=obj.pk).update(version=2, withdrawn_by=pref.users.bob, withdrawal_method="written",
                                                 withdrawal_note="本人から書面で撤回",
                                                 withdrawn_at=consent.obtained_at)
        return real(obj, expected, values, **kwargs)

    monkeypatch.setattr(actions, "save_versioned", bob_first)
    with pytest.raises(StaleVersion, match=STALE) as refused:
        withdraw(pref, "alice", consent, 1, note="母親から電話で撤回の連絡")
    theirs = refused.value.current
    assert (theirs.version, theirs.withdrawn_by, theirs.withdrawal_note) == (2, pref.users.bob, "本人から書面で撤回")
    assert "青葉 ボブさんが撤回（書面）を記録しています" in refused.value.messages[0]
    assert withdrawals(consent) == 0  # alice's entry was never written


@pytest.mark.parametrize("version", [None, "", "abc", 0, -1])
def test_a_withdrawal_without_a_valid_version_is_refused_in_japanese(pref, consent, version):
    with pytest.raises(ValidationError, match="版番号"):
        withdraw(pref, "alice", consent, version)
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is None


def test_the_withdraw_form_carries_the_version_the_page_was_opened_on(pref, client_for, consent):
    page = client_for(pref.users.alice).get(reverse("consent:consent_detail", args=[consent.pk])).content.decode()
    assert '<input type="hidden" name="version" value="1"' in page


def test_a_stale_withdrawal_on_the_page_is_refused_and_shows_both_with_what_was_typed(pref, client_for, consent):
    alice, bob = client_for(pref.users.alice), client_for(pref.users.bob)
    detail = reverse("consent:consent_detail", args=[consent.pk])
    url = reverse("consent:consent_withdraw", args=[consent.pk])
    # both opened the page on version 1; bob records the withdrawal first
    assert bob.post(url, {"version": 1, "method": "written", "note": "本人から書面で撤回"}).status_code == 302
    response = alice.post(url, {"version": 1, "method": "oral", "note": "母親から電話で撤回の連絡"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and STALE in page
    # the comparison: bob's stored withdrawal beside alice's input, the differences marked, nothing to take
    assert "ほかの職員が先に記録しました（現在の記録・第2版）" in page and "data-conflict" in page
    assert '<mark class="diff-theirs">本人から書面で撤回</mark>' in page
    assert '<mark class="diff-yours">母親から電話で撤回の連絡</mark>' in page
    assert "違いあり" in page and 'name="take_version"' not in page
    stored = Consent.objects.get(pk=consent.pk)
    assert (stored.withdrawn_by, stored.withdrawal_note, stored.version) == (pref.users.bob, "本人から書面で撤回", 2)
    assert withdrawals(consent) == 1
    # shown once: the page read again is the plain withdrawn consent
    again = alice.get(detail).content.decode()
    assert "data-conflict" not in again and "母親から電話で撤回の連絡" not in again


def test_a_refused_withdrawal_form_keeps_what_was_typed(pref, client_for, consent):
    alice = client_for(pref.users.alice)
    response = alice.post(reverse("consent:consent_withdraw", args=[consent.pk]),
                          {"version": 1, "method": "fax", "note": "本人の言葉: もう共有しないでほしい"}, follow=True)
    page = response.content.decode()
    assert "撤回の方法を選んでください。" in page and "本人の言葉: もう共有しないでほしい" in page
    assert '<input type="hidden" name="version" value="1"' in page
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is None


def test_the_api_answers_409_with_the_stored_version_when_a_colleague_withdrew_first(pref, client_for, consent):
    url = f"/api/consent/consents/{consent.pk}/withdraw"
    alice, bob = client_for(pref.users.alice), client_for(pref.users.bob)
    opened = alice.get(f"/api/consent/consents/{consent.pk}").json()
    assert opened["version"] == 1
    first = bob.post(url, {"version": 1, "method": "written", "note": "本人から書面で撤回"},
                     content_type="application/json")
    assert first.status_code == 200 and first.json()["version"] == 2
    late = alice.post(url, {"version": opened["version"], "method": "oral", "note": "母親から電話で撤回の連絡"},
                      content_type="application/json")
    assert late.status_code == 409
    body = late.json()
    assert STALE in body["detail"] and body["errors"] == []
    assert body["theirs"]["version"] == 2 and body["theirs"]["withdrawal_note"] == "本人から書面で撤回"
    assert body["yours"] == {"version": 1, "method": "oral", "note": "母親から電話で撤回の連絡"}
    assert Consent.objects.get(pk=consent.pk).withdrawn_by == pref.users.bob and withdrawals(consent) == 1


def test_the_api_withdrawal_needs_the_version(pref, client_for, consent):
    response = client_for(pref.users.alice).post(f"/api/consent/consents/{consent.pk}/withdraw", {"method": "oral"},
                                                 content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["msg"] == "必須項目です。"
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is None
