import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from renkei.cases import actions, search
from renkei.cases.models import Person


def test_contact_details_are_encrypted_at_rest(make_person):
    person = make_person(phone="090-1234-5678", address="青葉市本町9-9", contact_notes="母に知られないように")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, address, contact_notes FROM cases_person WHERE id = %s", [person.pk])
        raw = cursor.fetchone()
    assert all(value and "090" not in value and "本町" not in value and "母" not in value for value in raw)
    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.phone, fresh.address, fresh.contact_notes) == ("090-1234-5678", "青葉市本町9-9", "母に知られないように")


@pytest.mark.parametrize("query", ["やまだ", "ヤマダ", "ﾔﾏﾀﾞ", "ヤマダ　タロウ", "やまだたろう", "山田", "山田　太郎", "ﾀﾛｳ"])
def test_name_search_ignores_kana_kind_and_width(pref, make_person, query):
    person = make_person()
    make_person(name="鈴木 花子", kana="スズキ ハナコ", birth_date=dt.date(1970, 1, 1))
    assert search.find_persons(pref.memberships.alice, query) == [person]


def test_persons_are_found_by_case_number(pref, make_person, make_case):
    person = make_person()
    case = make_case(person)
    assert search.find_persons(pref.memberships.alice, case.number) == [person]


def test_registration_warns_of_the_same_kana_and_birth_date(pref, make_person):
    existing = make_person()
    with pytest.raises(actions.DuplicateWarning) as warning:
        actions.do_register_person(request=None, membership=pref.memberships.alice,
                                   data={"name": "山田 太朗", "kana": "やまだ たろう", "birth_date": dt.date(1990, 5, 1)})
    assert warning.value.candidates == [existing]
    assert Person.objects.count() == 1


@pytest.mark.parametrize("kana,birth", [
    ("ヤマダ タロウ", dt.date(1990, 5, 3)),   # same kana, birth date two days off
    ("ヤマダ タロー", dt.date(1990, 5, 1)),   # same birth date, similar kana
])
def test_registration_warns_of_close_matches(pref, make_person, kana, birth):
    existing = make_person()
    assert actions.find_duplicates(pref.memberships.alice, kana=kana, birth_date=birth) == [existing]


def test_different_people_raise_no_warning(pref, make_person):
    make_person()
    assert actions.find_duplicates(pref.memberships.alice, kana="スズキ ハナコ", birth_date=dt.date(1990, 5, 1)) == []
    assert actions.find_duplicates(pref.memberships.alice, kana="ヤマダ タロウ", birth_date=dt.date(1991, 5, 1)) == []


def test_duplicates_are_looked_for_only_among_records_the_worker_may_see(pref, make_person):
    make_person(membership=pref.memberships.mallory)
    assert actions.find_duplicates(pref.memberships.alice, kana="ヤマダ タロウ", birth_date=dt.date(1990, 5, 1)) == []


def test_registration_page_offers_the_existing_person_and_registers_after_confirmation(pref, client_for, make_person):
    existing = make_person()
    client = client_for(pref.users.alice)
    form = {"name": "山田 太郎", "kana": "ﾔﾏﾀﾞ ﾀﾛｳ", "birth_date": "1990-05-01", "sex": "male"}
    response = client.post(reverse("cases:person_create"), form)
    assert response.status_code == 200
    assert reverse("cases:person_detail", args=[existing.pk]) in response.content.decode()
    assert Person.objects.count() == 1
    response = client.post(reverse("cases:person_create"), form | {"confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_bad_person_input_changes_nothing_and_says_why_in_japanese(pref, client_for):
    client = client_for(pref.users.alice)
    response = client.post(reverse("cases:person_create"), {"name": "山田", "birth_date": "2999-01-01", "sex": "male"})
    assert response.status_code == 200
    assert "生年月日が未来の日付です" in response.content.decode()
    assert not Person.objects.exists()


def test_api_registration_answers_409_with_candidates_then_201(pref, client_for, make_person):
    existing = make_person()
    client = client_for(pref.users.alice)
    body = {"name": "山田 太郎", "kana": "やまだたろう", "birth_date": "1990-05-01"}
    response = client.post("/api/cases/persons", body, content_type="application/json")
    assert response.status_code == 409
    assert [d["id"] for d in response.json()["duplicates"]] == [existing.pk]
    response = client.post("/api/cases/persons", body | {"confirm_duplicate": True}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["version"] == 1
