"""Dashboard panels: consents ending soon (for who manages consents) and break-glass accesses
(for supervisors, who are notified of each)."""

from . import access, reference
from .models import Notification


def panels(request) -> list[dict]:
    m = request.membership
    result = []
    if access.can_manage(m):
        consents = list(access.expiring_consents(m.organisation)[:20])
        result.append({"title": "期限が近い同意", "template": "consent/panels/expiring.html", "order": 25,
                       "days": reference.expiry_warning_days(), "consents": consents,
                       "persons": [c.person for c in consents]})
    if m is not None and m.has_perm("audit.view"):
        notes = (Notification.objects.filter(recipient=request.user, organisation=m.organisation, kind="breakglass")
                 .select_related("breakglass").order_by("read_at", "-created_at")[:20])
        notes = list(notes)
        result.append({"title": "緊急アクセス", "template": "consent/panels/breakglass.html", "order": 5,
                       "notifications": notes, "persons": [n.breakglass.person_id for n in notes if n.breakglass]})
    return result
