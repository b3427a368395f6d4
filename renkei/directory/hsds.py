"""Directory rows → HSDS 3.1 JSON (compiled objects and list items).

Values HSDS has no column for travel as `attributes` whose taxonomy term is in the `renkei-flag`
taxonomy (accepting referrals, closed on holidays, last verified, maintained by), and the link to the
product's own organisation as an `organization_identifier`. Their ids are uuid5(owner id, name) so
an export is stable and a re-import finds the same rows.
"""

import uuid

from django.utils import timezone

from . import reference
from .models import Organization, Service, TaxonomyTerm

HSDS_VERSION = "3.1"
PROFILE_URL = "https://openreferral.org/"
IDENTIFIER_SCHEME, IDENTIFIER_TYPE = "renkei", "organisation_code"
AREA_URN = "urn:renkei:organisation:"
LAST_VERIFIED, MAINTAINED_BY = "last-verified", "maintained-by"


def derived_id(owner_id, name: str) -> str:
    return str(uuid.uuid5(uuid.UUID(str(owner_id)), name))


def clean(data: dict) -> dict:
    """Drop empty values: HSDS types are plain strings/numbers, so null and "" (for uri/email) fail."""
    return {k: v for k, v in data.items() if v is not None and v != ""}


def _time(value):
    return value.strftime("%H:%M") if value else None


def _date(value):
    return value.isoformat() if value else None


def _datetime(value):
    return timezone.localtime(value).isoformat() if value else None


def taxonomy_out(taxonomy) -> dict:
    return clean({"id": str(taxonomy.id), "name": taxonomy.name, "description": taxonomy.description or taxonomy.name,
                  "uri": taxonomy.uri, "version": taxonomy.version})


def term_out(term: TaxonomyTerm, detail: bool = True) -> dict:
    data = clean({"id": str(term.id), "code": term.code, "name": term.name,
                  "description": term.description or term.name,
                  "parent_id": str(term.parent_id) if term.parent_id else None, "taxonomy": term.taxonomy.name,
                  "taxonomy_id": str(term.taxonomy_id), "language": term.language, "term_uri": term.term_uri})
    if detail:
        data["taxonomy_detail"] = taxonomy_out(term.taxonomy)
    return data


def _flag_attribute(owner_id, entity: str, flag: str, value: str) -> dict:
    term = TaxonomyTerm.objects.select_related("taxonomy").get(pk=reference.term_id(reference.FLAG, flag))
    return {"id": derived_id(owner_id, flag), "link_id": str(owner_id), "link_type": flag, "link_entity": entity,
            "taxonomy_term_id": str(term.id), "taxonomy_term": term_out(term), "value": value}


def phone_out(phone) -> dict:
    return clean({"id": str(phone.id), "service_id": str(phone.service_id) if phone.service_id else None,
                  "organization_id": str(phone.organization_id) if phone.organization_id else None,
                  "contact_id": str(phone.contact_id) if phone.contact_id else None,
                  "location_id": str(phone.location_id) if phone.location_id else None,
                  "number": phone.number, "extension": phone.extension, "type": phone.type,
                  "description": phone.description})


def contact_out(contact) -> dict:
    data = clean({"id": str(contact.id),
                  "organization_id": str(contact.organization_id) if contact.organization_id else None,
                  "service_id": str(contact.service_id) if contact.service_id else None,
                  "name": contact.name, "title": contact.title, "department": contact.department,
                  "email": contact.email})
    data["phones"] = [phone_out(p) for p in contact.phones.all()]
    return data


def language_out(language) -> dict:
    return clean({"id": str(language.id), "service_id": str(language.service_id) if language.service_id else None,
                  "location_id": str(language.location_id) if language.location_id else None,
                  "name": language.name, "code": language.code, "note": language.note})


def schedule_out(schedule) -> dict:
    data = clean({
        "id": str(schedule.id), "service_id": str(schedule.service_id) if schedule.service_id else None,
        "location_id": str(schedule.location_id) if schedule.location_id else None,
        "valid_from": _date(schedule.valid_from), "valid_to": _date(schedule.valid_to), "timezone": 9,
        "freq": schedule.freq, "byday": schedule.byday, "opens_at": _time(schedule.opens_at),
        "closes_at": _time(schedule.closes_at), "description": schedule.description, "notes": schedule.notes})
    data["attributes"] = ([_flag_attribute(schedule.id, "schedule", reference.CLOSED_ON_HOLIDAYS, "true")]
                          if schedule.closed_on_holidays else [])
    return data


def location_out(location) -> dict:
    data = clean({"id": str(location.id), "location_type": location.location_type,
                  "organization_id": str(location.organization_id) if location.organization_id else None,
                  "name": location.name, "description": location.description,
                  "transportation": location.transportation, "latitude": location.latitude,
                  "longitude": location.longitude})
    data["addresses"] = [clean({
        "id": str(a.id), "location_id": str(location.id), "attention": a.attention, "address_1": a.address_1,
        "address_2": a.address_2, "city": a.city, "region": a.region, "state_province": a.state_province,
        "postal_code": a.postal_code, "country": a.country, "address_type": a.address_type,
    }) for a in location.addresses.all()]
    data["accessibility"] = [clean({"id": str(a.id), "location_id": str(location.id), "description": a.description,
                                    "details": a.details, "url": a.url}) for a in location.accessibility.all()]
    data["phones"] = [phone_out(p) for p in location.phones.all()]
    data["languages"] = [language_out(language) for language in location.languages.all()]
    data["schedules"] = [schedule_out(s) for s in location.schedules.all()]
    return data


