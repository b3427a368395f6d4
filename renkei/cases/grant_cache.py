"""A cache of the evaluated sharing grants, kept across requests and never stale.

Evaluating the sharing grants (consents, disclosures, break-glass, referrals, support teams, hand-overs,
co-workers) costs about ten small queries; on a search or a case page that is most of the time. Their
results depend only on (1) rows of a known set of tables and (2) the clock. So:

1. The grant epoch. One row (`GrantEpoch`) carries a token that database triggers change, inside the
   writing transaction, whenever a row of a *grant table* is inserted or deleted or has a column the
   grants read changed. The token is never reused (a PostgreSQL sequence; SQLite's 64-bit `random()`),
   so a rolled-back change cannot bring an old token back. Apps declare their tables with
   `grant_tables(model, fields)` in `ready()`; the triggers are (re)installed after every `migrate`
   (`install_triggers`). A test evaluates every grant for members of every kind, reads the SQL they run,
   and fails when a table they read has no trigger.
2. The clock. Every entry expires at the next instant a grant can change by time alone: local midnight
   (consent periods, disclosure ends: dates) and the next start or end of a time-limited row
   (`time_boundary(fn)`; break-glass starts and expiries, disclosures dated ahead).

An entry is used only when the token read now equals the token it was computed under and its expiry
has not passed. Withdrawal, removal from a team or a break-glass expiry therefore take effect at once,
as without the cache. When the epoch row is missing (a truncated database), nothing is cached.
Only small results (frozensets, booleans, tuples of them, None) are kept; per-process, bounded LRU.
"""

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable

from django.db import connection
from django.utils import timezone

MAX_ENTRIES = 4096
EPOCH_TABLE = "cases_grantepoch"

_tables: dict[type, tuple[str, ...] | None] = {}
_updates_only: set[type] = set()
_boundaries: list[Callable] = []
_lock = threading.Lock()
_entries: OrderedDict = OrderedDict()
_clock: dict = {}  # token -> the next time boundary after the time it was computed (shared by entries)


def grant_tables(model, fields=None, rows=True) -> None:
    """Declare that grants read `model`: inserts and deletes change the epoch, and updates that change
    one of `fields` (all updates when None). `rows=False`: only updates of `fields` change the epoch —
    for a table whose new rows no cached grant can contain until a row of another grant table names
    them (a person is shared only by a consent, a team or a referral recorded after it), and whose
    deleted rows a cached id set may keep harmlessly (the ids are always applied to the table itself)."""
    if not rows and not fields:
        raise ValueError("rows=False needs the columns whose updates change the grants")
    _tables[model] = tuple(fields) if fields is not None else None
    if rows:
        _updates_only.discard(model)
    else:
        _updates_only.add(model)


def time_boundary(fn: Callable) -> Callable:
    """Declare `fn(now) -> datetime | None`: the next instant after `now` at which a grant changes by time."""
    if fn not in _boundaries:
        _boundaries.append(fn)
    return fn


def declared_tables() -> dict[str, tuple[str, ...] | None]:
    """{table: columns or None} of every declared grant table."""
    out = {}
    for model, fields in _tables.items():
        columns = None if fields is None else tuple(model._meta.get_field(f).column for f in fields)
        out[model._meta.db_table] = columns
    return out


def _events(table: str) -> tuple[str, ...]:
    """The row events whose triggers change the epoch for `table`."""
    if any(model._meta.db_table == table for model in _updates_only):
        return ("update",)
    return ("insert", "delete", "update")


