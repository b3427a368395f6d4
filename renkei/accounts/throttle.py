"""Login throttling: growing waits after repeated failures, per account and per client address.

After LOGIN_MAX_FAILURES_PER_ACCOUNT failures of an account within LOGIN_FAILURE_WINDOW_MINUTES, the next
attempt must wait LOGIN_DELAY_SECONDS after the last failure, doubling with every further failure up to
LOGIN_MAX_DELAY_MINUTES. An attempt during the wait is refused without trying the password and is not
counted, so nobody can make a worker wait longer than the cap; a supervisor ends the wait at once
(accounts.actions.do_unlock_login), as does the worker's own successful login. The client address (renkei.core.client,
proxy-aware) has the same rule with LOGIN_MAX_FAILURES_PER_ADDRESS: behind the office's proxy each
worker's own address counts, not the proxy's.

A browser where a worker has logged in before carries a signed *device cookie* naming the account
(OWASP's device cookies): its attempts skip the account's wait, so an attacker guessing a worker's
password by name cannot keep that worker out. A failed attempt with the cookie removes the account from it
(one free pass per successful login); the address rule still applies to every attempt.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Count, Max
from django.utils import timezone

from .models import LoginAttempt


def _since():
    return timezone.now() - timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def normal_username(username: str) -> str:
    return (username or "").strip().lower()[:150]


def _wait_until(failures, limit: int) -> datetime | None:
    figures = failures.aggregate(count=Count("id"), last=Max("at"))
    if figures["count"] < limit:
        return None
    seconds = settings.LOGIN_DELAY_SECONDS * 2 ** min(figures["count"] - limit, 20)
    until = figures["last"] + min(timedelta(seconds=seconds), timedelta(minutes=settings.LOGIN_MAX_DELAY_MINUTES))
    return until if until > timezone.now() else None


@dataclass
class Lock:
    until: datetime

    @property
    def message(self) -> str:
        seconds = max(1, int((self.until - timezone.now()).total_seconds()))
        wait = f"{seconds}秒" if seconds < 60 else f"{(seconds + 59) // 60}分"
        return (f"ログインに続けて失敗したため、一時的にログインできません（あと{wait}ほど）。時間をおいて再度お試しください。"
                "急ぐ場合は、所属の管理者にログイン制限の解除を依頼してください。")


def account_locked_until(username: str) -> datetime | None:
    failures = LoginAttempt.objects.filter(succeeded=False, at__gte=_since(), username=normal_username(username))
    return _wait_until(failures, settings.LOGIN_MAX_FAILURES_PER_ACCOUNT)


def lock_for(username: str, ip: str | None, *, trusted_device: bool = False) -> Lock | None:
    """The wait in force for this account (unless from a device it logged in on) or address, if any."""
    untils = [] if trusted_device else [account_locked_until(username)]
    if ip:
        failures = LoginAttempt.objects.filter(succeeded=False, at__gte=_since(), ip=ip)
        untils.append(_wait_until(failures, settings.LOGIN_MAX_FAILURES_PER_ADDRESS))
    untils = [u for u in untils if u]
    return Lock(max(untils)) if untils else None


DEVICE_COOKIE = "renkei_device"
DEVICE_SALT = "renkei.accounts.login-device"
DEVICE_ACCOUNTS = 8  # a shared office PC remembers this many accounts


def _device_accounts(request) -> list[str]:
    value = request.COOKIES.get(DEVICE_COOKIE)
    if not value:
        return []
    try:
        accounts = signing.loads(value, salt=DEVICE_SALT, max_age=settings.LOGIN_DEVICE_DAYS * 86400)
    except signing.BadSignature:
        return []
    return [a for a in accounts if isinstance(a, str)] if isinstance(accounts, list) else []


def is_trusted_device(request, username: str) -> bool:
    return normal_username(username) in _device_accounts(request)


def _set_device(response, accounts: list[str]) -> None:
    if not accounts:
        response.delete_cookie(DEVICE_COOKIE, samesite="Lax")
        return
    response.set_cookie(DEVICE_COOKIE, signing.dumps(accounts, salt=DEVICE_SALT),
                        max_age=settings.LOGIN_DEVICE_DAYS * 86400, httponly=True,
                        secure=settings.SESSION_COOKIE_SECURE, samesite="Lax")


def remember_device(request, response, username: str) -> None:
    """After a successful login: this browser may skip the account's wait next time."""
    name = normal_username(username)
    _set_device(response, ([name] + [a for a in _device_accounts(request) if a != name])[:DEVICE_ACCOUNTS])


def forget_device(request, response, username: str) -> None:
    """After a failed attempt with the device cookie: the free pass is used up."""
    name = normal_username(username)
    if name in _device_accounts(request):
        _set_device(response, [a for a in _device_accounts(request) if a != name])


def record_attempt(username: str, ip: str | None, succeeded: bool) -> None:
    LoginAttempt.objects.create(username=normal_username(username), ip=ip, succeeded=succeeded, at=timezone.now())
    if succeeded:
        # A successful login clears the account's failure count.
        LoginAttempt.objects.filter(username=normal_username(username), succeeded=False).delete()
