"""Recording and withdrawing consents: validation in Japanese, pages, API, the scanned form, expiry panel."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from renkei.audit.models import AuditEvent
from renkei.consent import actions
from renkei.consent.models import Consent


def test_recording_a_consent_is_audited_naming_the_person(pref, world, consent_to):
    consent = consent_to(world["person"], organisation=pref.orgs.vn, scopes=["医療情報"])
    assert consent.scopes == ["基本情報", "医療情報"]  # a record scope brings the basic information along
    event = AuditEvent.objects.get(action="consent.recorded")
    assert event.person_id == str(world["person"].pk) and event.legal_basis == f"consent:{consent.pk}"


@pytest.mark.parametrize("change, message", [
    ({"purpose": " "}, "利用目的を入力してください。"),
    ({"scopes": []}, "共有する情報の範囲を1つ以上選んでください。"),
    ({"scopes": ["住民票"]}, "共有する情報の範囲が正しくありません"),
    ({"method": "fax"}, "同意の方法を選んでください。"),
    ({"note": ""}, "同意書の写しを添付するか"),
    ({"recipient_organisation": None}, "提供先の機関を選んでください。"),
    ({"days": -3}, "有効期間の終了日"),
])
def test_a_consent_with_bad_input_is_refused_in_japanese_and_nothing_is_saved(pref, world, consent_to, change,
                                                                           message):
    values = {"organisation": pref.orgs.vn} | change
    if "recipient_organisation" in change:
        values.pop("organisation")
    with pytest.raises(ValidationError) as error:
        consent_to(world["person"], **values)
    assert any(message in m for m in error.value.messages)
    assert Consent.objects.count() == 0


def test_the_own_organisation_cannot_be_a_recipient(pref, world, consent_to):
    with pytest.raises(ValidationError, match="自組織は提供先にできません"):
        consent_to(world["person"], organisation=pref.orgs.aoba)


def test_a_viewer_cannot_record_a_consent(pref, world, consent_to):
    with pytest.raises(ValidationError, match="権限がありません"):
        consent_to(world["person"], organisation=pref.orgs.vn, membership=pref.memberships.carol)


def test_only_the_obtaining_organisation_records_a_withdrawal_and_only_once(pref, world, consent_to):
    consent = consent_to(world["person"], organisation=pref.orgs.vn)
    with pytest.raises(ValidationError, match="他の組織が得た同意"):
        actions.do_withdraw_consent(request=None, membership=pref.memberships.mallory, consent=consent,
                                    version=consent.version, method="oral")
    actions.do_withdraw_consent(request=None, membership=pref.memberships.bob, consent=consent,
                                version=consent.version, method="written", note="本人から電話で撤回の申出")
    with pytest.raises(ValidationError, match="ほかの職員が先にこの同意を更新しました"):
        actions.do_withdraw_consent(request=None, membership=pref.memberships.alice, consent=consent,
                                    version=consent.version, method="oral")
    consent.refresh_from_db()
    with pytest.raises(ValidationError, match="すでに撤回"):
        Consent.objects.filter(pk=consent.pk).update(version=1)  # a withdrawal recorded before versions
        actions.do_withdraw_consent(request=None, membership=pref.memberships.alice, consent=consent,
                                    version=1, method="oral")
    consent.refresh_from_db()
    assert consent.withdrawn_by == pref.users.bob and consent.status_name == "撤回済み"
    assert AuditEvent.objects.filter(action="consent.withdrawn", person_id=str(world["person"].pk)).count() == 1


def test_recording_and_withdrawing_through_the_pages(pref, client_for, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(pref.users.alice)
    url = reverse("consent:consent_create", args=[world["person"].pk])
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    data = {"recipient_kind": "organisation", "recipient_organisation": pref.orgs.vn.pk, "purpose": "訪問看護のため",
            "scopes": ["相談・経過記録"], "valid_from": today.isoformat(),
            "valid_until": (today + dt.timedelta(days=90)).isoformat(), "method": "written",
            "obtained_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "attachment": SimpleUploadedFile("doui.pdf", b"%PDF-1.4 scan", content_type="application/pdf")}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    consent = Consent.objects.get()
    assert consent.attachment and consent.scopes == ["基本情報", "相談・経過記録"]
    register = client.get(reverse("consent:person_register", args=[world["person"].pk])).content.decode()
    assert "訪問看護ステーション みどり" in register and "data-print" in register
    # the scan is served only through the access-checked view
    attachment_url = reverse("consent:consent_attachment", args=[consent.pk])
    assert client.get(attachment_url).content == b"%PDF-1.4 scan"
    assert client_for(pref.users.mallory).get(attachment_url).status_code == 404
    assert AuditEvent.objects.filter(action="consent.attachment_viewed").count() == 1
    # withdraw
    detail = reverse("consent:consent_detail", args=[consent.pk])
    assert "撤回を記録する" in client.get(detail).content.decode()
    response = client.post(reverse("consent:consent_withdraw", args=[consent.pk]),
                           {"method": "oral", "version": consent.version})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_a_bad_form_shows_japanese_errors_and_saves_nothing(pref, client_for, world):
    client = client_for(pref.users.alice)
    response = client.post(reverse("consent:consent_create", args=[world["person"].pk]),
                           {"recipient_kind": "organisation", "method": "written"})
    html = response.content.decode()
    assert response.status_code == 200 and "利用目的を入力してください。" in html and 'role="alert"' in html
    assert Consent.objects.count() == 0


def test_the_partner_sees_the_consent_but_cannot_withdraw_it(pref, client_for, world, consent_to):
    consent = consent_to(world["person"], organisation=pref.orgs.vn)
    client = client_for(pref.users.dave)
    page = client.get(reverse("consent:consent_detail", args=[consent.pk])).content.decode()
    assert "退院後の生活の支援のため" in page and "撤回を記録する" not in page
    assert client.post(reverse("consent:consent_withdraw", args=[consent.pk]),
                       {"method": "oral", "version": consent.version}).status_code == 404


def test_consents_ending_soon_show_on_the_dashboard_and_the_person_page(pref, client_for, world, consent_to):
    consent_to(world["person"], organisation=pref.orgs.vn, days=10)
    consent_to(world["person"], organisation=pref.orgs.housing, days=200)
    client = client_for(pref.users.alice)
    dashboard = client.get("/").content.decode()
    assert "期限が近い同意" in dashboard and "山田 太郎 → 訪問看護ステーション みどり" in dashboard
    assert "すまいサポート" not in dashboard.split("期限が近い同意")[1].split("</section>")[0]
    person_page = client.get(reverse("cases:person_detail", args=[world["person"].pk])).content.decode()
    assert "同意 2件有効" in person_page and "期限が近い同意 1件" in person_page
    listing = client.get(reverse("consent:consent_list"), {"status": "expiring"}).content.decode()
    assert "あと10日" in listing


def test_the_api_records_reads_and_withdraws(pref, client_for, world):
    client = client_for(pref.users.alice)
    today = timezone.localdate()
    body = {"recipient_kind": "organisation_type", "recipient_type": "visiting_nurse", "purpose": "訪問看護",
            "scopes": ["基本情報"], "valid_from": today.isoformat(),
            "valid_until": (today + dt.timedelta(days=30)).isoformat(), "method": "oral", "note": "電話で確認"}
    response = client.post(f"/api/consent/persons/{world['person'].pk}/consents", body,
                           content_type="application/json")
    assert response.status_code == 201, response.content
    consent_id = response.json()["id"]
    bad = client.post(f"/api/consent/persons/{world['person'].pk}/consents", body | {"purpose": ""},
                      content_type="application/json")
    assert bad.status_code == 400 and "利用目的" in bad.json()["detail"]
    register = client_for(pref.users.dave).get(f"/api/consent/persons/{world['person'].pk}").json()
    assert register["shared_scopes"] == ["基本情報"] and register["consents"][0]["id"] == consent_id
    assert client.get("/api/consent/expiring").json()[0]["id"] == consent_id
    response = client.post(f"/api/consent/consents/{consent_id}/withdraw", {"method": "oral", "version": 1},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert client_for(pref.users.dave).get(f"/api/consent/persons/{world['person'].pk}").status_code == 404
