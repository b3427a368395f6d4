import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_runs_without_jit():
    """The access layer's grant subqueries have large cost estimates; JIT compiling them costs ~1 s."""
    if connection.vendor != "postgresql":
        assert connection.vendor == "sqlite"
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
