"""The API answers as an API (issue 12): JSON in Japanese in one shape for every error status under /api/,
every status declared in the OpenAPI schema, the FHIR media type declared."""

import pytest
from django.test import Client

from renkei.api import api


def is_error(response, status, detail=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"] and isinstance(body["errors"], list)
    assert not body["detail"].isascii(), body  # Japanese, not django-ninja's or Django's English
    if detail:
        assert body["detail"] == detail
    return body


def test_an_unknown_api_url_is_a_json_404(pref, client_for):
    is_error(client_for(pref.users.alice).get("/api/no/such/thing"), 404, "見つかりません。")


def test_an_unknown_public_api_url_is_a_json_404_without_login(client):
    is_error(client.get("/api/hsds/no-such-thing"), 404)


def test_a_method_the_url_does_not_take_is_a_japanese_json_405_with_allow(pref, client_for):
    response = client_for(pref.users.alice).delete("/api/cases/persons")
    is_error(response, 405, "この URL はこのメソッドに対応していません。")
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_a_server_error_is_a_japanese_json_500(pref, monkeypatch):
    from renkei.accounts import api as accounts_api

    monkeypatch.setattr(accounts_api, "ROLES", None)  # me() reads ROLES[...]: a TypeError inside the operation
    client = Client(raise_request_exception=False)
    client.force_login(pref.users.alice)
    is_error(client.get("/api/accounts/me"), 500, "サーバーで問題が起きました。時間をおいてもう一度お試しください。")


def test_a_server_error_outside_an_operation_is_json_too(pref, monkeypatch):
    from renkei.accounts import middleware

    def broken(self, request):
        raise RuntimeError("boom")

    monkeypatch.setattr(middleware.ActiveMembershipMiddleware, "__call__", broken)
    client = Client(raise_request_exception=False)
    client.force_login(pref.users.alice)
    is_error(client.get("/api/accounts/me"), 500)


def test_a_missing_login_is_a_json_401(client):
    is_error(client.get("/api/accounts/me"), 401, "ログインが必要です。")


def test_the_login_middlewares_401_under_api_has_the_one_error_shape(db, client):
    """The login-required middleware answers before any operation runs: the same body as the API's own 401."""
    for response in (client.get("/api/cases/persons"), client.post("/api/cases/persons", {}, content_type="application/json"),
                     client.get("/api/no/such/thing")):
        assert response.status_code == 401
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == {"detail": "ログインが必要です。", "errors": []}


def test_a_page_fragment_asked_without_login_answers_the_same_401_body_with_the_login_redirect(db, client):
    response = client.get("/cases/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.json() == {"detail": "ログインが必要です。", "errors": []}
    assert response["HX-Redirect"] == "/accounts/login/"


def test_a_request_django_refuses_before_the_api_a_foreign_host_is_a_400_in_the_one_shape(db):
    response = Client(raise_request_exception=False).get("/api/accounts/me", headers={"host": "evil.example"})
    is_error(response, 400, "リクエストの形式が正しくないため受け付けませんでした。保存されていません。")


def test_more_query_parameters_than_django_reads_are_a_japanese_400_not_a_500(pref, client_for, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    query = "&".join(f"p{i}=1" for i in range(21))
    is_error(client_for(pref.users.alice).get(f"/api/cases/persons?{query}"), 400, "パラメータの数が多すぎます。")


def test_a_write_without_the_csrf_token_is_a_japanese_json_403(pref):
    client = Client(enforce_csrf_checks=True)
    client.force_login(pref.users.alice)
    body = is_error(client.post("/api/cases/persons", {"name": "x"}, content_type="application/json"), 403)
    assert "CSRF" in body["detail"]


def test_an_oversize_body_is_a_japanese_json_413(pref, client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client_for(pref.users.alice).post("/api/cases/persons", {"name": "あ" * 2000},
                                                 content_type="application/json")
    is_error(response, 413, "送信された内容が大きすぎるため受け付けませんでした（上限 1,000バイト）。保存されていません。"
                            "文章を分けて保存してください。")


def test_unparsable_json_is_a_japanese_400(pref, client_for):
    is_error(client_for(pref.users.alice).post("/api/cases/persons", "{not json", content_type="application/json"), 400)


def test_an_action_refusal_is_a_400_with_one_sentence(pref, client_for):
    from renkei.cases.actions import do_open_case, do_register_person

    person = do_register_person(request=None, membership=pref.memberships.alice, confirm_duplicate=True,
                                data={"name": "森 本子", "kana": "", "birth_date": None, "sex": "female",
                                      "municipality": None, "address": "", "phone": ""})
    case = do_open_case(request=None, membership=pref.memberships.alice, person=person)
    response = client_for(pref.users.alice).put(f"/api/conferences/cases/{case.pk}/team/purpose", {"purpose": " "},
                                                content_type="application/json")
    body = is_error(response, 400)
    assert "目的" in body["detail"]


@pytest.fixture(scope="module")
def openapi():
    return api.get_openapi_schema(path_prefix="/api/")


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_declares_404_422_and_500_and_its_login_answers(openapi):
    for path, method, operation in operations(openapi):
        responses = set(operation["responses"])
        assert {404, 500} <= responses, (method, path)
        if operation.get("parameters") or operation.get("requestBody"):
            assert 422 in responses, (method, path)
        if operation.get("requestBody"):
            assert {400, 413} <= responses, (method, path)
        if not path.startswith("/api/hsds/"):
            assert 401 in responses, (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert 403 in responses, (method, path)


def test_every_error_answer_has_the_one_shape(openapi):
    for path, method, operation in operations(openapi):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                schema = response["content"]["application/json"]["schema"]
                if "$ref" in schema:
                    schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
                assert schema["properties"]["detail"]["type"] == "string", (method, path, status)


def test_every_integer_and_text_parameter_is_bounded(openapi):
    for path, method, operation in operations(openapi):
        for parameter in operation.get("parameters", []):
            schema = parameter["schema"]
            for option in schema.get("anyOf", [schema]):
                if option.get("type") == "integer":
                    assert "maximum" in option and "minimum" in option, (method, path, parameter["name"])
                if option.get("type") == "string" and "format" not in option and "enum" not in option:
                    assert "maxLength" in option, (method, path, parameter["name"])


def test_the_fhir_reads_declare_the_fhir_media_type(openapi):
    for path in ("/api/fhir/ServiceRequest/{referral_id}", "/api/fhir/Task/{referral_id}"):
        assert list(openapi["paths"][path]["get"]["responses"][200]["content"]) == ["application/fhir+json"]
