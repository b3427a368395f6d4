import csv
import io
import json
import uuid
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from renkei.directory import models, tabular

MODEL_TABLES = {
    "organization": models.Organization, "service": models.Service, "location": models.Location,
    "address": models.Address, "accessibility": models.Accessibility, "service_at_location": models.ServiceAtLocation,
    "contact": models.Contact, "phone": models.Phone, "schedule": models.Schedule,
    "service_area": models.ServiceArea, "unit": models.Unit, "service_capacity": models.ServiceCapacity,
    "language": models.Language, "required_document": models.RequiredDocument, "cost_option": models.CostOption,
    "taxonomy": models.Taxonomy, "taxonomy_term": models.TaxonomyTerm,
}


@pytest.fixture
def rich_directory(small_directory, pref):
    """The small directory plus the tables it leaves empty: address, contact and phones, documents, costs."""
    service = small_directory.housing_open
    org = service.organization
    location = models.Location.objects.create(organization=org, name="本所")
    models.Address.objects.create(location=location, address_1="中央1-2-3", city="青葉市", state_province="みどり県",
                                  postal_code="100-0001")
    models.ServiceAtLocation.objects.create(service=service, location=location)
    contact = models.Contact.objects.create(service=service, name="相談 花子", title="相談員")
    models.Phone.objects.create(contact=contact, number="011-000-0001")
    models.Phone.objects.create(organization=org, number="011-000-0000", type="voice")
    models.Phone.objects.create(location=location, number="011-000-0002")
    models.RequiredDocument.objects.create(service=service, document="本人確認書類")
    models.CostOption.objects.create(service=service, option="初回", amount=0)
    models.Organization.objects.create(name="サービスのない機関", last_verified=None)
    return small_directory


def _read(files: dict[str, bytes]):
    package = json.loads(files["datapackage.json"])
    tables = {}
    for res in package["resources"]:
        text = files[res["path"]].decode("utf-8-sig")
        reader = csv.reader(io.StringIO(text))
        header = next(reader)
        tables[res["name"]] = (header, [dict(zip(header, row, strict=True)) for row in reader])
    return package, tables


def _unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _check_package(files: dict[str, bytes]):
    package, tables = _read(files)
    resources = {r["name"]: r for r in package["resources"]}
    assert package["profile"] == "tabular-data-package"
    assert set(files) == {"datapackage.json"} | {r["path"] for r in package["resources"]}
    assert set(resources) == set(tabular.TABLES) and resources["organization"]["path"] == "organizations.csv"
    for name, (header, rows) in tables.items():
        assert header == [f["name"] for f in resources[name]["schema"]["fields"]], name
        assert "attributes" not in header and "taxonomy_detail" not in header
        for row in rows:
            assert str(uuid.UUID(row["id"])) == row["id"]
            for field in resources[name]["schema"]["fields"]:
                if field.get("constraints", {}).get("required"):
                    assert row[field["name"]], (name, field["name"])
        assert len({r["id"] for r in rows}) == len(rows), name
    for name, model in MODEL_TABLES.items():
        assert {r["id"] for r in tables[name][1]} == {str(pk) for pk in model.objects.values_list("pk", flat=True)}, name
    ids = {name: {r["id"] for r in rows} for name, (header, rows) in tables.items()}
    checked = 0
    for name, res in resources.items():
        for fk in res["schema"]["foreignKeys"]:
            target = fk["reference"]["resource"] or name
            for row in tables[name][1]:
                if row[fk["fields"]]:
                    assert row[fk["fields"]] in ids[target], (name, fk["fields"], row[fk["fields"]])
                    checked += 1
    assert checked > 50
    return package, tables


def test_the_tabular_export_writes_every_table_with_schema_headers_and_resolving_keys(rich_directory, tmp_path):
    call_command("export_hsds", "--tabular", str(tmp_path / "pkg"))
    files = {p.name: p.read_bytes() for p in (tmp_path / "pkg").iterdir()}
    assert files["organizations.csv"].startswith(b"\xef\xbb\xbf")
    package, tables = _check_package(files)
    service_fields = {f["name"]: f for f in next(r for r in package["resources"] if r["name"] == "service")
                      ["schema"]["fields"]}
    assert service_fields["id"]["format"] == "uuid" and service_fields["last_modified"]["type"] == "datetime"
    kinds = {r["id"] for r in tables["attribute"][1]}
    assert {str(pk) for pk in models.ServiceTerm.objects.values_list("pk", flat=True)} <= kinds
    housing = next(r for r in tables["service"][1] if r["id"] == str(rich_directory.housing_open.pk))
    assert housing["name"] == rich_directory.housing_open.name and housing["status"] == "active"


def test_the_zip_export_holds_the_same_package(rich_directory, tmp_path):
    path = tmp_path / "directory.zip"
    call_command("export_hsds", "--format", "tabular", "-o", str(path))
    _check_package(_unzip(path.read_bytes()))


def test_the_tabular_format_without_an_output_file_is_refused_in_japanese(small_directory):
    with pytest.raises(CommandError, match="-o FILE.zip"):
        call_command("export_hsds", "--format", "tabular")


def test_supervisors_download_the_tabular_package_from_the_export_page(client_for, pref, rich_directory):
    response = client_for(pref.users.bob).get(reverse("directory:export"), {"format": "tabular"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert ".csv.zip" in response["Content-Disposition"]
    _check_package(_unzip(response.content))
    page = client_for(pref.users.bob).get(reverse("directory:search")).content.decode()
    assert "format=tabular" in page


def test_workers_without_edit_rights_get_no_tabular_download(client_for, pref, small_directory):
    assert client_for(pref.users.alice).get(reverse("directory:export"), {"format": "tabular"}).status_code == 404
    assert "format=tabular" not in client_for(pref.users.alice).get(reverse("directory:search")).content.decode()


def test_the_demo_directory_exports_a_consistent_package(db):
    from renkei.demo.loader import load_demo

    load_demo()
    package, tables = _check_package(tabular.files())
    assert len(tables["service"][1]) >= 60 and len(tables["organization"][1]) >= 30


def test_the_bundled_table_schemas_equal_the_upstream_files():
    from pathlib import Path

    upstream = Path("/work/shared/hsds-3.1/schema")
    if not upstream.exists():
        pytest.skip("upstream HSDS schemas not present")
    for table in tabular.TABLES:
        assert tabular.table_schema(table) == json.loads((upstream / f"{table}.json").read_text(encoding="utf-8"))
