"""Every page except login requires authentication; the acting membership is resolved once."""

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from renkei.audit.actions import log_event

SESSION_MEMBERSHIP_KEY = "renkei_membership_id"
SESSION_LAST_SEEN_KEY = "renkei_last_seen"


def is_public_path(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in settings.PUBLIC_PATH_PREFIXES)


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        expired = False
        if not is_public_path(request.path) and request.user.is_authenticated and self._idle_too_long(request):
            log_event("auth.session_expired", request=request)
            logout(request)
            expired = True
        if is_public_path(request.path) or request.user.is_authenticated:
            return self.get_response(request)
        # A session cookie whose session the server no longer has: it expired while idle.
        expired = expired or (settings.SESSION_COOKIE_NAME in request.COOKIES and request.session.is_empty())
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "ログインが必要です。"}, status=401)
        login_url = reverse(settings.LOGIN_URL)
        if expired:
            login_url += "?expired=1&"
        else:
            login_url += "?"
        if request.htmx:
            response = JsonResponse({"detail": "ログインが必要です。"}, status=401)
            response["HX-Redirect"] = login_url.rstrip("?&")
            return response
        return redirect(f"{login_url}{urlencode({'next': request.get_full_path()})}")

    @staticmethod
    def _idle_too_long(request) -> bool:
        now = timezone.now()
        last_seen = request.session.get(SESSION_LAST_SEEN_KEY)
        request.session[SESSION_LAST_SEEN_KEY] = now.isoformat()
        if not last_seen:
            return False
        idle = (now - datetime.fromisoformat(last_seen)).total_seconds()
        return idle > settings.SESSION_IDLE_MINUTES * 60


class ActiveMembershipMiddleware:
    """Sets request.membership: the organisation and role the user is acting in now."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        if request.user.is_authenticated:
            memberships = list(request.user.active_memberships())
            if not memberships:
                logout(request)
                messages.error(request, "有効な所属がありません。管理者に連絡してください。")
                return redirect(settings.LOGIN_URL)
            wanted = request.session.get(SESSION_MEMBERSHIP_KEY)
            request.membership = next((m for m in memberships if m.pk == wanted), memberships[0])
            request.memberships = memberships
            exempt = is_public_path(request.path) or request.path in (
                reverse("accounts:password_change"), reverse("accounts:logout"), reverse("accounts:two_factor"))
            if not exempt and request.user.must_change_password:
                return redirect("accounts:password_change")
            if not exempt and self._two_factor_missing(request, memberships):
                messages.warning(request, "所属組織の方針により、二要素認証の設定が必要です。")
                return redirect("accounts:two_factor")
        return self.get_response(request)

    @staticmethod
    def _two_factor_missing(request, memberships) -> bool:
        from .twofactor import has_two_factor

        return any(m.organisation.require_two_factor for m in memberships) and not has_two_factor(request.user)
