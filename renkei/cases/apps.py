from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "renkei.cases"
    label = "cases"
    verbose_name = "相談・ケース記録"
    nav = [
        {"label": "相談・ケース", "url": "cases:index", "perm": "person.view", "order": 20},
    ]

    def ready(self):
        from . import checks  # noqa: F401 — registers the system checks
