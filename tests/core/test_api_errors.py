def test_api_404_is_japanese(pref, client_for):
    response = client_for(pref.users.alice).get("/api/accounts/staff")
    assert response.status_code == 404 and response.json() == {"detail": "見つかりません。", "errors": []}


def test_unparsable_json_gets_a_japanese_400(pref, client_for):
    response = client_for(pref.users.alice).post("/api/guidance/recommend", data="{not json",
                                                 content_type="application/json")
    assert response.status_code in (400, 422)
    body = response.json()
    assert "JSON" in str(body) and ("形式" in str(body) or "読めません" in str(body))


def test_validation_errors_are_japanese(pref, client_for):
    response = client_for(pref.users.alice).post("/api/guidance/recommend", data={"age": "十五"},
                                                 content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "入力内容に誤りがあります。"
    assert body["errors"] and all("Value error" not in item["msg"] for item in body["errors"])


def test_openapi_schema_builds(pref, client_for):
    response = client_for(pref.users.alice).get("/api/openapi.json")
    assert response.status_code == 200 and response.json()["info"]["title"] == "Renkei API"
