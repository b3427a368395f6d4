"""Importing the HSDS tabular data package (the CSV ZIP, or a directory of CSVs), as edited in Excel."""

import csv
import io
import re
import uuid
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from renkei.audit.models import AuditEvent
from renkei.directory import tabular
from renkei.directory.actions import do_import_hsds_tabular
from renkei.directory.importer import DirectoryImportError
from renkei.directory.models import Organization, Schedule, Service

from .test_tabular import rich_directory  # noqa: F401  (fixture)


def _wipe():
    Service.objects.all().delete()
    Organization.objects.all().delete()


def _tables() -> dict[str, bytes]:
    """The current export without datapackage.json's creation time, for comparing two exports."""
    return {name: content for name, content in tabular.files().items() if name != "datapackage.json"}


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _rows(content: bytes, encoding="utf-8-sig") -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode(encoding))))


def _csv(rows: list[dict], header: list[str], encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def _edit(files: dict[str, bytes], name: str, change, encoding="utf-8-sig") -> dict[str, bytes]:
    """Change the rows of one CSV (as a list of dicts) and save it again, like an Excel user would."""
    rows = _rows(files[name])
    header = list(rows[0]) if rows else next(csv.reader(io.StringIO(files[name].decode("utf-8-sig"))))
    change(rows)
    return {**files, name: _csv(rows, header, encoding)}


def _errors(source) -> list[str]:
    with pytest.raises(DirectoryImportError) as caught:
        do_import_hsds_tabular(source=source)
    return caught.value.errors


def test_an_exported_zip_imports_into_an_empty_directory_and_exports_the_same(rich_directory, tmp_path):  # noqa: F811
    path = tmp_path / "directory.zip"
    call_command("export_hsds", "--format", "tabular", "-o", str(path))
    before = _tables()
    assert Organization.objects.filter(name="サービスのない機関").exists()
    _wipe()
    call_command("import_hsds", str(path))
    assert _tables() == before
    event = AuditEvent.objects.filter(action="directory.imported").latest("id")
    assert event.data["organizations"] == 6 and event.data["services"] == 5


def test_the_demo_directory_survives_a_round_trip_through_the_tabular_package(db):
    from renkei.demo.loader import load_demo

    load_demo()
    content, before = _zip(tabular.files()), _tables()
    _wipe()
    result = do_import_hsds_tabular(source=content)
    assert result.services >= 60 and _tables() == before
    assert do_import_hsds_tabular(source=content).changes == 0


def test_a_directory_of_csvs_without_datapackage_json_imports_with_the_command(small_directory, tmp_path, capsys):
    call_command("export_hsds", "--tabular", str(tmp_path / "pkg"))
    (tmp_path / "pkg" / "datapackage.json").unlink()
    (tmp_path / "pkg" / "メモ.txt").write_text("無関係なファイルは読み飛ばす", encoding="utf-8")
    path = tmp_path / "pkg" / "services.csv"
    target = str(small_directory.debt_aoba.pk)

    def rename(rows):
        next(r for r in rows if r["id"] == target)["name"] = "家計・債務の相談"

    path.write_bytes(_edit({"s": path.read_bytes()}, "s", rename)["s"])
    call_command("import_hsds", str(tmp_path / "pkg"))
    assert "変更 1 行" in capsys.readouterr().out
    assert Service.objects.get(pk=target).name == "家計・債務の相談"


def test_a_cp932_csv_saved_by_excel_updates_names_and_keeps_excel_dates(small_directory):
    files = tabular.files()
    target = small_directory.legal
    counts = (Service.objects.count(), Schedule.objects.count())

    def excel(rows):
        for row in rows:
            if row["assured_date"]:
                y, m, d = row["assured_date"].split("-")
                row["assured_date"] = f"{int(y)}/{int(m)}/{int(d)}"  # how Excel saves a date it recognised
            if row["id"] == str(target.pk):
                row["name"] = "法律相談援助（髙橋・①番窓口）"

    edited = _edit(files, "services.csv", excel, encoding="cp932")
    assert not edited["services.csv"].startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        edited["services.csv"].decode("utf-8")
    result = do_import_hsds_tabular(source=_zip(edited))
    assert result.changes == 1
    target.refresh_from_db()
    assert target.name == "法律相談援助（髙橋・①番窓口）" and target.last_verified == small_directory.legal.last_verified
    assert (Service.objects.count(), Schedule.objects.count()) == counts


def test_an_organization_without_services_imports_from_organizations_csv_alone(small_directory):
    new_id = str(uuid.uuid4())
    header = tabular.columns("organization")
    content = _zip({"organizations.csv": _csv([{"id": new_id, "name": "みどり若者サポートステーション",
                                                "description": "就労に向けた相談"}], header)})
    result = do_import_hsds_tabular(source=content)
    assert (result.organizations, result.services) == (1, 0)
    org = Organization.objects.get(pk=new_id)
    assert org.name == "みどり若者サポートステーション" and not org.services.exists()


def test_a_service_naming_a_missing_organization_is_refused_with_file_row_and_column(small_directory):
    files = tabular.files()
    before = (_tables(), AuditEvent.objects.count())
    missing = str(uuid.uuid4())
    order = [r["id"] for r in _rows(files["services.csv"])]

    def break_key(rows):
        rows[0]["name"] = "書き換えたが取り込まれない"
        rows[2]["organization_id"] = missing

    errors = _errors(_zip(_edit(files, "services.csv", break_key)))
    assert errors == [f"services.csv 4行目 organization_id列: id {missing} は organizations.csv にもディレクトリにもありません"]
    assert (_tables(), AuditEvent.objects.count()) == before
    assert Service.objects.get(pk=order[0]).name != "書き換えたが取り込まれない"


def test_a_service_of_an_organization_already_in_the_directory_imports_without_organizations_csv(small_directory):
    files = tabular.files()
    only = {"services.csv": _edit(files, "services.csv", lambda rows: rows[0].update(name="別名"))["services.csv"]}
    do_import_hsds_tabular(source=_zip(only))
    assert Service.objects.get(pk=_rows(files["services.csv"])[0]["id"]).name == "別名"


def test_a_child_row_whose_parent_row_is_left_out_is_refused(small_directory):
    files = tabular.files()
    errors = _errors(_zip({"schedules.csv": files["schedules.csv"]}))
    assert errors and all("schedules.csv" in e and "service_id列" in e and "services.csv に id" in e for e in errors)


def test_an_unknown_column_is_refused_in_japanese_and_writes_nothing(small_directory):
    files = tabular.files()
    text = files["organizations.csv"].decode("utf-8-sig").replace("legal_status", "legal_statuss", 1)
    before = _tables()
    errors = _errors(_zip({**files, "organizations.csv": text.encode("utf-8-sig")}))
    assert errors == ["organizations.csv 1行目: 列「legal_statuss」は HSDS 3.1 の organization にありません（列名を確認してください）"]
    assert _tables() == before


def test_the_importers_own_errors_are_told_as_file_row_and_column(small_directory):
    files = tabular.files()
    files = _edit(files, "schedules.csv", lambda rows: rows[1].update(opens_at="25:99"))
    files = _edit(files, "services.csv", lambda rows: rows[0].update(minimum_age="二十", status=""))
    org_id = _rows(files["organizations.csv"])[0]["id"]
    files = _edit(files, "phones.csv", lambda rows: rows.append({"id": "not-a-uuid", "number": "0990-00-0000",
                                                                  "organization_id": org_id}))
    errors = _errors(_zip(files))
    assert errors == ["services.csv 2行目 minimum_age列: 数値ではありません（二十）"]
    files = _edit(files, "services.csv", lambda rows: rows[0].update(minimum_age="20"))
    errors = _errors(_zip(files))
    assert "services.csv 2行目 status列: 必須項目がありません" in errors
    assert "phones.csv 2行目 id列: 形式が正しくありません（UUID）" in errors
    assert len(errors) == 2
    files = _edit(files, "services.csv", lambda rows: rows[0].update(status="active"))
    files = _edit(files, "phones.csv", lambda rows: rows[0].update(id=str(uuid.uuid4())))
    assert _errors(_zip(files)) == ["schedules.csv 3行目 opens_at列: 時刻は HH:MM の形式で入力してください"]


def test_an_unreadable_package_is_refused_in_japanese(small_directory, tmp_path):
    assert _errors(b"not a zip")[0].startswith("ZIP ファイルとして読めません")
    assert _errors(_zip({"readme.txt": b"hello"}))[0].startswith("HSDS の CSV（organizations.csv")
    garbage = {"organizations.csv": b"id,name\r\n\xff\xfe\x00\x81\x7f\r\n"}
    assert "文字コードを判別できません" in _errors(_zip(garbage))[0]
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(CommandError, match="何も取り込みませんでした"):
        call_command("import_hsds", str(path))


def test_the_import_page_takes_the_whole_exported_zip_edited_in_excel_and_changes_only_own_rows(
        client_for, pref, small_directory):
    mine = small_directory.debt_aoba
    foreign_before = [(s.pk, s.last_modified, s.name) for s in Service.objects.exclude(pk=mine.pk)]

    def excel(rows):
        for row in rows:
            if row.get("assured_date"):
                y, m, d = row["assured_date"].split("-")
                row["assured_date"] = f"{int(y)}/{int(m)}/{int(d)}"
            if row.get("opens_at"):
                row["opens_at"] = row["opens_at"].lstrip("0")  # 08:30 → 8:30
            if row["id"] == str(mine.pk):
                row["name"] = "くらしの相談"

    files = _edit(tabular.files(), "services.csv", excel, encoding="cp932")
    files = _edit(files, "schedules.csv", excel, encoding="cp932")
    c = client_for(pref.users.bob)
    response = c.post(reverse("directory:import"), {"file": SimpleUploadedFile("directory.csv.zip", _zip(files))})
    assert response.status_code == 302
    assert Service.objects.get(pk=mine.pk).name == "くらしの相談"
    assert [(s.pk, s.last_modified, s.name) for s in Service.objects.exclude(pk=mine.pk)] == foreign_before
    event = AuditEvent.objects.filter(action="directory.imported").latest("id")
    assert event.actor == pref.users.bob and event.data["changes"] == 1 and event.data["services"] == 1
    assert "Excel" in c.get(reverse("directory:import")).content.decode()


def test_the_import_page_refuses_other_maintainers_entries_and_garbage_in_japanese(client_for, pref, small_directory):
    c = client_for(pref.users.bob)
    before = (_tables(), AuditEvent.objects.count())
    foreign = _edit(tabular.files(), "services.csv", lambda rows: [r.update(name="乗っ取り") for r in rows])
    response = c.post(reverse("directory:import"), {"file": SimpleUploadedFile("d.zip", _zip(foreign))})
    assert response.status_code == 400
    assert re.search(r"services.csv \d行目: 機関「[^」]+」は青葉市が管理する情報ではない", response.content.decode())
    assert "管理する情報ではないため変更できません" in response.content.decode()
    for name, content in [("d.zip", b"garbage"), ("d.txt", b"\x00\x01garbage"), ("services.csv", foreign["services.csv"])]:
        response = c.post(reverse("directory:import"), {"file": SimpleUploadedFile(name, content)})
        body = response.content.decode()
        assert response.status_code == 400 and "何も取り込みませんでした" in body, name
        assert "ZIP" in body
    assert (_tables(), AuditEvent.objects.count()) == before
