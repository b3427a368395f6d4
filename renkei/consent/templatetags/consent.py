"""Template helpers for pages of other apps (the person page): what is shared, and on what basis."""

from django import template

from renkei.cases.access import RECORDS

from .. import access, reference

register = template.Library()


@register.simple_tag(takes_context=True)
def shared_scopes(context, person) -> set[str]:
    """`{% shared_scopes person as scopes %}` — the field groups of `person` the acting member may see."""
    request = context.get("request")
    return access.scopes_shared_with(getattr(request, "membership", None), person)


@register.simple_tag(takes_context=True)
def sees_contact(context, person) -> bool:
    """`{% sees_contact person as contact %}` — whether the acting member sees the address and contact notes."""
    request = context.get("request")
    return access.sees_contact_details(getattr(request, "membership", None), person)


@register.filter
def sees_records(scopes) -> bool:
    return RECORDS in scopes


@register.inclusion_tag("consent/_person_badge.html", takes_context=True)
def consent_badge(context, person):
    """Consents in force and ending soon (own organisation), or what is shared and why (partners)."""
    request = context.get("request")
    m = getattr(request, "membership", None)
    if m is None or person is None:
        return {"badge": {"visible": False}}
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
    return {"badge": badge}
