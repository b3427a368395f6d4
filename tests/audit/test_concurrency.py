"""An audit append serialises nobody: it only inserts its own rows, never waits for another transaction
that appended (or is linking), and the entries of slow transactions are linked later, never lost."""

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from renkei.audit import seal as sealing
from renkei.audit.actions import log_event, verify_chain
from renkei.audit.models import AuditEvent, AuditSeal


def test_an_append_only_inserts_its_own_rows(pref):
    person = pref.orgs.aoba  # any object
    with CaptureQueriesContext(connection) as queries:
        log_event("test.event", actor=pref.users.alice, organisation=pref.orgs.aoba, obj=person, persons=[1, 2])
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    assert set(statements) <= {"INSERT", "SAVEPOINT", "RELEASE"}, queries.captured_queries
    assert statements.count("INSERT") == 2  # the entry, then its named persons in one statement


def test_after_a_request_commits_its_entry_is_linked_and_sealed_when_due(pref, settings,
                                                                       django_capture_on_commit_callbacks):
    settings.AUDIT_LINK_EVERY = 0
    settings.AUDIT_SEAL_INTERVAL = 0
    with django_capture_on_commit_callbacks(execute=True):
        event = log_event("test.event", actor=pref.users.alice, organisation=pref.orgs.aoba)
    assert AuditEvent.objects.get(pk=event.pk).seq == 1
    assert AuditSeal.objects.get().seq == 1


def _in_thread(target):
    errors = []

    def run():
        try:
            target()
        except Exception as exc:  # noqa: BLE001 — reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_an_append_does_not_wait_for_an_open_transaction_that_appended_or_is_linking():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer: an append there is one short write transaction of its own")
    appended, release = threading.Event(), threading.Event()

    def slow_request():
        with transaction.atomic():
            log_event("test.slow", actor_label="slow")
            assert sealing.link_pending(block=True) is not None  # holds the sealer's lock too
            appended.set()
            release.wait(20)

    thread, errors = _in_thread(slow_request)
    try:
        assert appended.wait(20)
        with transaction.atomic():
            with connection.cursor() as cursor:  # fail, rather than wait, on any lock
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
                cursor.execute("SET LOCAL statement_timeout = '3s'")
            quick = log_event("test.quick", actor_label="quick")
            assert sealing.link_pending(block=False) is None  # another sealer runs: skipped, not awaited
    finally:
        release.set()
        thread.join(30)
    assert not errors, errors
    # the slow transaction committed after the quick one: both end up in the chain
    sealing.link_pending(block=True)
    seqs = dict(AuditEvent.objects.values_list("action", "seq"))
    assert seqs["test.slow"] is not None and seqs["test.quick"] is not None
    assert AuditEvent.objects.get(pk=quick.pk).seq is not None
    assert verify_chain()[0]
