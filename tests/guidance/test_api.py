"""The guidance API answers the same as the page, requires a session and refuses bad input in Japanese."""

import json

RECOMMEND = "/api/guidance/recommend"
RULES = "/api/guidance/rules"


def post(client, payload):
    return client.post(RECOMMEND, data=json.dumps(payload), content_type="application/json")


def test_the_api_requires_login(client, pref):
    assert post(client, {}).status_code == 401
    assert client.get(RULES).status_code == 401


def test_recommend_returns_rules_with_citations_and_names_for_a_community_life_wish(client_for, pref):
    response = post(client_for(pref.users.alice), {"phase": "inpatient", "wishes": ["community_life"]})
    assert response.status_code == 200
    body = response.json()
    assert body["acting_org_type"] == "municipality"  # defaulted from the active membership
    found = {r["rule_id"]: r for r in body["recommendations"]}
    transition = found["mu-3-community-transition"]
    assert transition["lead_name"] == "市町村"
    assert {"code": "health_centre", "name": "保健所"} in transition["involve"]
    assert {"code": "discharge_counsellor", "name": "退院後生活環境相談員"} in transition["involve_roles"]
    assert transition["citation"].startswith("運営要領 第2部（市町村）第3 業務")
    assert body["recommendations"][0]["rule_id"] == "mu-3-community-transition"
    assert body["escalation"] is None


def test_an_explicit_acting_type_and_complexity_yield_the_escalation(client_for, pref):
    body = post(client_for(pref.users.alice), {"acting_org_type": "health_centre", "complexity": "very_complex"}
                ).json()
    assert body["escalation"]["escalate_to"] == "mhw_centre"
    assert body["escalation"]["escalate_to_name"] == "精神保健福祉センター"
    assert body["escalation"]["based_on"] == "hc-3-centre-very-complex"
    assert "hc-3-centre-very-complex" in [r["rule_id"] for r in body["recommendations"]]


def test_an_explicit_null_acting_type_means_unknown(client_for, pref):
    body = post(client_for(pref.users.alice), {"acting_org_type": None, "complexity": "complex"}).json()
    assert body["acting_org_type"] is None
    assert body["escalation"] is None


def test_unknown_codes_are_refused_with_japanese_messages(client_for, pref):
    response = post(client_for(pref.users.alice), {"need_domains": ["hosing"], "complexity": "extreme",
                                                   "wishes": ["flying"]})
    assert response.status_code == 422
    messages = {tuple(item["loc"]): item["msg"] for item in response.json()["errors"]}
    assert messages[("body", "facts", "need_domains")] == "ニーズの領域に使えない値があります: hosing"
    assert messages[("body", "facts", "complexity")] == "複雑さに使えない値です: extreme"
    assert messages[("body", "facts", "wishes")] == "本人の希望に使えない値があります: flying"


def test_wrong_types_are_refused_with_japanese_messages(client_for, pref):
    response = post(client_for(pref.users.alice), {"age": "十五", "attending_school": "maybe",
                                                   "need_domains": "housing"})
    assert response.status_code == 422
    text = json.dumps(response.json(), ensure_ascii=False)
    assert "年齢は0〜130の整数で指定してください。" in text
    assert "true / false（または null）で指定してください。" in text
    assert "コードの文字列の配列で指定してください。" in text


def test_an_age_out_of_range_is_refused(client_for, pref):
    response = post(client_for(pref.users.alice), {"age": 300})
    assert response.status_code == 422
    assert response.json()["errors"][0]["msg"] == "年齢は0〜130の整数で入力してください。"


def test_rules_returns_the_versioned_rule_set(client_for, pref):
    from renkei.guidance.engine import load_rules

    body = client_for(pref.users.dave).get(RULES).json()
    assert body["version"] == load_rules().version
    assert len(body["rules"]) == len(load_rules().rules)
    assert body["source"]["notice"].startswith("令和5年11月27日 障発1127第9号")
    assert [step["to_type"] for step in body["escalation"]] == ["health_centre", "mhw_centre"]
    assert {"code": "community_life", "name": "地域での生活を希望（地域移行）"} in body["vocabularies"]["wishes"]
    housing = next(rule for rule in body["rules"] if rule["id"] == "mu-3-housing")
    assert housing["applies_when"] == {"fact": "need_domains", "contains": "housing"}


def test_the_openapi_schema_declares_the_422_answer(client_for, pref):
    schema = client_for(pref.users.alice).get("/api/openapi.json").json()
    operation = schema["paths"][RECOMMEND]["post"]
    assert "422" in operation["responses"]
    assert "200" in schema["paths"][RULES]["get"]["responses"]
