"""'My work': each app may offer panels through a `dashboard` module with `panels(request)`,
returning dicts {"title", "template", "order", **context}. Core collects and orders them."""

from importlib import import_module

from django.apps import apps

from renkei.audit.models import AuditEvent


def collect_panels(request) -> list[dict]:
    panels = []
    for config in apps.get_app_configs():
        if not config.name.startswith("renkei."):
            continue
        try:
            module = import_module(f"{config.name}.dashboard")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.dashboard":
                raise
            continue
        panels.extend(module.panels(request))
    return sorted(panels, key=lambda panel: panel.get("order", 50))


def panels(request) -> list[dict]:
    """Core's own panel: the worker's recent sign-ins, so a stranger's use would be noticed."""
    recent = AuditEvent.objects.filter(
        actor=request.user, action__in=["auth.login", "auth.login_failed"]
    ).order_by("-id")[:5]
    failures = AuditEvent.objects.filter(
        action="auth.login_failed", actor_label__iexact=request.user.username
    ).order_by("-id")[:5]
    return [{"title": "最近のログイン", "template": "core/panels/logins.html", "order": 90,
             "recent": recent, "failures": failures}]
