"""Security baseline: every page but login needs a login; headers; CSRF; nothing from the internet."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from renkei.accounts.middleware import is_public_path

ROOT = Path(__file__).resolve().parents[2] / "renkei"


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _concrete(pattern: str) -> str:
    path = re.sub(r"<(?:int:)?[^>]+>", "1", pattern.lstrip("^").rstrip("$"))
    path = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000000", path)
    path = path.replace("\\Z", "").replace("^", "").replace("$", "")
    return "/" + path


def test_every_url_requires_login(pref):
    client = Client()
    checked = 0
    for pattern in _patterns():
        path = _concrete(pattern)
        if is_public_path(path):
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code in (302, 401), (method, path, response.status_code)
            if response.status_code == 302:
                assert response.url.startswith("/accounts/login/"), path
        checked += 1
    assert checked >= 10


def test_public_paths_are_only_login_static_health_and_the_directory_api():
    from django.conf import settings

    assert set(settings.PUBLIC_PATH_PREFIXES) <= {"/accounts/login/", "/static/", "/healthz", "/api/hsds/"}


@pytest.mark.parametrize("path", ["/accounts/login/", "/"])
def test_security_headers_are_sent(pref, client_for, path):
    response = client_for(pref.users.alice).get(path, follow=True)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_hsts_is_sent_when_served_over_https(pref, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = Client().get("/accounts/login/", secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_person_pages_are_not_cached(pref, client_for):
    assert client_for(pref.users.alice).get("/").headers["Cache-Control"] == "no-store"


def test_csrf_is_enforced_on_login_and_forms(pref):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "alice", "password": pref.password})
    assert response.status_code == 403


def test_templates_have_no_inline_script_or_style_and_load_nothing_from_outside():
    offenders = []
    for path in ROOT.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{path}: inline <script>")
        if re.search(r"\sstyle=\"", text) or "<style" in text:
            offenders.append(f"{path}: inline style")
        if re.search(r"(src|href)=\"https?://", text):
            offenders.append(f"{path}: external asset")
    assert offenders == []


def test_static_assets_are_served_locally(pref, client_for):
    page = client_for(pref.users.alice).get("/").content.decode()
    for url in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
        assert Client().get(url).status_code == 200, url


def test_unknown_page_answers_a_japanese_404(pref, client_for, settings):
    settings.DEBUG = False
    response = client_for(pref.users.alice).get("/no-such-page/")
    assert response.status_code == 404 and "ページが見つかりません" in response.content.decode()


def test_header_search_shows_only_for_roles_that_may_see_persons(pref, client_for):
    assert 'role="search"' in client_for(pref.users.alice).get("/").content.decode()
    assert 'role="search"' not in client_for(pref.users.dave).get("/").content.decode()
    assert 'role="search"' not in client_for(pref.users.erin).get("/").content.decode()
