from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "renkei.accounts"
    label = "accounts"
    verbose_name = "組織と職員"
    nav = [
        {"label": "職員管理", "url": "accounts:staff_list", "perm": "staff.manage", "order": 90},
        {"label": "組織設定", "url": "accounts:organisation_settings", "perm": "org.settings", "order": 91},
        {"label": "定期処理", "url": "accounts:job_list", "perm": "audit.view", "order": 93},
    ]

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import reference

        post_migrate.connect(reference.sync_after_migrate, sender=self)
