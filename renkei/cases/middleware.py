"""Grants evaluated once per read-only request (`access.grants_per_request`) for every page and API answer,
not only the views that ask for it: a GET or HEAD changes no grant while it is answered, so each member's
grants and the grant epoch's token are read once for the whole response (the dashboard's panels, a page's
audit entry and its lists all share them)."""

from . import access

SAFE_METHODS = ("GET", "HEAD")


class GrantsPerRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE_METHODS:
            return self.get_response(request)
        with access.grants_per_request():
            return self.get_response(request)
