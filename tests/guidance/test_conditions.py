"""The rule condition language: evaluation, unknown facts, specificity and validation messages."""

import pytest

from renkei.guidance.conditions import evaluate, specificity, validate

VALUES = {"need_domains": {"housing"}, "complexity": "complex", "age": 15, "attending_school": False,
          "family_involved": None, "acting_org_type": None}


@pytest.mark.parametrize(("cond", "expected"), [
    ({"fact": "need_domains", "contains": "housing"}, True),
    ({"fact": "need_domains", "contains": "employment"}, False),
    ({"fact": "complexity", "equals": "complex"}, True),
    ({"fact": "complexity", "in": ["normal", "very_complex"]}, False),
    ({"fact": "age", "lte": 15}, True),
    ({"fact": "age", "gte": 16}, False),
    ({"fact": "attending_school", "equals": False}, True),
    ({"fact": "family_involved", "equals": False}, False),   # unknown is not "no"
    ({"fact": "family_involved", "equals": None}, True),
    ({"fact": "acting_org_type", "in": ["municipality"]}, False),
    ({"not": {"fact": "acting_org_type", "in": ["municipality"]}}, True),
    ({"all": []}, True),
    ({"any": []}, False),
    ({"always": True}, True),
    ({"any": [{"fact": "age", "gte": 65}, {"all": [{"fact": "age", "lte": 19},
                                                   {"fact": "attending_school", "equals": False}]}]}, True),
])
def test_conditions_evaluate_as_documented(cond, expected):
    assert evaluate(cond, VALUES) is expected


def test_an_unknown_age_satisfies_no_comparison():
    assert not evaluate({"fact": "age", "lte": 19}, {"age": None})
    assert not evaluate({"fact": "age", "gte": 0}, {"age": None})


def test_specificity_counts_what_must_positively_hold():
    assert specificity({"always": True}) == 0
    assert specificity({"not": {"fact": "age", "gte": 1}}) == 0
    assert specificity({"fact": "age", "gte": 1}) == 1
    assert specificity({"all": [{"fact": "age", "gte": 1}, {"fact": "phase", "equals": "inpatient"}]}) == 2
    assert specificity({"any": [{"fact": "age", "gte": 1},
                                {"all": [{"fact": "age", "gte": 1}, {"fact": "age", "lte": 3}]}]}) == 1


FACTS = {"need_domains": {"type": "set", "codes": "need_domains"}, "age": {"type": "int", "nullable": True},
         "wide_area": {"type": "bool"}, "phase": {"type": "code", "codes": "phases", "nullable": True}}
VOCABULARIES = {"need_domains": {"housing": "住まい"}, "phases": {"inpatient": "入院中"}}


@pytest.mark.parametrize(("cond", "message"), [
    ("housing", "a condition must be an object"),
    ({"all": {"fact": "age", "gte": 1}}, "'all' needs a list"),
    ({"all": [], "any": []}, "must be the only key"),
    ({"always": False}, "'always' must be true"),
    ({"fact": "age"}, "needs exactly one operator"),
    ({"fact": "age", "gte": 1, "lte": 2}, "needs exactly one operator"),
    ({"fact": "age", "between": [1, 2]}, "needs exactly one operator"),
    ({"fact": "wide_area", "equals": None}, "is never unknown"),
    ({"fact": "wide_area", "equals": "yes"}, "compares with true/false"),
    ({"fact": "age", "gte": True}, "compares with an integer"),
    ({"fact": "phase", "in": []}, "needs a non-empty list"),
    ({"fact": "phase", "in": ["outpatient"]}, "unknown phases code 'outpatient'"),
    ({"not": {"fact": "need_domains", "contains": "money"}}, "here.not: unknown need_domains code 'money'"),
])
def test_invalid_conditions_are_reported_with_their_place(cond, message):
    errors = validate(cond, FACTS, VOCABULARIES, "here")
    assert any(message in error for error in errors), errors


def test_a_valid_condition_has_no_problems():
    cond = {"all": [{"fact": "need_domains", "contains": "housing"}, {"fact": "phase", "equals": None},
                    {"any": [{"fact": "age", "lte": 19}, {"fact": "wide_area", "equals": True}]}]}
    assert validate(cond, FACTS, VOCABULARIES, "here") == []
