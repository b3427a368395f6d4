"""Full-text search indexes, one set per database vendor (each a no-op on the other).

SQLite: an external-content FTS5 table with the trigram tokenizer over cases_searchdocument.text, kept
in sync by triggers. NOTE: SQLite rebuilds a table when a later migration alters it, which drops its
triggers — such a migration must re-run SQLITE_FORWARD.
PostgreSQL: the pg_trgm extension and GIN trigram indexes (they serve ILIKE '%…%').
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE cases_search_fts USING fts5("
    "text, content='cases_searchdocument', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER cases_search_ai AFTER INSERT ON cases_searchdocument BEGIN "
    "INSERT INTO cases_search_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER cases_search_ad AFTER DELETE ON cases_searchdocument BEGIN "
    "INSERT INTO cases_search_fts(cases_search_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER cases_search_au AFTER UPDATE ON cases_searchdocument BEGIN "
    "INSERT INTO cases_search_fts(cases_search_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO cases_search_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO cases_search_fts(cases_search_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS cases_search_au",
    "DROP TRIGGER IF EXISTS cases_search_ad",
    "DROP TRIGGER IF EXISTS cases_search_ai",
    "DROP TABLE IF EXISTS cases_search_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS cases_searchdoc_text_trgm ON cases_searchdocument USING gin (text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS cases_person_name_trgm ON cases_person USING gin (name_search gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS cases_person_kana_trgm ON cases_person USING gin (kana_folded gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS cases_person_kana_trgm",
    "DROP INDEX IF EXISTS cases_person_name_trgm",
    "DROP INDEX IF EXISTS cases_searchdoc_text_trgm",
]


class VendorRunSQL(migrations.RunSQL):
    """RunSQL that runs only on one database vendor."""

    def __init__(self, vendor, *args, **kwargs):
        self.vendor = vendor
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, *args], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        VendorRunSQL("sqlite", SQLITE_FORWARD, SQLITE_BACKWARD),
        VendorRunSQL("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD),
    ]
