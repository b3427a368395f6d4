"""`manage.py backup DIR` and `manage.py restore DIR` (renkei/audit/backup.py) bring everything back readable.

The backup is taken in-process from the test database; the restore runs as the operator runs it, `manage.py
restore` in another process, into a throwaway database (SQLite: a file; PostgreSQL: a database created and
dropped by the test) and a throwaway ATTACHMENT_ROOT.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from renkei.audit import seal as sealing
from renkei.audit.actions import log_event
from renkei.audit.backup import MANIFEST, state_of
from renkei.cases.models import Person
from renkei.core import attachments, keys

ADDRESS = "みどり県青葉市中央一丁目2番3号"
SCAN = "%PDF-1.4 同意書 山田 太郎".encode()


@pytest.fixture
def world(pref, settings):
    """Persons with encrypted contact details, an encrypted scan, and a linked, sealed audit log."""
    people = [Person.objects.create(organisation=pref.orgs.aoba, name=f"山田 {n}", kana="ヤマダ",
                                    created_by=pref.users.alice, address=f"{ADDRESS}-{n}", phone=f"090-0000-{n:04}",
                                    contact_notes="平日昼のみ携帯へ") for n in range(3)]
    scan = attachments.save_bytes(SCAN, name="同意書.pdf", content_type="application/pdf", user=pref.users.alice)
    for person in people:
        log_event("person.viewed", actor=pref.users.alice, organisation=pref.orgs.aoba, obj=person, person=person)
    sealing.make_seal()
    log_event("person.viewed", actor=pref.users.bob, organisation=pref.orgs.aoba, person=people[0])  # pending
    return {"people": people, "scan": scan}


def source_state():
    with connection.cursor() as cursor:
        return state_of(cursor, connection.introspection.table_names())


@pytest.fixture
def target(tmp_path):
    """A throwaway empty database and attachment folder, as DATABASE_URL and ATTACHMENT_ROOT of a process."""
    files = tmp_path / "restored-files"
    if connection.vendor == "sqlite":
        yield {"url": f"sqlite:///{tmp_path / 'restored.sqlite3'}", "files": files, "tmp": tmp_path}
        return
    name = f"renkei_ops_restore_{secrets.token_hex(4)}"
    s = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    try:
        yield {"url": f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}", "files": files,
               "tmp": tmp_path}
    finally:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(target, *args, **env):
    """`python manage.py ARGS` against the target, with the test's keys unless `env` says otherwise."""
    values = {
        "DATABASE_URL": target["url"],
        "ATTACHMENT_ROOT": str(target["files"]),
        "RENKEI_VAR_DIR": str(target["tmp"] / "var"),
        "SECRET_KEY": django_settings.SECRET_KEY,
        "SECRET_KEY_FALLBACKS": ",".join(django_settings.SECRET_KEY_FALLBACKS),
        "FIELD_ENCRYPTION_SALTS": ",".join(django_settings.SALT_KEY),
        "AUDIT_SEAL_KEY": django_settings.AUDIT_SEAL_KEY,
        "AUDIT_SEAL_LOG": "",
        "RENKEI_ENV": "",
        **env,
    }
    return subprocess.run([sys.executable, "manage.py", *args], cwd=django_settings.BASE_DIR,
                          env={**os.environ, **values}, capture_output=True, text=True, timeout=300)


READ_BACK = """
import hashlib, json
from django.db import connection
from renkei.audit.backup import state_of
from renkei.cases.models import Person
from renkei.core import attachments
from renkei.core.models import Attachment
with connection.cursor() as cursor:
    state = state_of(cursor, connection.introspection.table_names())
print(json.dumps({"state": state,
                  "people": sorted([p.address, p.phone, p.contact_notes] for p in Person.objects.all()),
                  "scans": [hashlib.sha256(attachments.read(a)).hexdigest() for a in Attachment.objects.all()]}))
"""


def table_count(target) -> int:
    done = manage(target, "shell", "-v0", "-c",
                  "from django.db import connection; print(len(connection.introspection.table_names()))")
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


def files_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_clean_database_gives_the_same_counts_a_valid_chain_and_readable_data(
        world, target, tmp_path, capsys):
    call_command("backup", str(tmp_path / "backup"))
    before = source_state()
    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["tables"] == before["tables"] and manifest["audit"] == before["audit"]
    assert manifest["tables"]["cases_person"] == 3 and manifest["files"]["count"] == 1
    assert manifest["migrations"]["audit"] and manifest["database"]["vendor"] == connection.vendor

    done = manage(target, "restore", str(tmp_path / "backup"))
    assert done.returncode == 0, done.stderr
    assert "復元しました" in done.stdout and "目録と一致" in done.stdout and "正常です" in done.stdout

    back = manage(target, "shell", "-v0", "-c", READ_BACK)
    assert back.returncode == 0, back.stderr
    restored = json.loads(back.stdout.strip().splitlines()[-1])
    assert restored["state"] == before
    assert restored["people"] == sorted([f"{ADDRESS}-{n}", f"090-0000-{n:04}", "平日昼のみ携帯へ"] for n in range(3))
    assert restored["scans"] == [world["scan"].sha256]
    checked = manage(target, "verify_audit")
    assert checked.returncode == 0, checked.stderr
    assert f"{before['tables']['audit_auditevent']} 件は正常です" in checked.stdout
    started = manage(target, "check")
    assert started.returncode == 0, started.stderr


