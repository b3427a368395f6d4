"""`make load` in miniature: gunicorn in production mode, every demo worker logged in, a few seconds of wrk.

Asserts only that nothing failed (no non-200 answer, socket error, timeout or server traceback), never a
timing: speed is measured by `make load` itself."""

import io
import shutil

import pytest
from django.conf import settings

from renkei.core import load

pytestmark = pytest.mark.skipif(shutil.which("wrk") is None, reason="no wrk (apt-get install wrk)")


def _backend_and_url():
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        host, port = database.get("HOST") or "127.0.0.1", database.get("PORT") or 5432
        return "postgresql", f"postgres://{database.get('USER') or 'postgres'}@{host}:{port}/{database['NAME']}_load"
    return "sqlite", load.Options.pg_url


def test_a_short_load_run_of_logged_in_demo_workers_has_no_failure():
    backend, pg_url = _backend_and_url()
    out = io.StringIO()
    options = load.temporary_options(duration=3, connections=4, wrk_threads=1, workers=2, threads=2, pg_url=pg_url,
                                     users=4, timeout=120)  # failures, not slowness on a busy machine
    try:
        result = load.run(out, backends=[backend], options=options)[backend]
    finally:
        shutil.rmtree(options.work_dir, ignore_errors=True)
    assert result["failed"] == 0, out.getvalue()
    assert result["requests"] > 0 and result["users"] == 4
    assert {"dashboard", "my_cases", "case_page", "search", "inbox", "referral_list", "directory"} <= set(result["pages"])
    assert "req/s" in out.getvalue()
