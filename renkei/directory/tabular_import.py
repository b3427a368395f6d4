"""HSDS 3.1 tabular data package (ZIP or directory of CSVs) → the compiled objects `importer.py` accepts.

Supervisors edit the exported package in Excel, so this reads what Excel writes back: UTF-8 with or
without a BOM, or Shift_JIS (cp932, "CSV (コンマ区切り)"), and dates re-typed as 2025/4/1. Rows are
reassembled into compiled organizations (with contacts, phones, locations, identifiers, attributes)
followed by compiled services (with their children) that name their organization by `organization_id`;
the importer then validates, writes all or nothing and updates by UUID exactly as for JSON. Problems
the reader finds, and the importer's errors translated back, name the file, the row as Excel numbers it
(the header is row 1) and the column.

Tables the directory does not hold (program, funding, url, metadata …) and unknown files are ignored.
"""

import csv
import io
import json
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from . import models
from .importer import DirectoryImportError, _label, import_payload
from .tabular import NESTED, columns, fk_target, table_schema
from .tabular import files as tabular_files

MAX_BYTES = 50 * 1024 * 1024
READ = ["organization", "service", "location", "address", "accessibility", "phone", "contact", "schedule",
        "language", "service_area", "service_at_location", "cost_option", "required_document",
        "service_capacity", "unit", "organization_identifier", "attribute", "taxonomy_term", "taxonomy"]
MODELS = {"organization": models.Organization, "service": models.Service, "location": models.Location,
          "contact": models.Contact, "phone": models.Phone, "taxonomy_term": models.TaxonomyTerm,
          "taxonomy": models.Taxonomy, "unit": models.Unit}
# Where a child row goes: the first filled foreign key (column, parent table) wins; the list key on the parent.
PLACE = {
    "phone": ([("contact_id", "contact"), ("location_id", "location"), ("service_id", "service"),
               ("organization_id", "organization")], "phones"),
    "contact": ([("service_id", "service"), ("organization_id", "organization")], "contacts"),
    "location": ([("organization_id", "organization")], "locations"),
    "address": ([("location_id", "location")], "addresses"),
    "accessibility": ([("location_id", "location")], "accessibility"),
    "language": ([("service_id", "service"), ("location_id", "location")], "languages"),
    "schedule": ([("service_id", "service"), ("location_id", "location")], "schedules"),
    "service_area": ([("service_id", "service")], "service_areas"),
    "service_at_location": ([("service_id", "service")], "service_at_locations"),
    "cost_option": ([("service_id", "service")], "cost_options"),
    "required_document": ([("service_id", "service")], "required_documents"),
    "service_capacity": ([("service_id", "service")], "capacities"),
    "organization_identifier": ([("organization_id", "organization")], "organization_identifiers"),
}
LISTS = {"organization": ["contacts", "phones", "locations", "organization_identifiers", "attributes"],
         "service": ["phones", "schedules", "service_areas", "service_at_locations", "languages", "cost_options",
                     "required_documents", "contacts", "capacities", "attributes"],
         "location": ["addresses", "accessibility", "phones", "languages", "schedules"],
         "contact": ["phones"], "schedule": ["attributes"]}
ATTRIBUTED = ["organization", "service", "schedule"]
# References that may name a row already in the directory instead of one in the package.
MAY_BE_STORED = {("service", "organization_id"), ("service_at_location", "location_id"),
                 ("attribute", "taxonomy_term_id"), ("taxonomy_term", "taxonomy_id"),
                 ("taxonomy_term", "parent_id"), ("service_capacity", "unit_id")}
DATE_COLUMNS = {"assured_date", "valid_from", "valid_to", "dtstart", "until"}
TIME_COLUMNS = {"opens_at", "closes_at"}
EXCEL_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
EXCEL_DATE = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
INTEGER = re.compile(r"^[+-]?\d+$")


