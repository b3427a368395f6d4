"""Tamper evidence for the audit log: keyed entries, a keyed chain built in seal order, signed heads.

The design (after Certificate Transparency, RFC 9162: append first, then seal in order under signed
heads) is explained in docs/architecture.md, "Audit". In short:

1. Append (`log_event`): one INSERT of the entry with `hash` = HMAC-SHA256(key, its content, the ids of
   the persons it names, a random nonce). No lock, no shared row: appends never wait on each other.
2. Link (`link_pending`): the sealer gives the entries not yet linked the next sequence numbers and
   `chain` = HMAC(key, previous chain | seq | id | hash), in one short transaction under a try-lock
   (PostgreSQL: an advisory transaction lock; SQLite: the write lock without waiting). It runs after a
   request's entry is committed (at most every `AUDIT_LINK_EVERY` seconds per process, skipped when
   another sealer runs), and from `seal_audit`/`verify_audit`. Entries committed late by slow
   transactions are linked by a later run: nothing is lost.
3. Seal (`make_seal`): a signed head (seq, chain, time, HMAC) stored in `AuditSeal`, appended to the
   seal log file outside the database (`AUDIT_SEAL_LOG`), and given as one line to whoever keeps it.

The key (`AUDIT_SEAL_KEY`, or a 0600 key file under var/) is never stored in the database.
"""

import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import OperationalError, connection, transaction
from django.utils import timezone

GENESIS = "0" * 64
ADVISORY_LOCK = 0x52_45_4E_4B  # "RENK": one sealer at a time (PostgreSQL)
LINK_BATCH = 2000

# The columns an entry's MAC covers (with the ids of the persons it names).
CONTENT_FIELDS = ("nonce", "at", "actor_id", "actor_label", "organisation_id", "action", "object_type",
                  "object_id", "object_repr", "person_id", "field_groups", "purpose", "legal_basis", "ip",
                  "data")

# --- the key -----------------------------------------------------------------------------------------------
_key_lock = threading.Lock()
_key_cache: dict = {}


def seal_key() -> bytes:
    """The sealing key: `settings.AUDIT_SEAL_KEY`, else the key file (created 0600 on first use)."""
    configured = getattr(settings, "AUDIT_SEAL_KEY", "") or ""
    if configured:
        return configured.encode()
    path = Path(settings.AUDIT_SEAL_KEY_FILE)
    with _key_lock:
        if path in _key_cache:
            return _key_cache[path]
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process made it meanwhile
            else:
                with os.fdopen(fd, "w") as f:
                    f.write(secrets.token_hex(32) + "\n")
        key = path.read_text().strip().encode()
        if not key:
            raise RuntimeError(f"監査ログの封印鍵のファイルが空です: {path}")
        _key_cache[path] = key
        return key


def key_id(key: bytes | None = None) -> str:
    """A short public name of the key (so a seal made under another key is recognised as such)."""
    return hashlib.sha256(b"renkei-audit-key-id|" + (key or seal_key())).hexdigest()[:12]


def _mac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


# --- entries ------------------------------------------------------------------------------------------------
def canonical(row: dict, person_ids) -> str:
    """The entry as the MAC covers it. `row` holds CONTENT_FIELDS (a model instance's values or .values())."""
    body = {name: row[name] for name in CONTENT_FIELDS}
    body["at"] = row["at"].astimezone(dt.UTC).isoformat(timespec="microseconds")
    body["persons"] = sorted(str(p) for p in person_ids)
    body["v"] = 1
    return json.dumps(body, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)


def entry_mac(row: dict, person_ids, key: bytes | None = None) -> str:
    return _mac(key or seal_key(), "renkei-audit-entry|" + canonical(row, person_ids))


def row_of(event) -> dict:
    return {name: getattr(event, name) for name in CONTENT_FIELDS}


def link_mac(prev_chain: str, seq: int, event_id: int, entry_hash: str, key: bytes | None = None) -> str:
    return _mac(key or seal_key(), f"renkei-audit-chain|{prev_chain}|{seq}|{event_id}|{entry_hash}")


def new_nonce() -> str:
    return secrets.token_hex(16)


