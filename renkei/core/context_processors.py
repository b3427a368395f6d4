from django.conf import settings

from .navigation import nav_items


def shell(request):
    membership = getattr(request, "membership", None)
    return {
        "nav_items": nav_items(request),
        "active_membership": membership,
        "can_search_persons": membership is not None and membership.has_perm("person.view"),
        "session_idle_minutes": settings.SESSION_IDLE_MINUTES,
    }