@pytest.mark.django_db(transaction=True)
def test_restore_with_a_wrong_secret_key_is_refused_and_leaves_the_target_empty(world, target, tmp_path):
    call_command("backup", str(tmp_path / "backup"))
    done = manage(target, "restore", str(tmp_path / "backup"), SECRET_KEY="a-key-that-never-encrypted-anything")
    assert done.returncode != 0
    for name in ("SECRET_KEY", "SECRET_KEY_FALLBACKS", "FIELD_ENCRYPTION_SALTS"):
        assert name in done.stderr
    assert "何も変更していません" in done.stderr
    assert table_count(target) == 0
    assert files_in(target["files"]) == []


@pytest.mark.django_db(transaction=True)
def test_restore_without_the_fallback_old_records_need_is_undone(world, target, tmp_path, settings):
    """The primary key matches, but the oldest record is still under the key before rotation: the sample finds
    it after the restore, and the restore is removed again."""
    old = "the-secret-key-before-rotation-000000"
    settings.SECRET_KEY_FALLBACKS = [old]
    primary = settings.SECRET_KEY
    settings.SECRET_KEY = old
    token = Fernet(keys.derived_keys()[0]).encrypt("旧住所".encode()).decode()
    settings.SECRET_KEY = primary
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_person SET address = %s WHERE id = %s", [token, world["people"][0].pk])
    call_command("backup", str(tmp_path / "backup"))

    done = manage(target, "restore", str(tmp_path / "backup"), SECRET_KEY_FALLBACKS="")
    assert done.returncode != 0
    assert "cases.Person.address" in done.stderr and "SECRET_KEY_FALLBACKS" in done.stderr
    assert "復元を取り消しました" in done.stderr
    assert table_count(target) == 0
    assert files_in(target["files"]) == []

    again = manage(target, "restore", str(tmp_path / "backup"), SECRET_KEY_FALLBACKS=old)
    assert again.returncode == 0, again.stderr


@pytest.mark.django_db(transaction=True)
def test_a_non_empty_target_is_refused_and_nothing_changes(world, tmp_path):
    call_command("backup", str(tmp_path / "backup"))
    before = source_state()
    with pytest.raises(CommandError, match="復元先のデータベースは空ではありません"):
        call_command("restore", str(tmp_path / "backup"))
    assert source_state() == before
    assert Person.objects.get(pk=world["people"][0].pk).address == f"{ADDRESS}-0"


@pytest.mark.django_db(transaction=True)
def test_the_manifest_and_the_backup_hold_no_key_material(world, tmp_path, settings):
    settings.SECRET_KEY_FALLBACKS = ["an-older-secret-key-kept-for-rotation-0000"]
    call_command("backup", str(tmp_path / "backup"))
    secrets_ = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS, settings.AUDIT_SEAL_KEY]
    derived = keys.derived_keys()
    forbidden = [s.encode() for s in secrets_] + derived + [Fernet(k)._signing_key for k in derived] + [
        Fernet(k)._encryption_key for k in derived]
    manifest = (tmp_path / "backup" / MANIFEST).read_bytes()
    assert all(value not in manifest for value in forbidden)
    assert all(value.hex().encode() not in manifest for value in forbidden)
    for path in files_in(tmp_path / "backup"):
        data = path.read_bytes()
        assert all(s.encode() not in data for s in secrets_), path
    fingerprints = json.loads(manifest)["keys"]["field_key_fingerprints"]
    assert fingerprints == keys.fingerprints() and len(fingerprints) == 2


@pytest.mark.django_db(transaction=True)
def test_backup_into_a_directory_that_is_not_empty_is_refused(world, tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "old.txt").write_text("x")
    with pytest.raises(CommandError, match="空ではありません"):
        call_command("backup", str(tmp_path / "backup"))


@pytest.mark.django_db(transaction=True)
def test_restore_with_another_audit_seal_key_is_refused_naming_it(world, tmp_path, settings):
    call_command("backup", str(tmp_path / "backup"))
    settings.AUDIT_SEAL_KEY = "another-audit-seal-key"
    with pytest.raises(CommandError, match="AUDIT_SEAL_KEY"):
        call_command("restore", str(tmp_path / "backup"))


@pytest.mark.django_db(transaction=True)
def test_a_backup_from_a_newer_version_is_refused_before_anything_is_written(world, tmp_path):
    call_command("backup", str(tmp_path / "backup"))
    path = tmp_path / "backup" / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["migrations"]["cases"] = "9999_from_the_future"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(CommandError, match="新しい版の Renkei で作られています（この版にない移行: cases.9999_from_the_future）"):
        call_command("restore", str(tmp_path / "backup"))


def test_a_directory_without_a_manifest_is_not_restored(db, tmp_path):
    with pytest.raises(CommandError, match="manifest.json"):
        call_command("restore", str(tmp_path))
