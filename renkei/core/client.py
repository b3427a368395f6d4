"""The client's address: the one rule for login throttling and the audit log.

Without BEHIND_PROXY, REMOTE_ADDR. Behind the site's reverse proxies (BEHIND_PROXY=1), the address the
nearest trusted proxy saw: X-Forwarded-For read from the right, skipping TRUSTED_PROXY_COUNT - 1 entries
that the site's own proxies appended. Entries further left were written by the client and are never used.
A missing or malformed header falls back to REMOTE_ADDR (the proxy itself), never to a client-chosen value.
"""

import ipaddress

from django.conf import settings


def _valid(value: str) -> str | None:
    value = (value or "").strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request) -> str | None:
    if request is None:
        return None
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    if not settings.BEHIND_PROXY:
        return remote
    hops = [h for h in (request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",") if h.strip()]
    count = settings.TRUSTED_PROXY_COUNT
    if len(hops) < count:
        return remote
    return _valid(hops[-count]) or remote
