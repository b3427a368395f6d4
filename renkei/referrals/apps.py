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
            from renkei.consent import ending
        except ImportError:  # without the consent layer no basis can end
            pass
        else:
            from . import lapse

            ending.on_basis_ended(lapse.on_basis_ended)
        try:
            from renkei.directory import matching
        except ImportError:  # the directory's matching is optional for referrals
            return
        matching.register_performance_source(stats.performance_for_service)
