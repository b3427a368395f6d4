from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "renkei.referrals"
    label = "referrals"
    verbose_name = "連携依頼"
    nav = [
        {"label": "連携依頼", "url": "referrals:inbox", "perm": "referral.respond", "order": 30},
    ]

    def ready(self):
        from . import grants, stats

        grants.register()
        try:
            from renkei.directory import matching
        except ImportError:  # the directory's matching is optional for referrals
            return
        matching.register_performance_source(stats.performance_for_service)
