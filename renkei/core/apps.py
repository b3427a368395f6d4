from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "renkei.core"
    label = "core"
    verbose_name = "共通"
    nav = [{"label": "マイページ", "url": "core:dashboard", "perm": "dashboard.view", "order": 0}]
