"""The directory as an HSDS 3.1 tabular data package (Frictionless): one CSV per HSDS table plus datapackage.json.

Rows are flattened from the same compiled HSDS objects the JSON export and the API answer (hsds.py), so
both forms carry the same ids, attributes and identifiers. Columns are each table schema's non-array,
non-object properties in schema order; file names are the schemas' own `path` (organizations.csv, ...).
CSVs are UTF-8 with a BOM so that Excel opens Japanese text correctly.
"""

import csv
import io
import json
import zipfile
from functools import cache
from pathlib import Path

from django.utils import timezone

from . import hsds, schemas
from .models import Location, Organization, TaxonomyTerm, Unit

TABLES = ["organization", "program", "service", "attribute", "service_at_location", "location", "phone",
          "contact", "address", "schedule", "funding", "service_area", "required_document", "language",
          "accessibility", "taxonomy_term", "metadata", "meta_table_description", "cost_option",
          "organization_identifier", "taxonomy", "service_capacity", "unit", "url"]
# Nested keys of compiled objects → the table their items belong to.
NESTED = {"organization": "organization", "services": "service", "service": "service", "attributes": "attribute",
          "service_at_locations": "service_at_location", "locations": "location", "location": "location",
          "phones": "phone", "contacts": "contact", "addresses": "address", "schedules": "schedule",
          "funding": "funding", "service_areas": "service_area", "required_documents": "required_document",
          "languages": "language", "accessibility": "accessibility", "taxonomy_term": "taxonomy_term",
          "taxonomy_detail": "taxonomy", "cost_options": "cost_option", "capacities": "service_capacity",
          "organization_identifiers": "organization_identifier", "unit": "unit", "program": "program"}
# Foreign-key columns whose target table is not simply the column name without `_id`.
FK_TARGETS = {"parent_id": "taxonomy_term", "parent_organization_id": "organization"}
FIELD_TYPES = {("string", "date-time"): ("datetime", "any"), ("string", "uuid"): ("string", "uuid"),
               ("string", "uri"): ("string", "uri"), ("string", "email"): ("string", "email")}
ENCODING = "utf-8-sig"


@cache
def table_schema(table: str) -> dict:
    return schemas.load(f"{table}.json")


def columns(table: str) -> list[str]:
    return [name for name, prop in table_schema(table)["properties"].items()
            if "$ref" not in prop and prop.get("type") not in ("array", "object")]


def _field(table: str, name: str) -> dict:
    prop = table_schema(table)["properties"][name]
    kind, fmt = FIELD_TYPES.get((prop.get("type"), prop.get("format")), (prop.get("type", "string"), None))
    field = {"name": name, "type": kind, "title": prop.get("title", name), "description": prop.get("description", "")}
    if fmt:
        field["format"] = fmt
    if name in table_schema(table).get("required", []):
        field["constraints"] = {"required": True}
    return field


def fk_target(column: str) -> str | None:
    target = FK_TARGETS.get(column, column.removesuffix("_id") if column.endswith("_id") else None)
    return target if target in TABLES else None


def resource(table: str) -> dict:
    schema = table_schema(table)
    foreign_keys = [{"fields": c, "reference": {"resource": "" if fk_target(c) == table else fk_target(c),
                                                "fields": "id"}}
                    for c in columns(table) if fk_target(c)]
    return {"name": table, "path": schema["path"], "title": schema.get("title", table),
            "description": schema.get("description", ""), "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {"fields": [_field(table, c) for c in columns(table)], "primaryKey": "id",
                       "foreignKeys": foreign_keys}}


def datapackage() -> dict:
    return {"profile": "tabular-data-package", "name": "renkei-directory",
            "title": "Renkei 機関ディレクトリ（HSDS 3.1）", "version": hsds.HSDS_VERSION,
            "created": timezone.now().isoformat(timespec="seconds"),
            "description": "Open Referral HSDS 3.1 tabular form of the Renkei agency directory.",
            "resources": [resource(t) for t in TABLES]}


def _walk(obj: dict, table: str, out: dict[str, dict]) -> None:
    out[table].setdefault(obj["id"], obj)
    for key, value in obj.items():
        if key in NESTED:
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict) and "id" in item:
                    _walk(item, NESTED[key], out)


def rows() -> dict[str, list[dict]]:
    """Every table's rows (by id, each once), from compiled organizations, terms, units and lone locations."""
    out = {t: {} for t in TABLES}
    for org in Organization.objects.select_related("agency_type__taxonomy", "organisation", "maintained_by"):
        _walk(hsds.organization_out(org, services="full"), "organization", out)
    for location in Location.objects.filter(organization__isnull=True):
        _walk(hsds.location_out(location), "location", out)
    for term in TaxonomyTerm.objects.select_related("taxonomy"):
        _walk(hsds.term_out(term), "taxonomy_term", out)
    for unit in Unit.objects.all():
        _walk(hsds.clean({"id": str(unit.id), "name": unit.name, "scheme": unit.scheme,
                          "identifier": unit.identifier}), "unit", out)
    return {t: sorted(found.values(), key=lambda r: r["id"]) for t, found in out.items()}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_text(table: str, records: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    cols = columns(table)
    writer.writerow(cols)
    writer.writerows([_cell(r.get(c)) for c in cols] for r in records)
    return buffer.getvalue()


def files() -> dict[str, bytes]:
    """File name → content of the whole package."""
    tables = rows()
    out = {"datapackage.json": json.dumps(datapackage(), ensure_ascii=False, indent=1).encode("utf-8")}
    for table in TABLES:
        out[table_schema(table)["path"]] = csv_text(table, tables[table]).encode(ENCODING)
    return out


def write_dir(directory: Path) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files().items():
        (directory / name).write_bytes(content)
        written.append(name)
    return written


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files().items():
            archive.writestr(name, content)
    return buffer.getvalue()