def rows_with_persons(queryset, chunk: int = LINK_BATCH):
    """(row dict, [person ids]) for each entry of `queryset`, the persons read in bulk per chunk."""
    from .models import AuditEventPerson

    fields = ("id", "seq", "chain", "hash", *CONTENT_FIELDS)
    batch: list[dict] = []

    def flush():
        links: dict[int, list[str]] = {r["id"]: [] for r in batch}
        for event_id, pid in AuditEventPerson.objects.filter(event_id__in=list(links)).values_list(
                "event_id", "person_id"):
            links[event_id].append(pid)
        for r in batch:
            yield r, links[r["id"]]
        batch.clear()

    for row in queryset.values(*fields).iterator(chunk_size=chunk):
        batch.append(row)
        if len(batch) >= chunk:
            yield from flush()
    yield from flush()


# --- seals ------------------------------------------------------------------------------------------------
LINE_PREFIX = "renkei-audit-seal"
LINE_RE = re.compile(
    r"^renkei-audit-seal v1 key=(?P<key>[0-9a-f]{12}) seq=(?P<seq>\d+) at=(?P<at>\S+) "
    r"chain=(?P<chain>[0-9a-f]{64}) mac=(?P<mac>[0-9a-f]{64})$")


@dataclass(frozen=True)
class Seal:
    seq: int
    at: dt.datetime
    chain: str
    mac: str
    key: str  # key id
    source: str = "データベース"

    @property
    def line(self) -> str:
        return (f"{LINE_PREFIX} v1 key={self.key} seq={self.seq} at={_iso(self.at)} chain={self.chain} "
                f"mac={self.mac}")

    def signed_correctly(self, key: bytes | None = None) -> bool:
        key = key or seal_key()
        return self.key == key_id(key) and hmac.compare_digest(self.mac, seal_mac(self.seq, self.at, self.chain,
                                                                                  key))


def _iso(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def seal_mac(seq: int, at: dt.datetime, chain: str, key: bytes | None = None) -> str:
    return _mac(key or seal_key(), f"renkei-audit-seal|v1|{seq}|{_iso(at)}|{chain}")


def parse_line(line: str, source: str) -> Seal | None:
    """A seal line, or None when the line is not one (blank lines and comments are skipped by callers)."""
    match = LINE_RE.match(line.strip())
    if match is None:
        return None
    try:
        at = dt.datetime.fromisoformat(match["at"])
    except ValueError:
        return None
    if at.tzinfo is None:
        return None
    return Seal(seq=int(match["seq"]), at=at, chain=match["chain"], mac=match["mac"], key=match["key"],
                source=source)


def read_lines(text: str, source: str) -> tuple[list[Seal], list[str]]:
    """Seals in `text` (one per line) and the lines that are not seals."""
    seals, bad = [], []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        seal = parse_line(line, source)
        if seal is None:
            bad.append(line)
        else:
            seals.append(seal)
    return seals, bad


def seal_log_path() -> Path | None:
    value = getattr(settings, "AUDIT_SEAL_LOG", None)
    return Path(value) if value else None


def logged_seals() -> tuple[list[Seal], list[str]]:
    """The seals in the seal log file outside the database (none when it is not configured or missing)."""
    path = seal_log_path()
    if path is None or not path.exists():
        return [], []
    return read_lines(path.read_text(encoding="utf-8"), f"封印ファイル {path}")


def _append_to_log(line: str) -> None:
    path = seal_log_path()
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def _last_logged_seal() -> Seal | None:
    """The newest correctly signed seal of the log file (its last lines only: the file grows)."""
    path = seal_log_path()
    if path is None or not path.exists():
        return None
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        f.seek(max(0, f.tell() - 4096))
        tail = f.read().decode("utf-8", "replace")
    seals = [s for s in read_lines(tail, "封印ファイル")[0] if s.signed_correctly()]
    return max(seals, key=lambda s: s.seq, default=None)


def stored_seal(record) -> Seal:
    return Seal(seq=record.seq, at=record.at, chain=record.chain, mac=record.mac, key=record.key_id)


# --- the sealer -------------------------------------------------------------------------------------------
_last_run = {"at": 0.0}


def _try_lock(block: bool) -> bool:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if block:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
                return True
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK])
            return bool(cursor.fetchone()[0])
    return True  # SQLite: the write transaction itself is the lock (see _sqlite_no_wait)


