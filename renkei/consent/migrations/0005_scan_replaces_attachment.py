from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("consent", "0004_encrypt_existing_scans"),
    ]

    operations = [
        migrations.RemoveField(model_name="consent", name="attachment"),
        migrations.RenameField(model_name="consent", old_name="scan", new_name="attachment"),
    ]
