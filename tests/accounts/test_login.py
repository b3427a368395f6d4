import pytest
from django.test import Client
from django.urls import reverse

from renkei.audit.models import AuditEvent

LOGIN = "/accounts/login/"


def login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_login_page_is_japanese(db):
    response = Client().get(LOGIN)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="ja">' in body and "ログイン" in body and "パスワード" in body


def test_caseworker_logs_in_and_reaches_the_dashboard(pref):
    client = Client()
    response = login(client, "alice", pref.password)
    assert response.status_code == 302 and response.url == reverse("core:dashboard")
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    assert "マイページ" in dashboard.content.decode() and "青葉 アリス" in dashboard.content.decode()


def test_login_follows_a_safe_next_but_not_an_external_one(pref):
    client = Client()
    assert login(client, "bob", pref.password, QUERY_STRING="next=/accounts/staff/").url == "/accounts/staff/"
    client = Client()
    response = client.post(LOGIN + "?next=https://evil.example/", {"username": "bob", "password": pref.password})
    assert response.url == "/"


def test_wrong_password_says_so_in_japanese_and_logs_the_failure(pref):
    response = login(Client(), "alice", "wrong-password-123")
    assert response.status_code == 200
    assert "ユーザーIDまたはパスワードが正しくありません" in response.content.decode()
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor is None and event.actor_label == "alice" and event.ip == "127.0.0.1"


def test_unknown_user_gets_the_same_message_as_a_wrong_password(pref):
    response = login(Client(), "nobody", "whatever-password")
    assert "ユーザーIDまたはパスワードが正しくありません" in response.content.decode()


def test_login_and_logout_are_audit_logged(pref):
    client = Client()
    login(client, "alice", pref.password)
    client.post("/accounts/logout/")
    actions = list(AuditEvent.objects.filter(actor=pref.users.alice).order_by("id").values_list("action", flat=True))
    assert actions == ["auth.login", "auth.logout"]


def test_logout_requires_post(pref, client_for):
    client = client_for(pref.users.alice)
    assert client.get("/accounts/logout/").status_code == 405


def test_account_is_locked_after_repeated_failures_even_with_the_right_password(pref, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    for _ in range(3):
        login(Client(), "alice", "wrong-password-123")
    response = login(Client(), "alice", pref.password)
    assert "一時的にログインできません" in response.content.decode()
    assert "_auth_user_id" not in Client().session
    assert AuditEvent.objects.filter(action="auth.login_locked").count() == 1
    # Other accounts are not affected.
    assert login(Client(), "bob", pref.password).status_code == 302


def test_lock_is_case_insensitive_on_the_user_id(pref, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 2
    login(Client(), "ALICE", "wrong-password-123")
    login(Client(), "Alice", "wrong-password-123")
    assert "一時的にログインできません" in login(Client(), "alice", pref.password).content.decode()


def test_address_is_locked_after_many_failures_across_accounts(pref, settings):
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    for name in ["u1", "u2", "u3", "u4"]:
        login(Client(), name, "wrong-password-123")
    assert "一時的にログインできません" in login(Client(), "bob", pref.password).content.decode()
    other_address = login(Client(), "bob", pref.password, REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 302


def test_lock_expires_after_the_window(pref, settings, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 2
    login(Client(), "alice", "wrong-password-123")
    login(Client(), "alice", "wrong-password-123")
    later = timezone.now() + dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES + 1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert login(Client(), "alice", pref.password).status_code == 302


def test_user_without_active_membership_cannot_log_in(pref):
    membership = pref.memberships.carol
    membership.is_active = False
    membership.save()
    response = login(Client(), "carol", pref.password)
    assert response.status_code == 200
    assert "ユーザーIDまたはパスワードが正しくありません" in response.content.decode()


@pytest.mark.parametrize("hasher", ["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_passwords_are_hashed_with_argon2_in_the_real_settings(hasher):
    from renkei import settings as real

    assert real.PASSWORD_HASHERS[0] == hasher
