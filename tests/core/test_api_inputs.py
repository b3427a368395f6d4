"""Odd input found by fuzzing the API (issue 12): each answered in Japanese with a 4xx, never a 500, on SQLite
and PostgreSQL alike, and nothing written."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from renkei.cases import actions
from renkei.cases.models import Case, Consultation, Person, RecordEntry
from renkei.core.validators import CONTROL_MESSAGE


@pytest.fixture
def person(pref):
    return actions.do_register_person(request=None, membership=pref.memberships.alice, confirm_duplicate=True, data={
        "name": "森 本子", "kana": "モリ モトコ", "birth_date": dt.date(1980, 4, 1), "sex": "female",
        "municipality": pref.orgs.aoba, "address": "", "phone": ""})


@pytest.fixture
def case(pref, person):
    return actions.do_open_case(request=None, membership=pref.memberships.alice, person=person)


def refused(response, text=None):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == "入力内容に誤りがあります。" and body["errors"]
    if text:
        assert any(text in error["msg"] for error in body["errors"]), body
    return body


PERSON = {"name": "山田 花子", "kana": "ヤマダ ハナコ", "birth_date": "1985-06-01", "sex": "female"}


@pytest.mark.parametrize("fy", [0, -1, 10**20])
def test_the_visit_statistics_refuse_an_impossible_fiscal_year(pref, client_for, fy):
    refused(client_for(pref.users.bob).get("/api/discharge/stats/visits", {"fy": fy}), "以上で指定してください"
            if fy < 1873 else "")


def test_the_visit_statistics_answer_a_fiscal_year_in_range(pref, client_for):
    response = client_for(pref.users.bob).get("/api/discharge/stats/visits", {"fy": 2025})
    assert response.status_code == 200 and response.json()["fiscal_year"] == 2025


@pytest.mark.parametrize("days", [-99999999999, 99999999, -1])
def test_expiring_consents_refuse_an_unbounded_day_count(pref, client_for, days):
    refused(client_for(pref.users.alice).get("/api/consent/expiring", {"days": days}))


def test_expiring_consents_answer_a_day_count_in_range(pref, client_for):
    assert client_for(pref.users.alice).get("/api/consent/expiring", {"days": 30}).status_code == 200


@pytest.mark.parametrize("q", ["森\x00本", "森\x00本子さん", "\x00\x00\x00"])
def test_the_search_api_refuses_control_characters_in_japanese(pref, client_for, person, q):
    refused(client_for(pref.users.alice).get("/api/cases/search", {"q": q}), CONTROL_MESSAGE)


@pytest.mark.parametrize("q", ["森\x00本", "森\x00本子さん", '"森本"\x00 OR *'])
def test_the_search_page_refuses_control_characters_in_japanese(pref, client_for, person, q):
    response = client_for(pref.users.alice).get(reverse("cases:search"), {"q": q})
    assert response.status_code == 400 and CONTROL_MESSAGE in response.content.decode()


@pytest.mark.parametrize("q", ["森\x00本", '"森本"\x07 OR *', "\x00" * 5])
def test_the_search_itself_reads_control_characters_as_spaces(pref, person, q):
    from renkei.cases import search

    assert "\x00" not in search.clean_query(q)
    search.search_records(pref.memberships.alice, q)
    search.find_persons(pref.memberships.alice, q)


@pytest.mark.parametrize("url,params", [
    ("/audit/", {"until": "9999-12-31"}), ("/audit/", {"since": "0001-01-01"}), ("/audit/", {"person": "abc"}),
    ("/audit/", {"person": "9" * 30}), ("/audit/", {"actor": "a\x00b"}), ("/consent/", {"status": "\x00"}),
    ("/cases/stats/", {"fy": "\x00"}), ("/audit/", {"page": "9" * 30}),
])
def test_pages_answer_odd_query_parameters_without_a_server_error(pref, client_for, url, params):
    response = client_for(pref.users.bob).get(url, params)
    assert response.status_code in (200, 400), response.status_code


def test_the_search_api_finds_a_query_that_needs_escaping(pref, client_for, person):
    response = client_for(pref.users.alice).get("/api/cases/search", {"q": '森 "本子'})
    assert response.status_code == 200


def test_a_case_refuses_a_co_worker_id_beyond_a_bigint(pref, client_for, person):
    response = client_for(pref.users.alice).post("/api/cases/cases", {"person_id": person.pk, "co_worker_ids": [2**63]},
                                                 content_type="application/json")
    refused(response, "以下で指定してください")
    assert not Case.objects.exists()


@pytest.mark.parametrize("path", ["/api/cases/persons/9223372036854775808", "/api/cases/cases/99999999999999999999",
                                  "/api/referrals/99999999999999999999"])
def test_an_api_path_id_beyond_a_bigint_is_refused(pref, client_for, path):
    response = client_for(pref.users.alice).get(path)
    assert response.status_code in (404, 422) and response.json()["detail"]


@pytest.mark.parametrize("path", ["/cases/persons/99999999999999999999/", "/cases/9223372036854775808/",
                                  "/consent/99999999999999999999/", "/referrals/99999999999999999999/"])
def test_a_page_id_beyond_a_bigint_is_not_found(pref, client_for, path):
    assert client_for(pref.users.alice).get(path).status_code == 404


def test_a_page_query_id_beyond_a_bigint_is_refused_in_japanese_and_an_unknown_one_is_not_found(pref, client_for):
    client = client_for(pref.users.alice)
    response = client.get(reverse("cases:consultation_create"), {"person": "9" * 30})
    assert response.status_code == 400 and "「本人」は1以上の整数（半角数字）で指定してください。" in response.content.decode()
    assert client.get(reverse("cases:consultation_create"), {"person": str(2**63 - 1)}).status_code == 404


@pytest.mark.parametrize("params", [{"page": 16819191149115006976}, {"page": 0}, {"per_page": 10**6},
                                    {"search": "a\x00b"}, {"taxonomy_id": "not-a-uuid"},
                                    {"modified_after": "yesterday"}])
def test_the_public_hsds_api_refuses_odd_paging_and_search_without_login(client, params):
    refused(client.get("/api/hsds/services", params))
    refused(client.get("/api/hsds/taxonomies", params))


@pytest.mark.parametrize("change,message", [
    ({"name": "森\x00本"}, CONTROL_MESSAGE), ({"kana": "モリ\x07"}, CONTROL_MESSAGE),
    ({"name": "あ" * 101}, "100文字以内で入力してください。"), ({"kana": "ア" * 101}, "100文字以内で入力してください。"),
    ({"birth_date": "0001-01-01"}, "1900-01-01"), ({"sex": "alien"}, "選択肢にない値です"),
])
def test_a_person_with_odd_values_is_refused_the_same_on_both_databases(pref, client_for, change, message):
    response = client_for(pref.users.alice).post("/api/cases/persons", PERSON | change, content_type="application/json")
    refused(response, message)
    assert not Person.objects.exists()


def test_a_birth_date_in_the_future_is_refused(pref, client_for):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client_for(pref.users.alice).post("/api/cases/persons", PERSON | {"birth_date": tomorrow},
                                                 content_type="application/json")
    refused(response, "今日より後")


def test_a_person_at_the_limits_is_registered(pref, client_for):
    response = client_for(pref.users.alice).post("/api/cases/persons", PERSON | {"name": "あ" * 100, "kana": "ア" * 100,
                                                                                 "birth_date": "1900-01-01"},
                                                 content_type="application/json")
    assert response.status_code == 201, response.content


def test_a_consultation_with_nul_in_its_content_is_refused(pref, client_for):
    response = client_for(pref.users.alice).post("/api/cases/consultations", {
        "category": "depression", "content": "眠れ\x00ない"}, content_type="application/json")
    refused(response, CONTROL_MESSAGE)
    assert not Consultation.objects.exists()


def test_an_entry_with_nul_in_its_body_is_refused(pref, client_for, case):
    response = client_for(pref.users.alice).post(f"/api/cases/cases/{case.pk}/entries", {
        "kind": "visit", "body": "訪問\x00した"}, content_type="application/json")
    refused(response, CONTROL_MESSAGE)
    assert not RecordEntry.objects.exists()


def test_a_follow_up_in_the_far_future_is_refused(pref, client_for, case):
    response = client_for(pref.users.alice).post(f"/api/cases/cases/{case.pk}/entries", {
        "kind": "visit", "body": "訪問した", "follow_up_on": "9999-12-31"}, content_type="application/json")
    refused(response, "次回予定日")
    assert not RecordEntry.objects.exists()


def test_a_follow_up_next_month_is_accepted(pref, client_for, case):
    next_month = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = client_for(pref.users.alice).post(f"/api/cases/cases/{case.pk}/entries", {
        "kind": "visit", "body": "訪問した", "follow_up_on": next_month}, content_type="application/json")
    assert response.status_code == 201, response.content
