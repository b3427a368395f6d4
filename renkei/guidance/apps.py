from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "renkei.guidance"
    label = "guidance"
    verbose_name = "連携ガイダンス"
