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

        from . import access, checks, grant_cache  # noqa: F401 — checks registers the system checks
        from .models import Case, CaseCoWorker, Person

        access.register_builtin_grants()
        # What the cases grants read (grant_cache: a change of these ends the cached grants at once).
        # Consultations and record entries are not among them: the grants open them by SQL conditions
        # over their person, organisation and case columns, built from the small sources above, so a new
        # consultation or entry leaves every worker's cached grants alone. A new person is in no grant
        # until a consent, team or referral names them: only a change of its organisation counts.
        grant_cache.grant_tables(Person, ["organisation"], rows=False)
        grant_cache.grant_tables(Case, ["organisation", "person"])
        grant_cache.grant_tables(CaseCoWorker)
        grant_cache.grant_tables(Organisation, ["type"])  # consents addressed to an organisation type
        grant_cache.grant_tables(Organisation.jurisdiction.through)  # whose case teams a co-worker may join
        grant_cache.grant_tables(OrganisationType)  # what a role may see depends on the organisation's type
        post_migrate.connect(grant_cache.install_triggers, sender=self,
                             dispatch_uid="renkei.cases.grant_cache.install_triggers")
