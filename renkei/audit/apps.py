from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "renkei.audit"
    label = "audit"
    verbose_name = "監査ログ"
    nav = [{"label": "監査ログ", "url": "audit:event_list", "perm": "audit.view", "order": 92}]

    def ready(self):
        from . import jobs

        jobs.register()  # the hourly seal, run by manage.py run_jobs
