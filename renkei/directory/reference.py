"""The directory taxonomy (data/taxonomy.json) and its idempotent sync into Taxonomy/TaxonomyTerm."""

import json
import uuid
from functools import cache
from pathlib import Path

from renkei.core.reference import need_domain_names

DATA_DIR = Path(__file__).parent / "data"
AGENCY_TYPE, SERVICE_KIND, FLAG = "agency-type", "service-kind", "renkei-flag"
ACCEPTING_REFERRALS, CLOSED_ON_HOLIDAYS = "accepting-referrals", "closed-on-holidays"


@cache
def taxonomy_data() -> dict:
    return json.loads((DATA_DIR / "taxonomy.json").read_text(encoding="utf-8"))


def _namespace() -> uuid.UUID:
    return uuid.UUID(taxonomy_data()["namespace"])


def taxonomy_id(code: str) -> uuid.UUID:
    return uuid.uuid5(_namespace(), code)


def term_id(taxonomy_code: str, term_code: str) -> uuid.UUID:
    return uuid.uuid5(_namespace(), f"{taxonomy_code}:{term_code}")


def _organisation_types() -> list[dict]:
    from renkei.accounts.reference import load_json

    return load_json("organisation_types.json")["types"]


def planned_terms() -> list[dict]:
    """Every term of every taxonomy, flattened, parents before children, with ids and sort order."""
    domains = need_domain_names()
    out = []
    for tax in taxonomy_data()["taxonomies"]:
        items = tax.get("terms", [])
        if tax.get("terms_from_organisation_types"):
            items = [{"code": t["code"], "name": t["name"]} for t in _organisation_types()]
        for item in items:
            domain = item.get("domain", "")
            if domain and domain not in domains:
                raise ValueError(f"unknown need domain {domain!r} in taxonomy.json")
            out.append({"taxonomy": tax["code"], "code": item["code"], "name": item["name"],
                        "need_domain": domain, "parent": None, "sort_order": len(out)})
            for child in item.get("children", []):
                out.append({"taxonomy": tax["code"], "code": child["code"], "name": child["name"],
                            "need_domain": child.get("domain", domain), "parent": item["code"],
                            "sort_order": len(out)})
    return out


def _upsert(model, pk, values) -> bool:
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        model.objects.create(pk=pk, **values)
        return True
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    for k in changed:
        setattr(obj, k, values[k])
    if changed:
        obj.save()
    return bool(changed)


def sync_taxonomy() -> int:
    """Create or update the taxonomies and their terms; returns how many rows changed (0 when in sync)."""
    from .models import Taxonomy, TaxonomyTerm

    data, changes = taxonomy_data(), 0
    for tax in data["taxonomies"]:
        changes += _upsert(Taxonomy, taxonomy_id(tax["code"]), {
            "code": tax["code"], "name": tax["name"], "description": tax["description"],
            "version": data["version"]})
    for term in planned_terms():
        parent = term_id(term["taxonomy"], term["parent"]) if term["parent"] else None
        changes += _upsert(TaxonomyTerm, term_id(term["taxonomy"], term["code"]), {
            "taxonomy_id": taxonomy_id(term["taxonomy"]), "code": term["code"], "name": term["name"],
            "description": term["name"], "parent_id": parent, "need_domain": term["need_domain"],
            "sort_order": term["sort_order"]})
    return changes


def service_kinds():
    """Leaf and category terms of the service-kind taxonomy, in data-file order."""
    from .models import TaxonomyTerm

    return TaxonomyTerm.objects.filter(taxonomy__code=SERVICE_KIND).select_related("parent")


def agency_type_term(type_code: str):
    from .models import TaxonomyTerm

    return TaxonomyTerm.objects.filter(pk=term_id(AGENCY_TYPE, type_code)).first()


def sync_after_migrate(sender, using="default", **kwargs):
    from django.db import connections

    tables = connections[using].introspection.table_names()
    if "directory_taxonomyterm" in tables:
        sync_taxonomy()
