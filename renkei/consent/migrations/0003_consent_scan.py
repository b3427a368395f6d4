"""Consent scans move into encrypted attachments (renkei.core.attachments): first the new link (0003), then
the data (0004), then the old plain-file column goes (0005) — separate migrations, so that PostgreSQL commits
the rows before the table is altered."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("consent", "0002_team_recipient_and_disclosure_end"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="consent",
            name="scan",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="core.attachment", verbose_name="同意書の写し"),
        ),
    ]
