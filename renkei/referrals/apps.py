from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "renkei.referrals"
    label = "referrals"
    verbose_name = "連携依頼"
    nav = [
        {"label": "連携依頼", "url": "referrals:inbox", "perm": "referral.respond", "order": 30},
    ]

    def ready(self):
        from renkei.consent import ending
        from renkei.directory import matching

        from . import grants, lapse, stats

        grants.register()
        ending.on_basis_ended(lapse.on_basis_ended)
        matching.register_performance_source(stats.performance_for_service)
