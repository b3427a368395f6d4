from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "renkei.network"
    label = "network"
    verbose_name = "地域づくり"
    nav = [
        {"label": "地域づくり", "url": "network:index", "perm": "network.view", "order": 70},
    ]
