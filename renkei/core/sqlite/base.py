"""The SQLite backend with a writers' queue (settings: ENGINE "renkei.core.sqlite" for a SQLite file).

SQLite lets one writer at a time hold its write lock (`BEGIN IMMEDIATE`, settings.py); that is SQLite's own
limit, not this product's. How a writer *waits* for it is what this backend changes. SQLite's busy handler
polls: it sleeps 1, 2, 5, 10 … up to 100 ms between tries, so under 50 concurrent workers every audited read
(its entry is a short write transaction) could sleep tens of milliseconds after the lock was already free,
and three server processes answered fewer requests than one (measured with `make load`, docs/architecture.md).

Here a transaction first takes an exclusive `flock` on a file beside the database (`<database>-writer.lock`,
one open file per connection, so threads of one process exclude each other too): the kernel wakes the next
waiter the moment the lock is released, and by then SQLite's own lock is free, so `BEGIN IMMEDIATE` does not
wait. The flock is held exactly as long as SQLite's write lock would be — from the transaction's BEGIN to its
COMMIT or ROLLBACK (or the connection's close) — and a process that dies releases it with its files. An
in-memory database (the test suite's) has no file and no other process: it keeps SQLite's own waiting."""

import fcntl
import os

from django.db import OperationalError
from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._writer_file = None
        self._writer_locked = False
        # False: a transaction that finds another writer fails at once ("database is locked") instead of
        # waiting, as SQLite does with busy_timeout 0 (the audit's opportunistic linker, audit/seal.py)
        self.writer_waits = True

    def _writer_lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        return None if self.is_in_memory_db() else f"{name}-writer.lock"

    def _take_writer_lock(self) -> None:
        path = self._writer_lock_path()
        if path is None or self._writer_locked:
            return
        if self._writer_file is None:
            self._writer_file = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._writer_file, fcntl.LOCK_EX if self.writer_waits else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OperationalError("database is locked") from None
        self._writer_locked = True

    def _release_writer_lock(self) -> None:
        if self._writer_locked:
            self._writer_locked = False
            fcntl.flock(self._writer_file, fcntl.LOCK_UN)

    def _start_transaction_under_autocommit(self):
        self._take_writer_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_writer_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_writer_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_writer_lock()
            if self._writer_file is not None:
                os.close(self._writer_file)
                self._writer_file = None
