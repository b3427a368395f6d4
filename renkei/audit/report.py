"""The 開示請求 access report: every access to one person's records, in words a person can read.

The same complete list whoever asks in the organisation that holds the person's record: every entry
that names the person (read alone or shown in a listing), from every organisation, oldest first."""

from django.utils import timezone

from renkei.core.dates import wareki

from . import labels
from .models import AuditEvent, AuditEventPerson

CSV_HEADER = ["番号", "日時（和暦）", "日時", "機関", "職員", "操作", "情報の範囲", "根拠", "目的", "一覧での表示"]


def entries_for(person) -> list[dict]:
    ids = AuditEventPerson.objects.filter(person_id=str(person.pk)).values("event_id")
    events = AuditEvent.objects.filter(id__in=ids).select_related("actor", "organisation").order_by("at", "id")
    rows = []
    for e in events:
        holder = e.organisation_id is not None and e.organisation_id == person.organisation_id
        rows.append({
            "id": e.id,
            "at": e.at,
            "organisation": e.organisation.name if e.organisation else labels.labels()["system_actor"],
            "staff": labels.actor_name(e),
            "action": labels.action_label(e.action),
            "breakglass": e.action.startswith("breakglass."),
            "groups": "・".join(e.field_groups),
            "basis": labels.basis_label(e.legal_basis, holder=holder),
            "purpose": labels.purpose_label(e.purpose),
            "listing": e.person_id != str(person.pk),
        })
    return rows


def csv_rows(rows):
    for r in rows:
        local = timezone.localtime(r["at"])
        yield [r["id"], f"{wareki(local)} {local:%H:%M:%S}", local.isoformat(timespec="seconds"), r["organisation"],
               r["staff"], r["action"], r["groups"], r["basis"], r["purpose"], "一覧で表示" if r["listing"] else ""]
