"""Backup and restore that bring everything back readable (`manage.py backup DIR`, `manage.py restore DIR`).

A backup directory holds
- the database as one consistent copy: SQLite through the online backup API (`sqlite3.Connection.backup`),
  PostgreSQL with `pg_dump -Fc` run on a snapshot exported from a repeatable-read transaction, in which the
  manifest's counts are taken too (so they are exactly those of the dump);
- the uploaded files (settings.ATTACHMENT_ROOT, encrypted as they are stored), copied after the snapshot: a
  file is written before its row, so every row of the copy has its file;
- `manifest.json`, written last: per-table row counts, the audit log's last entry (id and keyed hash), the
  head of its chain and newest seal, the latest applied migration per app, the fingerprint of the field
  encryption key (a hash of a derived key) and the audit key's public id, the time. Never a key.

The keys (SECRET_KEY, SECRET_KEY_FALLBACKS, FIELD_ENCRYPTION_SALTS, AUDIT_SEAL_KEY) are kept apart from it.

`restore` refuses, before it writes anything, a backup whose keys are not configured here, one made by a newer
version of the schema, and a target that is not empty (no table; no file in ATTACHMENT_ROOT). Then it restores
the database and the files and checks the row counts against the manifest, the audit chain (`verify_audit`'s
checks) and that the keys decrypt a sample of the encrypted data (`renkei.core.keys`); on any failure it
removes what it restored, leaving the target empty again.
"""

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from renkei.core import keys

from . import seal as sealing

FORMAT = "renkei-backup v1"
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
FILES = "attachments"

KEYS_REFUSED = ("このバックアップは、いま設定されている鍵とは別の鍵で暗号化されています（鍵の指紋 {wanted}、"
                "設定されている鍵 {have}）。SECRET_KEY・SECRET_KEY_FALLBACKS・FIELD_ENCRYPTION_SALTS を、"
                "バックアップを取ったときの値に設定してから復元してください。何も変更していません。")
AUDIT_KEY_REFUSED = ("このバックアップの監査ログは別の封印鍵で書かれています（鍵 {wanted}、設定されている鍵 {have}）。"
                     "AUDIT_SEAL_KEY をバックアップを取ったときの値に設定してから復元してください。何も変更していません。")
NOT_EMPTY = ("復元先のデータベースは空ではありません（テーブル {n} 個、その他 {others} 個）。復元は空のデータベースにだけ行います。"
             "新しく作成したデータベース（PostgreSQL: createdb -E UTF8 -T template0 …）を DATABASE_URL に指定してください。"
             "何も変更していません。")
FILES_NOT_EMPTY = ("復元先の添付ファイルのディレクトリ（ATTACHMENT_ROOT: {path}）が空ではありません。"
                   "空のディレクトリを指定してください。何も変更していません。")
NO_MANIFEST = "{path} にバックアップの目録（manifest.json）がありません（バックアップが完了していないか、別のディレクトリです）。"
BAD_MANIFEST = "{path} はこの形式のバックアップの目録ではありません。"
OTHER_DATABASE = "このバックアップは {made} のものです。復元先のデータベースは {target} です。同じ種類のデータベースに復元してください。"
NEWER_SCHEMA = ("このバックアップは新しい版の Renkei で作られています（この版にない移行: {names}）。"
                "同じか新しい版の Renkei で復元してください。何も変更していません。")
NOT_EMPTY_DIR = "バックアップ先 {path} は空ではありません。新しいディレクトリを指定してください。"
NO_TOOL = "{tool} が見つかりません（PostgreSQL のクライアント、Debian: postgresql-client）。"
TOOL_FAILED = "{tool} が失敗しました: {error}"
NO_SCHEMA = "データベースに Renkei の表がありません（migrate の前か、DATABASE_URL が別のデータベースです）。バックアップしませんでした。"
UNDONE = "復元を取り消しました（復元先のデータベースと添付ファイルのディレクトリは空に戻しました）。"


class BackupError(Exception):
    """A refusal or failure, with a Japanese message."""


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- what the manifest records ------------------------------------------------------------------------------
def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _one(cursor, sql: str):
    cursor.execute(sql)
    return cursor.fetchone()


