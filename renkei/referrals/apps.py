from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "renkei.referrals"
    label = "referrals"
    verbose_name = "連携依頼"
    nav = [
        {"label": "連携依頼", "url": "referrals:inbox", "perm": "referral.respond", "order": 30},
    ]

    def ready(self):
        from renkei.cases import panels as case_panels
        from renkei.consent import ending
        from renkei.directory import matching

        from . import grants, lapse, panels, stats

        grants.register()
        case_panels.register("case.body", "referrals.case", 10, panels.case_referrals)
        ending.on_basis_ended(lapse.on_basis_ended)
        matching.register_performance_source(stats.performance_for_service)

        from . import jobs

        jobs.register()  # its periodic jobs, run by manage.py run_jobs (renkei.core.jobs)
