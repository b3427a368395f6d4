"""The みどり県 directory (data/demo_directory.json), loaded through the HSDS importer. Idempotent."""

import json
import re
import uuid
from pathlib import Path

from . import hsds, reference
from .importer import import_payload

DATA = Path(__file__).parent / "data" / "demo_directory.json"
NAMESPACE = uuid.UUID("0b7f5c1e-5d2a-5a44-9a1e-3c6d2f1e8a77")
HOURS = {
    "office": [["MO,TU,WE,TH,FR", "08:30", "17:15", True]],
    "hospital": [["MO,TU,WE,TH,FR", "09:00", "17:00", True], ["SA", "09:00", "12:00", True]],
    "clinic": [["MO,TU,WE,FR,SA", "09:00", "12:30", True], ["MO,TU,WE,FR", "14:30", "18:30", True]],
}
LANGUAGES = {"ja": "日本語", "en": "英語", "zh": "中国語", "pt": "ポルトガル語"}
ADDRESS = re.compile(r"^(みどり県)((?:\S+?郡)?\S+?[市町村])(.*)$")


def uid(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


def _flag(owner, entity, flag, value):
    return {"id": hsds.derived_id(owner, flag), "link_id": owner, "link_entity": entity, "link_type": flag,
            "taxonomy_term_id": str(reference.term_id(reference.FLAG, flag)), "value": value}


def _location(entry, org, index):
    loc_id = uid("loc", entry["code"])
    match = ADDRESS.match(org.address or "")
    state, city, rest = match.groups() if match else ("みどり県", "", org.address)
    return {
        "id": loc_id, "location_type": "physical", "organization_id": uid("org", entry["code"]), "name": org.name,
        "addresses": [{"id": uid("addr", entry["code"]), "location_id": loc_id, "address_1": rest.strip(),
                       "city": city, "state_province": state, "postal_code": f"999-{1000 + index:04d}",
                       "country": "JP", "address_type": "physical"}],
        "accessibility": [{"id": uid("acc", entry["code"]), "location_id": loc_id,
                           "description": entry.get("access", "")}] if entry.get("access") else [],
    }


def _organization(entry, org, index):
    org_id = uid("org", entry["code"])
    return {
        "id": org_id, "name": org.name, "alternate_name": org.kana, "description": entry["description"],
        "contacts": [{"id": uid("contact", entry["code"]), "organization_id": org_id, "department": "代表",
                      "phones": [{"id": uid("contact-phone", entry["code"]), "number": org.phone, "type": "voice"}]}],
        "locations": [_location(entry, org, index)],
        "organization_identifiers": [{"id": hsds.derived_id(org_id, hsds.IDENTIFIER_TYPE), "organization_id": org_id,
                                      "identifier_scheme": hsds.IDENTIFIER_SCHEME,
                                      "identifier_type": hsds.IDENTIFIER_TYPE, "identifier": entry["code"]}],
        "attributes": [
            {"id": hsds.derived_id(org_id, reference.AGENCY_TYPE), "link_id": org_id, "link_entity": "organization",
             "link_type": reference.AGENCY_TYPE,
             "taxonomy_term_id": str(reference.term_id(reference.AGENCY_TYPE, org.type.code))},
            _flag(org_id, "organization", hsds.LAST_VERIFIED, entry["verified"]),
            _flag(org_id, "organization", hsds.MAINTAINED_BY, entry.get("maintainer", "chuo-hc")),
        ],
    }


def _service(entry, svc, org, updated):
    code = f"{entry['code']}:{svc['key']}"
    sid = uid("svc", code)
    schedules = []
    for i, (days, opens, closes, holidays) in enumerate(HOURS[svc["hours"]]
                                                         if isinstance(svc["hours"], str) else svc["hours"]):
        sched_id = uid("sched", code, str(i))
        schedules.append({"id": sched_id, "service_id": sid, "freq": "WEEKLY", "byday": days, "opens_at": opens,
                          "closes_at": closes, "timezone": 9,
                          "attributes": [_flag(sched_id, "schedule", reference.CLOSED_ON_HOLIDAYS, "true")]
                          if holidays else []})
    record = {
        "id": sid, "organization_id": uid("org", entry["code"]), "name": svc["name"],
        "description": svc.get("description", ""), "status": "active",
        "eligibility_description": svc.get("eligibility", ""), "assured_date": svc.get("verified", entry["verified"]),
        "last_modified": updated, "alert": svc.get("alert", ""), "wait_time": svc.get("wait", ""),
        "phones": [{"id": uid("phone", code), "service_id": sid, "number": svc.get("phone", org.phone),
                    "type": "voice"}],
        "schedules": schedules,
        "service_areas": [{"id": uid("area", code, area), "service_id": sid,
                           "name": "みどり県全域" if area == "midori-pref" else "",
                           "uri": hsds.AREA_URN + area} for area in svc["areas"]],
        "service_at_locations": [{"id": uid("sal", code), "service_id": sid, "location_id": uid("loc", entry["code"])}],
        "languages": [{"id": uid("lang", code, lang), "service_id": sid, "name": LANGUAGES[lang], "code": lang}
                      for lang in svc.get("languages", entry.get("languages", ["ja"]))],
        "required_documents": [{"id": uid("doc", code, str(i)), "service_id": sid, "document": doc}
                               for i, doc in enumerate(svc.get("documents", []))],
        "cost_options": [{"id": uid("cost", code, str(i)), "service_id": sid, "option": option, "currency": "JPY",
                          "amount": amount, "amount_description": text}
                         for i, (option, amount, text) in enumerate(svc.get("costs", []))],
        "capacities": [],
        "attributes": [{"id": uid("kind", code, kind), "link_id": sid, "link_entity": "service",
                        "link_type": reference.SERVICE_KIND,
                        "taxonomy_term_id": str(reference.term_id(reference.SERVICE_KIND, kind))}
                       for kind in svc["kinds"]]
        + [_flag(sid, "service", reference.ACCEPTING_REFERRALS, "false" if svc.get("accepting") is False else "true")],
    }
    for key in ("min_age", "max_age"):
        if key in svc:
            record[{"min_age": "minimum_age", "max_age": "maximum_age"}[key]] = svc[key]
    if "capacity" in svc:
        available, maximum, unit = svc["capacity"]
        record["capacities"] = [{"id": uid("cap", code), "service_id": sid, "available": available,
                                 "maximum": maximum, "updated": updated, "unit_id": uid("unit", unit),
                                 "unit": {"id": uid("unit", unit), "name": unit}}]
    return {k: v for k, v in record.items() if v != ""}


def records(ctx) -> list[dict]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    out = []
    for index, entry in enumerate(data["organisations"]):
        org = ctx.orgs[entry["code"]]
        out.append(_organization(entry, org, index))
        out += [_service(entry, svc, org, data["updated"]) for svc in entry["services"]]
    return out


def load(ctx) -> None:
    ctx.note(reference.sync_taxonomy() > 0)
    result = import_payload(records(ctx), log=True)
    ctx.note(result.changes > 0)