def organization_list_item(org: Organization) -> dict:
    return clean({"id": str(org.id), "name": org.name, "alternate_name": org.alternate_name,
                  "description": org.description or org.name, "email": org.email, "website": org.website,
                  "legal_status": org.legal_status})


def organization_out(org: Organization, services: str | None = None) -> dict:
    """Compiled organization; `services` None (as nested in a service), "list" or "full"."""
    data = organization_list_item(org)
    data["contacts"] = [contact_out(c) for c in org.contacts.all()]
    data["phones"] = [phone_out(p) for p in org.phones.filter(contact__isnull=True, location__isnull=True)]
    data["locations"] = [location_out(loc) for loc in org.locations.all()]
    data["organization_identifiers"] = [
        {"id": derived_id(org.id, IDENTIFIER_TYPE), "organization_id": str(org.id),
         "identifier_scheme": IDENTIFIER_SCHEME, "identifier_type": IDENTIFIER_TYPE,
         "identifier": org.organisation.code}] if org.organisation_id else []
    attributes = []
    if org.agency_type_id:
        attributes.append({"id": derived_id(org.id, reference.AGENCY_TYPE), "link_id": str(org.id),
                           "link_type": reference.AGENCY_TYPE, "link_entity": "organization",
                           "taxonomy_term_id": str(org.agency_type_id), "taxonomy_term": term_out(org.agency_type)})
    if org.last_verified:
        attributes.append(_flag_attribute(org.id, "organization", LAST_VERIFIED, org.last_verified.isoformat()))
    if org.maintained_by_id:
        attributes.append(_flag_attribute(org.id, "organization", MAINTAINED_BY, org.maintained_by.code))
    data["attributes"] = attributes
    if services == "list":
        data["services"] = [service_list_item(s) for s in org.services.all()]
    elif services == "full":
        data["services"] = [service_out(s, nested_organization=False) for s in org.services.all()]
    return data


def service_list_item(service: Service) -> dict:
    return clean({
        "id": str(service.id), "organization_id": str(service.organization_id), "name": service.name,
        "alternate_name": service.alternate_name, "description": service.description, "url": service.url,
        "email": service.email, "status": service.status, "interpretation_services": service.interpretation_services,
        "application_process": service.application_process, "fees_description": service.fees_description,
        "wait_time": service.wait_time, "eligibility_description": service.eligibility_description,
        "minimum_age": service.minimum_age, "maximum_age": service.maximum_age,
        "assured_date": _date(service.last_verified), "alert": service.alert,
        "last_modified": _datetime(service.last_modified)})


def service_out(service: Service, nested_organization: bool = True) -> dict:
    data = service_list_item(service)
    data["phones"] = [phone_out(p) for p in service.phones.filter(contact__isnull=True)]
    data["schedules"] = [schedule_out(s) for s in service.schedules.all()]
    data["service_areas"] = [clean({
        "id": str(a.id), "service_id": str(service.id), "name": a.name, "description": a.description,
        "uri": AREA_URN + a.area.code if a.area_id else None}) for a in service.service_areas.all()]
    data["service_at_locations"] = [sal_out(sal, nested_service=False) for sal in service.service_at_locations.all()]
    data["languages"] = [language_out(language) for language in service.languages.all()]
    if nested_organization:
        data["organization"] = organization_out(service.organization)
    data["cost_options"] = [clean({
        "id": str(c.id), "service_id": str(service.id), "valid_from": _date(c.valid_from),
        "valid_to": _date(c.valid_to), "option": c.option, "currency": c.currency,
        "amount": int(c.amount) if c.amount is not None else None, "amount_description": c.amount_description,
    }) for c in service.cost_options.all()]
    data["required_documents"] = [clean({"id": str(d.id), "service_id": str(service.id), "document": d.document,
                                         "uri": d.uri}) for d in service.required_documents.all()]
    data["contacts"] = [contact_out(c) for c in service.contacts.all()]
    data["capacities"] = [clean({
        "id": str(c.id), "service_id": str(service.id),
        "unit": clean({"id": str(c.unit.id), "name": c.unit.name, "scheme": c.unit.scheme,
                       "identifier": c.unit.identifier}),
        "unit_id": str(c.unit_id), "available": c.available, "maximum": c.maximum, "description": c.description,
        "updated": _datetime(c.updated)}) for c in service.capacities.all()]
    attributes = [{"id": str(st.id), "link_id": str(service.id), "link_type": reference.SERVICE_KIND,
                   "link_entity": "service", "taxonomy_term_id": str(st.taxonomy_term_id),
                   "taxonomy_term": term_out(st.taxonomy_term), **({"value": st.value} if st.value else {})}
                  for st in service.service_terms.select_related("taxonomy_term__taxonomy")]
    attributes.append(_flag_attribute(service.id, "service", reference.ACCEPTING_REFERRALS,
                                      "true" if service.accepting_referrals else "false"))
    data["attributes"] = attributes
    return data


def sal_list_item(sal) -> dict:
    return clean({"id": str(sal.id), "service_id": str(sal.service_id), "location_id": str(sal.location_id),
                  "description": sal.description})


def sal_out(sal, nested_service: bool = True) -> dict:
    data = sal_list_item(sal)
    data["location"] = location_out(sal.location)
    if nested_service:
        data["service"] = service_list_item(sal.service)
    return data


def export_services() -> list[dict]:
    """The whole directory as a list of compiled services (ordered by id, so exports compare equal)."""
    return [service_out(s) for s in Service.objects.select_related("organization").order_by("id")]
