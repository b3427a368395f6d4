from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_event_person'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='nonce',
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='seq',
            field=models.PositiveBigIntegerField(blank=True, null=True, unique=True),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='chain',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.CreateModel(
            name='AuditSeal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveBigIntegerField(unique=True)),
                ('chain', models.CharField(max_length=64)),
                ('at', models.DateTimeField()),
                ('key_id', models.CharField(max_length=12)),
                ('mac', models.CharField(max_length=64)),
            ],
            options={
                'ordering': ['-seq'],
            },
        ),
    ]
