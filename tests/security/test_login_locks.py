"""Login locks that an office's reverse proxy cannot turn against everyone, and that nobody can use to keep a
worker out: the client address from the trusted proxy header, growing waits per account with a cap,
the device cookie, and the supervisor's unlock."""

import datetime as dt

from django.test import Client
from django.utils import timezone

from renkei.accounts import throttle
from renkei.audit.models import AuditEvent

LOGIN = "/accounts/login/"
WRONG = "wrong-password-123"


def attempt(client, username, password, forwarded_for=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.9.0.1", **extra)


def locked(response) -> bool:
    return "一時的にログインできません" in response.content.decode()


def test_behind_the_proxy_one_guesser_does_not_lock_the_rest_of_the_office(pref, settings):
    settings.BEHIND_PROXY = True
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    for n in range(20):
        attempt(Client(), f"guess{n}", WRONG, forwarded_for="192.168.10.66")
    assert locked(attempt(Client(), "bob", pref.password, forwarded_for="192.168.10.66"))
    colleague = attempt(Client(), "bob", pref.password, forwarded_for="192.168.10.21")
    assert colleague.status_code == 302
    failed = AuditEvent.objects.filter(action="auth.login_failed").first()
    assert failed.ip == "192.168.10.66"


def test_a_forged_forwarded_header_does_not_escape_the_address_lock(pref, settings):
    settings.BEHIND_PROXY = True
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 5
    # The client writes any address it likes; the proxy appends the one it saw, which is the one used.
    for n in range(5):
        attempt(Client(), f"guess{n}", WRONG, forwarded_for=f"1.2.3.{n}, 192.168.10.66")
    assert locked(attempt(Client(), "bob", pref.password, forwarded_for="8.8.8.8, 192.168.10.66"))


def test_without_behind_proxy_the_forwarded_header_is_ignored(pref, settings):
    settings.BEHIND_PROXY = False
    attempt(Client(), "alice", WRONG, forwarded_for="192.168.10.66")
    assert AuditEvent.objects.get(action="auth.login_failed").ip == "10.9.0.1"


def test_two_proxies_take_the_second_hop_from_the_right(pref, settings):
    settings.BEHIND_PROXY, settings.TRUSTED_PROXY_COUNT = True, 2
    attempt(Client(), "alice", WRONG, forwarded_for="6.6.6.6, 192.168.10.66, 10.9.0.2")
    assert AuditEvent.objects.get(action="auth.login_failed").ip == "192.168.10.66"


def test_a_guesser_by_name_makes_the_account_wait_but_never_longer_than_the_cap(pref, settings, monkeypatch):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT, settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 5, 10_000
    settings.LOGIN_DELAY_SECONDS, settings.LOGIN_MAX_DELAY_MINUTES = 30, 15
    start = timezone.now()
    # Someone tries alice's account by name every two minutes for an hour and a half, from changing addresses.
    for step in range(45):
        moment = start + dt.timedelta(minutes=2 * step)
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        Client().post(LOGIN, {"username": "alice", "password": WRONG}, REMOTE_ADDR=f"10.1.{step}.1")
        until = throttle.account_locked_until("alice")
        assert until is None or until <= moment + dt.timedelta(minutes=15)  # a wait, never a lock without end
    counted = throttle.LoginAttempt.objects.filter(username="alice", succeeded=False).count()
    assert counted < 20  # attempts during a wait are not counted: the guesser was slowed to a few an hour
    later = (throttle.account_locked_until("alice") or moment) + dt.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert Client().post(LOGIN, {"username": "alice", "password": pref.password}).status_code == 302


def test_the_worker_logs_in_from_a_browser_used_before_while_a_guesser_keeps_the_account_waiting(pref, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    own_browser = Client()
    assert attempt(own_browser, "alice", pref.password).status_code == 302
    own_browser.post("/accounts/logout/")
    for _ in range(3):
        attempt(Client(), "alice", WRONG)
    assert locked(attempt(Client(), "alice", pref.password))
    assert attempt(own_browser, "alice", pref.password).status_code == 302


def test_a_failure_with_the_device_cookie_uses_up_its_pass(pref, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    browser = Client()
    attempt(browser, "alice", pref.password)
    browser.post("/accounts/logout/")
    for _ in range(3):
        attempt(Client(), "alice", WRONG)
    attempt(browser, "alice", WRONG)  # a thief with the browser guesses
    assert locked(attempt(browser, "alice", pref.password))


def test_a_forged_device_cookie_is_not_trusted(pref, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    for _ in range(3):
        attempt(Client(), "alice", WRONG)
    forged = Client()
    forged.cookies[throttle.DEVICE_COOKIE] = '["alice"]'
    assert locked(attempt(forged, "alice", pref.password))


def test_the_wait_grows_with_each_further_failure(pref, settings, monkeypatch):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT, settings.LOGIN_DELAY_SECONDS = 3, 30
    start = timezone.now()
    waits = []
    moment = start
    for _ in range(6):
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        attempt(Client(), "alice", WRONG)
        until = throttle.account_locked_until("alice")
        if until:
            waits.append((until - moment).total_seconds())
            moment = until + dt.timedelta(seconds=1)
    assert waits == [30, 60, 120, 240]


def test_the_supervisor_ends_the_wait_at_once_and_it_is_audited(pref, settings, client_for):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    for _ in range(3):
        attempt(Client(), "alice", WRONG)
    supervisor = client_for(pref.users.bob)
    edit = f"/accounts/staff/{pref.memberships.alice.pk}/"
    assert "ログインが制限されています" in supervisor.get(edit).content.decode()
    assert supervisor.post(edit + "unlock-login/").status_code == 302
    assert "ログインの制限はありません" in supervisor.get(edit).content.decode()
    event = AuditEvent.objects.get(action="staff.login_unlocked")
    assert event.actor == pref.users.bob and event.data["failures_cleared"] == 3
    assert attempt(Client(), "alice", pref.password).status_code == 302


def test_the_unlock_is_also_an_api_call_for_supervisors_only(pref, settings, client_for):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    for _ in range(3):
        attempt(Client(), "alice", WRONG)
    url = f"/api/accounts/staff/{pref.memberships.alice.pk}/unlock-login"
    listed = {s["username"]: s for s in client_for(pref.users.bob).get("/api/accounts/staff").json()}
    assert listed["alice"]["login_locked_until"] is not None
    assert client_for(pref.users.alice).post(url).status_code == 404
    assert client_for(pref.users.mallory).post(url).status_code == 404
    response = client_for(pref.users.bob).post(url)
    assert response.status_code == 200 and response.json()["failures_cleared"] == 3


def test_the_login_page_advice_names_what_the_supervisor_can_do(db):
    body = Client().get(LOGIN).content.decode()
    assert "パスワードの再設定" in body and "ログイン制限の解除" in body
