"""Dashboard panels: consents ending soon (for who manages consents) and break-glass accesses
(for supervisors, who are notified of each)."""

from . import access, reference
from .models import Notification


def panels(request) -> list[dict]:
    m = request.membership
    result = []
    if access.can_manage(m):
        result.append({"title": "期限が近い同意", "template": "consent/panels/expiring.html", "order": 25,
                       "days": reference.expiry_warning_days(),
                       "consents": list(access.expiring_consents(m.organisation)[:20])})
    if m is not None and m.has_perm("audit.view"):
        notes = (Notification.objects.filter(recipient=request.user, organisation=m.organisation, kind="breakglass")
                 .select_related("breakglass").order_by("read_at", "-created_at")[:20])
        result.append({"title": "緊急アクセス", "template": "consent/panels/breakglass.html", "order": 5,
                       "notifications": list(notes)})
    return result
