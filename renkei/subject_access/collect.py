"""Everything the holding organisation has about one person, for 本人開示: the person's data (every field
group), the organisation's consultations, its cases with their status changes and record entries with
every revision, its discharge plans with every version, the consents it recorded, the disclosures it made
and the referrals it sent or received about the person.

Each record is given twice from the same fields: `data` for the JSON (field names, ISO dates, ids with
names) and `rows` for the PDF (the field's Japanese name and its value in words). Only fields the product
derives for its own use (search keys, the scope index, the edit version) are left out."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from renkei.cases.models import Case, Consultation
from renkei.consent import reference as consent_reference
from renkei.consent.models import Consent, Disclosure
from renkei.discharge.models import DischargePlan
from renkei.referrals.models import Referral

FORMAT = "renkei-subject-access v1"
INTERNAL = {"version", "name_search", "kana_folded", "scope_index"}


def field_groups() -> list[str]:
    """Every field group (the scopes of consent/data/scopes.json): a production shows them all."""
    return consent_reference.scope_codes()


def _json_value(field, obj):
    if field.is_relation:
        related = getattr(obj, field.name)
        return None if related is None else {"id": related.pk, "name": str(related)}
    value = getattr(obj, field.attname)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _text(field, obj) -> str:
    if field.is_relation:
        related = getattr(obj, field.name)
        return "" if related is None else str(related)
    value = getattr(obj, field.attname)
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    if value is None:
        return ""
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "、".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def _fields(obj):
    return [f for f in obj._meta.concrete_fields if f.name not in INTERNAL]


def record(obj, **children) -> dict:
    """One record: {"data": {field: value, ..., child: [...]}, "rows": [(label, text)], child: [records]}."""
    data = {f.name: _json_value(f, obj) for f in _fields(obj)}
    rows = [(str(f.verbose_name) if f.name != "id" else "番号", _text(f, obj)) for f in _fields(obj)]
    out = {"data": data, "rows": rows, "title": obj._meta.verbose_name}
    for name, items in children.items():
        data[name] = [item["data"] for item in items]
        out[name] = items
    return out


def _entry(entry):
    # sorted here: ordering the prefetched revisions in SQL again would read them once per entry
    return record(entry, revisions=[record(r) for r in sorted(entry.revisions.all(), key=lambda r: r.number)])


def _case(case):
    entries = case.entries.order_by("occurred_at", "id").prefetch_related("revisions")
    return record(case, status_changes=[record(s) for s in case.status_changes.all()],
                  entries=[_entry(e) for e in entries])


def _plan(plan):
    return record(plan, versions=[record(v) for v in plan.versions.order_by("number")])


def collect(person, organisation) -> dict:
    """The person's record as `organisation` (its holder) has it, oldest first in every section."""
    org = organisation
    sections = {
        "consultations": [record(c) for c in Consultation.objects.filter(person=person, organisation=org)
                          .order_by("occurred_at", "id")],
        "cases": [_case(c) for c in Case.objects.filter(person=person, organisation=org).order_by("opened_at", "id")],
        "discharge_plans": [_plan(p) for p in DischargePlan.objects.filter(person=person, organisation=org)
                            .order_by("created_at", "id")],
        "consents": [record(c) for c in Consent.objects.filter(person=person, owner=org).order_by("recorded_at", "id")],
        "disclosures": [record(d) for d in Disclosure.objects.filter(person=person, owner=org).order_by("at", "id")],
        "referrals": [record(r) for r in Referral.objects.filter(person=person).filter(
            Q(from_organisation=org) | Q(to_organisation=org)).order_by("created_at", "id")],
    }
    made_at, own = timezone.now(), record(person)
    return {
        "person": own,
        "sections": sections,
        "organisation": org,
        "made_at": made_at,
        "data": {
            "format": FORMAT,
            "organisation": {"id": org.pk, "name": org.name},
            "made_at": timezone.localtime(made_at).isoformat(),
            "field_groups": field_groups(),
            "person": own["data"],
            **{name: [item["data"] for item in items] for name, items in sections.items()},
        },
    }


SECTION_TITLES = {"consultations": "相談", "cases": "ケース・経過記録", "discharge_plans": "退院後支援計画",
                  "consents": "同意の記録", "disclosures": "第三者への提供の記録", "referrals": "連携依頼"}
