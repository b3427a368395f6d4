from django.conf import settings

from .navigation import nav_items


def shell(request):
    return {
        "nav_items": nav_items(request),
        "active_membership": getattr(request, "membership", None),
        "session_idle_minutes": settings.SESSION_IDLE_MINUTES,
    }
