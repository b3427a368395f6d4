from django.conf import settings

from .navigation import nav_items


def shell(request):
    membership = getattr(request, "membership", None)
    return {
        "nav_items": nav_items(request),
        "active_membership": membership,
        "can_search_persons": membership is not None and membership.has_perm("person.view"),
        # What the acting role may do, for links: {% if "person.edit" in membership_perms %}.
        "membership_perms": membership.permissions if membership and membership.is_active else (),
        "session_idle_minutes": settings.SESSION_IDLE_MINUTES,
    }
