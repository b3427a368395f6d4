"""`verify_audit`: every kind of tampering with the audit log, each with its own message.

Walks the linked entries in seal order (each entry's MAC, each link of the chain, the sequence without
gaps), then the entries not yet linked (their MACs), then every seal known — stored in the database,
in the seal log file (`AUDIT_SEAL_LOG`) and given with `--against` — against the chain, and on SQLite
the table's id counter against the newest entry.
"""

import hmac
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from . import seal as sealing

ALTERED = "監査ログ #{id} の内容が改ざんされています（{action}、{at}）"
FORGED = "監査ログ #{id} は本システムの鍵で書かれた記録ではありません（挿入または書き換えられた記録です。{action}、{at}）"
DUPLICATE = "監査ログ #{id} は #{original} を複製して挿入された記録です"
REMOVED = "監査ログの記録が削除されています（封印番号 {first}{last} の {n} 件。#{before} と #{after} の間）"
REORDERED = "監査ログ #{id} の順序が入れ替えられています（封印番号 {seq}）"
TAIL = "監査ログの末尾の記録が削除されています（{source}の封印は {sealed} 件目まで、残っているのは {left} 件目まで）"
ALL = "監査ログの記録がすべて削除されています（{source}の封印は {sealed} 件目まで）"
TAIL_COUNTER = "監査ログの末尾の記録が削除されています（最後の記録 #{last} の後に #{counter} まで書かれていました）"
ALL_COUNTER = "監査ログの記録がすべて削除されています（#{counter} まで書かれていました）"
REWRITTEN = "監査ログは封印（{source}、{at}、{seq} 件目）の後で書き換えられています"
SEAL_FORGED = "監査ログの封印（{source}、{seq} 件目）の署名が正しくありません（偽造または書き換えられた封印です）"
OTHER_KEY = "封印（{source}、{seq} 件目）は別の鍵で作られています（この監査ログの封印ではありません）"
BAD_LINE = "封印の行を読み取れません（{source}）: {line}"
OK = "監査ログ {count} 件は正常です（連結済み {linked} 件、未連結 {pending} 件{seals}）"


@dataclass
class Result:
    ok: bool
    message: str

    def __iter__(self):  # (ok, message) as before
        return iter((self.ok, self.message))


def _at(row) -> str:
    return f"{timezone.localtime(row['at']):%Y-%m-%d %H:%M:%S}"


def _sqlite_counter(table: str) -> int | None:
    """The largest id SQLite ever gave this table (AUTOINCREMENT keeps it in sqlite_sequence)."""
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def verify(against: list[sealing.Seal] | None = None, bad_lines: list[tuple[str, str]] | None = None, *,
           seal_log: bool = True) -> Result:
    """The first problem of the log, or its count. `seal_log=False` leaves out the seal log file (`restore`
    checks a restored copy by itself; the file may hold seals made after the backup)."""
    from .models import AuditEvent, AuditSeal

    for source, line in bad_lines or []:
        return Result(False, BAD_LINE.format(source=source, line=line[:120]))
    key = sealing.seal_key()
    my_key = sealing.key_id(key)
    seals = [sealing.stored_seal(s) for s in AuditSeal.objects.order_by("seq")]
    logged, logged_bad = sealing.logged_seals() if seal_log else ([], [])
    for line in logged_bad:
        return Result(False, BAD_LINE.format(source="封印ファイル", line=line[:120]))
    seals += logged + list(against or [])
    for s in seals:
        if s.key != my_key:
            return Result(False, OTHER_KEY.format(source=s.source, seq=s.seq))
        if not s.signed_correctly(key):
            return Result(False, SEAL_FORGED.format(source=s.source, seq=s.seq))
    wanted = {s.seq for s in seals}
    chain_at = {0: sealing.GENESIS}

    seen: dict[str, int] = {}
    expected, prev_chain, prev_id, count, linked = 1, sealing.GENESIS, None, 0, 0
    for row, persons in sealing.rows_with_persons(AuditEvent.objects.filter(seq__isnull=False).order_by("seq", "id")):
        count += 1
        mac_ok = hmac.compare_digest(row["hash"], sealing.entry_mac(row, persons, key))
        if row["hash"] in seen:
            return Result(False, DUPLICATE.format(id=row["id"], original=seen[row["hash"]]))
        seen[row["hash"]] = row["id"]
        if row["seq"] < expected:  # a second entry at a position already taken
            if mac_ok:
                return Result(False, REORDERED.format(id=row["id"], seq=row["seq"]))
            return Result(False, FORGED.format(id=row["id"], action=row["action"], at=_at(row)))
        if row["seq"] > expected:
            missing = row["seq"] - expected
            last = f"〜{row['seq'] - 1}" if missing > 1 else ""
            return Result(False, REMOVED.format(first=expected, last=last, n=missing, before=prev_id or "（先頭）",
                                                after=row["id"]))
        link_ok = hmac.compare_digest(row["chain"] or "",
                                      sealing.link_mac(prev_chain, row["seq"], row["id"], row["hash"], key))
        if not mac_ok:
            template = ALTERED if link_ok else FORGED
            return Result(False, template.format(id=row["id"], action=row["action"], at=_at(row)))
        if not link_ok:
            return Result(False, REORDERED.format(id=row["id"], seq=row["seq"]))
        prev_chain, prev_id, expected = row["chain"], row["id"], row["seq"] + 1
        linked += 1
        if row["seq"] in wanted:
            chain_at[row["seq"]] = row["chain"]
    last_seq = expected - 1

    pending = 0
    for row, persons in sealing.rows_with_persons(AuditEvent.objects.filter(seq__isnull=True).order_by("id")):
        count += 1
        pending += 1
        if row["hash"] in seen:
            return Result(False, DUPLICATE.format(id=row["id"], original=seen[row["hash"]]))
        seen[row["hash"]] = row["id"]
        if not hmac.compare_digest(row["hash"], sealing.entry_mac(row, persons, key)):
            return Result(False, FORGED.format(id=row["id"], action=row["action"], at=_at(row)))

    for s in sorted(seals, key=lambda s: -s.seq):
        if s.seq > last_seq:
            template = TAIL if count else ALL
            return Result(False, template.format(source=s.source, sealed=s.seq, left=last_seq))
        if chain_at.get(s.seq) != s.chain:
            return Result(False, REWRITTEN.format(source=s.source, seq=s.seq,
                                                  at=f"{timezone.localtime(s.at):%Y-%m-%d %H:%M:%S}"))

    counter = _sqlite_counter(AuditEvent._meta.db_table)
    if counter:
        newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
        if newest is None:
            return Result(False, ALL_COUNTER.format(counter=counter))
        if newest < counter:
            return Result(False, TAIL_COUNTER.format(last=newest, counter=counter))

    newest_seal = max(seals, key=lambda s: s.seq, default=None)
    seal_text = ""
    if newest_seal is not None:
        seal_text = f"、最新の封印 {newest_seal.seq} 件目 {timezone.localtime(newest_seal.at):%Y-%m-%d %H:%M}"
    return Result(True, OK.format(count=count, linked=linked, pending=pending, seals=seal_text))