class _sqlite_no_wait:
    """On SQLite, let BEGIN IMMEDIATE fail at once instead of waiting when another writer is busy."""

    def __init__(self, active: bool):
        self.active = active and connection.vendor == "sqlite" and not connection.in_atomic_block

    def __enter__(self):
        if self.active:
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA busy_timeout = 0")
            connection.writer_waits = False  # the writers' queue of renkei.core.sqlite, likewise
        return self

    def __exit__(self, *exc):
        if self.active:
            timeout = float(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5))
            connection.writer_waits = True
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        return False


def _latest_seal() -> Seal | None:
    from .models import AuditSeal

    record = AuditSeal.objects.order_by("-seq").first()
    stored = stored_seal(record) if record is not None else None
    logged = _last_logged_seal()
    known = [s for s in (stored, logged) if s is not None]
    return max(known, key=lambda s: s.seq, default=None)


def link_pending(*, block: bool = True, seal: bool = False, limit: int | None = None) -> int | None:
    """Link the entries not yet in the chain, in one transaction. Returns how many were linked, or None
    when another sealer holds the lock (block=False) or the stored chain does not continue the newest seal
    (then nothing is linked: `verify_audit` reports why). With `seal`, also makes a signed head."""
    from .models import AuditEvent

    try:
        with _sqlite_no_wait(not block), transaction.atomic():
            if not _try_lock(block):
                return None
            key = seal_key()
            last = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").values("seq", "chain").first()
            seq, chain = (last["seq"], last["chain"]) if last else (0, GENESIS)
            latest = _latest_seal()
            if latest is not None and (latest.seq > seq or (latest.seq == seq and latest.chain != chain)):
                return None  # the log lost its tail, or was rewritten: leave it as found
            pending = AuditEvent.objects.filter(seq__isnull=True).order_by("id")
            if limit is not None:
                pending = pending[:limit]
            updates = []
            for row, persons in rows_with_persons(pending):
                if not hmac.compare_digest(row["hash"], entry_mac(row, persons, key)):
                    continue  # not written with the key: left out of the chain, reported by verify_audit
                seq += 1
                chain = link_mac(chain, seq, row["id"], row["hash"], key)
                updates.append((seq, chain, row["id"]))
            if updates:
                with connection.cursor() as cursor:
                    cursor.executemany(f"UPDATE {AuditEvent._meta.db_table} SET seq = %s, chain = %s WHERE id = %s",
                                       updates)
            if seal or (updates and _seal_due(latest)):
                _make_head(seq, chain, latest, key)
            return len(updates)
    except OperationalError:
        if block:
            raise
        return None  # SQLite: another writer is busy; a later run links these entries


def _seal_due(latest: Seal | None) -> bool:
    interval = getattr(settings, "AUDIT_SEAL_INTERVAL", 300)
    return latest is None or (timezone.now() - latest.at).total_seconds() >= interval


def _make_head(seq: int, chain: str, latest: Seal | None, key: bytes):
    from .models import AuditSeal

    if latest is not None and latest.seq == seq:
        return
    at = timezone.now()
    record = AuditSeal.objects.create(seq=seq, chain=chain, at=at, key_id=key_id(key),
                                      mac=seal_mac(seq, at, chain, key))
    line = stored_seal(record).line
    transaction.on_commit(lambda: _append_to_log(line))


def make_seal() -> Seal:
    """Link every pending entry and return the signed head of the whole log (made now when new)."""
    from .models import AuditSeal

    record = None
    if link_pending(block=True, seal=True) is not None:
        record = AuditSeal.objects.order_by("-seq").first()
    if record is None:
        raise RuntimeError("監査ログが最新の封印と一致しないため封印できません。verify_audit で状態を確認してください。")
    return stored_seal(record)


def link_soon() -> None:
    """After a request's entry commits: link pending entries if no other sealer runs (never waits)."""
    every = getattr(settings, "AUDIT_LINK_EVERY", 1.0)
    if every is None or every < 0:
        return
    now = time.monotonic()
    if now - _last_run["at"] < every:
        return
    _last_run["at"] = now
    try:
        link_pending(block=False, limit=LINK_BATCH)
    except Exception:  # noqa: BLE001 — linking is opportunistic; verify_audit reports what it finds
        import logging

        logging.getLogger("renkei.audit").exception("監査ログの連結に失敗しました")
