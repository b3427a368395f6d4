"""The shipped rule file covers every duty of DOMAIN.md §2 and validates; bad data is refused clearly."""

import copy
import json
import re
from pathlib import Path

import pytest

from renkei.guidance.engine import load_rules, load_ruleset_file
from renkei.guidance.ruleset import RULES_FILE, RuleDataError

# DOMAIN.md §2, duty by duty (保健所 第1部, 市町村 第2部) → the rule that encodes it and its citation.
DUTIES = [
    ("保健所: central agency, close ties with all local agencies", "hc-1-central-liaison", "第1部", "第1"),
    ("保健所 (seed 第1, within §2's 第1): support municipalities on specialised or wide-area matters",
     "hc-1-support-municipalities", "第1部", "第1"),
    ("保健所: multi-professional mutual cooperation", "hc-2-multidisciplinary", "第1部", "第2"),
    ("保健所: accompany municipal staff on complex cases", "hc-3-accompany-complex", "第1部", "第3"),
    ("保健所: help build networks between medical institutions and municipalities", "hc-3-network-building",
     "第1部", "第3"),
    ("保健所: bring in the 精神保健福祉センター for especially complex cases", "hc-3-centre-very-complex",
     "第1部", "第3"),
    ("保健所: close ties with local agencies, from the inpatient phase onward", "hc-3-liaison-from-inpatient",
     "第1部", "第3"),
    ("保健所: with ピアサポーター, coordinate discharge support", "hc-3-discharge-peer", "第1部", "第3"),
    ("保健所: keep supporting after discharge with municipalities", "hc-3-post-discharge", "第1部", "第3"),
    ("保健所: link training to employment (雇用施策)", "hc-3-employment", "第1部", "第3"),
    ("保健所: foster 当事者団体 and 家族会 with municipalities", "hc-3-foster-groups", "第1部", "第3"),
    ("保健所: 入院等関係事務 in liaison inside the office and with municipalities", "hc-3-admission-affairs",
     "第1部", "第3"),
    ("保健所: case records and personal information, care also when collaborating", "hc-4-privacy", "第1部", "第4"),
    ("市町村: case records and personal information (第4, municipalities too)", "mu-4-privacy", "第2部", "第4"),
    ("市町村: build the consultation support system with the centre and the 保健所", "mu-1-support-system",
     "第2部", "第1"),
    ("市町村: link health and welfare with housing, employment and education departments", "mu-2-departments",
     "第2部", "第2"),
    ("市町村: multi-professional work", "mu-2-multidisciplinary", "第2部", "第2"),
    ("市町村: a professional who drives intra-office collaboration", "mu-2-coordinator", "第2部", "第2"),
    ("市町村: turn every need found in consultation into support", "mu-3-support-base", "第2部", "第3"),
    ("市町村: multi-professional outreach with the 保健所 where needed", "mu-3-outreach", "第2部", "第3"),
    ("市町村: inpatients who wish community life, with 保健所 and 退院後生活環境相談員", "mu-3-community-transition",
     "第2部", "第3"),
    ("市町村: employment (雇用施策)", "mu-3-employment", "第2部", "第3"),
    ("市町村: housing (住宅部局, 居住支援関係者)", "mu-3-housing", "第2部", "第3"),
    ("市町村: work with ピアサポーター (地域生活)", "mu-3-peer-community-life", "第2部", "第3"),
    ("市町村: ピアサポーター in consultation support, with persons and families", "mu-3-peer-consultation",
     "第2部", "第3"),
    ("市町村: 入院者訪問支援事業 on the person's request, coordinate with the prefecture", "mu-3-inpatient-visit",
     "第2部", "第3"),
    ("市町村: school education for early understanding (普及啓発)", "mu-3-school-awareness", "第2部", "第3"),
    ("市町村: foster 当事者団体 and 家族会 with the 保健所 and centre", "mu-3-foster-groups", "第2部", "第3"),
]


@pytest.mark.parametrize(("duty", "rule_id", "part", "section"), DUTIES, ids=[d[1] for d in DUTIES])
def test_every_domain_duty_has_a_rule_with_its_citation(duty, rule_id, part, section):
    rule = load_rules().rule(rule_id)
    assert (rule.part, rule.section) == (part, section), duty
    part_title = {"第1部": "保健所", "第2部": "市町村"}[part]
    assert rule.citation.startswith(f"運営要領 {part}（{part_title}）{section} ")
    assert rule.item in rule.citation
    assert rule.duty and rule.explanation and rule.title


