from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from renkei.audit.actions import client_ip, log_event
from renkei.core import jobs, query

from . import actions, throttle, twofactor
from .access import JOBS_PERM, get_membership_for_manager, memberships_visible_to, require_perm
from .forms import (
    DeactivateForm,
    LoginForm,
    MembershipForm,
    OrganisationSettingsForm,
    OTPForm,
    PasswordChangeForm,
    PasswordResetForm,
    StaffAddExistingForm,
    StaffCreateForm,
)
from .middleware import SESSION_MEMBERSHIP_KEY, mark_session_start
from .models import TOTPDevice, User
from .roles import PERMISSIONS, ROLES

PENDING_USER_KEY, PENDING_AT_KEY, PENDING_NEXT_KEY = "renkei_2fa_user", "renkei_2fa_at", "renkei_2fa_next"
PENDING_SECONDS = 300
SETUP_SECRET_KEY = "renkei_2fa_setup_secret"
FAILED_MESSAGE = "ユーザーIDまたはパスワードが正しくありません。"


LOGIN_ENDED = [("logout", "ログアウト"), ("idle", "一定時間操作なし"), ("lifetime", "ログインの有効時間の経過")]


@query.reads(next=query.Text("移動先", max_length=8_000), ended=query.Choice("ログアウトの理由", LOGIN_ENDED))
def login_view(request):
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    form = LoginForm(request.POST or None)
    error = failed_username = None
    if request.method == "POST" and form.is_valid():
        username, ip = form.cleaned_data["username"], client_ip(request)
        lock = throttle.lock_for(username, ip, trusted_device=throttle.is_trusted_device(request, username))
        if lock:
            log_event("auth.login_locked", request=request, actor_label=username[:150], data={"username": username})
            error = lock.message
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is not None and not user.active_memberships().exists():
                user = None
            throttle.record_attempt(username, ip, succeeded=user is not None)
            if user is None:
                log_event("auth.login_failed", request=request, actor_label=username[:150],
                          data={"username": username})
                error, failed_username = FAILED_MESSAGE, username
            elif twofactor.has_two_factor(user):
                request.session[PENDING_USER_KEY] = user.pk
                request.session[PENDING_AT_KEY] = timezone.now().isoformat()
                request.session[PENDING_NEXT_KEY] = request.POST.get("next") or request.query.next
                return redirect("accounts:login_otp")
            else:
                return _complete_login(request, user, request.POST.get("next") or request.query.next)
    response = render(request, "accounts/login.html", {
        "form": form, "error": error, "next": request.query.next,
        "ended": request.query.ended if request.method == "GET" else None,
        "lifetime_hours": settings.SESSION_ABSOLUTE_HOURS,
    })
    if failed_username:
        throttle.forget_device(request, response, failed_username)
    return response


def _complete_login(request, user, target, method="password"):
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    mark_session_start(request)
    log_event("auth.login", request=request, actor=user, data={"method": method})
    safe = target and url_has_allowed_host_and_scheme(target, {request.get_host()})
    response = redirect(target if safe else "core:dashboard")
    throttle.remember_device(request, response, user.username)
    return response


def login_otp(request):
    """Second step of login for users with two-factor enabled."""
    user_id = request.session.get(PENDING_USER_KEY)
    started = request.session.get(PENDING_AT_KEY)
    if not user_id or not started or (
        timezone.now() - datetime.fromisoformat(started)).total_seconds() > PENDING_SECONDS:
        for key in (PENDING_USER_KEY, PENDING_AT_KEY, PENDING_NEXT_KEY):
            request.session.pop(key, None)
        messages.error(request, "確認の有効時間が過ぎました。もう一度ログインしてください。")
        return redirect("accounts:login")
    user = User.objects.get(pk=user_id)
    form = OTPForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        lock = throttle.lock_for(user.username, ip, trusted_device=throttle.is_trusted_device(request, user.username))
        if lock:
            error = lock.message
        else:
            method = twofactor.verify(user, form.cleaned_data["code"])
            throttle.record_attempt(user.username, ip, succeeded=method is not None)
            if method is None:
                log_event("auth.login_failed", request=request, actor_label=user.username, data={"step": "otp"})
                error = "確認コードが正しくありません。"
                response = render(request, "accounts/login_otp.html", {"form": form, "error": error})
                throttle.forget_device(request, response, user.username)
                return response
            else:
                target = request.session.get(PENDING_NEXT_KEY)
                for key in (PENDING_USER_KEY, PENDING_AT_KEY, PENDING_NEXT_KEY):
                    request.session.pop(key, None)
                if method == "recovery":
                    messages.warning(request, f"回復コードでログインしました。残り {twofactor.remaining_recovery_codes(user)} 個です。")
                return _complete_login(request, user, target, method=f"password+{method}")
    return render(request, "accounts/login_otp.html", {"form": form, "error": error})


