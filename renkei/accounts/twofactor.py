"""Two-factor login: TOTP with recovery codes; an organisation's supervisor can make it mandatory."""

import hashlib
import secrets
import time

import pyotp
import segno
from django.db import transaction
from django.utils import timezone

from renkei.audit.actions import log_event

from .models import RecoveryCode, TOTPDevice

ISSUER = "Renkei"
RECOVERY_CODE_COUNT = 10
STEP = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg_data_uri(uri: str) -> str:
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user).exists()


def two_factor_required(user) -> bool:
    """Mandatory when any organisation the user actively belongs to requires it."""
    return user.memberships.filter(is_active=True, organisation__require_two_factor=True).exists()


def _matching_step(secret: str, code: str, at: float | None = None) -> int | None:
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = at if at is not None else time.time()
    for drift in (0, -1, 1):
        moment = now + drift * STEP
        if secrets.compare_digest(totp.at(moment), code):
            return int(moment // STEP)
    return None


def code_is_valid_for_secret(secret: str, code: str) -> bool:
    return _matching_step(secret, code) is not None


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


@transaction.atomic
def verify(user, code: str) -> str | None:
    """Check a TOTP code (each code usable once) or an unused recovery code. Returns "totp",
    "recovery" or None."""
    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        return None
    step = _matching_step(device.secret, code)
    if step is not None and step > device.last_used_step:
        device.last_used_step = step
        device.save(update_fields=["last_used_step"])
        return "totp"
    recovery = RecoveryCode.objects.select_for_update().filter(user=user, code_hash=_hash(code), used_at=None).first()
    if recovery is not None:
        recovery.used_at = timezone.now()
        recovery.save(update_fields=["used_at"])
        log_event("auth.recovery_code_used", actor=user, obj=user,
                  data={"remaining": RecoveryCode.objects.filter(user=user, used_at=None).count()})
        return "recovery"
    return None


def _new_recovery_codes(user) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_hash(c)) for c in codes])
    return codes


@transaction.atomic
def do_enable_two_factor(*, request, user, secret: str) -> list[str]:
    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, secret=secret, last_used_step=int(time.time() // STEP))
    codes = _new_recovery_codes(user)
    log_event("auth.two_factor_enabled", request=request, actor=user, obj=user)
    return codes


@transaction.atomic
def do_regenerate_recovery_codes(*, request, user) -> list[str]:
    codes = _new_recovery_codes(user)
    log_event("auth.recovery_codes_regenerated", request=request, obj=user)
    return codes


@transaction.atomic
def do_disable_two_factor(*, request, user, by_supervisor: bool = False) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    log_event("auth.two_factor_reset" if by_supervisor else "auth.two_factor_disabled", request=request, obj=user)


def remaining_recovery_codes(user) -> int:
    return RecoveryCode.objects.filter(user=user, used_at=None).count()