def test_every_rule_in_the_file_is_on_the_duty_checklist():
    checklist = {rule_id for _, rule_id, _, _ in DUTIES}
    assert {rule.id for rule in load_rules().rules} == checklist


def test_the_shipped_rule_file_validates_and_carries_a_version():
    ruleset = load_ruleset_file(RULES_FILE)
    assert ruleset.version
    assert len(ruleset.rules) == len(DUTIES)
    assert {step.id for step in ruleset.escalation} == {"esc-municipality-health-centre",
                                                        "esc-health-centre-mhw-centre"}


def test_rules_have_distinct_ids_and_citations_in_the_guideline_order():
    rules = load_rules().rules
    assert len({rule.id for rule in rules}) == len(rules)
    assert len({rule.citation for rule in rules if rule.section != "第4"}) == len(rules) - 2
    assert [rule.citation_order for rule in rules] == sorted(rule.citation_order for rule in rules)


def _write(tmp_path, data):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def shipped():
    return json.loads(RULES_FILE.read_text(encoding="utf-8"))


def _rule(data, rule_id):
    return next(rule for rule in data["rules"] if rule["id"] == rule_id)


def test_an_unknown_need_domain_code_in_a_condition_is_refused_naming_the_rule(tmp_path, shipped):
    _rule(shipped, "mu-3-housing")["applies_when"] = {"fact": "need_domains", "contains": "hosing"}
    with pytest.raises(RuleDataError, match=r"rule 'mu-3-housing' applies_when: unknown need_domains code 'hosing'"):
        load_ruleset_file(_write(tmp_path, shipped))


def test_an_unknown_agency_type_to_involve_is_refused(tmp_path, shipped):
    _rule(shipped, "mu-3-employment")["involve"] = ["hello_work"]
    with pytest.raises(RuleDataError, match=r"unknown organisation_types code 'hello_work' in involve"):
        load_ruleset_file(_write(tmp_path, shipped))


def test_an_unknown_fact_an_operator_mismatch_and_a_bad_citation_are_all_reported_at_once(tmp_path, shipped):
    rules = shipped["rules"]
    rules[0]["applies_when"] = {"fact": "shoe_size", "gte": 3}
    rules[1]["applies_when"] = {"all": [{"fact": "need_domains", "equals": "housing"}]}
    rules[2]["citation"]["section"] = "第9"
    with pytest.raises(RuleDataError) as error:
        load_ruleset_file(_write(tmp_path, shipped))
    message = str(error.value)
    assert "unknown fact 'shoe_size'" in message
    assert "operator 'equals' does not apply to the set fact 'need_domains'" in message
    assert "unknown citation section '第9'" in message


def test_a_duplicate_rule_id_and_an_escalation_to_an_unknown_rule_are_refused(tmp_path, shipped):
    shipped["rules"].append(copy.deepcopy(shipped["rules"][0]))
    shipped["escalation"][0]["rule"] = "hc-3-nothing"
    with pytest.raises(RuleDataError) as error:
        load_ruleset_file(_write(tmp_path, shipped))
    assert "duplicate id" in str(error.value)
    assert "unknown rule 'hc-3-nothing'" in str(error.value)


def test_a_wrong_value_type_in_a_condition_is_refused(tmp_path, shipped):
    _rule(shipped, "mu-3-school-awareness")["applies_when"] = {"fact": "age", "lte": "19"}
    with pytest.raises(RuleDataError, match="compares with an integer"):
        load_ruleset_file(_write(tmp_path, shipped))


def test_an_unreadable_file_is_refused(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(RuleDataError, match="cannot read"):
        load_ruleset_file(path)


SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_36a088c3ca7c7e18.txt"


@pytest.mark.skipif(not SEED.exists(), reason="the seed document is kept outside the repository")
def test_every_rule_quotes_the_seed_verbatim():
    seed = re.sub(r"\s+", "", SEED.read_text(encoding="utf-8"))
    for rule in load_rules().rules:
        quote = re.sub(r"\s+", "", rule.quote.replace("（第4は市町村も同）", ""))
        assert quote in seed, rule.id


def test_a_fact_the_engine_does_not_know_is_refused(tmp_path, shipped):
    shipped["facts"]["income"] = {"type": "int"}
    with pytest.raises(RuleDataError, match="facts.income: the engine has no such case fact"):
        load_ruleset_file(_write(tmp_path, shipped))


def test_every_declared_fact_is_a_case_fact_or_derived():
    from renkei.guidance.engine import known_facts

    assert set(load_rules().facts) == known_facts()