def two_factor(request):
    """The user's own two-factor settings: set up, regenerate recovery codes, turn off."""
    user = request.user
    enabled = twofactor.has_two_factor(user)
    required = twofactor.two_factor_required(user)
    codes = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "enable":
            secret = request.session.get(SETUP_SECRET_KEY)
            form = OTPForm(request.POST)
            if secret and form.is_valid() and twofactor.code_is_valid_for_secret(secret, form.cleaned_data["code"]):
                codes = twofactor.do_enable_two_factor(request=request, user=user, secret=secret)
                request.session.pop(SETUP_SECRET_KEY, None)
                enabled = True
                messages.success(request, "二要素認証を有効にしました。回復コードを安全な場所に控えてください。")
            else:
                messages.error(request, "確認コードが正しくありません。認証アプリに表示されている6桁の数字を入力してください。")
        elif action == "regenerate" and enabled:
            codes = twofactor.do_regenerate_recovery_codes(request=request, user=user)
            messages.success(request, "回復コードを作り直しました。以前の回復コードは使えません。")
        elif action == "disable" and enabled:
            if required:
                messages.error(request, "所属組織で二要素認証が必須のため、無効にできません。")
            else:
                twofactor.do_disable_two_factor(request=request, user=user)
                enabled = False
                messages.success(request, "二要素認証を無効にしました。")
        if codes is None:
            return redirect("accounts:two_factor")
    context = {"enabled": enabled, "required": required, "codes": codes,
               "remaining": twofactor.remaining_recovery_codes(user) if enabled else 0}
    if not enabled:
        secret = request.session.get(SETUP_SECRET_KEY) or twofactor.new_secret()
        request.session[SETUP_SECRET_KEY] = secret
        uri = twofactor.provisioning_uri(user, secret)
        context.update({"secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
                        "qr": twofactor.qr_svg_data_uri(uri), "form": OTPForm()})
    return render(request, "accounts/two_factor.html", context)


def organisation_settings(request):
    require_perm(request, "org.settings")
    organisation = request.membership.organisation
    form = OrganisationSettingsForm(request.POST or None, initial={
        "require_two_factor": organisation.require_two_factor})
    if request.method == "POST" and form.is_valid():
        actions.do_update_organisation_settings(request=request, organisation=organisation, **form.cleaned_data)
        messages.success(request, "組織の設定を保存しました。")
        return redirect("accounts:organisation_settings")
    staff = memberships_visible_to(request.membership).filter(is_active=True)
    with_2fa = set(TOTPDevice.objects.filter(user__in=staff.values("user")).values_list("user_id", flat=True))
    return render(request, "accounts/organisation_settings.html", {
        "form": form, "organisation": organisation, "staff": staff, "with_2fa": with_2fa})


@require_POST
def staff_reset_two_factor(request, membership_id):
    require_perm(request, "staff.manage")
    membership = get_membership_for_manager(request.membership, membership_id)
    twofactor.do_disable_two_factor(request=request, user=membership.user, by_supervisor=True)
    messages.success(request, f"{membership.user}さんの二要素認証をリセットしました。次回ログイン時に再設定が必要です。")
    return redirect(reverse("accounts:staff_edit", args=[membership.pk]))


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        log_event("auth.logout", request=request)
    logout(request)
    return redirect(reverse("accounts:login") + "?ended=logout")


def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.do_change_password(request=request, user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, "パスワードを変更しました。")
        return redirect("core:dashboard")
    return render(request, "accounts/password_change.html", {"form": form})


@require_POST
def switch_organisation(request):
    wanted = request.POST.get("membership")
    for membership in request.memberships:
        if str(membership.pk) == wanted:
            request.session[SESSION_MEMBERSHIP_KEY] = membership.pk
            log_event("auth.organisation_switched", request=request, organisation=membership.organisation)
            messages.success(request, f"{membership.organisation.name}（{membership.role_name}）として操作します。")
            break
    else:
        messages.error(request, "その所属は選べません。")
    return redirect("core:dashboard")


def staff_list(request):
    require_perm(request, "staff.manage")
    memberships = memberships_visible_to(request.membership).order_by("-is_active", "user__kana_folded")
    return render(request, "accounts/staff_list.html", {
        "memberships": memberships, "roles": ROLES.values(), "permissions": PERMISSIONS,
    })


