"""Guidance API: the same engine as the page. No person data is stored or returned."""

from typing import Any

from ninja import Field, Router, Schema, Status
from pydantic import field_validator

from renkei.accounts.access import require_perm
from renkei.core.api_errors import Error, error_body
from renkei.core.api_types import documented_codes

from .engine import CaseFacts, check_facts, load_rules, recommend, suggest_escalation
from .present import describe, describe_ruleset

router = Router(tags=["guidance"])


def _vocabulary(fact: str):
    """The codes of a fact's vocabulary in the rule set, for the schema (check_facts refuses others)."""
    ruleset = load_rules()
    return documented_codes(ruleset.vocabularies[ruleset.facts[fact]["codes"]])


class FactsIn(Schema):
    need_domains: list[_vocabulary("need_domains")] = Field(default_factory=list,
                                                            description="ニーズの領域のコード（core need_domains）")
    complexity: _vocabulary("complexity") = Field("normal", description="複雑さのコード")
    acting_org_type: _vocabulary("acting_org_type") | None = Field(
        None, description="対応している機関の種別。省略時は操作中の所属の種別")
    phase: _vocabulary("phase") | None = Field(None, description="時期のコード")
    wishes: list[_vocabulary("wishes")] = Field(default_factory=list, description="本人の希望のコード")
    age: int | None = Field(None, description="年齢（0〜130）")
    attending_school: bool | None = None
    family_involved: bool | None = None
    wide_area: bool = False
    hard_to_reach: bool = False
    in_psychiatric_care: bool | None = None
    admission_type: _vocabulary("admission_type") | None = None

    @field_validator("age", mode="before")
    @classmethod
    def _age(cls, value):
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        raise ValueError("年齢は0〜130の整数で指定してください。")

    @field_validator("attending_school", "family_involved", "wide_area", "hard_to_reach", "in_psychiatric_care",
                     mode="before")
    @classmethod
    def _bool(cls, value):
        if value is None or isinstance(value, bool):
            return value
        raise ValueError("true / false（または null）で指定してください。")

    @field_validator("need_domains", "wishes", mode="before")
    @classmethod
    def _codes(cls, value):
        if isinstance(value, list) and all(isinstance(code, str) for code in value):
            return value
        raise ValueError("コードの文字列の配列で指定してください。")

    @field_validator("complexity", "acting_org_type", "phase", "admission_type", mode="before")
    @classmethod
    def _code(cls, value):
        if value is None or isinstance(value, str):
            return value
        raise ValueError("コードの文字列で指定してください。")


class CodeName(Schema):
    code: str
    name: str


class RecommendationOut(Schema):
    rule_id: str
    citation: str
    title: str
    duty: str
    explanation: str
    quote: str
    lead: str | None
    lead_name: str
    involve: list[CodeName]
    involve_departments: list[CodeName]
    involve_roles: list[CodeName]
    escalate_to: str | None
    escalate_to_name: str
    asks: list[CodeName]
    based_on: str | None


class RecommendOut(Schema):
    version: str
    acting_org_type: str | None
    recommendations: list[RecommendationOut]
    escalation: RecommendationOut | None


ErrorOut = MessageOut = Error


class RulesOut(Schema):
    version: str
    source: dict[str, str]
    rules: list[dict[str, Any]]
    escalation: list[dict[str, Any]]
    vocabularies: dict[str, list[CodeName]]


@router.post("/recommend", response={200: RecommendOut, 400: MessageOut, 422: ErrorOut}, summary="状況から連携の指針を得る")
def recommend_view(request, facts: FactsIn):
    require_perm(request, "directory.view")
    data = facts.model_dump()
    if "acting_org_type" not in facts.model_fields_set:
        data["acting_org_type"] = request.membership.organisation.type.code
    case_facts = CaseFacts(**data)
    errors = check_facts(case_facts)
    if errors:
        return Status(422, error_body(422, errors=[{"loc": ["body", "facts", name], "msg": msg, "type": "renkei_code"}
                                                   for name, msg in errors.items()]))
    escalation = suggest_escalation(case_facts.acting_org_type, case_facts.complexity)
    return Status(200, {
        "version": load_rules().version,
        "acting_org_type": case_facts.acting_org_type,
        "recommendations": [describe(r) for r in recommend(case_facts)],
        "escalation": describe(escalation) if escalation else None,
    })


@router.get("/rules", response=RulesOut, summary="連携ガイダンスのルール一式（版つき）")
def rules_view(request):
    require_perm(request, "directory.view")
    return describe_ruleset()

