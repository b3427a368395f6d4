import datetime as dt

from django.utils import timezone


def test_session_ends_after_the_idle_limit(pref, client_for, settings, monkeypatch):
    settings.SESSION_IDLE_MINUTES = 30
    client = client_for(pref.users.alice)
    assert client.get("/").status_code == 200
    later = timezone.now() + dt.timedelta(minutes=31)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    page = client.get(response.url)
    assert "一定時間操作がなかったため" in page.content.decode()


def test_activity_keeps_the_session_alive(pref, client_for, settings, monkeypatch):
    settings.SESSION_IDLE_MINUTES = 30
    client = client_for(pref.users.alice)
    start = timezone.now()
    for minutes in (0, 20, 40, 60):
        moment = start + dt.timedelta(minutes=minutes)
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        assert client.get("/").status_code == 200


def test_the_stored_session_outlives_the_idle_limit_by_the_touch_interval():
    from renkei import settings as real

    assert real.SESSION_COOKIE_AGE == real.SESSION_IDLE_MINUTES * 60 + real.SESSION_TOUCH_SECONDS
    assert real.SESSION_SAVE_EVERY_REQUEST is False


def _session_writes(queries) -> int:
    return sum(1 for q in queries if q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"])


def test_a_busy_worker_writes_the_session_once_per_touch_interval(pref, client_for, settings, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.SESSION_IDLE_MINUTES, settings.SESSION_TOUCH_SECONDS = 30, 60
    client = client_for(pref.users.alice)
    start = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: start)
    client.get("/accounts/password/")
    for seconds in (1, 30, 59):
        moment = start + dt.timedelta(seconds=seconds)
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/accounts/password/").status_code == 200
        assert _session_writes(ctx.captured_queries) == 0, seconds
    moment = start + dt.timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/accounts/password/").status_code == 200
    assert _session_writes(ctx.captured_queries) == 1


def test_idleness_counts_from_the_last_request_within_the_touch_interval(pref, client_for, settings, monkeypatch):
    settings.SESSION_IDLE_MINUTES, settings.SESSION_TOUCH_SECONDS = 30, 60
    client = client_for(pref.users.alice)
    start = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: start)
    client.get("/")
    moment = start + dt.timedelta(seconds=50)  # not written: the last activity on record is `start`
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert client.get("/").status_code == 200
    moment = start + dt.timedelta(minutes=30, seconds=30)  # 30 min 30 s after the one on record
    monkeypatch.setattr(timezone, "now", lambda: moment)
    response = client.get("/")
    assert response.status_code == 302 and "ended=idle" in response.url


def test_first_login_forces_a_password_change(pref, client_for):
    user = pref.users.alice
    user.must_change_password = True
    user.save()
    client = client_for(user)
    response = client.get("/")
    assert response.status_code == 302 and response.url == "/accounts/password/"
    bad = client.post("/accounts/password/", {"old_password": pref.password, "new_password1": "12345678",
                                              "new_password2": "12345678"})
    assert bad.status_code == 200
    user.refresh_from_db()
    assert user.must_change_password
    good = client.post("/accounts/password/", {"old_password": pref.password,
                                               "new_password1": "a-much-better-passphrase",
                                               "new_password2": "a-much-better-passphrase"})
    assert good.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("a-much-better-passphrase")
    assert client.get("/").status_code == 200
