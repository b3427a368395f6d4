"""The system check that refuses a PostgreSQL database in which pg_trgm cannot make Japanese trigrams."""

from unittest import mock

from renkei.cases import checks


class _Cursor:
    def __init__(self, row):
        self.row, self.executed = row, []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql, params=None):
        self.executed.append(sql)

    def fetchone(self):
        return self.row


def _run(vendor, encoding, ctype):
    cursor = _Cursor((encoding, ctype))
    connection = mock.Mock(vendor=vendor, settings_dict={"NAME": "renkei"})
    connection.cursor.return_value = cursor
    with mock.patch.object(checks, "connections", {"default": connection}):
        errors = checks.postgres_is_utf8(databases=["default"])
    return errors, cursor


def test_a_sql_ascii_postgresql_database_fails_the_check():
    errors, cursor = _run("postgresql", "SQL_ASCII", "C")
    assert [e.id for e in errors] == ["cases.E001"]
    assert "SQL_ASCII" in errors[0].msg and "UTF8" in errors[0].msg
    assert "pg_database" in cursor.executed[0]


def test_a_utf8_database_with_the_c_ctype_fails_the_check():
    errors, _ = _run("postgresql", "UTF8", "C")
    assert [e.id for e in errors] == ["cases.E002"]


def test_a_utf8_database_with_a_utf8_ctype_passes():
    for ctype in ("C.UTF-8", "ja_JP.utf8"):
        errors, _ = _run("postgresql", "UTF8", ctype)
        assert errors == []


def test_the_check_leaves_sqlite_alone():
    errors, cursor = _run("sqlite", "SQL_ASCII", "C")
    assert errors == [] and cursor.executed == []
