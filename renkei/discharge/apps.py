from django.apps import AppConfig


class DischargeConfig(AppConfig):
    name = "renkei.discharge"
    label = "discharge"
    verbose_name = "退院後支援・入院者訪問支援・アウトリーチ"
    nav = [
        {"label": "退院後支援・訪問", "url": "discharge:index", "perm": "person.view", "order": 40},
        {"label": "訪問支援の担当", "url": "discharge:my_assignments", "perm": "assignment.view", "order": 41},
    ]

    def ready(self):
        from renkei.cases import panels as case_panels
        from renkei.cases.stats import register_contact_source

        from . import grants, panels
        from .stats import outreach_contacts

        grants.register()  # the consent-backed grant of handed-over plans
        register_contact_source(outreach_contacts)
        case_panels.register("case.head", "discharge.progress", 20, panels.case_progress)

        from . import jobs

        jobs.register()  # its periodic jobs, run by manage.py run_jobs (renkei.core.jobs)
