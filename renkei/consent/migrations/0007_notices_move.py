"""The break-glass notices move into the one notification model (notices.Notification): kind
"breakglass", key breakglass:<access id> (the dashboard panel finds the access by it; a second notice
to the same supervisor about the same access, or one without an access, keeps breakglass-notice:<old id>),
the text as the message (at most 300 characters), the access's person, a link to the audit log's
break-glass entries. Then the old table goes."""

from django.db import migrations

BATCH = 1000
URL = "/audit/?breakglass=on"


def forward(apps, schema_editor):
    Old = apps.get_model("consent", "Notification")
    New = apps.get_model("notices", "Notification")
    seen, made = set(), []
    for row in Old.objects.select_related("breakglass").order_by("pk"):
        key = f"breakglass:{row.breakglass_id}" if row.breakglass_id else f"breakglass-notice:{row.pk}"
        if (row.recipient_id, key) in seen:
            key = f"breakglass-notice:{row.pk}"
        seen.add((row.recipient_id, key))
        made.append(New(recipient_id=row.recipient_id, organisation_id=row.organisation_id, kind=row.kind,
                        message=row.text[:300], key=key, url=URL,
                        person_id=row.breakglass.person_id if row.breakglass_id else None,
                        created_at=row.created_at, read_at=row.read_at))
    New.objects.bulk_create(made, batch_size=BATCH)


def backward(apps, schema_editor):
    Old = apps.get_model("consent", "Notification")
    New = apps.get_model("notices", "Notification")
    BreakGlassAccess = apps.get_model("consent", "BreakGlassAccess")
    rows = list(New.objects.filter(kind="breakglass").order_by("pk"))
    ids = {int(r.key.split(":", 1)[1]) for r in rows if r.key.startswith("breakglass:") and r.key[11:].isdigit()}
    existing = set(BreakGlassAccess.objects.filter(pk__in=ids).values_list("pk", flat=True))
    made = []
    for row in rows:
        access = int(row.key[11:]) if row.key.startswith("breakglass:") and row.key[11:].isdigit() else None
        made.append(Old(recipient_id=row.recipient_id, organisation_id=row.organisation_id, kind=row.kind,
                        text=row.message, created_at=row.created_at, read_at=row.read_at,
                        breakglass_id=access if access in existing else None))
    Old.objects.bulk_create(made, batch_size=BATCH)
    New.objects.filter(kind="breakglass").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("consent", "0006_consent_version"),
        ("notices", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="Notification"),
    ]
