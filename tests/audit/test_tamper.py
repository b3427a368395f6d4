"""Every kind of tampering with the audit log is found by verify_audit, each with its own message:
an altered, removed, inserted, duplicated, reordered or tail-truncated entry, all entries deleted,
a re-chained table, a forged seal — with or without the seal rows deleted too."""

import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from renkei.audit import seal as sealing
from renkei.audit.actions import log_event
from renkei.audit.models import AuditEvent

sqlite_only = pytest.mark.skipif("connection.vendor != 'sqlite'")


def _sealed(pref, n=5):
    events = [log_event("test.event", actor=pref.users.alice, organisation=pref.orgs.aoba, data={"n": i},
                        purpose="試験") for i in range(n)]
    seal = sealing.make_seal()
    return [AuditEvent.objects.get(pk=e.pk) for e in events], seal


def _sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))


def _fails_with(message, *args):
    with pytest.raises(CommandError) as caught:
        call_command("verify_audit", *args)
    assert str(caught.value) == message


def _at(event):
    return f"{timezone.localtime(event.at):%Y-%m-%d %H:%M:%S}"


def test_an_intact_log_verifies(pref):
    _sealed(pref)
    call_command("verify_audit")


def test_an_altered_entry_is_named(pref):
    events, _ = _sealed(pref)
    _sql("UPDATE audit_auditevent SET purpose = %s WHERE id = %s", ["改ざん", events[2].id])
    _fails_with(f"監査ログ #{events[2].id} の内容が改ざんされています（test.event、{_at(events[2])}）")


def test_an_altered_entry_not_yet_linked_is_named(pref):
    events, _ = _sealed(pref, 2)
    late = log_event("test.late", actor=pref.users.alice, organisation=pref.orgs.aoba)
    _sql("UPDATE audit_auditevent SET purpose = %s WHERE id = %s", ["改ざん", late.id])
    _fails_with(f"監査ログ #{late.id} は本システムの鍵で書かれた記録ではありません（挿入または書き換えられた記録です。"
                f"test.late、{_at(late)}）")


def test_a_removed_entry_is_found_between_its_neighbours(pref):
    events, _ = _sealed(pref)
    _sql("DELETE FROM audit_auditevent WHERE id = %s", [events[1].id])
    _fails_with(f"監査ログの記録が削除されています（封印番号 2 の 1 件。#{events[0].id} と #{events[2].id} の間）")


def test_several_removed_entries_are_counted(pref):
    events, _ = _sealed(pref)
    _sql("DELETE FROM audit_auditevent WHERE id IN (%s, %s)", [events[1].id, events[2].id])
    _fails_with(f"監査ログの記録が削除されています（封印番号 2〜3 の 2 件。#{events[0].id} と #{events[3].id} の間）")


def _insert_forged(template, **changes):
    fields = ["at", "actor_id", "actor_label", "organisation_id", "action", "object_type", "object_id",
              "object_repr", "person_id", "field_groups", "purpose", "legal_basis", "ip", "data", "nonce", "hash",
              "seq", "chain"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(fields)} FROM audit_auditevent WHERE id = %s", [template.id])
        row = dict(zip(fields, cursor.fetchone(), strict=True))
        row.update(changes)
        cursor.execute(f"INSERT INTO audit_auditevent ({', '.join(fields)}) VALUES ({', '.join(['%s'] * len(fields))})",
                       [row[f] for f in fields])
    return AuditEvent.objects.order_by("-id").first()


def test_a_forged_entry_inserted_with_a_recomputed_hash_is_named(pref):
    events, _ = _sealed(pref)
    forged = _insert_forged(events[-1], purpose="偽の記録", nonce="f" * 32, hash=hashlib.sha256(b"x").hexdigest(),
                            seq=None, chain="")
    _fails_with(f"監査ログ #{forged.id} は本システムの鍵で書かれた記録ではありません（挿入または書き換えられた記録です。"
                f"test.event、{_at(forged)}）")
    # the sealer never links it, so it stays visible
    assert AuditEvent.objects.get(pk=forged.id).seq is None


