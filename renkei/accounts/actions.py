"""State changes of organisations and staff. Each runs in one transaction and writes its audit entry."""

import secrets

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from renkei.audit.actions import log_event

from . import throttle, twofactor
from .models import LoginAttempt, Membership, TOTPDevice, User
from .roles import ROLES, SUPERVISOR


def _other_active_supervisors(membership: Membership):
    return Membership.objects.filter(
        organisation=membership.organisation, role=SUPERVISOR, is_active=True
    ).exclude(pk=membership.pk)


@transaction.atomic
def do_create_staff(*, request, organisation, username, display_name, kana, email, role, department,
                    title, password) -> Membership:
    """Create an account and its membership in `organisation`. The password must be changed at first login."""
    if role not in ROLES:
        raise ValidationError("役割が正しくありません。")
    user = User(username=username, display_name=display_name, kana=kana, email=email,
                must_change_password=True)
    user.set_password(password)
    user.save()
    membership = Membership.objects.create(user=user, organisation=organisation, role=role,
                                           department=department, title=title)
    log_event("staff.created", request=request, obj=membership, organisation=organisation,
              data={"username": username, "role": role})
    return membership


@transaction.atomic
def do_add_existing_user(*, request, organisation, user, role, department, title) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation,
        defaults={"role": role, "department": department, "title": title},
    )
    if not created:
        if membership.is_active:
            raise ValidationError("この職員はすでに所属しています。")
        membership.role, membership.department, membership.title = role, department, title
        membership.is_active, membership.deactivated_at = True, None
        membership.save()
    log_event("staff.added", request=request, obj=membership, organisation=organisation,
              data={"username": user.username, "role": role})
    return membership


@transaction.atomic
def do_change_role(*, request, membership: Membership, role: str, department=None, title=None) -> Membership:
    if role not in ROLES:
        raise ValidationError("役割が正しくありません。")
    if membership.role == SUPERVISOR and role != SUPERVISOR and not _other_active_supervisors(membership).exists():
        raise ValidationError("管理者が一人もいなくなるため、役割を変更できません。")
    before = membership.role
    membership.role = role
    if department is not None or title is not None:
        membership.department = department
        membership.title = title or ""
    membership.save()
    log_event("staff.role_changed", request=request, obj=membership, organisation=membership.organisation,
              data={"from": before, "to": role})
    return membership


@transaction.atomic
def do_deactivate_membership(*, request, membership: Membership, reason: str = "") -> Membership:
    """Deactivate, never delete: records keep their author."""
    if request is not None and membership.user_id == request.user.pk:
        raise ValidationError("自分自身を無効化することはできません。")
    if membership.role == SUPERVISOR and not _other_active_supervisors(membership).exists():
        raise ValidationError("管理者が一人もいなくなるため、無効化できません。")
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    log_event("staff.deactivated", request=request, obj=membership, organisation=membership.organisation,
              data={"reason": reason})
    return membership


@transaction.atomic
def do_reactivate_membership(*, request, membership: Membership) -> Membership:
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at"])
    log_event("staff.reactivated", request=request, obj=membership, organisation=membership.organisation)
    return membership


@transaction.atomic
def do_change_password(*, request, user: User, password: str) -> None:
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    log_event("auth.password_changed", request=request, actor=user, obj=user)


@transaction.atomic
def do_update_organisation_settings(*, request, organisation, require_two_factor: bool):
    before = organisation.require_two_factor
    organisation.require_two_factor = require_two_factor
    organisation.save(update_fields=["require_two_factor", "updated_at"])
    log_event("organisation.settings_changed", request=request, obj=organisation, organisation=organisation,
              data={"require_two_factor": {"from": before, "to": require_two_factor}})
    return organisation


@transaction.atomic
def do_unlock_login(*, request, membership: Membership) -> int:
    """A supervisor ends the login wait of a staff member's account: its failures are forgotten."""
    username = throttle.normal_username(membership.user.username)
    cleared, _ = LoginAttempt.objects.filter(username=username, succeeded=False).delete()
    log_event("staff.login_unlocked", request=request, obj=membership, organisation=membership.organisation,
              data={"username": membership.user.username, "failures_cleared": cleared})
    return cleared


def temporary_password() -> str:
    """Twelve letters and digits in groups of four, without look-alikes (0/O, 1/l/I)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


@transaction.atomic
def do_reset_password(*, request, membership: Membership, password: str | None = None) -> str:
    """A supervisor sets a temporary password for a staff member (generated unless given): it must be
    changed at the next login, the member's sessions end (the session hash changes with the password),
    two-factor is reset where set (a lost phone is the usual reason), and the login wait is cleared.
    Returns the temporary password, to be shown once. The password itself is never logged."""
    user = membership.user
    if request is not None and user.pk == request.user.pk:
        raise ValidationError("自分のパスワードは「パスワード変更」から変更してください。")
    generated = not password
    password = password or temporary_password()
    if not generated:
        password_validation.validate_password(password, user)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    had_two_factor = TOTPDevice.objects.filter(user=user).exists()
    if had_two_factor:
        twofactor.do_disable_two_factor(request=request, user=user, by_supervisor=True)
    LoginAttempt.objects.filter(username=throttle.normal_username(user.username), succeeded=False).delete()
    log_event("staff.password_reset", request=request, obj=membership, organisation=membership.organisation,
              data={"username": user.username, "generated": generated, "two_factor_reset": had_two_factor})
    return password
