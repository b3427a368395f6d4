from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "renkei.demo"
    label = "demo"
    verbose_name = "デモ県"
