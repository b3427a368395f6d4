"""Consent attachments: accepted by content (PDF, PNG, JPEG, TIFF) within a size limit, encrypted at rest,
served only as a sandboxed download through the access layer, audited, never from a media URL."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from renkei.audit.models import AuditEvent
from renkei.consent.models import Consent
from renkei.core import attachments
from renkei.core.models import Attachment

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
TIFF = b"II*\x00\x08\x00\x00\x00" + b"\x00" * 32
HTML = b"<!doctype html><html><body><script src='/consent/2/attachment/'></script>scan</body></html>"
SCRIPT = b"fetch('/api/accounts/me').then(r => r.text()).then(t => navigator.sendBeacon('/x', t));"


def form_data(pref, upload):
    today = timezone.localdate()
    return {"recipient_kind": "organisation", "recipient_organisation": pref.orgs.vn.pk, "purpose": "訪問看護のため",
            "scopes": ["相談・経過記録"], "valid_from": today.isoformat(),
            "valid_until": (today + dt.timedelta(days=90)).isoformat(), "method": "written",
            "obtained_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "note": "署名あり", "attachment": upload}


def upload(client, world, pref, name, content, content_type="application/octet-stream"):
    url = reverse("consent:consent_create", args=[world["person"].pk])
    return client.post(url, form_data(pref, SimpleUploadedFile(name, content, content_type=content_type)))


@pytest.mark.parametrize("name,content,claimed", [
    ("scan.html", HTML, "text/html"),
    ("a.js", SCRIPT, "text/javascript"),
    ("scan.pdf", HTML, "application/pdf"),  # the name and the claimed type lie: the content decides
    ("doui.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "image/svg+xml"),
    ("data.bin", b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "application/octet-stream"),
])
def test_an_upload_that_is_not_a_scan_is_refused_by_its_content(pref, client_for, world, name, content, claimed):
    response = upload(client_for(pref.users.alice), world, pref, name, content, claimed)
    assert response.status_code == 200
    assert "添付できるのは PDF・PNG・JPEG・TIFF のファイルです" in response.content.decode()
    assert not Consent.objects.exists() and not Attachment.objects.exists()
    assert not any(p.is_file() for p in attachments.private_storage().base_location.rglob("*"))


@pytest.mark.parametrize("name,content,content_type", [
    ("doui.pdf", PDF, "application/pdf"), ("doui.png", PNG, "image/png"),
    ("doui.jpeg", JPEG, "image/jpeg"), ("scanner-output.TIF", TIFF, "image/tiff"),
    ("doui.html", PNG, "image/png"),  # a real image with a misleading name downloads under its true type
])
def test_scanner_formats_are_accepted_and_typed_by_their_content(pref, client_for, world, name, content, content_type):
    client = client_for(pref.users.alice)
    assert upload(client, world, pref, name, content).status_code == 302
    consent = Consent.objects.get()
    assert consent.attachment.content_type == content_type
    download = client.get(reverse("consent:consent_attachment", args=[consent.pk]))
    assert download["Content-Type"] == content_type and download.content == content
    assert ".html" not in download["Content-Disposition"]


def test_a_twenty_megabyte_attachment_is_refused_with_the_limit_in_japanese(pref, client_for, world, settings):
    settings.ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    response = upload(client_for(pref.users.alice), world, pref, "big.pdf", b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024))
    assert "添付ファイルは 10MB 以下にしてください。" in response.content.decode()
    assert not Consent.objects.exists()


def test_the_size_limit_is_a_setting(pref, client_for, world, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    client = client_for(pref.users.alice)
    assert "添付ファイルは 1KB 以下にしてください。" in upload(client, world, pref, "a.pdf", PDF + b"0" * 1024).content.decode()
    assert not Consent.objects.exists()
    assert upload(client, world, pref, "a.pdf", PDF).status_code == 302


def test_the_action_itself_refuses_a_bad_file_whatever_the_caller(pref, world, consent_to):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="PDF・PNG・JPEG・TIFF"):
        consent_to(world["person"], organisation=pref.orgs.vn, attachment=SimpleUploadedFile("x.html", HTML))
    assert not Consent.objects.exists()


def test_the_scan_is_stored_encrypted_outside_any_served_folder(pref, client_for, world, settings):
    secret_scan = PDF + "山田 太郎 同意書".encode() + b"\n%%EOF"
    upload(client_for(pref.users.alice), world, pref, "doui.pdf", secret_scan)
    attachment = Consent.objects.get().attachment
    stored = attachments.private_storage().path(attachment.file.name)
    raw = open(stored, "rb").read()
    assert secret_scan not in raw and "山田".encode() not in raw and not raw.startswith(b"%PDF")
    assert attachments.read(attachment) == secret_scan
    assert str(settings.MEDIA_ROOT) not in stored
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018  (no URL exists for any attachment)


def test_the_download_is_sandboxed_not_sniffed_not_cached_and_audited(pref, client_for, world):
    client = client_for(pref.users.alice)
    upload(client, world, pref, "同意書 山田.pdf", PDF)
    consent = Consent.objects.get()
    response = client.get(reverse("consent:consent_attachment", args=[consent.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E5%90%8C%E6%84%8F%E6%9B%B8%20%E5%B1%B1%E7%94%B0.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="consent.attachment_viewed")
    assert event.actor == pref.users.alice and event.person_id == str(world["person"].pk)


def test_only_those_who_may_see_the_consent_can_download_it(pref, client_for, world):
    upload(client_for(pref.users.alice), world, pref, "doui.pdf", PDF)
    url = reverse("consent:consent_attachment", args=[Consent.objects.get().pk])
    assert client_for(pref.users.mallory).get(url).status_code == 404
    assert Client().get(url).status_code == 302
    assert AuditEvent.objects.filter(action="consent.attachment_viewed").count() == 0


def test_a_legacy_file_of_another_type_is_only_ever_an_inert_download(pref, client_for, world, consent_to):
    consent = consent_to(world["person"], organisation=pref.orgs.vn)
    Consent.objects.filter(pk=consent.pk).update(attachment=attachments.save_bytes(
        HTML, name="scan.bin", content_type="text/html"))
    response = client_for(pref.users.alice).get(reverse("consent:consent_attachment", args=[consent.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_nothing_is_served_from_a_media_url(pref, client_for, world, settings):
    from django.urls import get_resolver

    client = client_for(pref.users.alice)
    upload(client, world, pref, "doui.pdf", PDF)
    name = Consent.objects.get().attachment.file.name
    for path in (f"/media/{name}", f"/static/{name}", f"/var/attachments/{name}"):
        assert client.get(path).status_code == 404
    patterns = [str(p.pattern) for p in get_resolver().url_patterns]
    assert not any("media" in p for p in patterns)
