"""Codes of a vocabulary in the API (issue 12): the OpenAPI schema lists the allowed values as an `enum`, read
from the data file through the app's loader, and any other code is refused with the one Japanese 422."""

import datetime as dt

import pytest

from renkei.accounts.reference import load_json as accounts_data
from renkei.api import api
from renkei.cases import reference as cases
from renkei.consent import reference as consent
from renkei.consent.models import Disclosure
from renkei.directory import matching
from renkei.directory import reference as directory
from renkei.discharge import reference as discharge
from renkei.guidance.engine import load_rules
from renkei.referrals import reference as referrals

# Input properties whose values are codes: each must carry an `enum` wherever it appears in an input schema.
# (`need` of the directory match is left out: it takes a taxonomy term's code or its UUID.)
CODE_NAMES = {
    "category", "factors", "sex", "channel", "consulter", "complexity", "status", "to_status", "expected_status",
    "kind", "role", "method", "legal_basis", "recipient_kind", "recipient_type", "scopes", "asks", "urgency",
    "basis", "meeting_kind", "meeting_form", "admission_type", "source", "accessibility", "language",
    "need_domains", "wishes", "phase", "acting_org_type", "box",
}


@pytest.fixture(scope="module")
def schema():
    return api.get_openapi_schema(path_prefix="/api/")


def _enum(prop: dict) -> list | None:
    for option in prop.get("anyOf", [prop]):
        if option.get("type") == "array":
            option = option.get("items", {})
        if "enum" in option:
            return option["enum"]
    return None


def _input_properties(schema):
    """(where, name, property) of every query/path parameter and request-body property."""
    components = schema["components"]["schemas"]
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            for parameter in operation.get("parameters", []):
                yield f"{method.upper()} {path}", parameter["name"], parameter["schema"]
            body = operation.get("requestBody", {}).get("content", {})
            for content in body.values():
                ref = content["schema"].get("$ref", "")
                for name, prop in components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}).items():
                    yield f"{method.upper()} {path}", name, prop


def codes_of(items, key="code"):
    return [item[key] for item in items]


def test_the_schema_lists_each_vocabulary_as_read_from_its_data_file(schema):
    rules = load_rules()
    expected = {
        ("ConsultationIn", "category"): list(cases.all_category_names()),
        ("ConsultationIn", "factors"): list(cases.all_factor_names()),
        ("ConsentIn", "recipient_type"): codes_of(accounts_data("organisation_types.json")["types"]),
        ("DisclosureIn", "legal_basis"): codes_of(consent.disclosure_bases()),
        ("BreakGlassIn", "legal_basis"): codes_of(consent.breakglass_bases()),
        ("ReferralIn", "asks"): codes_of(referrals.data()["asks"]),
        ("ReferralIn", "scopes"): codes_of(consent.scopes()),
        ("ReferralIn", "need"): [t["code"] for t in directory.planned_terms() if t["taxonomy"] == directory.SERVICE_KIND],
        ("ReferralIn", "legal_basis"): [""] + codes_of(consent.disclosure_bases()),
        ("TransitionIn", "reason"): [""] + [code for code, _ in referrals.selectable_reasons()],
        ("AgreementIn", "meeting_kind"): [""] + codes_of(discharge.load("plan_rules")["meeting_kinds"]),
        ("AgreementIn", "meeting_form"): [""] + codes_of(discharge.load("plan_rules")["meeting_forms"]),
        ("StepIn", "status"): codes_of(discharge.load("pathway")["statuses"]),
        ("RequestIn", "admission_type"): codes_of(discharge.load("visit_support")["admission_types"]),
        ("RequestIn", "source"): codes_of(discharge.load("visit_support")["sources"]),
        ("WishIn", "method"): codes_of(discharge.load("visit_support")["wish_methods"]),
        ("VisitIn", "kind"): codes_of(discharge.load("outreach")["kinds"]),
        ("VisitIn", "category"): list(cases.all_category_names()),
        ("FactsIn", "need_domains"): list(rules.vocabularies["need_domains"]),
        ("FactsIn", "complexity"): list(rules.vocabularies["complexity"]),
        ("FactsIn", "acting_org_type"): list(rules.vocabularies["organisation_types"]),
        ("FactsIn", "phase"): list(rules.vocabularies["phases"]),
        ("FactsIn", "wishes"): list(rules.vocabularies["wishes"]),
        ("FactsIn", "admission_type"): list(rules.vocabularies["admission_types"]),
    }
    components = schema["components"]["schemas"]
    for (component, name), values in expected.items():
        assert values, (component, name)  # the loader read something
        assert _enum(components[component]["properties"][name]) == values, (component, name)
    match = {p["name"]: p["schema"] for p in schema["paths"]["/api/directory/match"]["get"]["parameters"]}
    assert _enum(match["accessibility"]) == list(matching.config()["accessibility"])
    assert _enum(match["language"]) == list(matching.config()["languages"])