def staff_create(request):
    require_perm(request, "staff.manage")
    organisation = request.membership.organisation
    create_form = StaffCreateForm(organisation, request.POST if request.POST.get("form") == "create" else None)
    add_form = StaffAddExistingForm(organisation, request.POST if request.POST.get("form") == "add" else None,
                                    prefix="add")
    if request.method == "POST":
        try:
            if request.POST.get("form") == "create" and create_form.is_valid():
                data = create_form.cleaned_data
                actions.do_create_staff(request=request, organisation=organisation, **data)
                messages.success(request, f"{data['display_name']}さんのアカウントを作成しました。初期パスワードを本人に伝えてください。")
                return redirect("accounts:staff_list")
            if request.POST.get("form") == "add" and add_form.is_valid():
                data = add_form.cleaned_data
                actions.do_add_existing_user(request=request, organisation=organisation, user=data["username"],
                                             role=data["role"], department=data["department"], title=data["title"])
                messages.success(request, f"{data['username']}さんを追加しました。")
                return redirect("accounts:staff_list")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return render(request, "accounts/staff_create.html", {"create_form": create_form, "add_form": add_form})


def staff_edit(request, membership_id):
    require_perm(request, "staff.manage")
    membership = get_membership_for_manager(request.membership, membership_id)
    form = MembershipForm(membership.organisation, request.POST or None, initial={
        "role": membership.role, "department": membership.department, "title": membership.title,
    })
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_change_role(request=request, membership=membership, role=form.cleaned_data["role"],
                                   department=form.cleaned_data["department"], title=form.cleaned_data["title"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{membership.user}さんの所属情報を更新しました。")
            return redirect("accounts:staff_list")
    return _staff_edit_page(request, membership, form)


def _staff_edit_page(request, membership, form=None, reset_form=None, temporary_password=None):
    form = form or MembershipForm(membership.organisation, initial={
        "role": membership.role, "department": membership.department, "title": membership.title})
    return render(request, "accounts/staff_edit.html", {
        "form": form, "target": membership, "deactivate_form": DeactivateForm(),
        "has_two_factor": twofactor.has_two_factor(membership.user),
        "locked_until": throttle.account_locked_until(membership.user.username),
        "reset_form": reset_form or PasswordResetForm(), "temporary_password": temporary_password,
        "is_self": membership.user_id == request.user.pk,
    })


@require_POST
def staff_unlock_login(request, membership_id):
    require_perm(request, "staff.manage")
    membership = get_membership_for_manager(request.membership, membership_id)
    actions.do_unlock_login(request=request, membership=membership)
    messages.success(request, f"{membership.user}さんのログイン制限を解除しました。")
    return redirect(reverse("accounts:staff_edit", args=[membership.pk]))


@require_POST
def staff_reset_password(request, membership_id):
    """The temporary password is shown once, on this response (never stored in plain text, never redirected)."""
    require_perm(request, "staff.manage")
    membership = get_membership_for_manager(request.membership, membership_id)
    form = PasswordResetForm(request.POST, user=membership.user)
    if form.is_valid():
        try:
            password = actions.do_reset_password(request=request, membership=membership,
                                                 password=form.cleaned_data["password"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _staff_edit_page(request, membership, temporary_password=password)
    return _staff_edit_page(request, membership, reset_form=form)


@require_POST
def staff_deactivate(request, membership_id):
    require_perm(request, "staff.manage")
    membership = get_membership_for_manager(request.membership, membership_id)
    form = DeactivateForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("理由は200文字以内で入力してください。")
        actions.do_deactivate_membership(request=request, membership=membership, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("accounts:staff_edit", args=[membership.pk]))
    messages.success(request, f"{membership.user}さんを無効化しました。記録の作成者としての情報は残ります。")
    return redirect("accounts:staff_list")


@require_POST
def staff_reactivate(request, membership_id):
    require_perm(request, "staff.manage")
    membership = get_membership_for_manager(request.membership, membership_id)
    actions.do_reactivate_membership(request=request, membership=membership)
    messages.success(request, f"{membership.user}さんを再び有効にしました。")
    return redirect("accounts:staff_list")


def job_list(request):
    """The product's periodic jobs (reminders, overdue referrals, the audit seal …): schedule, last run, last
    success and failure, next due. Shows no person (counts only), so it writes no read entry."""
    require_perm(request, JOBS_PERM)
    return render(request, "accounts/job_list.html", {"jobs": jobs.overview()})
