"""Writing the audit log. Call `log_event` inside the transaction of the change it records."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent, AuditEventPerson

# Rows other apps lock in the same transactions as the chain head, locked *before* it so that every
# transaction takes them in one order (no deadlock): e.g. the grant epoch (renkei.cases.grant_cache),
# which a write to a consent, referral or record takes, before or after its audit entry.
LOCK_FIRST: list = []


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _jsonable(data: dict | None) -> dict:
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder, ensure_ascii=False))


def _person_ids(person, persons) -> list[str]:
    ids = [] if person is None else [str(person.pk)]
    for p in persons or ():
        pid = str(getattr(p, "pk", p))
        if pid not in ids:
            ids.append(pid)
    return ids


def log_event(
    action: str,
    *,
    actor=None,
    organisation=None,
    request=None,
    obj=None,
    person=None,
    persons=None,
    field_groups: list[str] | None = None,
    purpose: str = "",
    legal_basis: str = "",
    data: dict | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one entry to the hash chain.

    `action` is a namespaced code ("auth.login", "person.viewed"). `person` is the person whose data
    was touched; `persons` every person a listing showed (persons or ids). Each named person gets a row in
    `AuditEventPerson`, which the per-person access report reads; the ids are covered by the entry's hash.
    `field_groups` are the data scopes read or written.
    """
    if request is not None:
        if actor is None and getattr(request, "user", None) is not None and request.user.is_authenticated:
            actor = request.user
        if organisation is None and getattr(request, "membership", None) is not None:
            organisation = request.membership.organisation
    with transaction.atomic():
        for lock in LOCK_FIRST:
            lock()
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            at=timezone.now(),
            actor=actor,
            actor_label=actor_label or (actor.get_username() if actor is not None else ""),
            organisation=organisation,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            person_id=str(person.pk) if person is not None else "",
            field_groups=list(field_groups or []),
            purpose=purpose[:300],
            legal_basis=legal_basis,
            ip=client_ip(request),
            data=_jsonable(data),
            prev_hash=head.last_hash,
        )
        event._person_ids = _person_ids(person, persons)
        event.hash = event.compute_hash()
        event.save()
        AuditEventPerson.objects.bulk_create(
            [AuditEventPerson(event=event, person_id=pid) for pid in event._person_ids])
        head.last_hash = event.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return event


def _with_person_ids(events, chunk: int = 2000):
    """The entries with their named persons read in bulk (one query per chunk)."""
    batch = []

    def flush():
        links: dict[int, list[str]] = {e.pk: [] for e in batch}
        for event_id, pid in (AuditEventPerson.objects.filter(event_id__in=list(links))
                              .order_by("id").values_list("event_id", "person_id")):
            links[event_id].append(pid)
        for e in batch:
            e._person_ids = links[e.pk]
        yield from batch
        batch.clear()

    for event in events:
        batch.append(event)
        if len(batch) >= chunk:
            yield from flush()
    yield from flush()


def verify_chain() -> tuple[bool, str]:
    """Recompute the chain. Returns (ok, message naming the first broken entry)."""
    prev = "0" * 64
    count = 0
    for event in _with_person_ids(AuditEvent.objects.order_by("id").iterator(chunk_size=2000)):
        if event.prev_hash != prev:
            return False, f"監査ログ #{event.id} の直前の記録が欠落または改ざんされています（{event.at:%Y-%m-%d %H:%M:%S}）"
        if event.compute_hash() != event.hash:
            return False, f"監査ログ #{event.id} が改ざんされています（{event.action}, {event.at:%Y-%m-%d %H:%M:%S}）"
        prev = event.hash
        count += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != prev or head.count != count):
        return False, f"監査ログの末尾の記録が削除されています（記録 {count} 件、期待 {head.count} 件）"
    return True, f"監査ログ {count} 件の連鎖は正常です"
