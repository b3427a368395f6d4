"""The referrals' notices move into the one notification model (notices.Notification): each keeps its
recipient, organisation, kind, message, key, times; a referral's notice links to the referral's page and
names its person; a support team's consent notice (key team-consent:<id>) links to the team page and names
the consent's person. Then the old table goes."""

from django.db import migrations

BATCH = 1000


def _team_consents(apps, keys):
    Consent = apps.get_model("consent", "Consent")
    ids = {int(k.split(":", 1)[1]) for k in keys if k.startswith("team-consent:") and k.split(":", 1)[1].isdigit()}
    return {c.pk: c for c in Consent.objects.filter(pk__in=ids).select_related("recipient_team")}


def forward(apps, schema_editor):
    Old = apps.get_model("referrals", "Notification")
    New = apps.get_model("notices", "Notification")
    rows = list(Old.objects.select_related("referral").order_by("pk"))
    consents = _team_consents(apps, [r.key for r in rows])
    made = []
    for row in rows:
        url, person_id = "", None
        if row.referral_id:
            url, person_id = f"/referrals/{row.referral_id}/", row.referral.person_id
        elif row.key.startswith("team-consent:"):
            consent = consents.get(int(row.key.split(":", 1)[1])) if row.key.split(":", 1)[1].isdigit() else None
            if consent is not None:
                person_id = consent.person_id
                if consent.recipient_team_id:
                    url = f"/conferences/cases/{consent.recipient_team.case_id}/team/"
        made.append(New(recipient_id=row.recipient_id, organisation_id=row.organisation_id, kind=row.kind,
                        message=row.message, key=row.key, url=url, person_id=person_id,
                        created_at=row.created_at, read_at=row.read_at))
    New.objects.bulk_create(made, batch_size=BATCH)


def backward(apps, schema_editor):
    Old = apps.get_model("referrals", "Notification")
    New = apps.get_model("notices", "Notification")
    Referral = apps.get_model("referrals", "Referral")
    rows = list(New.objects.exclude(kind="breakglass").order_by("pk"))
    ids = {int(r.url.split("/")[2]) for r in rows if r.url.startswith("/referrals/") and r.url.split("/")[2].isdigit()}
    existing = set(Referral.objects.filter(pk__in=ids).values_list("pk", flat=True))
    made = []
    for row in rows:
        parts = row.url.split("/")
        referral_id = int(parts[2]) if row.url.startswith("/referrals/") and parts[2].isdigit() else None
        made.append(Old(recipient_id=row.recipient_id, organisation_id=row.organisation_id, kind=row.kind,
                        message=row.message, key=row.key, created_at=row.created_at, read_at=row.read_at,
                        referral_id=referral_id if referral_id in existing else None))
    Old.objects.bulk_create(made, batch_size=BATCH)
    New.objects.exclude(kind="breakglass").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("referrals", "0002_event_by_automatic_and_basis_reasons"),
        ("consent", "0006_consent_version"),
        ("conferences", "0001_initial"),
        ("notices", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="Notification"),
    ]
