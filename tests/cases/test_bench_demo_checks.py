import io

from django.core.checks import run_checks
from django.db import connection

from renkei.cases.models import Case, Person, RecordEntry


def test_a_small_benchmark_runs_and_reports_every_figure(db):
    from renkei.cases import bench

    out = io.StringIO()
    summary = bench.run(out, options={"persons": 400, "entries": 2000, "consultations": 400}, write=False, repeat=3)
    assert (summary["rows"], summary["persons"], summary["entries"]) == (2400, 400, 2000)
    for key in ["case_page_p95_ms", "search_p95_ms", "search_short_p95_ms", "scan_p95_ms",
                "consultation_save_p95_ms", "search_rare_p95_ms", "search_cold_p95_ms"]:
        assert summary[key] > 0
    assert "就労支援事" in out.getvalue() and "case_page" in out.getvalue()
    assert set(summary["pages_p95_ms"]) == {"dashboard", "my_cases", "person_list", "search_page", "person_finder",
                                            "case_number", "inbox", "referral_list", "directory",
                                            "api_search"}
    assert all(value > 0 for value in summary["pages_p95_ms"].values())


def test_the_demo_loads_the_scenarios_and_a_second_load_changes_nothing(db):
    from renkei.demo.loader import load_demo

    load_demo()
    assert Person.objects.count() >= 60 and Case.objects.count() >= 6
    son = Person.objects.get(name="森本 拓海")
    case = son.cases.get()
    assert (case.complexity, case.co_workers.get().username) == ("complex", "hoken.sodan")
    assert RecordEntry.objects.filter(case=case, revision_count=2).exists()
    assert load_demo().changes == 0


def test_the_database_encoding_check_passes_here(db):
    errors = [e for e in run_checks(databases=["default"]) if e.id.startswith("cases.")]
    assert errors == []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()")
            assert cursor.fetchone()[0] == "UTF8"