def test_a_forged_entry_placed_in_the_chain_with_a_forged_seal_is_named(pref):
    events, seal = _sealed(pref)
    forged = _insert_forged(events[-1], purpose="偽の記録", nonce="e" * 32, hash="a" * 64, seq=6, chain="b" * 64)
    _sql("INSERT INTO audit_auditseal (seq, chain, at, key_id, mac) VALUES (6, %s, %s, %s, %s)",
         ["b" * 64, timezone.now(), seal.key, "c" * 64])
    _fails_with("監査ログの封印（データベース、6 件目）の署名が正しくありません（偽造または書き換えられた封印です）")
    _sql("DELETE FROM audit_auditseal WHERE seq = 6")
    _fails_with(f"監査ログ #{forged.id} は本システムの鍵で書かれた記録ではありません（挿入または書き換えられた記録です。"
                f"test.event、{_at(forged)}）")


def test_a_copied_entry_is_found_as_a_duplicate(pref):
    events, _ = _sealed(pref)
    if connection.vendor == "postgresql":  # whoever can write SQL can drop the unique index first
        _sql("SET CONSTRAINTS ALL IMMEDIATE")
        with connection.cursor() as cursor:
            cursor.execute("SELECT c.conname FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid "
                           "AND a.attnum = ANY(c.conkey) WHERE c.conrelid = 'audit_auditevent'::regclass "
                           "AND c.contype = 'u' AND a.attname = 'hash'")
            for (name,) in cursor.fetchall():
                cursor.execute(f'ALTER TABLE audit_auditevent DROP CONSTRAINT "{name}"')
    else:
        pytest.skip("SQLite keeps the unique index on the hash; a copy cannot be inserted at all")
    copy = _insert_forged(events[1], seq=None, chain="")
    _fails_with(f"監査ログ #{copy.id} は #{events[1].id} を複製して挿入された記録です")


