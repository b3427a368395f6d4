"""The SQLite backend's writers' queue (renkei/core/sqlite/base.py): a second writer waits for the first to
commit (woken when it does, no failure), a writer told not to wait fails at once with "database is locked",
and the lock is let go on commit, on rollback and on close. On a database file of its own, with connections
of their own, so it runs the same whichever database the suite uses."""

import threading
import time

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler


@pytest.fixture
def handler(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        yield from _handler(tmp_path)


def _handler(tmp_path):
    connections = ConnectionHandler({"default": {
        "ENGINE": "renkei.core.sqlite", "NAME": str(tmp_path / "queue.sqlite3"),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20,
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}}})
    first = connections["default"]
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
    yield connections
    connections.close_all()


def _other(handler):
    """A second connection to the same file, as another thread or server process has."""
    return handler.create_connection("default")


def test_a_second_writer_waits_for_the_first_to_commit_and_then_writes(handler):
    first, second = handler["default"], _other(handler)
    second.inc_thread_sharing()  # made here, used in the writer's thread
    order = []

    def write_second():
        with _atomic(second):
            order.append("second began")
            with second.cursor() as cursor:
                cursor.execute("INSERT INTO t VALUES (2)")

    with _atomic(first):
        with first.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")
        thread = threading.Thread(target=write_second)
        thread.start()
        time.sleep(0.3)
        assert order == []  # still waiting for the first writer
        order.append("first commits")
    thread.join(10)
    assert order == ["first commits", "second began"]
    second.close()
    with first.cursor() as cursor:
        cursor.execute("SELECT n FROM t ORDER BY n")
        assert [row[0] for row in cursor.fetchall()] == [1, 2]


def test_a_writer_that_must_not_wait_fails_at_once_while_another_writes(handler):
    first, second = handler["default"], _other(handler)
    second.writer_waits = False
    with _atomic(first):
        started = time.monotonic()
        with pytest.raises(OperationalError, match="locked"):
            with _atomic(second):
                pass
        assert time.monotonic() - started < 1
    with _atomic(second):  # free again after the commit
        pass
    second.close()


@pytest.mark.parametrize("end", ["rollback", "close"])
def test_the_queue_is_let_go_on_rollback_and_on_close(handler, end):
    first, second = handler["default"], _other(handler)
    second.writer_waits = False
    if end == "rollback":
        with pytest.raises(RuntimeError):
            with _atomic(first):
                assert first._writer_locked
                raise RuntimeError("refused")
    else:
        first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        assert first._writer_locked
        first.close()
    with _atomic(second):
        pass
    second.close()


class _atomic:
    """transaction.atomic on a connection that is not in django.db.connections."""

    def __init__(self, conn):
        self.conn = conn

    def __enter__(self):
        self.conn.ensure_connection()
        self.conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        return self.conn

    def __exit__(self, kind, value, tb):
        try:
            if kind is None:
                self.conn.commit()
            else:
                self.conn.rollback()
        finally:
            if self.conn.connection is not None:
                self.conn.set_autocommit(True)
        return False
