"""Loads the fictional みどり県 (see shared/SCENARIOS.md). Idempotent: a second run changes nothing.

Each app may extend the demo with a module `renkei.<app>.demo` that defines `load(ctx)`; the steps
run in INSTALLED_APPS order after the organisations and staff exist. `ctx` carries what earlier
steps made (ctx.orgs by code, ctx.users by username) and `upsert` for idempotent writes.
"""

import json
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.db import transaction

DATA = Path(__file__).parent / "data" / "prefecture.json"


def upsert(model, lookup: dict, values: dict):
    """Create, or update only the fields that differ; returns (obj, changed)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save()
    return obj, bool(changed)


@dataclass
class DemoContext:
    data: dict
    orgs: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    changes: int = 0
    upsert = staticmethod(upsert)

    def note(self, changed: bool):
        self.changes += int(changed)


def _load_organisations(ctx: DemoContext) -> None:
    from renkei.accounts.models import Department, DepartmentKind, Organisation, OrganisationType
    from renkei.accounts.reference import sync_reference_data

    sync_reference_data()
    types = {t.code: t for t in OrganisationType.objects.all()}
    kinds = {k.code: k for k in DepartmentKind.objects.all()}
    pref = dict(ctx.data["prefecture"], type="prefecture")
    entries = [pref] + ctx.data["organisations"]
    # Municipalities first, so others can point at them.
    entries.sort(key=lambda e: 0 if e["type"] in ("prefecture", "municipality") else 1)
    for entry in entries:
        org_type = types[entry["type"]]
        values = {
            "name": entry["name"], "kana": entry.get("kana", ""), "type": org_type,
            "is_public": entry.get("is_public", org_type.is_public),
            "address": entry.get("address", ""), "phone": entry.get("phone", ""),
            "municipality": ctx.orgs.get(entry.get("municipality")),
        }
        org, changed = upsert(Organisation, {"code": entry["code"]}, values)
        ctx.note(changed)
        ctx.orgs[entry["code"]] = org
        for dept in entry.get("departments", []):
            _, changed = upsert(Department, {"organisation": org, "name": dept["name"]},
                                {"kind": kinds[dept["kind"]]})
            ctx.note(changed)
    for entry in entries:
        if entry.get("jurisdiction"):
            org = ctx.orgs[entry["code"]]
            wanted = {ctx.orgs[code].pk for code in entry["jurisdiction"]}
            if set(org.jurisdiction.values_list("pk", flat=True)) != wanted:
                org.jurisdiction.set(wanted)
                ctx.note(True)


def _load_users(ctx: DemoContext) -> None:
    from renkei.accounts.models import Department, Membership, User

    for entry in ctx.data["users"]:
        user = User.objects.filter(username=entry["username"]).first()
        if user is None:
            user = User(username=entry["username"])
            user.set_password(ctx.data["password"])
        changed = False
        for name in ("display_name", "kana"):
            if getattr(user, name) != entry[name]:
                setattr(user, name, entry[name])
                changed = True
        if changed or user.pk is None:
            user.save()
            ctx.note(True)
        ctx.users[user.username] = user
        for m in entry["memberships"]:
            org = ctx.orgs[m["org"]]
            dept = Department.objects.filter(organisation=org, name=m.get("department", "")).first()
            _, changed = upsert(Membership, {"user": user, "organisation": org},
                                {"role": m["role"], "department": dept, "title": m.get("title", "")})
            ctx.note(changed)


def load_demo() -> DemoContext:
    ctx = DemoContext(data=json.loads(DATA.read_text(encoding="utf-8")))
    with transaction.atomic():
        _load_organisations(ctx)
        _load_users(ctx)
        for config in apps.get_app_configs():
            if not config.name.startswith("renkei.") or config.name == "renkei.demo":
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.demo":
                    raise
                continue
            module.load(ctx)
    return ctx


def demo_logins() -> list[dict]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    from renkei.accounts.roles import ROLES

    org_names = {o["code"]: o["name"] for o in data["organisations"]}
    org_names[data["prefecture"]["code"]] = data["prefecture"]["name"]
    return [
        {"username": u["username"], "password": data["password"], "display_name": u["display_name"],
         "where": "、".join(f"{org_names[m['org']]}（{ROLES[m['role']].name}）" for m in u["memberships"])}
        for u in data["users"]
    ]
