"""Dashboard panels: consents ending soon (for who manages consents) and break-glass accesses
(for supervisors, who are notified of each)."""

from renkei.notices.access import notices_for

from . import access, reference
from .actions import BREAKGLASS_NOTICE, breakglass_id_of
from .models import BreakGlassAccess


def panels(request) -> list[dict]:
    m = request.membership
    result = []
    if access.can_manage(m):
        consents = list(access.expiring_consents(m.organisation)[:20])
        result.append({"title": "期限が近い同意", "template": "consent/panels/expiring.html", "order": 25,
                       "days": reference.expiry_warning_days(), "consents": consents,
                       "persons": [c.person for c in consents]})
    if m is not None and m.has_perm("audit.view"):
        notes = list(notices_for(m, kinds=[BREAKGLASS_NOTICE]).order_by("read_at", "-created_at")[:20])
        accesses = BreakGlassAccess.objects.only("pk", "reason", "person_id").in_bulk(
            [pk for pk in map(breakglass_id_of, notes) if pk is not None])
        for n in notes:
            n.breakglass = accesses.get(breakglass_id_of(n))
        result.append({"title": "緊急アクセス", "template": "consent/panels/breakglass.html", "order": 5,
                       "notifications": notes, "persons": [n.person_id for n in notes if n.person_id]})
    return result
