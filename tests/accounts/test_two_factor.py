import re
import time

import pyotp
from django.test import Client

from renkei.accounts import twofactor
from renkei.accounts.models import RecoveryCode, TOTPDevice
from renkei.audit.models import AuditEvent


def enable(user, secret=None):
    secret = secret or pyotp.random_base32()
    device_codes = twofactor.do_enable_two_factor(request=None, user=user, secret=secret)
    # Codes are single-use per time step; start the device one step in the past so "now" is accepted.
    TOTPDevice.objects.filter(user=user).update(last_used_step=int(time.time() // 30) - 2)
    return secret, device_codes


def password_step(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_user_sets_up_two_factor_with_an_authenticator_app(pref, client_for):
    client = client_for(pref.users.alice)
    page = client.get("/accounts/two-factor/").content.decode()
    assert "data:image/svg+xml" in page and "認証アプリ" in page
    secret = client.session["renkei_2fa_setup_secret"]
    wrong = client.post("/accounts/two-factor/", {"action": "enable", "code": "000000"}, follow=True)
    assert "確認コードが正しくありません" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=pref.users.alice).exists()
    done = client.post("/accounts/two-factor/", {"action": "enable", "code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<code>([0-9a-f]{6}-[0-9a-f]{6})</code>", done.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=pref.users.alice).secret == secret
    assert AuditEvent.objects.filter(action="auth.two_factor_enabled", actor=pref.users.alice).exists()


def test_secret_is_encrypted_at_rest(pref):
    from django.db import connection

    secret, _ = enable(pref.users.alice)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_totpdevice")
        stored = cursor.fetchone()[0]
    assert secret not in stored


def test_login_with_two_factor_needs_the_code(pref):
    secret, _ = enable(pref.users.alice)
    client = Client()
    response = password_step(client, "alice", pref.password)
    assert response.url == "/accounts/login/otp/"
    assert client.get("/").status_code == 302  # not logged in yet
    bad = client.post("/accounts/login/otp/", {"code": "123456"})
    assert "確認コードが正しくありません" in bad.content.decode()
    good = client.post("/accounts/login/otp/", {"code": pyotp.TOTP(secret).now()})
    assert good.status_code == 302 and good.url == "/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.login", actor=pref.users.alice).latest("id").data == {
        "method": "password+totp"}


def test_a_totp_code_cannot_be_replayed(pref):
    secret, _ = enable(pref.users.alice)
    code = pyotp.TOTP(secret).now()
    first = Client()
    password_step(first, "alice", pref.password)
    assert first.post("/accounts/login/otp/", {"code": code}).status_code == 302
    second = Client()
    password_step(second, "alice", pref.password)
    assert "確認コードが正しくありません" in second.post("/accounts/login/otp/", {"code": code}).content.decode()


def test_recovery_code_works_once(pref):
    _, codes = enable(pref.users.alice)
    client = Client()
    password_step(client, "alice", pref.password)
    assert client.post("/accounts/login/otp/", {"code": codes[0]}).status_code == 302
    assert RecoveryCode.objects.filter(user=pref.users.alice, used_at__isnull=True).count() == 9
    again = Client()
    password_step(again, "alice", pref.password)
    assert again.post("/accounts/login/otp/", {"code": codes[0]}).status_code == 200


def test_otp_step_is_throttled(pref, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    secret, _ = enable(pref.users.alice)
    client = Client()
    password_step(client, "alice", pref.password)
    for _ in range(3):
        client.post("/accounts/login/otp/", {"code": "000000"})
    locked = client.post("/accounts/login/otp/", {"code": pyotp.TOTP(secret).now()})
    assert "一時的にログインできません" in locked.content.decode()


def test_otp_page_without_a_pending_login_goes_back_to_login(db):
    response = Client().get("/accounts/login/otp/")
    assert response.status_code == 302 and response.url == "/accounts/login/"


def test_supervisor_makes_two_factor_mandatory_and_staff_must_set_it_up(pref, client_for):
    bob = client_for(pref.users.bob)
    assert bob.post("/accounts/organisation/", {"require_two_factor": "on"}).status_code == 302
    pref.orgs.aoba.refresh_from_db()
    assert pref.orgs.aoba.require_two_factor
    alice = client_for(pref.users.alice)
    response = alice.get("/")
    assert response.status_code == 302 and response.url == "/accounts/two-factor/"
    assert alice.get("/accounts/two-factor/").status_code == 200
    # Staff of other organisations are not affected.
    assert client_for(pref.users.mallory).get("/").status_code == 200
    # Once set up, work goes on; turning it off is refused while mandatory.
    enable(pref.users.alice)
    assert alice.get("/").status_code == 200
    alice.post("/accounts/two-factor/", {"action": "disable"})
    assert TOTPDevice.objects.filter(user=pref.users.alice).exists()


def test_only_supervisors_change_organisation_settings(pref, client_for):
    assert client_for(pref.users.alice).get("/accounts/organisation/").status_code == 404
    assert client_for(pref.users.alice).post("/accounts/organisation/", {"require_two_factor": "on"}).status_code == 404
    pref.orgs.aoba.refresh_from_db()
    assert not pref.orgs.aoba.require_two_factor


def test_supervisor_resets_a_lost_device(pref, client_for):
    enable(pref.users.alice)
    response = client_for(pref.users.bob).post(f"/accounts/staff/{pref.memberships.alice.pk}/reset-two-factor/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=pref.users.alice).exists()
    assert AuditEvent.objects.filter(action="auth.two_factor_reset", actor=pref.users.bob).exists()
    assert client_for(pref.users.walter).post(
        f"/accounts/staff/{pref.memberships.bob.pk}/reset-two-factor/").status_code == 404
