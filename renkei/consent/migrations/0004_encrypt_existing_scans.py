"""Consent scans move into encrypted attachments (renkei.core.attachments): every existing plain file under
MEDIA_ROOT is read, encrypted into ATTACHMENT_ROOT, linked, and the plain file removed once the migration
has committed. A file of a type no longer accepted (HTML, script …) is kept as evidence of the consent but
is only ever served as an inert download (application/octet-stream, sandboxed)."""

import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import migrations, transaction


def encrypt_existing(apps, schema_editor):
    from renkei.core.attachments import _clean_name, cipher, detect_type

    Consent = apps.get_model("consent", "Consent")
    Attachment = apps.get_model("core", "Attachment")
    root = Path(settings.MEDIA_ROOT)
    plain = []
    for consent in Consent.objects.exclude(attachment="").exclude(attachment__isnull=True).iterator():
        path = root / consent.attachment.name
        if not path.is_file():
            continue
        data = path.read_bytes()
        detected = detect_type(data[:16])
        content_type, extension = (detected[1], detected[2]) if detected else ("application/octet-stream", "bin")
        attachment = Attachment(name=_clean_name(path.name, extension), content_type=content_type, size=len(data),
                                sha256=hashlib.sha256(data).hexdigest(), created_by_id=consent.recorded_by_id,
                                created_at=consent.recorded_at)
        attachment.file.save(f"consent/{uuid.uuid4().hex}.enc", ContentFile(cipher.encrypt(data)), save=False)
        attachment.save()
        Consent.objects.filter(pk=consent.pk).update(scan=attachment)
        plain.append(path)

    def remove_plain():
        for path in plain:
            path.unlink(missing_ok=True)

    transaction.on_commit(remove_plain, using=schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ("consent", "0003_consent_scan"),
    ]

    operations = [
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
