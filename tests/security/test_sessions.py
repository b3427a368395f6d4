"""Sessions end: after idling, after an absolute lifetime however busy, and on logout saying so;
production serves HTTPS only with Secure cookies, and a setting keeps plain HTTP for the loopback load test."""

import datetime as dt
import os
import subprocess
import sys

from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from renkei.audit.models import AuditEvent


def test_a_session_used_every_forty_seconds_still_ends_after_the_absolute_lifetime(pref, settings, monkeypatch):
    settings.SESSION_IDLE_MINUTES, settings.SESSION_ABSOLUTE_HOURS = 30, 1
    client = Client()
    client.post("/accounts/login/", {"username": "alice", "password": pref.password})
    start = timezone.now()
    for seconds in range(0, 3600, 400):  # busy all along (well inside the idle limit)
        moment = start + dt.timedelta(seconds=seconds)
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        assert client.get("/accounts/password/").status_code == 200
    later = start + dt.timedelta(hours=1, seconds=40)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.get("/accounts/password/")
    assert response.status_code == 302 and "ended=lifetime" in response.url
    assert "ログインから1時間が経過したため" in client.get(response.url).content.decode()
    assert AuditEvent.objects.filter(action="auth.session_expired", data__reason="lifetime").exists()


def test_the_api_also_ends_at_the_absolute_lifetime(pref, settings, monkeypatch, client_for):
    settings.SESSION_ABSOLUTE_HOURS = 12
    client = client_for(pref.users.alice)
    assert client.get("/api/accounts/me").status_code == 200
    later = timezone.now() + dt.timedelta(hours=12, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    settings.SESSION_IDLE_MINUTES = 24 * 60
    assert client.get("/api/accounts/me").status_code == 401


def test_logout_says_logged_out_not_expired(pref, client_for):
    client = client_for(pref.users.alice)
    client.get("/")
    response = client.post("/accounts/logout/")
    body = client.get(response.url).content.decode()
    assert "ログアウトしました。" in body and "一定時間操作がなかった" not in body


def test_logout_in_a_tab_whose_session_had_idled_out_also_says_logged_out(pref, client_for, settings, monkeypatch):
    client = client_for(pref.users.alice)
    client.get("/")
    later = timezone.now() + dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.post("/accounts/logout/")
    assert "ログアウトしました。" in client.get(response.url).content.decode()


def test_the_csrf_cookie_lasts_only_the_browser_session():
    assert django_settings.CSRF_COOKIE_AGE is None
    response = Client().get("/accounts/login/")
    assert response.cookies["csrftoken"]["max-age"] == "" and response.cookies["csrftoken"]["expires"] == ""


def _production_settings(**env) -> dict:
    code = ("import json, renkei.settings as s; print(json.dumps({k: getattr(s, k) for k in ["
            "'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS']}))")
    base = {k: v for k, v in os.environ.items() if k not in {"HTTPS", "SECURE_SSL_REDIRECT", "DEBUG"}}
    result = subprocess.run([sys.executable, "-c", code], env={**base, "RENKEI_ENV": "production",
                            "SECRET_KEY": "x" * 50, **env}, capture_output=True, text=True, check=True)
    import json

    return json.loads(result.stdout)


def test_production_redirects_plain_http_and_sends_secure_cookies():
    figures = _production_settings()
    assert figures == {"SECURE_SSL_REDIRECT": True, "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
                       "SECURE_HSTS_SECONDS": 31536000}


def test_a_documented_setting_keeps_plain_http_on_loopback_for_the_load_test():
    assert _production_settings(SECURE_SSL_REDIRECT="0")["SECURE_SSL_REDIRECT"] is False
    plain = _production_settings(HTTPS="0")
    assert plain["SECURE_SSL_REDIRECT"] is False and plain["SESSION_COOKIE_SECURE"] is False


def test_with_the_redirect_on_plain_http_is_sent_to_https_but_the_health_check_is_not(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/accounts/login/")
    assert response.status_code == 301 and response.url == "https://testserver/accounts/login/"
    assert Client().get("/healthz").status_code == 200


def test_behind_the_proxy_its_https_header_is_trusted(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert Client().get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
