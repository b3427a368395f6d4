"""Legal-basis disclosures: the basis decides who may disclose to whom and whether a reason is needed."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from renkei.audit.models import AuditEvent
from renkei.consent import access, actions
from renkei.consent.models import Disclosure


def disclose(pref, world, **extra):
    values = {"recipient": pref.orgs.hc, "scopes": ["相談・経過記録"], "legal_basis": "apppi-69-2-3",
              "justification": "保健所の精神保健福祉法に基づく相談支援のため（相当の理由あり）",
              "valid_until": timezone.localdate() + dt.timedelta(days=14)} | extra
    return actions.do_record_disclosure(request=None, membership=extra.pop("membership", pref.memberships.alice),
                                        person=world["person"], **values)


def test_a_disclosure_needs_a_justification_where_the_basis_says_so(pref, world):
    with pytest.raises(ValidationError) as error:
        disclose(pref, world, justification="  ")
    assert error.value.messages == ["「個人情報保護法69条2項3号（他の行政機関等への提供）」による提供には理由の記載が必要です。"]
    assert Disclosure.objects.count() == 0


def test_the_basis_must_fit_the_recipient_kind(pref, world):
    with pytest.raises(ValidationError, match="民間の事業者に提供できません"):
        disclose(pref, world, recipient=pref.orgs.vn)


def test_consent_is_not_a_disclosure_basis(pref, world):
    with pytest.raises(ValidationError, match="同意として記録します"):
        disclose(pref, world, legal_basis="consent")


def test_a_disclosure_grants_the_recipient_access_until_its_end(pref, client_for, world):
    disclosure = disclose(pref, world)
    client = client_for(pref.users.hana)
    assert client.get(reverse("cases:case_detail", args=[world["case"].pk])).status_code == 200
    event = AuditEvent.objects.filter(action="case.viewed", actor=pref.users.hana).get()
    assert event.legal_basis == f"apppi-69-2-3:disclosure:{disclosure.pk}"
    assert access.sharing_basis(world["person"], pref.orgs.hc, "相談・経過記録") == disclosure
    Disclosure.objects.filter(pk=disclosure.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    assert client.get(reverse("cases:case_detail", args=[world["case"].pk])).status_code == 404


def test_a_peer_supporter_gets_nothing_from_a_disclosure(pref, client_for, world):
    disclose(pref, world, recipient=pref.orgs.peers, legal_basis="swa-106-6",
             justification="青葉市支援会議（令和8年11月20日）")
    assert client_for(pref.users.erin).get(reverse("cases:person_detail",
                                                   args=[world["person"].pk])).status_code == 404


def test_recording_a_disclosure_through_the_page_and_the_api(pref, client_for, world):
    client = client_for(pref.users.alice)
    url = reverse("consent:disclosure_create", args=[world["person"].pk])
    until = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    response = client.post(url, {"recipient": pref.orgs.vn.pk, "legal_basis": "apppi-27-1-2", "scopes": ["基本情報"],
                                 "valid_until": until})
    assert response.status_code == 200 and "理由の記載が必要です" in response.content.decode()
    response = client.post(url, {"recipient": pref.orgs.vn.pk, "legal_basis": "apppi-27-1-2", "scopes": ["基本情報"],
                                 "valid_until": until, "justification": "夜間に本人が倒れ、救急搬送に同行するため"})
    assert response.status_code == 302
    api = client.post(f"/api/consent/persons/{world['person'].pk}/disclosures",
                      {"recipient_id": pref.orgs.hc.pk, "legal_basis": "law", "scopes": ["基本情報"],
                       "valid_until": until}, content_type="application/json")
    assert api.status_code == 400 and "理由の記載が必要です" in api.json()["detail"]
    assert Disclosure.objects.count() == 1
