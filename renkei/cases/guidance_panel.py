"""The escalation suggestion and guideline rules for a case, from the guidance engine.

The engine (renkei.guidance.engine) is a lower layer than cases: it knows nothing of cases, and the case
page calls it. Only non-identifying facts are passed (needs, complexity, phase, age, family).
"""

import logging
from dataclasses import fields

from renkei.accounts.models import OrganisationType
from renkei.guidance import engine

from . import reference

logger = logging.getLogger(__name__)


def case_facts(case, acting_org_type: str, family_involved: bool | None):
    rank = reference.need_level_rank()
    values = {
        "need_domains": {code for code, level in (case.needs or {}).items() if rank.get(level, 0) > 0},
        "complexity": case.complexity,
        "acting_org_type": acting_org_type,
        "phase": case.phase or None,
        "wishes": set(),
        "age": case.person.age,
        "attending_school": None,
        "family_involved": family_involved,
    }
    known = {f.name for f in fields(engine.CaseFacts)}
    return engine.CaseFacts(**{k: v for k, v in values.items() if k in known})


def guidance_for(case, membership) -> dict | None:
    """{"escalation": Recommendation|None, "rules": [...], "org_type_names": {...}}, or {"error": True}."""
    family = case.person.consultations.filter(consulter="family").exists()
    acting = membership.organisation.type.code
    try:
        facts = case_facts(case, acting, family or None)
        result = {"escalation": engine.suggest_escalation(acting, case.complexity),
                  "rules": engine.recommend(facts)}
    except Exception:  # a fault in the rule data must not take the case page down
        logger.exception("guidance engine failed for case %s", case.pk)
        return {"error": True}
    result["org_type_names"] = dict(OrganisationType.objects.values_list("code", "name"))
    return result