# --- reading --------------------------------------------------------------------------------------------
def current_token():
    """The epoch token now (None when the epoch row is missing: then nothing is cached)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {EPOCH_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return None if row is None else row[0]


def _next_midnight(now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    tomorrow = local.date() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(tomorrow, dt.time()), local.tzinfo)


def _expiry(token, now: dt.datetime) -> dt.datetime:
    """The next time boundary after `now`, computed once per token (while it lies ahead)."""
    known = _clock.get(token)
    if known is not None and now < known:
        return known
    candidates = [_next_midnight(now)] + [b for b in (fn(now) for fn in _boundaries) if b is not None]
    until = min(candidates)
    with _lock:
        _clock.clear()  # one token is current at a time
        _clock[token] = until
    return until


def _cacheable(value) -> bool:
    if value is None or isinstance(value, (frozenset, bool)):
        return True
    return isinstance(value, tuple) and all(_cacheable(v) for v in value)


def cached(key, compute: Callable, token_fn: Callable = current_token):
    """`compute()`, or its result computed earlier under the same epoch token and before the next time
    boundary. `key` must name everything the result depends on besides grant tables and time."""
    token = token_fn()
    if token is None:
        return compute()
    now = timezone.now()
    with _lock:
        entry = _entries.get(key)
        if entry is not None and entry[0] == token and now < entry[1]:
            _entries.move_to_end(key)
            return entry[2]
    until = _expiry(token, now)  # before computing: a boundary passed meanwhile only shortens the entry
    value = compute()
    if _cacheable(value):
        with _lock:
            _entries[key] = (token, until, value)
            _entries.move_to_end(key)
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    return value


def clear() -> None:
    with _lock:
        _entries.clear()
        _clock.clear()


# --- the triggers -----------------------------------------------------------------------------------------
def _sqlite_statements(table: str, columns) -> list[str]:
    bump = f"UPDATE {EPOCH_TABLE} SET token = random() WHERE id = 1;"
    out = []
    for event in _events(table):
        name = f"renkei_epoch_{table}_{event}"
        when = ""
        if event == "update" and columns:
            when = " WHEN " + " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in columns)
        out += [f"DROP TRIGGER IF EXISTS {name}",
                f'CREATE TRIGGER {name} AFTER {event.upper()} ON "{table}"{when} BEGIN {bump} END']
    return out


def _postgres_statements(table: str, columns) -> list[str]:
    out = []
    for event in _events(table):
        name = f"renkei_epoch_{event}"
        when = ""
        if event == "update" and columns:
            when = " WHEN (" + " OR ".join(f'OLD."{c}" IS DISTINCT FROM NEW."{c}"' for c in columns) + ")"
        # INSERT and DELETE once per statement (a bulk load bumps once); UPDATE per row, to compare columns.
        level = "ROW" if event == "update" else "STATEMENT"
        out += [f'DROP TRIGGER IF EXISTS {name} ON "{table}"',
                f'CREATE TRIGGER {name} AFTER {event.upper()} ON "{table}" FOR EACH {level}{when} '
                "EXECUTE FUNCTION renkei_bump_grant_epoch()"]
    if "delete" in _events(table):
        out += [f'DROP TRIGGER IF EXISTS renkei_epoch_truncate ON "{table}"',
                f'CREATE TRIGGER renkei_epoch_truncate AFTER TRUNCATE ON "{table}" FOR EACH STATEMENT '
                "EXECUTE FUNCTION renkei_bump_grant_epoch()"]
    return out


def _existing_triggers(conn, cursor) -> set[tuple[str, str]]:
    """{(table, trigger name)} of the epoch triggers installed now."""
    if conn.vendor == "sqlite":
        cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'renkei_epoch_%'")
    else:
        cursor.execute("SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                       "WHERE t.tgname LIKE 'renkei_epoch_%'")
    return set(cursor.fetchall())


def _drop_stale(conn, cursor, tables) -> None:
    """Drop the epoch triggers no declaration asks for any more (a table no grant reads, or whose new rows
    no longer matter): each would otherwise end every worker's cached grants for nothing."""
    for table, name in sorted(_existing_triggers(conn, cursor)):
        if conn.vendor == "sqlite":
            wanted = table in tables and name.rsplit("_", 1)[-1] in _events(table)
            if not wanted:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        else:
            event = name.removeprefix("renkei_epoch_")
            wanted = table in tables and (event in _events(table) or (event == "truncate" and "delete" in _events(table)))
            if not wanted:
                cursor.execute(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')


POSTGRES_FUNCTION = (
    "CREATE OR REPLACE FUNCTION renkei_bump_grant_epoch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"UPDATE {EPOCH_TABLE} SET token = nextval('cases_grantepoch_token_seq') WHERE id = 1; RETURN NULL; END $$"
)


def install_triggers(using=None, **kwargs) -> None:
    """(Re)create the epoch triggers on every declared table (post_migrate; idempotent)."""
    from django.db import connections

    conn = connections[using or "default"]
    tables = declared_tables()
    existing = set(conn.introspection.table_names())
    if EPOCH_TABLE not in existing:
        return
    if conn.vendor not in ("sqlite", "postgresql"):
        return
    with conn.cursor() as cursor:
        fresh = "random()"
        if conn.vendor == "postgresql":
            cursor.execute("CREATE SEQUENCE IF NOT EXISTS cases_grantepoch_token_seq")
            cursor.execute(POSTGRES_FUNCTION)
            fresh = "nextval('cases_grantepoch_token_seq')"
        # The row again after a flush (tests), with a token never used before.
        cursor.execute(f"INSERT INTO {EPOCH_TABLE} (id, token) SELECT 1, {fresh} "
                       f"WHERE NOT EXISTS (SELECT 1 FROM {EPOCH_TABLE} WHERE id = 1)")
        _drop_stale(conn, cursor, tables)
        for table, columns in sorted(tables.items()):
            if table not in existing:
                continue
            statements = (_sqlite_statements if conn.vendor == "sqlite" else _postgres_statements)(table, columns)
            for sql in statements:
                cursor.execute(sql)


def installed_tables(conn=None) -> set[str]:
    """Tables that carry every epoch trigger their declaration asks for now (tables with triggers but no
    declaration count too: a test asserts there are none)."""
    conn = conn or connection
    with conn.cursor() as cursor:
        found = _existing_triggers(conn, cursor)
    names: dict[str, set[str]] = {}
    for table, name in found:
        names.setdefault(table, set()).add(name)
    out = set()
    for table, have in names.items():
        wanted = {f"renkei_epoch_{table}_{e}" if conn.vendor == "sqlite" else f"renkei_epoch_{e}" for e in _events(table)}
        if wanted <= have:
            out.add(table)
    return out
