"""HSDS JSON → directory rows. Validate everything first; write all or nothing; re-import updates by UUID.

Accepted input: one compiled service or organization, a list page (`{"contents": [...]}`), or a JSON
array of them. Errors come back one per line in Japanese, naming the record id and the field.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from renkei.accounts.models import Organisation

from . import hsds, reference, schemas
from .models import (
    Accessibility,
    Address,
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    ServiceTerm,
    Taxonomy,
    TaxonomyTerm,
    Unit,
)

DAY = re.compile(r"^[+-]?\d{0,2}(MO|TU|WE|TH|FR|SA|SU)$")
SCHEMA_MESSAGES = {
    "required": "必須項目がありません",
    "type": "型が正しくありません",
    "format": "形式が正しくありません",
    "enum": "使えない値です",
}
FORMAT_NAMES = {"uuid": "UUID", "email": "メールアドレス", "date-time": "日時", "uri": "URL"}


class DirectoryImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    organizations: int = 0
    services: int = 0
    changes: int = 0
    ids: list = field(default_factory=list)


def split_records(payload) -> list[dict]:
    """Flatten the accepted shapes into a list of records (services and organizations)."""
    if isinstance(payload, dict) and isinstance(payload.get("contents"), list):
        return payload["contents"]
    if isinstance(payload, dict):
        return [payload]
    if isinstance(payload, list):
        out = []
        for item in payload:
            out += split_records(item) if isinstance(item, dict) and "contents" in item else [item]
        return out
    raise DirectoryImportError(["ファイルの形式が正しくありません: HSDS のサービス・機関、その一覧ページ、またはその配列を指定してください。"])


def is_service(record: dict) -> bool:
    return "status" in record or "organization" in record or "organization_id" in record


def _path(parts) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "（記録全体）"


def _label(record, index) -> str:
    kind = "サービス" if isinstance(record, dict) and is_service(record) else "機関"
    rid = record.get("id") if isinstance(record, dict) else None
    name = record.get("name") if isinstance(record, dict) else None
    return f"{index + 1}件目 {kind} {rid or '（idなし）'}" + (f"「{name}」" if name else "")


def schema_errors(record, index) -> list[str]:
    if not isinstance(record, dict):
        return [f"{index + 1}件目: オブジェクトではありません"]
    name = "compiled/service.json" if is_service(record) else "compiled/organization.json"
    errors = []
    for error in sorted(schemas.validator(name).iter_errors(record), key=lambda e: list(e.absolute_path)):
        where = list(error.absolute_path)
        message = SCHEMA_MESSAGES.get(error.validator, "値が正しくありません")
        if error.validator == "required":
            missing = [k for k in error.validator_value if k not in error.instance]
            where += missing[:1]
        elif error.validator == "format":
            message += f"（{FORMAT_NAMES.get(error.validator_value, error.validator_value)}）"
        elif error.validator == "type":
            message += f"（{error.validator_value} が必要）"
        elif error.validator == "enum":
            message += f"（{'、'.join(map(str, error.validator_value))} のいずれか）"
        errors.append(f"{_label(record, index)}: {_path(where)}: {message}")
    return errors


class Writer:
    """Writes one record's rows, full_clean()ing each; collects errors instead of raising."""

    def __init__(self, label: str, maintainer=None):
        self.label, self.errors, self.changes, self.maintainer = label, [], 0, maintainer

    def error(self, where, message):
        self.errors.append(f"{self.label}: {where}: {message}")

    def upsert(self, model, pk, values: dict, where: str):
        obj = model.objects.filter(pk=pk).first()
        created = obj is None
        if created:
            obj = model(pk=pk)
        changed = list(values) if created else [k for k, v in values.items() if getattr(obj, k) != v]
        for k in changed:
            setattr(obj, k, values[k])
        try:
            obj.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.error(f"{where}.{name}" if name != "__all__" else where, message)
            return None
        if created or changed:
            obj.save()
            self.changes += 1
        return obj

    def prune(self, queryset, keep):
        stale = queryset.exclude(pk__in=[k for k in keep if k])
        count = stale.count()
        if count:
            stale.delete()
            self.changes += count

    # -- parsing helpers: report and return None on bad values
    def date(self, value, where):
        if value in (None, ""):
            return None
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self.error(where, "日付は YYYY-MM-DD の形式で入力してください")

    def time(self, value, where):
        if value in (None, ""):
            return None
        match = re.match(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?", str(value))
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            self.error(where, "時刻は HH:MM の形式で入力してください")
            return None
        return time(int(match[1]), int(match[2]))

    def datetime(self, value, where):
        try:
            parsed = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            self.error(where, "日時は ISO 8601 の形式で入力してください")
            return None
        return parsed if parsed.tzinfo else timezone.make_aware(parsed)

    def integer(self, value, where, minimum=0):
        if value is None:
            return None
        if not float(value).is_integer() or value < minimum:
            self.error(where, f"{minimum}以上の整数で入力してください")
            return None
        return int(value)


def _s(record, key):
    value = record.get(key)
    return "" if value is None else value


def _term(w: Writer, attribute: dict, where: str):
    """The taxonomy term of an attribute: known here, or created from the inline term."""
    term_id = attribute.get("taxonomy_term_id") or (attribute.get("taxonomy_term") or {}).get("id")
    if not term_id:
        w.error(where + ".taxonomy_term_id", "分類の用語が指定されていません")
        return None
    term = TaxonomyTerm.objects.filter(pk=term_id).select_related("taxonomy").first()
    if term:
        return term
    inline = attribute.get("taxonomy_term") or {}
    detail = inline.get("taxonomy_detail") or {}
    taxonomy_id = inline.get("taxonomy_id") or detail.get("id")
    taxonomy = Taxonomy.objects.filter(pk=taxonomy_id).first() if taxonomy_id else None
    if taxonomy is None and detail.get("id"):
        taxonomy = w.upsert(Taxonomy, detail["id"], {
            "code": f"ext-{str(detail['id'])[:8]}", "name": detail.get("name", ""),
            "description": detail.get("description", ""), "version": detail.get("version", "")}, where)
    if taxonomy is None or inline.get("id") != term_id:
        w.error(where + ".taxonomy_term_id", f"分類の用語 {term_id} が見つかりません（分類体系とともに指定してください）")
        return None
    return w.upsert(TaxonomyTerm, term_id, {
        "taxonomy": taxonomy, "code": inline.get("code") or str(term_id)[:8], "name": inline.get("name", ""),
        "description": inline.get("description", ""), "language": inline.get("language") or "ja"}, where)


def _flags(record) -> dict:
    out = {}
    for attribute in record.get("attributes") or []:
        term = str(attribute.get("taxonomy_term_id", ""))
        for flag in (reference.ACCEPTING_REFERRALS, reference.CLOSED_ON_HOLIDAYS, hsds.LAST_VERIFIED,
                     hsds.MAINTAINED_BY):
            if term == str(reference.term_id(reference.FLAG, flag)):
                out[flag] = attribute.get("value", "")
    return out


def _organisation_by_code(w: Writer, code, where):
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        w.error(where, f"Renkei の組織コード「{code}」が見つかりません")
    return org


def _phones(w, records, where, owner: dict):
    for i, p in enumerate(records or []):
        w.upsert(Phone, p["id"], {**owner, "number": _s(p, "number"), "type": _s(p, "type"),
                                  "extension": w.integer(p.get("extension"), f"{where}[{i}].extension"),
                                  "description": _s(p, "description")}, f"{where}[{i}]")
    return [p["id"] for p in records or []]


def _contacts(w, records, where, owner: dict):
    for i, c in enumerate(records or []):
        contact = w.upsert(Contact, c["id"], {**owner, "name": _s(c, "name"), "title": _s(c, "title"),
                                              "department": _s(c, "department"), "email": _s(c, "email")},
                           f"{where}[{i}]")
        if contact:
            keep = _phones(w, c.get("phones"), f"{where}[{i}].phones",
                           {"contact": contact, "service": None, "organization": None, "location": None})
            w.prune(contact.phones.all(), keep)
    return [c["id"] for c in records or []]


def _schedules(w, records, where, owner: dict):
    for i, s in enumerate(records or []):
        here = f"{where}[{i}]"
        days = [d.strip() for d in _s(s, "byday").split(",") if d.strip()]
        for day in days:
            if not DAY.match(day):
                w.error(here + ".byday", f"曜日「{day}」は MO,TU,WE,TH,FR,SA,SU で指定してください")
        closed = _flags(s).get(reference.CLOSED_ON_HOLIDAYS) == "true"
        w.upsert(Schedule, s["id"], {
            **owner, "valid_from": w.date(s.get("valid_from"), here + ".valid_from"),
            "valid_to": w.date(s.get("valid_to"), here + ".valid_to"), "freq": s.get("freq") or "WEEKLY",
            "byday": ",".join(days), "opens_at": w.time(s.get("opens_at"), here + ".opens_at"),
            "closes_at": w.time(s.get("closes_at"), here + ".closes_at"), "description": _s(s, "description"),
            "notes": _s(s, "notes"), "closed_on_holidays": closed}, here)
    return [s["id"] for s in records or []]


def _languages(w, records, where, owner):
    for i, lang in enumerate(records or []):
        w.upsert(Language, lang["id"], {**owner, "name": _s(lang, "name") or _s(lang, "code"),
                                        "code": _s(lang, "code"), "note": _s(lang, "note")}, f"{where}[{i}]")
    return [lang["id"] for lang in records or []]


def _location(w, record, where, organization):
    location = w.upsert(Location, record["id"], {
        "organization": organization, "location_type": record.get("location_type") or "physical",
        "name": _s(record, "name"), "description": _s(record, "description"),
        "transportation": _s(record, "transportation"), "latitude": record.get("latitude"),
        "longitude": record.get("longitude")}, where)
    if location is None:
        return None
    for i, a in enumerate(record.get("addresses") or []):
        w.upsert(Address, a["id"], {
            "location": location, "attention": _s(a, "attention"), "address_1": _s(a, "address_1"),
            "address_2": _s(a, "address_2"), "city": _s(a, "city"), "region": _s(a, "region"),
            "state_province": _s(a, "state_province"), "postal_code": _s(a, "postal_code"),
            "country": _s(a, "country"), "address_type": _s(a, "address_type")}, f"{where}.addresses[{i}]")
    w.prune(location.addresses.all(), [a["id"] for a in record.get("addresses") or []])
    for i, a in enumerate(record.get("accessibility") or []):
        w.upsert(Accessibility, a["id"], {"location": location, "description": _s(a, "description"),
                                          "details": _s(a, "details"), "url": _s(a, "url")},
                 f"{where}.accessibility[{i}]")
    w.prune(location.accessibility.all(), [a["id"] for a in record.get("accessibility") or []])
    owner = {"location": location, "service": None, "organization": None, "contact": None}
    w.prune(location.phones.all(), _phones(w, record.get("phones"), where + ".phones", owner))
    owner = {"location": location, "service": None}
    w.prune(location.languages.all(), _languages(w, record.get("languages"), where + ".languages", owner))
    w.prune(location.schedules.all(), _schedules(w, record.get("schedules"), where + ".schedules", owner))
    return location


def write_organization(w: Writer, record: dict):
    flags = _flags(record)
    agency_type, organisation, maintained_by = None, None, None
    for i, attribute in enumerate(record.get("attributes") or []):
        term = TaxonomyTerm.objects.filter(pk=attribute.get("taxonomy_term_id")).first()
        if term and term.taxonomy_id == reference.taxonomy_id(reference.AGENCY_TYPE):
            agency_type = term
        elif term is None and attribute.get("taxonomy_term"):
            _term(w, attribute, f"attributes[{i}]")
    for i, ident in enumerate(record.get("organization_identifiers") or []):
        if ident.get("identifier_scheme") == hsds.IDENTIFIER_SCHEME and \
                ident.get("identifier_type") == hsds.IDENTIFIER_TYPE:
            organisation = _organisation_by_code(w, ident.get("identifier"),
                                                 f"organization_identifiers[{i}].identifier")
    if flags.get(hsds.MAINTAINED_BY):
        maintained_by = _organisation_by_code(w, flags[hsds.MAINTAINED_BY], "attributes.maintained-by")
    elif w.maintainer is not None:
        maintained_by = w.maintainer
    org = w.upsert(Organization, record["id"], {
        "name": _s(record, "name"), "alternate_name": _s(record, "alternate_name"),
        "description": "" if record.get("description") == record.get("name") else _s(record, "description"),
        "email": _s(record, "email"), "website": _s(record, "website"),
        "legal_status": _s(record, "legal_status"), "agency_type": agency_type, "organisation": organisation,
        "maintained_by": maintained_by,
        "last_verified": w.date(flags.get(hsds.LAST_VERIFIED), "attributes.last-verified")}, "（機関）")
    if org is None:
        return None
    owner = {"organization": org, "service": None}
    w.prune(org.contacts.all(), _contacts(w, record.get("contacts"), "contacts", owner))
    owner = {"organization": org, "service": None, "contact": None, "location": None}
    w.prune(org.phones.filter(contact__isnull=True, location__isnull=True),
            _phones(w, record.get("phones"), "phones", owner))
    for i, loc in enumerate(record.get("locations") or []):
        _location(w, loc, f"locations[{i}]", org)
    if "locations" in record:
        w.prune(org.locations.all(), [loc["id"] for loc in record["locations"]])
    return org


def write_service(w: Writer, record: dict, known_orgs: set):
    org_id = (record.get("organization") or {}).get("id") or record.get("organization_id")
    if record.get("organization"):
        write_organization(w, record["organization"])
    elif str(org_id) not in known_orgs and not Organization.objects.filter(pk=org_id).exists():
        w.error("organization_id", "提供する機関が見つかりません（organization または既存の organization_id が必要です）")
        return None
    flags = _flags(record)
    minimum = w.integer(record.get("minimum_age"), "minimum_age")
    maximum = w.integer(record.get("maximum_age"), "maximum_age")
    if minimum is not None and maximum is not None and minimum > maximum:
        w.error("maximum_age", "対象年齢の上限が下限より小さくなっています")
    if w.errors:
        return None
    service = w.upsert(Service, record["id"], {
        "organization_id": uuid.UUID(str(org_id)), "name": _s(record, "name"),
        "alternate_name": _s(record, "alternate_name"), "description": _s(record, "description"),
        "url": _s(record, "url"), "email": _s(record, "email"), "status": record["status"],
        "interpretation_services": _s(record, "interpretation_services"),
        "application_process": _s(record, "application_process"),
        "fees_description": _s(record, "fees_description"), "wait_time": _s(record, "wait_time"),
        "eligibility_description": _s(record, "eligibility_description"), "minimum_age": minimum,
        "maximum_age": maximum, "alert": _s(record, "alert"),
        "last_verified": w.date(record.get("assured_date"), "assured_date"),
        "accepting_referrals": flags.get(reference.ACCEPTING_REFERRALS, "true") != "false",
        "last_modified": w.datetime(record["last_modified"], "last_modified") if record.get("last_modified")
        else timezone.now()}, "（サービス）")
    if service is None:
        return None
    _service_children(w, record, service)
    return service


def _service_children(w: Writer, record: dict, service: Service):
    owner = {"service": service, "organization": None, "contact": None, "location": None}
    w.prune(service.phones.filter(contact__isnull=True), _phones(w, record.get("phones"), "phones", owner))
    owner = {"service": service, "location": None}
    w.prune(service.schedules.all(), _schedules(w, record.get("schedules"), "schedules", owner))
    w.prune(service.languages.all(), _languages(w, record.get("languages"), "languages", owner))
    for i, area in enumerate(record.get("service_areas") or []):
        uri, linked = area.get("uri") or "", None
        if uri.startswith(hsds.AREA_URN):
            linked = _organisation_by_code(w, uri[len(hsds.AREA_URN):], f"service_areas[{i}].uri")
        w.upsert(ServiceArea, area["id"], {"service": service, "name": _s(area, "name") or (linked and linked.name),
                                           "description": _s(area, "description"), "area": linked},
                 f"service_areas[{i}]")
    w.prune(service.service_areas.all(), [a["id"] for a in record.get("service_areas") or []])
    for i, sal in enumerate(record.get("service_at_locations") or []):
        location = _location(w, sal["location"], f"service_at_locations[{i}].location", service.organization) \
            if sal.get("location") else Location.objects.filter(pk=sal.get("location_id")).first()
        if location is None:
            w.error(f"service_at_locations[{i}].location_id", "場所が見つかりません")
            continue
        w.upsert(ServiceAtLocation, sal["id"], {"service": service, "location": location,
                                                "description": _s(sal, "description")},
                 f"service_at_locations[{i}]")
    w.prune(service.service_at_locations.all(), [s["id"] for s in record.get("service_at_locations") or []])
    for i, c in enumerate(record.get("cost_options") or []):
        here = f"cost_options[{i}]"
        w.upsert(CostOption, c["id"], {
            "service": service, "valid_from": w.date(c.get("valid_from"), here + ".valid_from"),
            "valid_to": w.date(c.get("valid_to"), here + ".valid_to"), "option": _s(c, "option"),
            "currency": c.get("currency") or "JPY",
            "amount": Decimal(str(c["amount"])) if c.get("amount") is not None else None,
            "amount_description": _s(c, "amount_description")}, here)
    w.prune(service.cost_options.all(), [c["id"] for c in record.get("cost_options") or []])
    for i, d in enumerate(record.get("required_documents") or []):
        w.upsert(RequiredDocument, d["id"], {"service": service, "document": _s(d, "document"), "uri": _s(d, "uri")},
                 f"required_documents[{i}]")
    w.prune(service.required_documents.all(), [d["id"] for d in record.get("required_documents") or []])
    owner = {"service": service, "organization": None}
    w.prune(service.contacts.all(), _contacts(w, record.get("contacts"), "contacts", owner))
    for i, c in enumerate(record.get("capacities") or []):
        here = f"capacities[{i}]"
        unit = w.upsert(Unit, c["unit"]["id"], {"name": _s(c["unit"], "name"), "scheme": _s(c["unit"], "scheme"),
                                                 "identifier": _s(c["unit"], "identifier")}, here + ".unit")
        w.upsert(ServiceCapacity, c["id"], {
            "service": service, "unit": unit, "available": w.integer(c["available"], here + ".available"),
            "maximum": w.integer(c.get("maximum"), here + ".maximum"), "description": _s(c, "description"),
            "updated": w.datetime(c["updated"], here + ".updated")}, here)
    w.prune(service.capacities.all(), [c["id"] for c in record.get("capacities") or []])
    keep = []
    flag_taxonomy = reference.taxonomy_id(reference.FLAG)
    for i, attribute in enumerate(record.get("attributes") or []):
        term = _term(w, attribute, f"attributes[{i}]")
        if term is None or term.taxonomy_id == flag_taxonomy:
            continue
        keep.append(attribute["id"])
        w.upsert(ServiceTerm, attribute["id"], {"service": service, "taxonomy_term": term,
                                                 "value": _s(attribute, "value")}, f"attributes[{i}]")
    w.prune(service.service_terms.all(), keep)


def _check_maintainer(w: Writer, record: dict, maintainer) -> None:
    """An upload by a supervisor may only touch entries their organisation maintains (or new ones)."""
    org = record.get("organization") or record
    org_id = org.get("id") if (record.get("organization") or not is_service(record)) else record.get("organization_id")
    existing = Organization.objects.filter(pk=org_id).first() if org_id else None
    if existing is not None and existing.maintained_by_id != maintainer.pk:
        w.error("organization", f"機関「{existing.name}」は{maintainer.name}が管理する情報ではないため変更できません")
    code = _flags(org).get(hsds.MAINTAINED_BY) if org is not None else None
    if code and code != maintainer.code:
        w.error("attributes.maintained-by", f"管理する組織は{maintainer.name}（{maintainer.code}）にしてください")


def import_payload(payload, *, request=None, actor=None, log: bool = True, maintainer=None) -> ImportResult:
    """Validate against the HSDS schemas, then write inside one transaction; any error → nothing written."""
    records = split_records(payload)
    errors = []
    for index, record in enumerate(records):
        errors += schema_errors(record, index)
    if errors:
        raise DirectoryImportError(errors)
    result = ImportResult()
    with transaction.atomic():
        org_ids = {str(r["id"]) for r in records if not is_service(r)}
        org_ids |= {str(r["organization"]["id"]) for r in records if is_service(r) and r.get("organization")}
        ordered = sorted(enumerate(records), key=lambda pair: is_service(pair[1]))
        for index, record in ordered:
            w = Writer(_label(record, index), maintainer)
            if maintainer is not None:
                _check_maintainer(w, record, maintainer)
                if w.errors:
                    errors += w.errors
                    continue
            if is_service(record):
                written = write_service(w, record, org_ids)
                result.services += written is not None
            else:
                written = write_organization(w, record)
                for service in record.get("services") or []:
                    if "status" in service and written is not None:
                        write_service(w, {**service, "organization_id": record["id"]}, org_ids)
                        result.services += 1
                result.organizations += written is not None
            errors += w.errors
            result.changes += w.changes
        if errors:
            transaction.set_rollback(True)
            raise DirectoryImportError(errors)
        if log and result.changes:
            from renkei.audit.actions import log_event

            log_event("directory.imported", request=request, actor=actor,
                      data={"records": len(records), "services": result.services,
                            "organizations": result.organizations, "changes": result.changes})
    return result
