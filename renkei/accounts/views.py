from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from renkei.audit.actions import client_ip, log_event

from . import actions, throttle
from .access import get_membership_for_manager, memberships_visible_to, require_perm
from .forms import (
    DeactivateForm,
    LoginForm,
    MembershipForm,
    PasswordChangeForm,
    StaffAddExistingForm,
    StaffCreateForm,
)
from .middleware import SESSION_MEMBERSHIP_KEY
from .roles import PERMISSIONS, ROLES

LOCKED_MESSAGE = "ログインに続けて失敗したため、一時的にログインできません。しばらく待ってから再度お試しください。"
FAILED_MESSAGE = "ユーザーIDまたはパスワードが正しくありません。"


def login_view(request):
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    form = LoginForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        username, ip = form.cleaned_data["username"], client_ip(request)
        if throttle.is_locked(username, ip):
            log_event("auth.login_locked", request=request, actor_label=username[:150], data={"username": username})
            error = LOCKED_MESSAGE
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is not None and not user.active_memberships().exists():
                user = None
            throttle.record_attempt(username, ip, succeeded=user is not None)
            if user is None:
                log_event("auth.login_failed", request=request, actor_label=username[:150],
                          data={"username": username})
                error = FAILED_MESSAGE
            else:
                login(request, user)
                log_event("auth.login", request=request, actor=user)
                target = request.POST.get("next") or request.GET.get("next")
                if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
                    return redirect(target)
                return redirect("core:dashboard")
    return render(request, "accounts/login.html", {
        "form": form, "error": error, "next": request.GET.get("next", ""),
        "expired": request.GET.get("expired") == "1",
    })


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        log_event("auth.logout", request=request)
    logout(request)
    messages.info(request, "ログアウトしました。")
    return redirect("accounts:login")


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
    return render(request, "accounts/staff_edit.html", {
        "form": form, "target": membership, "deactivate_form": DeactivateForm(),
    })


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