def state_of(cursor, tables: list[str]) -> dict:
    """Row counts, the audit log's head and the applied migrations, read with a DB-API cursor (a Django cursor or
    one of sqlite3 on the copy), so the numbers are those of the copy."""
    counts = {t: _one(cursor, f"SELECT COUNT(*) FROM {_quote(t)}")[0] for t in sorted(tables)}
    audit = {"last_event": None, "head": None, "seal": None}
    if "audit_auditevent" in tables:
        row = _one(cursor, "SELECT id, hash FROM audit_auditevent ORDER BY id DESC LIMIT 1")
        audit["last_event"] = None if row is None else {"id": row[0], "hash": row[1]}
        row = _one(cursor, "SELECT seq, chain FROM audit_auditevent WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1")
        audit["head"] = None if row is None else {"seq": row[0], "chain": row[1]}
    if "audit_auditseal" in tables:
        row = _one(cursor, "SELECT seq, chain FROM audit_auditseal ORDER BY seq DESC LIMIT 1")
        audit["seal"] = None if row is None else {"seq": row[0], "chain": row[1]}
    migrations = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        for app, name in cursor.fetchall():
            migrations[app] = name  # the latest applied per app
    return {"tables": counts, "audit": audit, "migrations": dict(sorted(migrations.items()))}


def _files_summary(root: Path) -> dict:
    files = [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
    return {"count": len(files), "bytes": sum(p.stat().st_size for p in files)}


# --- PostgreSQL tools ----------------------------------------------------------------------------------------
def _pg_env(settings_dict: dict) -> dict:
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD"),
                     ("PGDATABASE", "NAME")):
        value = settings_dict.get(key)
        if value:
            env[var] = str(value)
        else:
            env.pop(var, None)
    options = settings_dict.get("OPTIONS", {})
    for var, key in (("PGSSLMODE", "sslmode"), ("PGSSLROOTCERT", "sslrootcert"), ("PGSSLCERT", "sslcert"),
                     ("PGSSLKEY", "sslkey")):
        if options.get(key):
            env[var] = str(options[key])
    return env


