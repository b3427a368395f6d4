from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "renkei.core"
    label = "core"
    verbose_name = "共通"
    nav = [{"label": "マイページ", "url": "core:dashboard", "perm": "dashboard.view", "order": 0}]

    def ready(self):
        import datetime as dt

        from . import jobs
        from .keys import check_keys

        # Once at start-up (runserver, migrate, check; gunicorn through renkei/wsgi.py), never per request.
        checks.register(check_keys, "renkei")
        jobs.register("core.prune_job_runs", "定期処理の古い実行記録の整理", jobs.prune_runs, daily_at=dt.time(4, 30))
