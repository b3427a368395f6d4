"""PostgreSQL trigram indexes for the person finder's case-insensitive matches.

Django's `icontains` compares UPPER(column::text) LIKE UPPER(pattern); a trigram index serves it only
when built on the same expression. Names (name_search) and case numbers get such indexes; the plain
name_search index of 0002 served nothing and is dropped. (kana_folded is matched with `contains`,
which its 0002 index serves.) A no-op on SQLite.
"""

from django.db import migrations


VendorRunSQL = __import__("renkei.cases.migrations.0002_search_indexes", fromlist=["VendorRunSQL"]).VendorRunSQL

FORWARD = [
    "CREATE INDEX IF NOT EXISTS cases_person_name_upper_trgm ON cases_person "
    "USING gin ((UPPER(name_search::text)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS cases_case_number_upper_trgm ON cases_case "
    "USING gin ((UPPER(number::text)) gin_trgm_ops)",
    "DROP INDEX IF EXISTS cases_person_name_trgm",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS cases_person_name_trgm ON cases_person USING gin (name_search gin_trgm_ops)",
    "DROP INDEX IF EXISTS cases_case_number_upper_trgm",
    "DROP INDEX IF EXISTS cases_person_name_upper_trgm",
]


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_grant_epoch")]

    operations = [VendorRunSQL("postgresql", FORWARD, BACKWARD)]