def _run(tool: str, args: list[str], env: dict) -> None:
    path = shutil.which(tool)
    if path is None:
        raise BackupError(NO_TOOL.format(tool=tool))
    done = subprocess.run([path, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(TOOL_FAILED.format(tool=tool, error=(done.stderr or done.stdout).strip()[-2000:]))


# --- backup --------------------------------------------------------------------------------------------------
def backup(directory: Path, using: str = DEFAULT_DB_ALIAS) -> Report:
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(NOT_EMPTY_DIR.format(path=directory))
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    connection = connections[using]
    if connection.vendor == "sqlite":
        database_file = SQLITE_FILE
        target = directory / SQLITE_FILE
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)  # one step: a consistent copy while others keep working
            cursor = copy.cursor()
            tables = [r[0] for r in cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
            state = state_of(cursor, tables)
        finally:
            copy.close()
    elif connection.vendor == "postgresql":
        database_file = PG_FILE
        target = directory / PG_FILE
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            snapshot = _one(cursor, "SELECT pg_export_snapshot()")[0]
            _run("pg_dump", ["-Fc", f"--snapshot={snapshot}", "-f", str(target)], _pg_env(connection.settings_dict))
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            state = state_of(cursor, [r[0] for r in cursor.fetchall()])
    else:
        raise BackupError(f"{connection.vendor} のデータベースのバックアップには対応していません。")
    target.chmod(0o600)
    if "django_migrations" not in state["tables"]:
        shutil.rmtree(directory)
        raise BackupError(NO_SCHEMA)

    root = Path(settings.ATTACHMENT_ROOT)
    if root.exists():
        shutil.copytree(root, directory / FILES)
    else:
        (directory / FILES).mkdir()
    errors, warnings = keys.problems(using)
    configured = keys.fingerprints()
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": {"vendor": connection.vendor, "file": database_file},
        "files": {"directory": FILES, **_files_summary(directory / FILES)},
        **state,
        "keys": {
            "field_key_fingerprint": configured[0],  # the key new data was encrypted with
            "field_key_fingerprints": configured,     # every key configured then (fallbacks included)
            "audit_key_id": sealing.key_id(),
            "readable": not errors,
        },
    }
    path = directory / MANIFEST
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    path.chmod(0o600)
    report = Report(warnings=[f"警告: {m}" for m in errors + warnings])
    rows = sum(state["tables"].values())
    last = state["audit"]["last_event"]
    report.lines += [
        f"バックアップを作成しました: {directory}",
        f"  データベース: {database_file}（テーブル {len(state['tables'])} 個、{rows} 行）",
        f"  添付ファイル: {manifest['files']['count']} 個",
        f"  監査ログ: 最後の記録 #{last['id']}" if last else "  監査ログ: 記録なし",
        f"  鍵の指紋: {configured[0]}（鍵そのものは含みません）",
        "  SECRET_KEY・SECRET_KEY_FALLBACKS・FIELD_ENCRYPTION_SALTS と AUDIT_SEAL_KEY は、このバックアップとは別の場所に保管してください。",
    ]
    return report


# --- restore -------------------------------------------------------------------------------------------------
def read_manifest(directory: Path) -> dict:
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise BackupError(NO_MANIFEST.format(path=directory))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(BAD_MANIFEST.format(path=path)) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(BAD_MANIFEST.format(path=path))
    return manifest


def _refusals(directory: Path, manifest: dict, using: str) -> None:
    """Everything checked before anything is written."""
    connection = connections[using]
    made = manifest["database"]["vendor"]
    if made != connection.vendor:
        raise BackupError(OTHER_DATABASE.format(made=made, target=connection.vendor))
    if not (directory / manifest["database"]["file"]).is_file():
        raise BackupError(f"{directory} にデータベースのファイル {manifest['database']['file']} がありません。")
    wanted = manifest["keys"]["field_key_fingerprint"]
    configured = keys.fingerprints()
    if wanted not in configured:
        raise BackupError(KEYS_REFUSED.format(wanted=wanted, have="、".join(configured)))
    if manifest["keys"]["audit_key_id"] != sealing.key_id():
        raise BackupError(AUDIT_KEY_REFUSED.format(wanted=manifest["keys"]["audit_key_id"], have=sealing.key_id()))
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [f"{app}.{name}" for app, name in manifest["migrations"].items() if (app, name) not in known]
    if unknown:
        raise BackupError(NEWER_SCHEMA.format(names="、".join(unknown)))
    tables = connection.introspection.table_names()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            objects = _pg_objects(cursor)
        if any(objects.values()):
            raise BackupError(NOT_EMPTY.format(n=len(objects["TABLE"]), others=sum(map(len, objects.values()))
                                               - len(objects["TABLE"])))
    if tables:
        raise BackupError(NOT_EMPTY.format(n=len(tables), others=0))
    root = Path(settings.ATTACHMENT_ROOT)
    if root.exists() and any(root.iterdir()):
        raise BackupError(FILES_NOT_EMPTY.format(path=root))


def _restore_database(directory: Path, manifest: dict, using: str) -> None:
    connection = connections[using]
    source = directory / manifest["database"]["file"]
    if connection.vendor == "sqlite":
        connection.close()
        copy = sqlite3.connect(source)
        target = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            copy.backup(target)
        finally:
            target.close()
            copy.close()
    else:
        _run("pg_restore", ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
                            "-d", connection.settings_dict["NAME"], str(source)], _pg_env(connection.settings_dict))


def _pg_objects(cursor) -> dict[str, list[str]]:
    """What a restore creates in the schema (extensions aside, which the dump creates if not there)."""
    found = {}
    cursor.execute("SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema()")
    found["TABLE"] = [r[0] for r in cursor.fetchall()]
    cursor.execute("SELECT quote_ident(viewname) FROM pg_views WHERE schemaname = current_schema()")
    found["VIEW"] = [r[0] for r in cursor.fetchall()]
    cursor.execute("SELECT quote_ident(sequence_name) FROM information_schema.sequences "
                   "WHERE sequence_schema = current_schema()")
    found["SEQUENCE"] = [r[0] for r in cursor.fetchall()]
    cursor.execute("SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace "
                   "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')")
    found["FUNCTION"] = [r[0] for r in cursor.fetchall()]
    return found


