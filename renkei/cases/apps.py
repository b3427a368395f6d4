from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "renkei.cases"
    label = "cases"
    verbose_name = "相談・ケース記録"
