from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "renkei.consent"
    label = "consent"
    verbose_name = "同意と情報共有"
    nav = [
        {"label": "同意の管理", "url": "consent:consent_list", "perm": "consent.manage", "order": 30},
        {"label": "緊急アクセス", "url": "consent:breakglass_search", "perm": "breakglass.use", "order": 85},
    ]

    def ready(self):
        from renkei.cases import grant_cache
        from renkei.cases import panels as case_panels
        from renkei.cases.access import register_grant, register_person_view

        from . import access, panels
        from .models import BreakGlassAccess, Consent, Disclosure

        # entries follow their case
        for kind, grant in [("person", access.person_grant), ("case", access.case_grant),
                            ("consultation", access.consultation_grant)]:
            register_grant(kind, grant)
        # the holder's list of grants: its own break-glass accesses and the co-workers of its cases (the
        # apps above consent register their kinds in between: referrals, support teams, hand-overs)
        access.register_person_grants(10, access.breakglass_grants)
        access.register_person_grants(40, access.co_worker_grants)
        # what of a person seen through sharing the pages show (an access decision, not a panel)
        register_person_view(field_groups=access.scopes_shared_with, contact_details=access.sees_contact_details)
        case_panels.register("person.head", "consent.badge", 10, panels.person_badge)
        for model in (Consent, Disclosure, BreakGlassAccess):
            grant_cache.grant_tables(model)
        grant_cache.time_boundary(access.next_time_boundary)

        from . import jobs

        jobs.register()  # its periodic job, run by manage.py run_jobs (renkei.core.jobs)