@dataclass
class Package:
    """Typed rows by table and id, and where each row came from (file, Excel row number)."""

    rows: dict[str, dict[str, dict]] = field(default_factory=lambda: {t: {} for t in READ})
    origin: dict[tuple[str, str], int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def error(self, table, row, column, message):
        self.errors.append(f"{_where(table, row, column)}: {message}")


def _where(table, row=None, column=None) -> str:
    out = table_schema(table)["path"]
    if row is not None:
        out += f" {row}行目"
    if column:
        out += f" {column}列"
    return out


# -- reading files --------------------------------------------------------------------------------------------

def read_files(source) -> dict[str, bytes]:
    """File name (without folders) → bytes, from a directory, a ZIP path or ZIP bytes."""
    if isinstance(source, Path) and source.is_dir():
        return {p.name: p.read_bytes() for p in sorted(source.iterdir()) if p.is_file()}
    data = source.read_bytes() if isinstance(source, Path) else source
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DirectoryImportError(["ZIP ファイルとして読めません。書き出した ZIP（CSV データパッケージ）を指定してください。"]) from None
    infos = [i for i in archive.infolist() if not i.is_dir() and "__MACOSX" not in i.filename]
    if sum(i.file_size for i in infos) > MAX_BYTES:
        raise DirectoryImportError(["ZIP の中身が大きすぎます（50MB まで）。"])
    try:
        return {i.filename.rsplit("/", 1)[-1]: archive.read(i) for i in infos}
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError):
        raise DirectoryImportError(["ZIP の中のファイルを読み出せません（暗号化や破損がないか確認してください）。"]) from None


def _paths(files: dict[str, bytes]) -> dict[str, str]:
    """Table → file name: the datapackage.json resources when present, else HSDS's own file names."""
    paths = {t: table_schema(t)["path"] for t in READ}
    if "datapackage.json" in files:
        try:
            resources = json.loads(files["datapackage.json"].decode("utf-8-sig"))["resources"]
            paths |= {r["name"]: r["path"].rsplit("/", 1)[-1] for r in resources
                      if r.get("name") in paths and isinstance(r.get("path"), str)}
        except (ValueError, KeyError, TypeError, AttributeError):
            raise DirectoryImportError(["datapackage.json を読めません（削除すれば CSV のファイル名で読み込みます）。"]) from None
    return paths


def decode(content: bytes, table: str) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DirectoryImportError([f"{_where(table)}: 文字コードを判別できません（UTF-8 または Shift_JIS で保存してください）"])


def _value(package, table, number, column, text: str):
    text = text.strip() if column == "id" or column.endswith("_id") else text
    if not text.strip():
        return None
    prop = table_schema(table)["properties"][column]
    if prop.get("type") in ("number", "integer"):
        text = text.strip()
        try:
            return int(text) if INTEGER.match(text) else float(text)
        except ValueError:
            package.error(table, number, column, f"数値ではありません（{text}）")
            return None
    match = EXCEL_DATE.match(text.strip())
    if match and (column in DATE_COLUMNS or (table, column) == ("attribute", "value")):
        return f"{int(match[1]):04d}-{int(match[2]):02d}-{int(match[3]):02d}"
    match = EXCEL_TIME.match(text.strip())
    if match and column in TIME_COLUMNS:
        return f"{int(match[1]):02d}:{match[2]}"  # Excel saves 08:30 as 8:30
    return text


def _read_table(package: Package, table: str, text: str) -> None:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None) or []
    known = set(columns(table))
    for column in header:
        if column and column not in known:
            package.error(table, 1, None, f"列「{column}」は HSDS 3.1 の {table} にありません（列名を確認してください）")
    if "id" not in header:
        package.error(table, 1, None, "id 列がありません")
    if package.errors:
        return
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            row = {}
            for column, cell in zip(header, cells, strict=False):
                if column and (value := _value(package, table, number, column, cell)) is not None:
                    row[column] = value
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                package.error(table, number, None, "見出しのない列に値があります")
            if "id" not in row:
                package.error(table, number, "id", "id が空です")
            elif row["id"] in package.rows[table]:
                package.error(table, number, "id", f"id {row['id']} が同じファイルに2回あります")
            else:
                package.rows[table][row["id"]] = row
                package.origin[(table, row["id"])] = number
    except csv.Error as error:
        package.error(table, reader.line_num, None, f"CSV として読めません（{error}）")


