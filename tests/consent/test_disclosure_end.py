"""Ending a legal-basis disclosure before its date: with a reason, on record, and the recipient's access
ends on the next request (page, API)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from renkei.audit.models import AuditEvent
from renkei.consent import actions
from renkei.consent.models import Disclosure


@pytest.fixture
def disclosure(pref, world):
    return actions.do_record_disclosure(
        request=None, membership=pref.memberships.alice, person=world["person"], recipient=pref.orgs.hc,
        scopes=["相談・経過記録"], legal_basis="apppi-69-2-3",
        justification="保健所の精神保健福祉法に基づく相談支援のため（相当の理由あり）",
        valid_until=timezone.localdate() + dt.timedelta(days=30))


def case_url(world):
    return reverse("cases:case_detail", args=[world["case"].pk])


def test_ending_a_disclosure_early_ends_the_recipient_s_access_and_is_audited(pref, client_for, world, disclosure):
    hana = client_for(pref.users.hana)
    assert hana.get(case_url(world)).status_code == 200
    actions.do_end_disclosure(request=None, membership=pref.memberships.alice, disclosure=disclosure,
                              reason="会議での検討が終わったため")
    assert hana.get(case_url(world)).status_code == 404
    assert hana.get(f"/api/cases/cases/{world['case'].pk}").status_code == 404
    disclosure.refresh_from_db()
    assert disclosure.ended_by == pref.users.alice and disclosure.end_reason == "会議での検討が終わったため"
    assert not disclosure.is_active and disclosure.status_name == "終了（期限前）"
    event = AuditEvent.objects.filter(action="disclosure.ended").get()
    assert event.person_id == str(world["person"].pk) and event.legal_basis == disclosure.legal_basis_label
    assert event.data["reason"] == "会議での検討が終わったため"


def test_a_reason_is_required_and_only_the_discloser_may_end_it_once(pref, world, disclosure):
    with pytest.raises(ValidationError, match="理由を入力"):
        actions.do_end_disclosure(request=None, membership=pref.memberships.alice, disclosure=disclosure,
                                  reason="  ")
    with pytest.raises(ValidationError, match="他の組織が行った提供は終了できません"):
        actions.do_end_disclosure(request=None, membership=pref.memberships.hana, disclosure=disclosure,
                                  reason="不要になった")
    assert Disclosure.objects.get().ended_at is None
    assert not AuditEvent.objects.filter(action="disclosure.ended").exists()
    actions.do_end_disclosure(request=None, membership=pref.memberships.alice, disclosure=disclosure, reason="終了")
    with pytest.raises(ValidationError, match="すでに終了"):
        actions.do_end_disclosure(request=None, membership=pref.memberships.alice, disclosure=disclosure,
                                  reason="再度")


def test_the_register_page_has_an_end_button_that_ends_it(pref, client_for, world, disclosure):
    alice = client_for(pref.users.alice)
    register = reverse("consent:person_register", args=[world["person"].pk])
    end = reverse("consent:disclosure_end", args=[disclosure.pk])
    assert f'action="{end}"' in alice.get(register).content.decode()
    assert f'action="{end}"' not in client_for(pref.users.carol).get(register).content.decode()  # 閲覧: no button
    response = alice.post(end, {"reason": ""}, follow=True)
    assert "提供を終了する理由を入力してください。" in response.content.decode()
    assert Disclosure.objects.get().ended_at is None
    response = alice.post(end, {"reason": "本人の状態が安定したため"}, follow=True)
    assert "直ちに閲覧できなくなります" in response.content.decode()
    assert Disclosure.objects.get().ended_at is not None
    assert f'action="{end}"' not in alice.get(register).content.decode()
    assert client_for(pref.users.hana).get(case_url(world)).status_code == 404


def test_the_api_ends_a_disclosure_and_answers_404_to_others(pref, client_for, world, disclosure):
    url = f"/api/consent/disclosures/{disclosure.pk}/end"
    assert client_for(pref.users.hana).post(url, {"reason": "x"}, content_type="application/json").status_code == 404
    assert client_for(pref.users.mallory).post(url, {"reason": "x"},
                                               content_type="application/json").status_code == 404
    alice = client_for(pref.users.alice)
    response = alice.post(url, {"reason": ""}, content_type="application/json")
    assert response.status_code == 400 and "理由" in response.json()["detail"]
    response = alice.post(url, {"reason": "提供の必要がなくなった"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["is_active"] is False and response.json()["end_reason"] == "提供の必要がなくなった"
    assert client_for(pref.users.hana).get(case_url(world)).status_code == 404
