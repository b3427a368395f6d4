"""Login throttling: lock after repeated failures per account and per client address."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import LoginAttempt


def _since():
    return timezone.now() - timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def _normal(username: str) -> str:
    return (username or "").strip().lower()[:150]


def is_locked(username: str, ip: str | None) -> bool:
    failures = LoginAttempt.objects.filter(succeeded=False, at__gte=_since())
    if failures.filter(username=_normal(username)).count() >= settings.LOGIN_MAX_FAILURES_PER_ACCOUNT:
        return True
    return bool(ip) and failures.filter(ip=ip).count() >= settings.LOGIN_MAX_FAILURES_PER_ADDRESS


def record_attempt(username: str, ip: str | None, succeeded: bool) -> None:
    LoginAttempt.objects.create(username=_normal(username), ip=ip, succeeded=succeeded)
    if succeeded:
        # A successful login clears the account's failure count.
        LoginAttempt.objects.filter(username=_normal(username), succeeded=False).delete()
