from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_reseal_legacy'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='auditevent',
            name='prev_hash',
        ),
        migrations.DeleteModel(
            name='AuditChainHead',
        ),
    ]
