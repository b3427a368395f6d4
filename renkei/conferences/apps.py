from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "renkei.conferences"
    label = "conferences"
    verbose_name = "支援チームと会議"
    nav = [
        {"label": "会議", "url": "conferences:list", "perm": "conference.attend", "order": 40},
    ]

    def ready(self):
        from renkei.cases import panels as case_panels

        from . import access, panels

        access.register()  # the support-team grants, with the cases access layer
        case_panels.register("case.head", "conferences.purpose", 10, panels.case_purpose)
        from renkei.consent import ending

        from . import lapse

        ending.on_basis_ended(lapse.on_basis_ended)  # a withdrawn team consent is told to the team

        from . import jobs

        jobs.register()  # its periodic jobs, run by manage.py run_jobs (renkei.core.jobs)
