from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "renkei.referrals"
    label = "referrals"
    verbose_name = "連携依頼"
    nav = [
        {"label": "連携依頼", "url": "referrals:inbox", "perm": "dashboard.view", "order": 30},
    ]
