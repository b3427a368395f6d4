from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "renkei.cases"
    label = "cases"
    verbose_name = "相談・ケース記録"
    nav = [
        {"label": "相談・ケース", "url": "cases:index", "perm": "person.view", "order": 20},
    ]

    def ready(self):
        from django.db.models.signals import post_migrate

        from renkei.accounts.models import Organisation, OrganisationType

        from . import checks, grant_cache  # noqa: F401 — checks registers the system checks
        from .models import Case, Consultation, Person, RecordEntry

        # What the cases grants read (grant_cache: a change of these ends the cached grants at once).
        grant_cache.grant_tables(Person, ["organisation"])
        grant_cache.grant_tables(Case, ["organisation", "person", "lead"])
        grant_cache.grant_tables(Case.co_workers.through)
        grant_cache.grant_tables(Consultation, ["organisation", "person"])
        grant_cache.grant_tables(RecordEntry, ["case"])
        grant_cache.grant_tables(Organisation, ["type"])  # consents addressed to an organisation type
        grant_cache.grant_tables(OrganisationType)  # what a role may see depends on the organisation's type
        post_migrate.connect(grant_cache.install_triggers, sender=self,
                             dispatch_uid="renkei.cases.grant_cache.install_triggers")
