"""Scans kept in plain form under MEDIA_ROOT before are encrypted by `migrate`, and the plain files removed."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from renkei.core import attachments

BEFORE = ("consent", "0002_team_recipient_and_disclosure_end")
AFTER = ("consent", "0005_scan_replaces_attachment")


@pytest.mark.django_db(transaction=True)
def test_migrate_encrypts_existing_plain_scans_and_removes_them(pref, world, consent_to, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    consent = consent_to(world["person"], organisation=pref.orgs.vn)
    html = consent_to(world["person"], organisation=pref.orgs.housing)
    call_command("migrate", *BEFORE, verbosity=0)
    try:
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps.get_model("consent", "Consent")
        folder = settings.MEDIA_ROOT / "consent" / "2025" / "04"
        folder.mkdir(parents=True)
        (folder / "doui.pdf").write_bytes("%PDF-1.4 山田 太郎".encode())
        (folder / "scan.html").write_bytes(b"<script src=a.js></script>")
        old.objects.filter(pk=consent.pk).update(attachment="consent/2025/04/doui.pdf")
        old.objects.filter(pk=html.pk).update(attachment="consent/2025/04/scan.html")
    finally:
        call_command("migrate", verbosity=0)
    consent.refresh_from_db()
    html.refresh_from_db()
    assert attachments.read(consent.attachment) == "%PDF-1.4 山田 太郎".encode()
    assert consent.attachment.content_type == "application/pdf" and consent.attachment.name == "doui.pdf"
    assert html.attachment.content_type == "application/octet-stream" and html.attachment.name == "scan.bin"
    assert not (folder / "doui.pdf").exists() and not (folder / "scan.html").exists()
    raw = open(attachments.private_storage().path(consent.attachment.file.name), "rb").read()
    assert b"%PDF" not in raw
    assert AFTER in MigrationExecutor(connection).loader.applied_migrations
