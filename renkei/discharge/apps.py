from django.apps import AppConfig


class DischargeConfig(AppConfig):
    name = "renkei.discharge"
    label = "discharge"
    verbose_name = "退院後支援・入院者訪問支援・アウトリーチ"
