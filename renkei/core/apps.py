from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "renkei.core"
    label = "core"
    verbose_name = "共通"
    nav = [{"label": "マイページ", "url": "core:dashboard", "perm": "dashboard.view", "order": 0}]

    def ready(self):
        from .keys import check_keys

        # Once at start-up (runserver, migrate, check; gunicorn through renkei/wsgi.py), never per request.
        checks.register(check_keys, "renkei")
