import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from renkei.audit import seal as sealing
from renkei.audit.actions import log_event, verify_chain
from renkei.audit.models import AuditEvent, AuditSeal


def _events(pref, n=5):
    return [log_event("test.event", actor=pref.users.alice, organisation=pref.orgs.aoba, data={"n": i},
                      purpose="試験") for i in range(n)]


def test_each_entry_carries_a_keyed_mac_and_is_linked_in_seal_order(pref):
    events = _events(pref)
    assert all(AuditEvent.objects.get(pk=e.pk).seq is None for e in events)  # appended without linking
    seal = sealing.make_seal()
    stored = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in stored] == [1, 2, 3, 4, 5] and seal.seq == 5
    chain = sealing.GENESIS
    for e in stored:
        chain = sealing.link_mac(chain, e.seq, e.id, e.hash)
        assert e.chain == chain
    assert seal.chain == chain and seal.signed_correctly()
    assert verify_chain()[0]
    call_command("verify_audit")


def test_the_mac_depends_on_the_key(pref, settings):
    event = _events(pref, 1)[0]
    assert event.compute_hash() == event.hash
    settings.AUDIT_SEAL_KEY = "another-key"
    assert event.compute_hash() != event.hash


def test_entries_and_seals_cannot_be_changed_or_deleted_through_the_orm(pref):
    event = _events(pref, 1)[0]
    event.purpose = "書き換え"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    sealing.make_seal()
    seal = AuditSeal.objects.get()
    with pytest.raises(PermissionError):
        seal.save()
    with pytest.raises(PermissionError):
        seal.delete()


def test_log_event_records_request_context(pref, rf):
    request = rf.get("/", REMOTE_ADDR="2001:DB8::7")
    request.user = pref.users.alice
    request.membership = pref.memberships.alice
    event = log_event("person.viewed", request=request, obj=pref.orgs.aoba, field_groups=["基本情報"],
                      purpose="相談対応", legal_basis="consent")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor, stored.organisation, stored.ip) == (pref.users.alice, pref.orgs.aoba, "2001:db8::7")
    assert stored.field_groups == ["基本情報"] and stored.object_type == "accounts.organisation"
    assert stored.compute_hash() == stored.hash


def test_verify_audit_links_pending_entries_and_reports_counts(pref):
    _events(pref, 3)
    sealing.make_seal()
    _events(pref, 2)
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "監査ログ 5 件は正常です（連結済み 5 件、未連結 0 件、最新の封印 3 件目" in out.getvalue()


def test_a_seal_line_of_a_broken_log_is_refused(pref):
    from django.db import connection

    events = _events(pref, 3)
    sealing.make_seal()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].id])
    with pytest.raises(CommandError, match="封印できません"):
        call_command("seal_audit")
