"""Writing the audit log. Call `log_event` inside the transaction of the change it records.

An append is one INSERT of the entry (and of its named persons) carrying the keyed MAC of its content;
it takes no lock and touches no shared row, so concurrent requests never wait on each other to log.
The sealer links committed entries into the keyed chain afterwards (renkei/audit/seal.py)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from renkei.core.client import client_address

from . import seal as sealing
from .models import AuditEvent, AuditEventPerson


def client_ip(request) -> str | None:
    """The client's address, proxy-aware (renkei.core.client: BEHIND_PROXY)."""
    return client_address(request)


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
    """Append one entry.

    `action` is a namespaced code ("auth.login", "person.viewed"). `person` is the person whose data
    was touched; `persons` every person a listing showed (persons or ids). Each named person gets a row in
    `AuditEventPerson`, which the per-person access report reads; the ids are covered by the entry's MAC.
    `field_groups` are the data scopes read or written.
    """
    if request is not None:
        if actor is None and getattr(request, "user", None) is not None and request.user.is_authenticated:
            actor = request.user
        if organisation is None and getattr(request, "membership", None) is not None:
            organisation = request.membership.organisation
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
        ip=AuditEvent._meta.get_field("ip").get_prep_value(client_ip(request)),  # as stored (IPv6 normalised)
        data=_jsonable(data),
        nonce=sealing.new_nonce(),
    )
    event._person_ids = _person_ids(person, persons)
    event.hash = event.compute_hash()
    with transaction.atomic():
        event.save()
        if event._person_ids:
            AuditEventPerson.objects.bulk_create(
                [AuditEventPerson(event=event, person_id=pid) for pid in event._person_ids])
        transaction.on_commit(sealing.link_soon)
    return event


def verify_chain(against=None, bad_lines=None) -> tuple[bool, str]:
    """Verify the whole log (renkei/audit/verify.py). Returns (ok, message naming the first problem)."""
    from .verify import verify

    result = verify(against, bad_lines)
    return result.ok, result.message
