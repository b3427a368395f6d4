"""Reference data kept in versioned files (data/*.json) and synced into tables after migrate."""

import json
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


def load_json(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def sync_reference_data(using="default") -> None:
    from .models import DepartmentKind, OrganisationType

    for order, item in enumerate(load_json("organisation_types.json")["types"]):
        OrganisationType.objects.using(using).update_or_create(
            code=item["code"],
            defaults={"name": item["name"], "is_public": item["is_public"], "layer": item["layer"],
                      "sort_order": order},
        )
    for order, item in enumerate(load_json("department_kinds.json")["kinds"]):
        DepartmentKind.objects.using(using).update_or_create(
            code=item["code"], defaults={"name": item["name"], "sort_order": order}
        )


def sync_after_migrate(sender, using="default", plan=None, **kwargs):
    from django.db import connections

    tables = connections[using].introspection.table_names()
    if "accounts_organisationtype" in tables:
        sync_reference_data(using)