def _free_text(prop: dict) -> bool:
    """A long text (the 退院後支援計画's `wishes` is the person's own words, not codes)."""
    return any(option.get("type") == "string" and option.get("maxLength", 0) >= 1000
               for option in prop.get("anyOf", [prop]))


def test_every_code_field_of_the_api_declares_its_values(schema):
    missing = sorted({f"{where} {name}" for where, name, prop in _input_properties(schema)
                      if name in CODE_NAMES and not _enum(prop) and not _free_text(prop)})
    assert not missing, "code fields without an enum: " + ", ".join(missing)


def refused(response, field, listed):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == "入力内容に誤りがあります。"
    [error] = [e for e in body["errors"] if field in e["loc"]]
    assert error["msg"].startswith(f"選択肢にない値です（指定できるのは {listed}"), error
    return error


@pytest.fixture
def person(pref):
    from renkei.cases.actions import do_register_person

    return do_register_person(request=None, membership=pref.memberships.alice, confirm_duplicate=True, data={
        "name": "森 本子", "kana": "モリ モトコ", "birth_date": dt.date(1980, 4, 1), "sex": "female",
        "municipality": pref.orgs.aoba, "address": "", "phone": ""})


def test_a_disclosure_with_a_basis_not_in_the_data_file_is_refused_in_japanese_and_nothing_is_written(
        pref, client_for, person):
    until = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    response = client_for(pref.users.alice).post(
        f"/api/consent/persons/{person.pk}/disclosures",
        {"recipient_id": pref.orgs.hc.pk, "legal_basis": "nonsense", "scopes": ["基本情報"], "valid_until": until},
        content_type="application/json")
    refused(response, "legal_basis", "・".join(codes_of(consent.disclosure_bases()))[:20])
    assert not Disclosure.objects.exists()


def test_a_referral_asking_for_an_unknown_kind_of_help_is_refused_in_japanese(pref, client_for, person):
    response = client_for(pref.users.alice).post("/api/referrals/", {
        "case_id": 1, "purpose": "退院後の住まい", "asks": ["accept", "teleport"]}, content_type="application/json")
    error = refused(response, "asks", codes_of(referrals.data()["asks"])[0])
    assert error["loc"] == ["body", "payload", "asks", 1]


def test_the_directory_match_refuses_a_language_not_in_the_matching_file(pref, client_for):
    response = client_for(pref.users.alice).get("/api/directory/match",
                                                {"need": "housing", "municipality": pref.orgs.aoba.pk, "language": "xx"})
    refused(response, "language", "・".join(matching.config()["languages"]))


def test_a_step_status_not_in_the_pathway_file_is_refused_in_japanese(pref, client_for):
    response = client_for(pref.users.alice).put("/api/discharge/steps/1", {"status": "finished"},
                                                content_type="application/json")
    refused(response, "status", codes_of(discharge.load("pathway")["statuses"])[0])


def test_an_empty_code_is_refused_where_the_field_has_no_none_chosen(pref, client_for):
    response = client_for(pref.users.alice).put("/api/discharge/steps/1", {"status": ""}, content_type="application/json")
    refused(response, "status", "todo")
