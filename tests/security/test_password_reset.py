"""A supervisor resets a staff member's password: shown once, changed at the next login, audited, two-factor
reset where set, the member's sessions ended; in the UI and the API."""

import re

import pyotp
from django.test import Client

from renkei.accounts import twofactor
from renkei.audit.models import AuditEvent

LOGIN = "/accounts/login/"


def reset_url(pref, name="alice"):
    return f"/accounts/staff/{getattr(pref.memberships, name).pk}/reset-password/"


def test_the_supervisor_resets_a_password_and_the_worker_must_change_it_at_login(pref, client_for):
    alice = pref.users.alice
    alice_browser = client_for(alice)
    assert alice_browser.get("/").status_code == 200
    page = client_for(pref.users.bob).post(reset_url(pref), {"password": "", "password_confirm": ""})
    assert page.status_code == 200
    body = page.content.decode()
    temporary = re.search(r'class="temporary-password">([^<]+)<', body).group(1)
    assert "二度と表示されません" in body
    # The old password and the running session no longer work.
    assert alice_browser.get("/").status_code == 302
    assert "正しくありません" in Client().post(LOGIN, {"username": "alice", "password": pref.password}).content.decode()
    worker = Client()
    assert worker.post(LOGIN, {"username": "alice", "password": temporary}).status_code == 302
    assert worker.get("/").url == "/accounts/password/"
    worker.post("/accounts/password/", {"old_password": temporary, "new_password1": "my-own-new-passphrase",
                                        "new_password2": "my-own-new-passphrase"})
    assert worker.get("/").status_code == 200
    event = AuditEvent.objects.get(action="staff.password_reset")
    assert event.actor == pref.users.bob and event.data["generated"] is True
    assert temporary not in str(event.data)


def test_the_supervisor_may_type_the_temporary_password_checked_like_any_password(pref, client_for):
    supervisor = client_for(pref.users.bob)
    weak = supervisor.post(reset_url(pref), {"password": "12345678", "password_confirm": "12345678"})
    assert weak.status_code == 200 and "temporary-password" not in weak.content.decode()
    assert not AuditEvent.objects.filter(action="staff.password_reset").exists()
    supervisor.post(reset_url(pref), {"password": "typed-by-the-boss-77", "password_confirm": "typed-by-the-boss-77"})
    pref.users.alice.refresh_from_db()
    assert pref.users.alice.check_password("typed-by-the-boss-77") and pref.users.alice.must_change_password


def test_a_reset_also_resets_two_factor_where_set(pref, client_for):
    alice = pref.users.alice
    twofactor.do_enable_two_factor(request=None, user=alice, secret=pyotp.random_base32())
    page = client_for(pref.users.bob).post(reset_url(pref), {"password": "", "password_confirm": ""})
    assert page.status_code == 200
    assert not twofactor.has_two_factor(alice)
    assert AuditEvent.objects.get(action="staff.password_reset").data["two_factor_reset"] is True
    assert AuditEvent.objects.filter(action="auth.two_factor_reset").exists()


def test_only_a_supervisor_of_the_members_organisation_may_reset(pref, client_for):
    assert client_for(pref.users.alice).post(reset_url(pref, "carol"), {}).status_code == 404
    assert client_for(pref.users.mallory).post(reset_url(pref), {}).status_code == 404
    assert client_for(pref.users.bob).get(reset_url(pref)).status_code == 405
    pref.users.alice.refresh_from_db()
    assert pref.users.alice.check_password(pref.password)


def test_a_supervisor_cannot_reset_their_own_password_this_way(pref, client_for):
    page = client_for(pref.users.bob).post(reset_url(pref, "bob"), {})
    assert "パスワード変更" in page.content.decode()
    pref.users.bob.refresh_from_db()
    assert pref.users.bob.check_password(pref.password) and not pref.users.bob.must_change_password


def test_the_reset_is_an_api_call_returning_the_temporary_password_once(pref, client_for):
    url = f"/api/accounts/staff/{pref.memberships.alice.pk}/reset-password"
    assert client_for(pref.users.alice).post(url, "{}", content_type="application/json").status_code == 404
    bad = client_for(pref.users.bob).post(url, '{"password": "short"}', content_type="application/json")
    assert bad.status_code == 400 and bad.json()["detail"]
    response = client_for(pref.users.bob).post(url, "{}", content_type="application/json")
    assert response.status_code == 200 and response.json()["must_change_password"] is True
    assert Client().post(LOGIN, {"username": "alice", "password": response.json()["temporary_password"]}).status_code == 302
