"""The escalation ladder as first-class requests: 市町村 → 保健所 (同行訪問・助言), 保健所 → 精神保健福祉センター,
suggested by the guidance rules (renkei.guidance.engine.suggest_escalation) with their citation."""

from django.core.exceptions import ValidationError

from renkei.guidance import engine

from . import reference
from .actions import escalation_target


def suggestion(membership, case) -> dict | None:
    """{"step": Recommendation, "target": Organisation, "asks": [...]} or None."""
    if case.organisation_id != membership.organisation_id:
        return None
    step = engine.suggest_escalation(membership.organisation.type.code, case.complexity)
    if step is None or not step.escalate_to:
        return None
    target = escalation_target(membership.organisation, step.escalate_to)
    if target is None:
        return None
    asks = [a for a in step.asks if a in reference.ask_names()]
    return {"step": step, "target": target, "asks": asks,
            "ask_names": [reference.ask_names()[a] for a in asks]}


def initial_for(membership, case) -> dict:
    s = suggestion(membership, case)
    if s is None:
        return {}
    return {"to_organisation": s["target"].pk, "asks": s["asks"], "urgency": "routine"}


def kind_fields(membership, case, post) -> dict:
    """For a POST carrying `escalation_rule`: the kind and citation, taken from the engine, not the form."""
    rule = post.get("escalation_rule") or ""
    if not rule:
        return {}
    s = suggestion(membership, case)
    if s is None or s["step"].rule_id != rule:
        raise ValidationError("このケースには、その段階の依頼は提案されていません。")
    return {"kind": "escalation", "escalation_rule": rule, "citation": s["step"].citation}
