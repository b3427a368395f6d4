from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from renkei.core.validators import CONTROL_MESSAGE, has_control_characters

BIGINT_MAX = 2**63 - 1


class SecurityHeadersMiddleware:
    """Content-Security-Policy without inline script, and a restrictive Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            # Person-level data must not linger in shared caches or the browser's back-forward cache.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class IdRangeMiddleware:
    """A number in a URL (`<int:…>`) beyond a PostgreSQL bigint names no record: 404 before the view runs,
    so no query overflows (SQLite's OverflowError, PostgreSQL's "bigint out of range")."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if any(isinstance(value, int) and not -BIGINT_MAX <= value <= BIGINT_MAX
               for value in (*view_args, *view_kwargs.values())):
            raise Http404
        return None


class QueryControlCharacterMiddleware:
    """A page's query string with NUL or another control character (never typed by a person; PostgreSQL
    refuses NUL in text and JSON) is refused with the one Japanese message, before any view or audit entry
    sees it. The API's parameters are refused by their types (`renkei.core.api_types`) with a 422."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/") and any(
                has_control_characters(key) or any(has_control_characters(v) for v in values)
                for key, values in request.GET.lists()):
            return render(request, "400.html", {"message": CONTROL_MESSAGE, "query": True}, status=400)
        return self.get_response(request)
