"""Loading and validating the guideline rule set (`data/rules.json`).

The file is refused as a whole, with every problem listed, when a rule refers to an unknown fact,
code, agency type, department kind, role or citation: a typo must never silently switch a rule off.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from renkei.accounts.reference import load_json as load_accounts_json
from renkei.core.reference import need_domains

from . import conditions

RULES_FILE = Path(__file__).parent / "data" / "rules.json"
LOCAL_VOCABULARIES = ("complexity", "phases", "wishes", "admission_types", "roles")
RULE_KEYS = {"id", "citation", "quote", "title", "duty", "applies_when", "lead", "involve", "involve_departments",
             "involve_roles", "explanation"}
REQUIRED_RULE_KEYS = {"id", "citation", "title", "duty", "applies_when", "lead", "involve", "explanation"}


class RuleDataError(ValueError):
    """The rule data file is invalid; the message lists every problem found."""


@dataclass(frozen=True)
class Rule:
    id: str
    part: str
    section: str
    item: str
    citation: str
    quote: str
    title: str
    duty: str
    applies_when: Mapping
    lead: str | None
    involve: tuple[str, ...]
    involve_departments: tuple[str, ...]
    involve_roles: tuple[str, ...]
    explanation: str
    specificity: int
    citation_order: tuple[int, int, int]


@dataclass(frozen=True)
class EscalationStep:
    id: str
    from_type: str
    complexity: tuple[str, ...]
    to_type: str
    asks: tuple[str, ...]
    rule: Rule
    title: str
    explanation: str


@dataclass(frozen=True)
class RuleSet:
    version: str
    source: Mapping
    facts: Mapping
    vocabularies: Mapping[str, dict[str, str]]
    rules: tuple[Rule, ...]
    escalation: tuple[EscalationStep, ...]

    def rule(self, rule_id: str) -> Rule:
        return next(rule for rule in self.rules if rule.id == rule_id)

    def name(self, vocabulary: str, code: str | None) -> str:
        """The Japanese name of a code (the code itself if unknown, '' for None)."""
        if code is None:
            return ""
        return self.vocabularies[vocabulary].get(code, code)

    def choices(self, vocabulary: str) -> list[tuple[str, str]]:
        return list(self.vocabularies[vocabulary].items())


def shared_vocabularies() -> dict[str, dict[str, str]]:
    """Code lists owned by other apps that rules refer to."""
    return {
        "need_domains": {d["code"]: d["name"] for d in need_domains()},
        "organisation_types": {t["code"]: t["name"] for t in load_accounts_json("organisation_types.json")["types"]},
        "department_kinds": {k["code"]: k["name"] for k in load_accounts_json("department_kinds.json")["kinds"]},
    }


def read_file(path: Path = RULES_FILE) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise RuleDataError(f"{path}: cannot read the rule data file: {error}") from error


def parse_ruleset(data: Mapping, known_facts: set[str]) -> RuleSet:
    errors: list[str] = []
    vocabularies = shared_vocabularies()
    local = data.get("vocabularies", {})
    for name in LOCAL_VOCABULARIES:
        if not isinstance(local.get(name), list):
            errors.append(f"vocabularies.{name}: missing list")
            continue
        vocabularies[name] = {entry["code"]: entry["name"] for entry in local[name]}
    vocabularies["asks"] = {entry["code"]: entry["name"] for entry in data.get("asks", [])}
    facts = data.get("facts", {})
    errors += _check_facts(facts, vocabularies, known_facts)
    if errors:
        raise RuleDataError("invalid rule data:\n" + "\n".join(errors))
    for role in local["roles"]:
        if role.get("org_type") is not None and role["org_type"] not in vocabularies["organisation_types"]:
            errors.append(f"vocabularies.roles.{role['code']}: unknown organisation type {role['org_type']!r}")

    rules, seen = [], set()
    for index, raw in enumerate(data.get("rules", [])):
        rule_id = raw.get("id") if isinstance(raw, Mapping) else None
        where = f"rule {rule_id or index!r}"
        if rule_id in seen:
            errors.append(f"{where}: duplicate id")
        seen.add(rule_id)
        problems = _check_rule(raw, data, facts, vocabularies, where)
        errors += problems
        if not problems:
            rules.append(_make_rule(raw, data, index))
    by_id = {rule.id: rule for rule in rules}
    steps = []
    for index, raw in enumerate(data.get("escalation", [])):
        problems = _check_step(raw, by_id, vocabularies, f"escalation[{index}]")
        errors += problems
        if not problems:
            steps.append(EscalationStep(
                id=raw["id"], from_type=raw["from"], complexity=tuple(raw["complexity"]), to_type=raw["to"],
                asks=tuple(raw["asks"]), rule=by_id[raw["rule"]], title=raw["title"], explanation=raw["explanation"],
            ))
    if not data.get("version"):
        errors.append("version: missing")
    if errors:
        raise RuleDataError("invalid rule data:\n" + "\n".join(errors))
    return RuleSet(version=data["version"], source=data.get("source", {}), facts=facts, vocabularies=vocabularies,
                   rules=tuple(rules), escalation=tuple(steps))


def _check_facts(facts, vocabularies, known_facts) -> list[str]:
    errors = []
    for name, spec in facts.items():
        if name not in known_facts:
            errors.append(f"facts.{name}: the engine has no such case fact")
        if spec.get("type") not in conditions.OPERATORS_BY_TYPE:
            errors.append(f"facts.{name}: unknown type {spec.get('type')!r}")
        elif spec["type"] in ("set", "code") and spec.get("codes") not in vocabularies:
            errors.append(f"facts.{name}: unknown vocabulary {spec.get('codes')!r}")
    return errors


def _check_rule(raw, data, facts, vocabularies, where) -> list[str]:
    if not isinstance(raw, Mapping):
        return [f"{where}: a rule must be an object"]
    errors = [f"{where}: missing {key!r}" for key in sorted(REQUIRED_RULE_KEYS - raw.keys())]
    errors += [f"{where}: unknown key {key!r}" for key in sorted(raw.keys() - RULE_KEYS)]
    if errors:
        return errors
    citation = raw["citation"]
    part, section = citation.get("part"), citation.get("section")
    if part not in data.get("parts", {}):
        errors.append(f"{where}: unknown citation part {part!r}")
    elif section not in data.get("sections", {}).get(part, {}):
        errors.append(f"{where}: unknown citation section {section!r} in {part}")
    if not citation.get("item"):
        errors.append(f"{where}: citation needs an item")
    for key in ("title", "duty", "explanation"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            errors.append(f"{where}: {key!r} must be a non-empty text")
    types = vocabularies["organisation_types"]
    if raw["lead"] is not None and raw["lead"] not in types:
        errors.append(f"{where}: unknown lead organisation type {raw['lead']!r}")
    for key, vocabulary in (("involve", "organisation_types"), ("involve_departments", "department_kinds"),
                            ("involve_roles", "roles")):
        values = raw.get(key, [])
        if not isinstance(values, list):
            errors.append(f"{where}: {key!r} must be a list")
            continue
        errors += [f"{where}: unknown {vocabulary} code {code!r} in {key}" for code in values
                   if code not in vocabularies[vocabulary]]
    errors += conditions.validate(raw["applies_when"], facts, vocabularies, f"{where} applies_when")
    return errors


def _check_step(raw, by_id, vocabularies, where) -> list[str]:
    errors = []
    for key in ("id", "from", "complexity", "to", "asks", "rule", "title", "explanation"):
        if key not in raw:
            errors.append(f"{where}: missing {key!r}")
    if errors:
        return errors
    types = vocabularies["organisation_types"]
    errors += [f"{where}: unknown organisation type {raw[key]!r} in {key!r}" for key in ("from", "to")
               if raw[key] not in types]
    errors += [f"{where}: unknown complexity code {code!r}" for code in raw["complexity"]
               if code not in vocabularies["complexity"]]
    errors += [f"{where}: unknown ask {code!r}" for code in raw["asks"] if code not in vocabularies["asks"]]
    if raw["rule"] not in by_id:
        errors.append(f"{where}: refers to unknown rule {raw['rule']!r}")
    return errors


def _make_rule(raw, data, index) -> Rule:
    citation = raw["citation"]
    part, section = citation["part"], citation["section"]
    part_info = data["parts"][part]
    rendered = data.get("citation_format", "{part} {section} {item}").format(
        short=data.get("source", {}).get("short", ""), part=part, part_title=part_info["title"], section=section,
        section_title=data["sections"][part][section], item=citation["item"],
    )
    return Rule(
        id=raw["id"], part=part, section=section, item=citation["item"], citation=rendered,
        quote=raw.get("quote", ""), title=raw["title"], duty=raw["duty"], applies_when=raw["applies_when"],
        lead=raw["lead"], involve=tuple(raw["involve"]), involve_departments=tuple(raw.get("involve_departments", [])),
        involve_roles=tuple(raw.get("involve_roles", [])), explanation=raw["explanation"],
        specificity=conditions.specificity(raw["applies_when"]),
        citation_order=(part_info["order"], int(section.lstrip("第")), index),
    )
