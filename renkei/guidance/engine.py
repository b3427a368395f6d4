"""The guidance engine: which duties of the 2023 運営要領 apply to a case, who leads, whom to involve.

Public interface (other apps code against these names):
    CaseFacts, Recommendation, recommend(facts), suggest_escalation(acting_org_type, complexity),
    load_rules(), check_facts(facts).
The rules themselves are data (`data/rules.json`); this module only interprets them.
"""

from dataclasses import dataclass, field, fields
from functools import cache

from . import conditions
from .ruleset import RULES_FILE, EscalationStep, Rule, RuleDataError, RuleSet, parse_ruleset, read_file

__all__ = ["CaseFacts", "Recommendation", "RuleDataError", "RuleSet", "check_facts", "load_rules", "recommend",
           "suggest_escalation"]


@dataclass
class CaseFacts:
    """What is known about a situation. Unknown stays None; nothing here identifies a person."""

    need_domains: set[str] = field(default_factory=set)      # codes of core/data/need_domains.json
    complexity: str = "normal"                               # normal / complex / very_complex
    acting_org_type: str | None = None                       # accounts/data/organisation_types.json
    phase: str | None = None                                 # inpatient / discharge / community
    wishes: set[str] = field(default_factory=set)            # community_life, inpatient_visit_support …
    age: int | None = None
    attending_school: bool | None = None
    family_involved: bool | None = None
    wide_area: bool = False                                  # needs work across several municipalities
    hard_to_reach: bool = False                              # cannot come to the counter or the clinic
    in_psychiatric_care: bool | None = None                  # connected to psychiatric care
    admission_type: str | None = None                        # voluntary / medical_protection / involuntary …

    def __post_init__(self):
        self.need_domains = set(self.need_domains or ())
        self.wishes = set(self.wishes or ())

    def values(self) -> dict:
        """The facts as the condition language sees them, derived facts included."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update({name: derive(self) for name, derive in DERIVED_FACTS.items()})
        return values


DERIVED_FACTS = {
    "need_domain_count": lambda facts: len(facts.need_domains),
}


@dataclass(frozen=True)
class Recommendation:
    rule_id: str
    citation: str
    title: str
    explanation: str
    lead: str | None
    involve: tuple[str, ...]
    duty: str
    involve_departments: tuple[str, ...] = ()
    involve_roles: tuple[str, ...] = ()
    quote: str = ""
    escalate_to: str | None = None                           # set on an escalation suggestion
    asks: tuple[str, ...] = ()                               # what to ask for: accompany, advice …
    based_on: str | None = None                              # the rule an escalation step rests on


@cache
def load_rules() -> RuleSet:
    """The shipped rule set, validated once (raises RuleDataError naming every problem)."""
    return load_ruleset_file(RULES_FILE)


def load_ruleset_file(path) -> RuleSet:
    return parse_ruleset(read_file(path), known_facts=known_facts())


def known_facts() -> set[str]:
    return {f.name for f in fields(CaseFacts)} | set(DERIVED_FACTS)


def recommend(facts: CaseFacts, ruleset: RuleSet | None = None) -> list[Recommendation]:
    """The rules that apply to `facts`: most specific first, then in the guideline's order."""
    ruleset = ruleset or load_rules()
    values = facts.values()
    matched = [rule for rule in ruleset.rules if conditions.evaluate(rule.applies_when, values)]
    matched.sort(key=lambda rule: (-rule.specificity, rule.citation_order))
    return [_from_rule(rule) for rule in matched]


def suggest_escalation(acting_org_type: str | None, complexity: str,
                       ruleset: RuleSet | None = None) -> Recommendation | None:
    """The next layer to ask (市町村 → 保健所 → 精神保健福祉センター), or None."""
    ruleset = ruleset or load_rules()
    for step in ruleset.escalation:
        if step.from_type == acting_org_type and complexity in step.complexity:
            return _from_step(step)
    return None


def check_facts(facts: CaseFacts, ruleset: RuleSet | None = None) -> dict[str, str]:
    """Japanese messages for facts outside the vocabularies, by field name (empty when all is well)."""
    ruleset = ruleset or load_rules()
    errors = {}
    for name, spec in ruleset.facts.items():
        if spec.get("derived"):
            continue
        value, label = getattr(facts, name), spec.get("label", name)
        if spec["type"] == "set":
            unknown = sorted(str(code) for code in value if code not in ruleset.vocabularies[spec["codes"]])
            if unknown:
                errors[name] = f"{label}に使えない値があります: {', '.join(unknown)}"
        elif value is None:
            if not spec.get("nullable"):
                errors[name] = f"{label}を指定してください。"
        elif spec["type"] == "code" and value not in ruleset.vocabularies[spec["codes"]]:
            errors[name] = f"{label}に使えない値です: {value}"
        elif spec["type"] == "int" and (isinstance(value, bool) or not isinstance(value, int) or
                                        not 0 <= value <= 130):
            errors[name] = f"{label}は0〜130の整数で入力してください。"
        elif spec["type"] == "bool" and not isinstance(value, bool):
            errors[name] = f"{label}は「はい」「いいえ」で指定してください。"
    return errors


def _from_rule(rule: Rule) -> Recommendation:
    return Recommendation(
        rule_id=rule.id, citation=rule.citation, title=rule.title, explanation=rule.explanation, lead=rule.lead,
        involve=rule.involve, duty=rule.duty, involve_departments=rule.involve_departments,
        involve_roles=rule.involve_roles, quote=rule.quote,
    )


def _from_step(step: EscalationStep) -> Recommendation:
    return Recommendation(
        rule_id=step.id, citation=step.rule.citation, title=step.title, explanation=step.explanation,
        lead=step.from_type, involve=(step.to_type,), duty=step.rule.duty, quote=step.rule.quote,
        escalate_to=step.to_type, asks=step.asks, based_on=step.rule.id,
    )