def test_two_entries_swapped_in_order_are_found(pref):
    events, _ = _sealed(pref)
    a, b = events[1], events[2]
    _sql("UPDATE audit_auditevent SET seq = NULL WHERE id = %s", [a.id])
    _sql("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [a.seq, b.id])
    _sql("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [b.seq, a.id])
    _fails_with(f"監査ログ #{b.id} の順序が入れ替えられています（封印番号 {a.seq}）")


def test_the_tail_removed_is_found_by_the_stored_seal(pref):
    events, _ = _sealed(pref)
    _sql("DELETE FROM audit_auditevent WHERE id IN (%s, %s)", [events[3].id, events[4].id])
    _fails_with("監査ログの末尾の記録が削除されています（データベースの封印は 5 件目まで、残っているのは 3 件目まで）")


def test_all_entries_removed_are_found_by_the_stored_seal(pref):
    _sealed(pref)
    _sql("DELETE FROM audit_auditevent")
    _fails_with("監査ログの記録がすべて削除されています（データベースの封印は 5 件目まで）")


def test_the_tail_and_the_seals_removed_together_are_found_against_the_kept_seal(pref):
    events, seal = _sealed(pref)
    _sql("DELETE FROM audit_auditevent WHERE id IN (%s, %s)", [events[3].id, events[4].id])
    _sql("DELETE FROM audit_auditseal")
    _fails_with("監査ログの末尾の記録が削除されています（指定された封印の封印は 5 件目まで、残っているのは 3 件目まで）",
                "--against", seal.line)


def test_all_entries_and_seals_removed_are_found_against_a_file_of_kept_seals(pref, tmp_path):
    _, first = _sealed(pref, 2)
    log_event("test.more", actor=pref.users.alice, organisation=pref.orgs.aoba)
    second = sealing.make_seal()
    kept = tmp_path / "seals.txt"
    kept.write_text(f"# 監査ログの封印\n{first.line}\n{second.line}\n", encoding="utf-8")
    _sql("DELETE FROM audit_auditevent")
    _sql("DELETE FROM audit_auditseal")
    _fails_with(f"監査ログの記録がすべて削除されています（ファイル {kept}の封印は 3 件目まで）", "--against", str(kept))


def test_the_seal_log_file_outside_the_database_is_checked_by_itself(pref, settings, tmp_path,
                                                                     django_capture_on_commit_callbacks):
    settings.AUDIT_SEAL_LOG = str(tmp_path / "seals.log")
    with django_capture_on_commit_callbacks(execute=True):  # the line is written once the seal commits
        events, seal = _sealed(pref)
    assert seal.line in (tmp_path / "seals.log").read_text(encoding="utf-8")
    _sql("DELETE FROM audit_auditevent WHERE id = %s", [events[4].id])
    _sql("DELETE FROM audit_auditseal")
    _fails_with(f"監査ログの末尾の記録が削除されています（封印ファイル {tmp_path / 'seals.log'}の封印は 5 件目まで、"
                "残っているのは 4 件目まで）")


@sqlite_only
def test_on_sqlite_the_tail_and_seals_removed_are_found_by_the_id_counter(pref):
    events, _ = _sealed(pref)
    _sql("DELETE FROM audit_auditevent WHERE id = %s", [events[4].id])
    _sql("DELETE FROM audit_auditseal")
    _fails_with(f"監査ログの末尾の記録が削除されています（最後の記録 #{events[3].id} の後に #{events[4].id} まで書かれていました）")
    _sql("DELETE FROM audit_auditevent")
    _fails_with(f"監査ログの記録がすべて削除されています（#{events[4].id} まで書かれていました）")


def test_a_table_re_chained_without_the_key_after_an_edit_is_found(pref):
    events, _ = _sealed(pref)
    _sql("UPDATE audit_auditevent SET purpose = %s WHERE id = %s", ["書き換え", events[1].id])
    chain = sealing.GENESIS
    for e in AuditEvent.objects.order_by("seq"):  # recomputed as anyone without the key can: unkeyed
        fake = hashlib.sha256(f"{e.id}{e.purpose}".encode()).hexdigest()
        chain = hashlib.sha256(f"{chain}{fake}".encode()).hexdigest()
        _sql("UPDATE audit_auditevent SET hash = %s, chain = %s WHERE id = %s", [fake, chain, e.id])
    _fails_with(f"監査ログ #{events[0].id} は本システムの鍵で書かれた記録ではありません（挿入または書き換えられた記録です。"
                f"test.event、{_at(events[0])}）")


def test_a_rewrite_with_the_key_is_found_against_a_seal_kept_outside(pref):
    """Whoever holds the key can rewrite and re-seal the whole database; a seal kept outside still shows it."""
    events, kept = _sealed(pref)
    _sql("UPDATE audit_auditevent SET purpose = %s WHERE id = %s", ["書き換え", events[1].id])
    chain = sealing.GENESIS
    for e, persons in sealing.rows_with_persons(AuditEvent.objects.order_by("seq")):
        e_hash = sealing.entry_mac(e, persons)
        chain = sealing.link_mac(chain, e["seq"], e["id"], e_hash)
        _sql("UPDATE audit_auditevent SET hash = %s, chain = %s WHERE id = %s", [e_hash, chain, e["id"]])
    _sql("DELETE FROM audit_auditseal")
    at = timezone.now()
    _sql("INSERT INTO audit_auditseal (seq, chain, at, key_id, mac) VALUES (5, %s, %s, %s, %s)",
         [chain, at, sealing.key_id(), sealing.seal_mac(5, at, chain)])
    call_command("verify_audit")  # the database alone cannot tell
    when = f"{timezone.localtime(kept.at):%Y-%m-%d %H:%M:%S}"
    _fails_with(f"監査ログは封印（指定された封印、{when}、5 件目）の後で書き換えられています", "--against", kept.line)


def test_a_kept_seal_line_that_was_edited_or_made_with_another_key_is_refused(pref, settings):
    _, seal = _sealed(pref)
    edited = seal.line.replace(f"seq={seal.seq}", "seq=4")
    _fails_with("監査ログの封印（指定された封印、4 件目）の署名が正しくありません（偽造または書き換えられた封印です）",
                "--against", edited)
    settings.AUDIT_SEAL_KEY = "another-key"
    other = sealing.Seal(seq=seal.seq, at=seal.at, chain=seal.chain, key=sealing.key_id(),
                         mac=sealing.seal_mac(seal.seq, seal.at, seal.chain)).line
    settings.AUDIT_SEAL_KEY = "renkei-test-audit-seal-key"
    _fails_with("封印（指定された封印、5 件目）は別の鍵で作られています（この監査ログの封印ではありません）",
                "--against", other)
    _fails_with("封印の行を読み取れません（指定された封印）: これは封印ではありません", "--against", "これは封印ではありません")


def test_verify_against_a_valid_kept_seal_passes_after_more_entries(pref):
    _, seal = _sealed(pref)
    log_event("test.after", actor=pref.users.alice, organisation=pref.orgs.aoba)
    call_command("verify_audit", "--against", seal.line)
