"""Each transition of a referral leaves a 連絡調整 entry in the case's chronological record, written
by the member who made it (also a receiver without `person.edit`: the entry states what happened to
the referral, nothing the receiver has not been given)."""

from django.utils import timezone

from renkei.cases import search
from renkei.cases.models import RecordEntry, RecordRevision

KIND = "coordination"


def entry_text(referral, event) -> str:
    direction = f"{referral.from_organisation.name} → {referral.to_organisation.name}"
    text = f"【{referral.kind_name}】{direction}（{'・'.join(referral.ask_names)}）: {event.to_name}"
    if event.reason:
        text += f"\n理由: {event.reason_name}" + (f"（{event.reason_text}）" if event.reason_text else "")
    if event.to_status == "completed" and referral.outcome:
        text += f"\n結果: {referral.outcome}"
    if event.note:
        text += f"\nメモ: {event.note}"
    return text


def record_on_case(referral, event) -> RecordEntry:
    """An automatic change (no `event.by`) is entered under the requester, marked 【自動記録】."""
    now = event.at or timezone.now()
    body = entry_text(referral, event)
    author = event.by
    if author is None:
        author, body = referral.requester, f"【自動記録】{body}"
    entry = RecordEntry.objects.create(case=referral.case, kind=KIND, occurred_at=now, author=author, body=body)
    RecordRevision.objects.create(entry=entry, number=1, kind=KIND, occurred_at=now, body=body, by=author,
                                  at=entry.created_at)
    search.sync_entry(entry)
    return entry
