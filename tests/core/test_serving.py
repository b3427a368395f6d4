"""Production serving: kept database connections, compressed far-future static files, gunicorn sized to the machine."""

import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.templatetags.static import static

GUNICORN_CONF = Path(settings.BASE_DIR) / "gunicorn.conf.py"


def test_database_connections_are_kept_between_requests_and_checked_before_reuse():
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] >= 60
    assert database["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db
def test_collected_static_files_get_hashed_names_a_gzip_copy_and_a_ten_year_immutable_cache(
        tmp_path, settings, client):
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", "--noinput", verbosity=0)
    url = static("renkei/renkei.css")
    assert url != "/static/renkei/renkei.css" and url.startswith("/static/renkei/renkei.") and url.endswith(".css")
    name = url.removeprefix("/static/")
    assert (tmp_path / name).exists() and (tmp_path / f"{name}.gz").exists()

    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]
    assert "no-store" not in response.headers["Cache-Control"]

    page = client.get("/accounts/login/")
    assert url in page.content.decode()


@pytest.mark.django_db
def test_before_collectstatic_pages_name_plain_static_files_and_they_are_served(tmp_path, settings, client):
    settings.STATIC_ROOT = tmp_path  # empty: nothing collected
    assert static("renkei/renkei.css") == "/static/renkei/renkei.css"
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and "/static/renkei/renkei.css" in page.content.decode()
    response = client.get("/static/renkei/renkei.css")
    assert response.status_code == 200
    assert "immutable" not in response.headers["Cache-Control"]


def _gunicorn(monkeypatch, **env):
    for name in ("GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_BIND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONF))


def test_gunicorn_runs_one_worker_per_core_with_two_threads(monkeypatch):
    import os

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3, 4, 5})
    conf = _gunicorn(monkeypatch)
    assert (conf["workers"], conf["worker_class"], conf["threads"]) == (6, "gthread", 2)
    assert conf["bind"] == "127.0.0.1:8000"
    assert conf["control_socket_disable"] is True  # a second instance on the machine must not take it over


def test_gunicorn_workers_threads_and_address_come_from_the_environment(monkeypatch):
    conf = _gunicorn(monkeypatch, GUNICORN_WORKERS="2", GUNICORN_THREADS="8", GUNICORN_BIND="0.0.0.0:9000")
    assert (conf["workers"], conf["threads"], conf["bind"]) == (2, 8, "0.0.0.0:9000")
