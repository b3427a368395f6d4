"""Entries written under the unkeyed hash chain are checked once more against it, then keyed, linked
and sealed under the seal key, with one entry (`audit.migrated`) that records what the old chain showed.
On a database without entries nothing is done (no key is needed)."""

import datetime as dt
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations
from django.utils import timezone

LEGACY_GENESIS = "0" * 64


def _legacy_hash(e, persons) -> str:
    body = {
        "at": e.at.astimezone(dt.UTC).isoformat(timespec="microseconds"), "actor": e.actor_id,
        "actor_label": e.actor_label, "organisation": e.organisation_id, "action": e.action,
        "object_type": e.object_type, "object_id": e.object_id, "object_repr": e.object_repr,
        "person_id": e.person_id, "field_groups": e.field_groups, "purpose": e.purpose,
        "legal_basis": e.legal_basis, "ip": e.ip, "data": e.data, "prev_hash": e.prev_hash,
    }
    named = sorted(persons)
    if named != ([e.person_id] if e.person_id else []):
        body["persons"] = named
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()


def reseal(apps, schema_editor):
    from renkei.audit import seal as sealing

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditEventPerson = apps.get_model("audit", "AuditEventPerson")
    AuditSeal = apps.get_model("audit", "AuditSeal")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    if not AuditEvent.objects.exists():
        return
    key = sealing.seal_key()
    persons: dict[int, list[str]] = {}
    for event_id, pid in AuditEventPerson.objects.values_list("event_id", "person_id"):
        persons.setdefault(event_id, []).append(pid)

    # 1. What the old chain says, kept in the log itself.
    prev, count, finding = LEGACY_GENESIS, 0, ""
    for e in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if not finding:
            if e.prev_hash != prev:
                finding = f"#{e.id} の直前の記録が欠落または改ざんされています"
            elif _legacy_hash(e, persons.get(e.id, [])) != e.hash:
                finding = f"#{e.id} が改ざんされています"
        prev = e.hash
        count += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if not finding and head is not None and (head.last_hash != prev or head.count != count):
        finding = f"末尾の記録が削除されています（記録 {count} 件、期待 {head.count} 件）"
    AuditEvent.objects.create(
        at=timezone.now(), action="audit.migrated", actor_label="system", hash="pending-" + "0" * 56,
        data={"legacy_entries": count, "legacy_chain": finding or "正常"},
        purpose="監査ログを鍵付きの封印方式に移行（旧方式の連鎖の検証結果を記録）")

    # 2. Key every entry (its old hash becomes its nonce: unique), link in id order, seal.
    seq, chain = 0, sealing.GENESIS
    for e in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        e.nonce = sealing.new_nonce() if e.hash.startswith("pending-") else e.hash[:32]
        e.hash = sealing.entry_mac({n: getattr(e, n) for n in sealing.CONTENT_FIELDS}, persons.get(e.id, []), key)
        seq += 1
        chain = sealing.link_mac(chain, seq, e.id, e.hash, key)
        AuditEvent.objects.filter(pk=e.pk).update(nonce=e.nonce, hash=e.hash, seq=seq, chain=chain)
    at = timezone.now()
    AuditSeal.objects.create(seq=seq, chain=chain, at=at, key_id=sealing.key_id(key),
                             mac=sealing.seal_mac(seq, at, chain, key))


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_keyed_seals'),
    ]

    operations = [
        migrations.RunPython(reseal, migrations.RunPython.noop),
    ]
