"""The consent badge of the person page (renkei.cases.panels, registered in ConsentConfig.ready): consents
in force and ending soon (own organisation), or what is shared and why (partners). Which field groups and
contact details the page shows is not a panel but the access decision (`renkei.cases.access
.visible_field_groups`, `sees_contact_details`, registered by this app)."""

from . import access, reference


def person_badge(request, person):
    m = getattr(request, "membership", None)
    if m is None or person is None:
        return None
    own = access._is_own(m, person)
    badge = {"visible": True, "own": own, "person_id": person.pk}
    if own:
        in_force = access.in_force(access.consents_visible_to(m).filter(person=person, owner=m.organisation))
        badge["active"] = in_force.count()
        badge["expiring"] = access.expiring_consents(m.organisation).filter(person=person).count()
    else:
        scopes = access.scopes_shared_with(m, person)
        badge["scopes"] = [s for s in reference.scope_codes() if s in scopes]
        badge["breakglass"] = access.active_breakglass(m, person).first()
    return ("consent/_person_badge.html", {"badge": badge})
