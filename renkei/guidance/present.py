"""Recommendations and rules with the Japanese names of every code, for the page and the API."""

from dataclasses import asdict

from .engine import Recommendation, load_rules
from .ruleset import Rule


def _named(vocabulary: str, codes) -> list[dict]:
    ruleset = load_rules()
    return [{"code": code, "name": ruleset.name(vocabulary, code)} for code in codes]


def describe(recommendation: Recommendation) -> dict:
    ruleset = load_rules()
    data = asdict(recommendation)
    data.update(
        lead_name=ruleset.name("organisation_types", recommendation.lead),
        involve=_named("organisation_types", recommendation.involve),
        involve_departments=_named("department_kinds", recommendation.involve_departments),
        involve_roles=_named("roles", recommendation.involve_roles),
        asks=_named("asks", recommendation.asks),
        escalate_to_name=ruleset.name("organisation_types", recommendation.escalate_to),
    )
    return data


def describe_rule(rule: Rule) -> dict:
    return {
        "id": rule.id, "citation": rule.citation, "part": rule.part, "section": rule.section, "item": rule.item,
        "quote": rule.quote, "title": rule.title, "duty": rule.duty, "applies_when": rule.applies_when,
        "lead": rule.lead, "involve": list(rule.involve), "involve_departments": list(rule.involve_departments),
        "involve_roles": list(rule.involve_roles), "explanation": rule.explanation,
    }


def describe_ruleset() -> dict:
    ruleset = load_rules()
    return {
        "version": ruleset.version,
        "source": dict(ruleset.source),
        "rules": [describe_rule(rule) for rule in ruleset.rules],
        "escalation": [
            {"id": step.id, "from_type": step.from_type, "complexity": list(step.complexity),
             "to_type": step.to_type, "asks": list(step.asks), "rule": step.rule.id, "citation": step.rule.citation,
             "title": step.title, "explanation": step.explanation}
            for step in ruleset.escalation
        ],
        "vocabularies": {name: [{"code": code, "name": label} for code, label in entries.items()]
                         for name, entries in ruleset.vocabularies.items()},
    }
