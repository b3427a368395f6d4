"""Representative situations yield the rules of the guideline that apply to them."""

from renkei.guidance.engine import CaseFacts, check_facts, recommend, suggest_escalation


def ids(facts: CaseFacts) -> list[str]:
    return [r.rule_id for r in recommend(facts)]


def by_id(facts: CaseFacts) -> dict:
    return {r.rule_id: r for r in recommend(facts)}


def test_an_inpatient_wishing_for_community_life_brings_the_municipality_to_the_health_centre_and_hospital():
    facts = CaseFacts(acting_org_type="municipality", phase="inpatient", wishes={"community_life"})
    found = by_id(facts)
    transition = found["mu-3-community-transition"]
    assert transition.lead == "municipality"
    assert {"health_centre", "psychiatric_hospital"} <= set(transition.involve)
    assert "discharge_counsellor" in transition.involve_roles
    assert "第2部（市町村）第3 業務" in transition.citation
    assert "退院後生活環境相談員" in transition.citation
    peers = found["hc-3-discharge-peer"]
    assert "peer_supporter" in peers.involve_roles and "peer_family_group" in peers.involve
    assert "mu-3-peer-community-life" in found and "hc-3-liaison-from-inpatient" in found
    # the most specific rule comes first
    assert ids(facts)[0] == "mu-3-community-transition"


def test_an_inpatient_without_the_wish_gets_no_community_transition_rule():
    assert "mu-3-community-transition" not in ids(CaseFacts(acting_org_type="municipality", phase="inpatient"))


def test_a_complex_case_at_a_municipality_suggests_the_health_centre_accompanying_with_its_citation():
    facts = CaseFacts(acting_org_type="municipality", complexity="complex")
    assert "hc-3-accompany-complex" in ids(facts)
    assert "hc-3-centre-very-complex" not in ids(facts)
    step = suggest_escalation("municipality", "complex")
    assert step.escalate_to == "health_centre"
    assert step.asks == ("accompany", "advice")
    assert step.lead == "municipality"
    assert step.based_on == "hc-3-accompany-complex"
    assert step.citation == "運営要領 第1部（保健所）第3 業務：複雑又は困難なケース等は市町村職員に同行"


def test_an_especially_complex_case_at_a_health_centre_goes_to_the_mhw_centre():
    facts = CaseFacts(acting_org_type="health_centre", complexity="very_complex")
    assert "hc-3-centre-very-complex" in ids(facts)
    step = suggest_escalation("health_centre", "very_complex")
    assert step.escalate_to == "mhw_centre"
    assert step.based_on == "hc-3-centre-very-complex"
    assert "精神保健福祉センター等の協力を得る" in step.citation


def test_the_ladder_stops_where_the_guideline_stops():
    assert suggest_escalation("municipality", "normal") is None
    assert suggest_escalation("health_centre", "complex") is None
    assert suggest_escalation("mhw_centre", "very_complex") is None
    assert suggest_escalation("visiting_nurse", "very_complex") is None
    assert suggest_escalation(None, "complex") is None
    # an especially complex case at a municipality still goes to the 保健所 first
    assert suggest_escalation("municipality", "very_complex").escalate_to == "health_centre"


def test_a_young_person_not_attending_school_brings_in_school_and_education_department():
    facts = CaseFacts(acting_org_type="municipality", age=15, attending_school=False)
    found = by_id(facts)
    school = found["mu-3-school-awareness"]
    assert "school" in school.involve
    assert "education" in school.involve_departments
    assert "思春期" in school.title
    assert "education" in found["mu-2-departments"].involve_departments


def test_an_adult_not_attending_school_is_not_a_school_case():
    assert "mu-3-school-awareness" not in ids(CaseFacts(acting_org_type="municipality", age=35,
                                                        attending_school=False))


