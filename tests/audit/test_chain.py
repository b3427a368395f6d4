import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from renkei.audit.actions import log_event, verify_chain
from renkei.audit.models import AuditEvent


def _events(pref, n=5):
    return [log_event("test.event", actor=pref.users.alice, organisation=pref.orgs.aoba, data={"n": i},
                      purpose="試験") for i in range(n)]


def test_each_entry_carries_the_hash_of_the_previous_one(pref):
    events = _events(pref)
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    assert verify_chain()[0]
    call_command("verify_audit")


def test_entries_cannot_be_changed_or_deleted_through_the_orm(pref):
    event = _events(pref, 1)[0]
    event.purpose = "書き換え"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_altering_a_row_by_sql_makes_verify_audit_fail_naming_it(pref):
    events = _events(pref)
    target = events[2]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET purpose = %s WHERE id = %s", ["改ざん", target.id])
    with pytest.raises(CommandError, match=f"#{target.id} "):
        call_command("verify_audit")


def test_removing_a_row_by_sql_is_detected(pref):
    events = _events(pref)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].id])
    ok, message = verify_chain()
    assert not ok and f"#{events[2].id}" in message


def test_removing_the_newest_row_is_detected(pref):
    events = _events(pref)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].id])
    ok, message = verify_chain()
    assert not ok and "末尾" in message


def test_log_event_records_request_context(pref, rf):
    request = rf.get("/", REMOTE_ADDR="192.0.2.7")
    request.user = pref.users.alice
    request.membership = pref.memberships.alice
    event = log_event("person.viewed", request=request, obj=pref.orgs.aoba, field_groups=["基本情報"],
                      purpose="相談対応", legal_basis="consent")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor, stored.organisation, stored.ip) == (pref.users.alice, pref.orgs.aoba, "192.0.2.7")
    assert stored.field_groups == ["基本情報"] and stored.object_type == "accounts.organisation"
    assert stored.compute_hash() == stored.hash
