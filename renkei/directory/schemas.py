"""The HSDS 3.1 JSON schemas (bundled, gzip) and validators with $refs resolved through a registry.

The HSDS OpenAPI file refers to the compiled schemas by their GitHub URLs; each bundled file is
registered under those URLs, so `{"$ref": ".../compiled/service_list.json"}` resolves locally.
"""

import gzip
import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).parent / "data" / "hsds-3.1"
URL_BASES = ["https://raw.githubusercontent.com/openreferral/specification/3.0/schema/",
             "https://raw.githubusercontent.com/openreferral/specification/3.1/schema/"]
FILES = ["openapi.json", "taxonomy.json", "taxonomy_term.json", "compiled/service.json",
         "compiled/organization.json", "compiled/service_at_location.json", "compiled/service_list.json",
         "compiled/organization_list.json", "compiled/service_at_location_list.json"]
PAGE_FIELDS = ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty"]


def load(name: str, schema_dir: Path | None = None) -> dict:
    base = schema_dir or SCHEMA_DIR
    plain = base / name
    if plain.exists():
        return json.loads(plain.read_text(encoding="utf-8"))
    with gzip.open(base / f"{name}.gz", "rt", encoding="utf-8") as fh:
        return json.load(fh)


@cache
def registry(schema_dir: Path | None = None) -> Registry:
    resources = []
    for name in FILES:
        resource = Resource.from_contents(load(name, schema_dir), default_specification=DRAFT202012)
        resources += [(base + name, resource) for base in URL_BASES] + [(name, resource)]
    return Registry().with_resources(resources)


def url(name: str) -> str:
    return URL_BASES[1] + name


@cache
def validator(name: str, schema_dir: Path | None = None) -> Draft202012Validator:
    """A validator for one bundled schema, e.g. validator("compiled/service.json")."""
    return Draft202012Validator({"$ref": url(name)}, registry=registry(schema_dir), format_checker=FormatChecker())


@cache
def page_validator(item: str, schema_dir: Path | None = None) -> Draft202012Validator:
    """A paginated HSDS answer: the OpenAPI `Page` (all fields required here) whose `contents` are `item`s."""
    schema = {
        "allOf": [{"$ref": url("openapi.json") + "#/components/schemas/Page"}],
        "type": "object",
        "required": PAGE_FIELDS + ["contents"],
        "properties": {"contents": {"type": "array", "items": {"$ref": url(item)}}},
    }
    return Draft202012Validator(schema, registry=registry(schema_dir), format_checker=FormatChecker())


@cache
def root_validator(schema_dir: Path | None = None) -> Draft202012Validator:
    path = "#/paths/~1/get/responses/200/content/application~1json/schema"
    schema = {"allOf": [{"$ref": url("openapi.json") + path}], "required": ["version", "profile", "openapi_url"]}
    return Draft202012Validator(schema, registry=registry(schema_dir), format_checker=FormatChecker())
