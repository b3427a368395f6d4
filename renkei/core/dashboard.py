"""'My work': each app may offer panels through a `dashboard` module with `panels(request)`,
returning dicts {"title", "template", "order", **context}. Core collects and orders them.

A panel that shows persons says which in `"persons"` (Person objects or ids) and `"field_groups"`: the
dashboard writes one audit entry per view naming all of them (`log_dashboard`)."""

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


def log_dashboard(request, panels: list[dict]) -> None:
    """One audit entry for the whole dashboard: every person any panel shows, per panel in its data."""
    from renkei.audit.reads import log_listing

    persons, groups, shown = [], [], {}
    for panel in panels:
        mine = [p for p in panel.get("persons", ()) if p is not None]
        if mine:
            persons += mine
            shown[panel["title"]] = sorted({getattr(p, "pk", p) for p in mine})
            groups += [g for g in panel.get("field_groups", ["基本情報"]) if g not in groups]
    log_listing(request, "dashboard.viewed", persons, field_groups=groups, data={"panels": shown})


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
