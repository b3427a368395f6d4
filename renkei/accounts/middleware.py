"""Every page except login requires authentication; the acting membership is resolved once."""

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from renkei.audit.actions import log_event
from renkei.core.api_errors import error_response

SESSION_MEMBERSHIP_KEY = "renkei_membership_id"
SESSION_LAST_SEEN_KEY = "renkei_last_seen"
SESSION_STARTED_KEY = "renkei_session_started"


def is_public_path(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in settings.PUBLIC_PATH_PREFIXES)


class LoginRequiredMiddleware:
    """Ends a session idle for SESSION_IDLE_MINUTES or older than SESSION_ABSOLUTE_HOURS (however busy), and
    sends the logged-out to the login page saying why (`?ended=idle|lifetime|logout`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ended = None
        if not is_public_path(request.path) and request.user.is_authenticated:
            ended = session_end_reason(request)
            if ended:
                log_event("auth.session_expired", request=request, data={"reason": ended})
                logout(request)
        if is_public_path(request.path) or request.user.is_authenticated:
            return self.get_response(request)
        # A session cookie whose session the server no longer has: it expired while idle.
        if ended is None and settings.SESSION_COOKIE_NAME in request.COOKIES and request.session.is_empty():
            ended = "idle"
        if request.path == reverse("accounts:logout"):
            ended = "logout"  # pressing ログアウト in a tab whose session had already ended
        if request.path.startswith("/api/"):
            return error_response(401)  # the API's one error shape (renkei.core.api_errors)
        query = {"ended": ended} if ended else {}
        if ended != "logout":
            query["next"] = request.get_full_path()
        login_url = reverse(settings.LOGIN_URL) + (f"?{urlencode(query)}" if query else "")
        if request.htmx:
            response = error_response(401)
            response["HX-Redirect"] = reverse(settings.LOGIN_URL) + (f"?ended={ended}" if ended else "")
            return response
        return redirect(login_url)


def mark_session_start(request) -> None:
    """Called at login: the absolute lifetime counts from here."""
    request.session[SESSION_STARTED_KEY] = timezone.now().isoformat()


def session_end_reason(request) -> str | None:
    """"idle" or "lifetime" when the session must end now; records this request as the last activity."""
    now = timezone.now()
    session = request.session
    last_seen, started = session.get(SESSION_LAST_SEEN_KEY), session.get(SESSION_STARTED_KEY)
    # The session is written only when its last activity moves by SESSION_TOUCH_SECONDS: one write per
    # worker per minute instead of one per request (each write is a transaction, and on SQLite it takes
    # the database's one write lock). The idle limit is therefore kept to within that interval.
    if not last_seen or (now - datetime.fromisoformat(last_seen)).total_seconds() >= settings.SESSION_TOUCH_SECONDS:
        session[SESSION_LAST_SEEN_KEY] = now.isoformat()
    if not started:  # a session from before the lifetime was recorded: it counts from now
        session[SESSION_STARTED_KEY] = started = now.isoformat()
    if (now - datetime.fromisoformat(started)).total_seconds() > settings.SESSION_ABSOLUTE_HOURS * 3600:
        return "lifetime"
    if last_seen and (now - datetime.fromisoformat(last_seen)).total_seconds() > settings.SESSION_IDLE_MINUTES * 60:
        return "idle"
    return None


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
