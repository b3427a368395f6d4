from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "renkei.conferences"
    label = "conferences"
    verbose_name = "支援チームと会議"
    nav = [
        {"label": "会議", "url": "conferences:list", "perm": "conference.attend", "order": 40},
    ]

    def ready(self):
        from . import access

        access.register()  # the support-team grants, with the cases access layer
        from renkei.consent import ending

        from . import lapse

        ending.on_basis_ended(lapse.on_basis_ended)  # a withdrawn team consent is told to the team