def read_package(files: dict[str, bytes]) -> Package:
    paths = _paths(files)
    package = Package()
    found = [t for t in READ if paths[t] in files]
    if not found:
        raise DirectoryImportError(["HSDS の CSV（organizations.csv、services.csv など）が見つかりません。"])
    for table in found:
        _read_table(package, table, decode(files[paths[table]], table))
    if package.errors:
        raise DirectoryImportError(package.errors)
    return package


# -- rows → compiled objects ----------------------------------------------------------------------------------

def _stored(table: str, value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return table in MODELS and MODELS[table].objects.filter(pk=value).exists()


def _check_references(package: Package) -> None:
    """Every filled foreign key names a row in the package (or, where the importer can use it, one stored)."""
    for table in READ:
        for rid, row in package.rows[table].items():
            for column, value in row.items():
                target = fk_target(column)
                if target not in READ or column == "id" or value in package.rows[target]:
                    continue
                number = package.origin[(table, rid)]
                if (table, column) in MAY_BE_STORED and _stored(target, value):
                    continue
                if _stored(target, value):
                    package.error(table, number, column, f"{_where(target)} に id {value} の行がありません"
                                                         "（ディレクトリにはありますが、この行と一緒に取り込むには必要です）")
                else:
                    package.error(table, number, column, f"id {value} は {_where(target)} にもディレクトリにもありません")


def _place(package: Package, table: str, row: dict, referenced: set) -> None:
    candidates, key = PLACE[table]
    for column, parent_table in candidates:
        if row.get(column) in package.rows[parent_table]:
            package.rows[parent_table][row[column]][key].append(row)
            return
    if table == "location" and row["id"] in referenced:
        return  # a location of no organization travels inside the service_at_location that names it
    if table != "location":
        package.error(table, package.origin[(table, row["id"])], candidates[0][0],
                      f"どの行に属するか分かりません（{'、'.join(c for c, _ in candidates)} のいずれかを入力してください）")


def _attach_attribute(package: Package, row: dict) -> None:
    """Attributes hang on organizations, services and schedules (the only owners the importer reads)."""
    link = row.get("link_id")
    owner = next((package.rows[t][link] for t in ATTRIBUTED if link in package.rows[t]), None)
    if owner is None:
        if not any(link in package.rows[t] for t in READ):
            package.error("attribute", package.origin[("attribute", row["id"])], "link_id",
                          f"id {link or '（空）'} の機関・サービス・受付時間がパッケージにありません")
        return
    term = package.rows["taxonomy_term"].get(row.get("taxonomy_term_id"))
    if term is not None:
        taxonomy = package.rows["taxonomy"].get(term.get("taxonomy_id"))
        row["taxonomy_term"] = {**term, **({"taxonomy_detail": taxonomy} if taxonomy else {})}
    owner["attributes"].append(row)


def _unit(package: Package, capacity: dict) -> None:
    unit = package.rows["unit"].get(capacity.get("unit_id"))
    if unit is None and capacity.get("unit_id"):
        stored = models.Unit.objects.filter(pk=capacity["unit_id"]).first()
        unit = {k: v for k, v in {"id": str(stored.pk), "name": stored.name, "scheme": stored.scheme,
                                  "identifier": stored.identifier}.items() if v} if stored else None
    if unit is not None:
        capacity["unit"] = unit


def assemble(package: Package) -> list[dict]:
    """Compiled organizations (with their own children), then compiled services naming their organization."""
    _check_references(package)
    if package.errors:
        raise DirectoryImportError(package.errors)
    for table, keys in LISTS.items():
        for row in package.rows[table].values():
            for key in keys:
                row[key] = []
    referenced = set()
    for sal in package.rows["service_at_location"].values():
        location = package.rows["location"].get(sal.get("location_id"))
        if location is not None and not location.get("organization_id"):
            sal["location"] = location
            referenced.add(location["id"])
    for table in PLACE:
        for row in package.rows[table].values():
            _place(package, table, row, referenced)
    for row in package.rows["attribute"].values():
        _attach_attribute(package, row)
    for capacity in package.rows["service_capacity"].values():
        _unit(package, capacity)
    if package.errors:
        raise DirectoryImportError(package.errors)
    return list(package.rows["organization"].values()) + list(package.rows["service"].values())


# -- the importer's errors, told as file, row and column ------------------------------------------------------

def _locate(record: dict, top: str, path: str, package: Package) -> str | None:
    """Walk the importer's path ("schedules[0].opens_at") to the deepest row and the column it names."""
    table, current, found, column = top, record, (top, record), None
    for index, key in re.findall(r"\[(\d+)\]|([^.\[\]]+)", path):
        if index and isinstance(current, list) and int(index) < len(current):
            current = current[int(index)]
        elif key and isinstance(current, list) and (flag := next(
                (i for i in current if isinstance(i, dict) and i.get("link_type") == key), None)):
            table, current, column = "attribute", flag, "value"  # attributes.last-verified → its row's value
        elif key and isinstance(current, dict) and key in current:
            table, current = NESTED.get(key, table), current[key]
            column = key if not isinstance(current, (dict, list)) else None
        else:
            column = key or column  # a missing key: the column left empty
            continue
        if isinstance(current, dict) and "id" in current:
            found = (table, current)
    table, row = found
    number = package.origin.get((table, row.get("id")))
    if number is None:
        return None
    if column in columns(table):
        return _where(table, number, column)
    named = column and not column.startswith("（") and column not in NESTED  # a field, not "（サービス）" or an object
    return _where(table, number) + (f"（{column}）" if named else "")


def relocate(errors: list[str], payload: list[dict], package: Package) -> list[str]:
    labels = [(_label(r, i) + ": ", r) for i, r in enumerate(payload)]
    out = []
    for line in errors:
        for label, record in labels:
            if line.startswith(label):
                path, _, message = line[len(label):].partition(": ")
                top = "service" if record["id"] in package.rows["service"] else "organization"
                where = _locate(record, top, path, package)
                out.append(f"{where}: {message}" if where else line)
                break
        else:
            out.append(line)
    return out


def _canonical(value):
    if isinstance(value, list):
        return sorted((_canonical(v) for v in value), key=lambda v: str(v.get("id")) if isinstance(v, dict) else str(v))
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    return value


def unchanged_elsewhere(payload: list[dict], package: Package, maintainer) -> set[str]:
    """Records of organizations another organisation maintains that the package carries unchanged.

    The exported package is the whole directory, so a supervisor who edits their own rows sends everyone
    else's back as they were. Those are left out rather than refused; a changed one is still refused by
    the importer's maintainer check. Both sides go through the same reader, so Excel's reformatting of
    dates and times does not count as a change (rows re-ordered in Excel do not either).
    """
    foreign = {str(pk) for pk in models.Organization.objects.exclude(maintained_by=maintainer)
               .values_list("pk", flat=True)}
    others = [r for r in payload
            if str(r.get("organization_id") if r["id"] in package.rows["service"] else r["id"]) in foreign]
    if not others:
        return set()
    try:
        current = {r["id"]: r for r in assemble(read_package(tabular_files()))}
    except DirectoryImportError:  # stored rows the package cannot carry: compare nothing, refuse as before
        return set()
    return {r["id"] for r in others if r["id"] in current and _canonical(r) == _canonical(current[r["id"]])}


def import_package(source, *, request=None, maintainer=None):
    """Read, reassemble and import a tabular package; DirectoryImportError lines name file, row and column."""
    package = read_package(read_files(source))
    payload = assemble(package)
    if not payload:
        raise DirectoryImportError(["organizations.csv と services.csv に取り込む行がありません。"])
    if maintainer is not None:
        left_out = unchanged_elsewhere(payload, package, maintainer)
        payload = [r for r in payload if r["id"] not in left_out]
    try:
        return import_payload(payload, request=request, maintainer=maintainer)
    except DirectoryImportError as error:
        raise DirectoryImportError(relocate(error.errors, payload, package)) from None
