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
        from functools import partial

        from renkei.cases.access import register_grant

        from .access import grant_q

        for kind in ("person", "case", "consultation"):  # entries follow their case
            register_grant(kind, _Grant(kind, partial(grant_q, kind)))
        from renkei.cases import grant_cache

        from .access import next_time_boundary
        from .models import BreakGlassAccess, Consent, Disclosure

        for model in (Consent, Disclosure, BreakGlassAccess):
            grant_cache.grant_tables(model)
        grant_cache.time_boundary(next_time_boundary)


class _Grant:
    """A named, comparable grant (register_grant ignores a second registration of an equal grant)."""

    def __init__(self, kind, fn):
        self.kind, self.fn = kind, fn

    def __call__(self, membership, prefix=""):
        return self.fn(membership, prefix)

    def __eq__(self, other):
        return isinstance(other, _Grant) and other.kind == self.kind

    def __hash__(self):
        return hash(("consent", self.kind))