def _undo(using: str, root: Path) -> None:
    connection = connections[using]
    if connection.vendor == "sqlite":
        connection.close()
        name = Path(connection.settings_dict["NAME"])
        for path in (name, Path(f"{name}-wal"), Path(f"{name}-shm"), Path(f"{name}-journal")):
            path.unlink(missing_ok=True)
    else:
        with connection.cursor() as cursor:
            for kind, names in _pg_objects(cursor).items():
                if names:
                    cursor.execute(f"DROP {kind} IF EXISTS " + ", ".join(names) + " CASCADE")
    if root.exists():
        for child in root.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()


def _checks(manifest: dict, using: str) -> tuple[list[str], list[str]]:
    """(problems, lines) of the restored copy against the manifest."""
    from .verify import verify

    connection = connections[using]
    problems, lines = [], []
    with connection.cursor() as cursor:
        state = state_of(cursor, connection.introspection.table_names())
    expected, found = manifest["tables"], state["tables"]
    differ = [f"{t}（バックアップ {expected.get(t, 'なし')}、復元 {found.get(t, 'なし')}）"
              for t in sorted(set(expected) | set(found)) if expected.get(t) != found.get(t)]
    if differ:
        problems.append("行数がバックアップの目録と一致しません: " + "、".join(differ))
    else:
        lines.append(f"  行数: テーブル {len(found)} 個、{sum(found.values())} 行（目録と一致）")
    if state["audit"] != manifest["audit"]:
        problems.append("監査ログの最後の記録・連鎖の先頭がバックアップの目録と一致しません。")
    result = verify(seal_log=False)
    if result.ok:
        lines.append(f"  監査ログ: {result.message}")
    else:
        problems.append(f"監査ログの検証に失敗しました: {result.message}")
    errors, _warnings = keys.problems(using)
    problems += errors
    missing = _missing_files(using)
    if missing:
        problems.append(f"添付ファイル {len(missing)} 個のファイルがバックアップにありません（#{'、#'.join(map(str, missing[:10]))}）。")
    if not errors and not missing:
        lines.append(f"  暗号化データと添付ファイル: 設定された鍵で読めます（添付ファイル {manifest['files']['count']} 個）")
    return problems, lines


def _missing_files(using: str) -> list[int]:
    from renkei.core.models import Attachment

    root = Path(settings.ATTACHMENT_ROOT)
    return [pk for pk, name in Attachment.objects.using(using).order_by("id").values_list("id", "file")
            if not (root / name).is_file()]


def restore(directory: Path, using: str = DEFAULT_DB_ALIAS) -> Report:
    directory = Path(directory)
    manifest = read_manifest(directory)
    _refusals(directory, manifest, using)
    root = Path(settings.ATTACHMENT_ROOT)
    try:
        _restore_database(directory, manifest, using)
        files = directory / manifest["files"]["directory"]
        if files.is_dir():
            shutil.copytree(files, root, dirs_exist_ok=True)
        problems, lines = _checks(manifest, using)
    except BaseException:
        _undo(using, root)
        raise
    if problems:
        _undo(using, root)
        raise BackupError("\n".join([*problems, UNDONE]))
    report = Report(lines=[f"復元しました: {directory}（{manifest['created_at']} のバックアップ）", *lines])
    report.warnings += _after_restore(using)
    return report


def _after_restore(using: str) -> list[str]:
    warnings = []
    if sealing.seal_log_path() is not None:
        from .verify import verify

        result = verify()
        if not result.ok:
            warnings.append(f"注意: 封印ファイル（AUDIT_SEAL_LOG）との照合: {result.message}"
                            "（バックアップの後に書かれた記録は復元されていません）")
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        warnings.append("この版には未適用の移行があります。python manage.py migrate を実行してください。")
    return warnings
