from django.conf import settings


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
