from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "renkei.guidance"
    label = "guidance"
    verbose_name = "連携ガイダンス"
    nav = [
        {"label": "連携ガイダンス", "url": "guidance:page", "perm": "directory.view", "order": 45},
    ]
