"""The guidance page: a worker describes a situation (GET, shareable) and sees the guideline's answer."""

from django.urls import reverse

URL = reverse("guidance:page")


def test_the_page_requires_login(client, pref):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_empty_form_defaults_to_the_active_organisation_type_and_is_in_the_navigation(client_for, pref):
    response = client_for(pref.users.alice).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="municipality" selected>市町村</option>' in html
    assert "連携ガイダンス" in html and f'href="{URL}"' in html
    assert "医療・受診" in html and "地域での生活を希望（地域移行）" in html
    assert 'class="guidance-item"' not in html

    hana_at_hc = client_for(pref.users.hana).get(URL).content.decode()
    assert '<option value="health_centre" selected>保健所</option>' in hana_at_hc


def test_an_inpatient_wishing_for_community_life_shows_rules_with_citations_and_japanese_names(client_for, pref):
    response = client_for(pref.users.alice).get(URL, {
        "acting_org_type": "municipality", "phase": "inpatient", "wishes": ["community_life"], "complexity": "normal",
    })
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="rule-mu-3-community-transition"' in html
    assert "運営要領 第2部（市町村）第3 業務：地域移行を希望する入院患者について保健所及び退院後生活環境相談員等と連携" in html
    assert "退院後生活環境相談員" in html and "ピアサポーター" in html
    assert "医療機関（精神科病院）" in html
    assert html.index("rule-mu-3-community-transition") < html.index("rule-mu-4-privacy")


def test_a_complex_case_shows_the_escalation_to_the_health_centre(client_for, pref):
    html = client_for(pref.users.alice).get(URL, {"acting_org_type": "municipality", "complexity": "complex"}
                                            ).content.decode()
    assert "保健所に同行訪問・助言を依頼する" in html
    assert "同行訪問・助言" in html
    assert "根拠: 運営要領 第1部（保健所）第3 業務：複雑又は困難なケース等は市町村職員に同行" in html


def test_htmx_requests_get_only_the_results(client_for, pref):
    response = client_for(pref.users.alice).get(
        URL, {"acting_org_type": "municipality", "need_domains": ["housing"]},
        headers={"HX-Request": "true", "HX-Target": "guidance-results"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html
    assert 'id="rule-mu-3-housing"' in html and "住宅" in html and "居住支援" in html


def test_bad_input_gets_japanese_errors_and_no_recommendations(client_for, pref):
    response = client_for(pref.users.alice).get(URL, {
        "acting_org_type": "bank", "need_domains": ["hosing"], "age": "十五", "complexity": "extreme",
        "attending_school": "maybe",
    })
    html = response.content.decode()
    assert response.status_code == 200
    assert "入力に誤りがあります" in html
    assert "選択肢の中から選んでください。" in html
    assert "ニーズの領域に使えない値があります。" in html
    assert "年齢は0〜130の整数で入力してください。" in html
    assert 'class="guidance-item"' not in html


def test_an_age_out_of_range_is_refused(client_for, pref):
    html = client_for(pref.users.alice).get(URL, {"age": "200"}).content.decode()
    assert "年齢は0〜130の整数で入力してください。" in html
    assert 'class="guidance-item"' not in html


def test_every_role_with_directory_access_can_use_the_page(client_for, pref):
    for user in [pref.users.carol, pref.users.dave, pref.users.erin, pref.users.sam]:
        assert client_for(user).get(URL, {"complexity": "normal"}).status_code == 200