def test_a_request_for_inpatient_visit_support_is_coordinated_with_the_prefecture():
    facts = CaseFacts(acting_org_type="municipality", phase="inpatient", wishes={"inpatient_visit_support"},
                      admission_type="medical_protection")
    found = by_id(facts)
    visit = found["mu-3-inpatient-visit"]
    assert visit.lead == "prefecture"
    assert "municipality" in visit.involve
    assert "入院者訪問支援事業" in visit.citation
    assert "hc-3-admission-affairs" in found


def test_a_housing_need_brings_in_the_housing_department_and_housing_support():
    housing = by_id(CaseFacts(acting_org_type="municipality", need_domains={"housing"}))["mu-3-housing"]
    assert "housing_support" in housing.involve
    assert "housing" in housing.involve_departments
    assert "housing_support_actor" in housing.involve_roles
    assert "住宅部局や居住支援関係者" in housing.citation


def test_an_employment_need_links_to_employment_policy_at_either_layer():
    at_municipality = by_id(CaseFacts(acting_org_type="municipality", need_domains={"employment"}))
    assert "employment_support" in at_municipality["mu-3-employment"].involve
    assert "雇用施策" in at_municipality["mu-3-employment"].citation
    assert "hc-3-employment" not in at_municipality
    at_health_centre = by_id(CaseFacts(acting_org_type="health_centre", wishes={"work"}))
    assert "employment_support" in at_health_centre["hc-3-employment"].involve
    assert "mu-3-employment" not in at_health_centre


def test_personal_information_care_applies_to_every_situation_exactly_once():
    for acting in ["municipality", "health_centre", "mhw_centre", "visiting_nurse", None]:
        found = ids(CaseFacts(acting_org_type=acting))
        privacy = [rule_id for rule_id in found if rule_id.endswith("-4-privacy")]
        assert len(privacy) == 1, acting
    assert "hc-4-privacy" in ids(CaseFacts(acting_org_type="health_centre"))
    assert "mu-4-privacy" in ids(CaseFacts(acting_org_type="municipality"))


def test_a_hard_to_reach_person_gets_outreach_with_the_health_centre():
    outreach = by_id(CaseFacts(acting_org_type="municipality", hard_to_reach=True))["mu-3-outreach"]
    assert "health_centre" in outreach.involve
    assert "mu-3-outreach" not in ids(CaseFacts(acting_org_type="municipality", hard_to_reach=True,
                                                phase="inpatient"))


def test_a_family_involved_links_to_family_groups():
    found = by_id(CaseFacts(acting_org_type="municipality", family_involved=True))
    assert "peer_family_group" in found["mu-3-foster-groups"].involve


def test_order_is_most_specific_first_then_the_guideline_order():
    found = recommend(CaseFacts(acting_org_type="municipality", need_domains={"housing", "employment", "family"},
                                complexity="complex", phase="community"))
    order = [r.rule_id for r in found]
    assert order.index("mu-2-multidisciplinary") < order.index("mu-1-support-system")
    # rules of equal specificity follow the guideline: 第1部 before 第2部, 第2 before 第3
    assert order.index("hc-3-accompany-complex") < order.index("mu-3-housing")
    assert order[-1] == "mu-4-privacy"
    assert recommend(CaseFacts(acting_org_type="municipality", need_domains={"housing", "employment", "family"},
                               complexity="complex", phase="community")) == found


def test_unknown_facts_in_code_lists_are_reported_in_japanese():
    errors = check_facts(CaseFacts(need_domains={"hosing"}, complexity="extreme", acting_org_type="bank",
                                   age=-1))
    assert errors["need_domains"] == "ニーズの領域に使えない値があります: hosing"
    assert errors["complexity"] == "複雑さに使えない値です: extreme"
    assert "対応している機関の種別" in errors["acting_org_type"]
    assert errors["age"] == "年齢は0〜130の整数で入力してください。"
    assert check_facts(CaseFacts(acting_org_type="municipality", need_domains={"housing"})) == {}
