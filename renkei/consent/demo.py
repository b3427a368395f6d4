"""Demo みどり県: consents and legal-basis disclosures for the scenario persons (data/demo_consents.json),
so the sharing can be seen. Idempotent: rows are found by person, obtaining organisation, recipient and
purpose (disclosures: by person, discloser, recipient, legal basis and time), so this module writes only its
own rows and never one another app's demo recorded for the same pair (referrals, conferences, discharge)."""

import datetime as dt
import json
from pathlib import Path

from django.utils.dateparse import parse_datetime

from .models import Consent, Disclosure
from .reference import with_required

DATA = Path(__file__).parent / "data" / "demo_consents.json"
CASES = Path(__file__).resolve().parents[1] / "cases" / "data" / "demo_cases.json"


def _persons(ctx) -> dict:
    from renkei.cases.models import Person

    found = {}
    for spec in json.loads(CASES.read_text(encoding="utf-8"))["persons"]:
        person = Person.objects.filter(organisation=ctx.orgs[spec["org"]], name=spec["name"]).first()
        if person is not None:
            found[spec["key"]] = person
    return found


def load(ctx) -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    persons = _persons(ctx)
    for spec in data["consents"]:
        person = persons.get(spec["person"])
        if person is None:
            continue
        _, changed = ctx.upsert(Consent, {"person": person, "owner": ctx.orgs[spec["owner"]],
                                          "recipient_kind": "organisation",
                                          "recipient_organisation": ctx.orgs[spec["recipient"]],
                                          "purpose": spec["purpose"]}, {
            "scopes": with_required(spec["scopes"]),
            "valid_from": dt.date.fromisoformat(spec["valid_from"]),
            "valid_until": dt.date.fromisoformat(spec["valid_until"]), "method": spec["method"],
            "obtained_by": ctx.users[spec["by"]], "obtained_at": parse_datetime(spec["obtained_at"]),
            "note": spec["note"], "recorded_by": ctx.users[spec["by"]]})
        ctx.note(changed)
    for spec in data["disclosures"]:
        person = persons.get(spec["person"])
        if person is None:
            continue
        _, changed = ctx.upsert(Disclosure, {"person": person, "owner": ctx.orgs[spec["owner"]],
                                             "recipient": ctx.orgs[spec["recipient"]],
                                             "legal_basis": spec["legal_basis"], "at": parse_datetime(spec["at"])}, {
            "scopes": with_required(spec["scopes"]), "justification": spec["justification"],
            "disclosed_by": ctx.users[spec["by"]],
            "valid_until": dt.date.fromisoformat(spec["valid_until"])})
        ctx.note(changed)
