import pytest
from django.urls import reverse

from renkei.cases.models import Person, RecordEntry


@pytest.fixture
def two(pref, client_for):
    return client_for(pref.users.alice), client_for(pref.users.bob)


def _person_form(person, **changes):
    return {"name": person.name, "kana": person.kana, "birth_date": "1990-05-01", "sex": "male",
            "address": "", "phone": "", "contact_notes": "", "version": 1, **changes}


def test_a_stale_person_save_is_refused_and_both_versions_are_shown(pref, two, make_person):
    alice, bob = two
    person = make_person()
    url = reverse("cases:person_edit", args=[person.pk])
    assert alice.get(url).status_code == bob.get(url).status_code == 200
    assert alice.post(url, _person_form(person, phone="090-1111-1111")).status_code == 302
    response = bob.post(url, _person_form(person, phone="080-2222-2222"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "ほかの職員が先に更新しました" in body
    assert "090-1111-1111" in body and "080-2222-2222" in body   # theirs and yours
    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.phone, fresh.version) == ("090-1111-1111", 2)
    # Having seen both, bob saves deliberately on top of version 2.
    assert bob.post(url, _person_form(person, phone="080-2222-2222", version=2)).status_code == 302
    assert Person.objects.get(pk=person.pk).version == 3


def test_a_stale_api_save_answers_409_with_theirs_and_yours(pref, two, make_person):
    alice, bob = two
    person = make_person()
    body = {"name": "山田 太郎", "kana": "ヤマダ タロウ", "birth_date": "1990-05-01", "version": 1}
    assert alice.put(f"/api/cases/persons/{person.pk}", body | {"phone": "1"}, content_type="application/json").status_code == 200
    response = bob.put(f"/api/cases/persons/{person.pk}", body | {"phone": "2"}, content_type="application/json")
    assert response.status_code == 409
    data = response.json()
    assert (data["theirs"]["phone"], data["theirs"]["version"]) == ("1", 2)
    assert (data["yours"]["phone"], data["yours"]["version"]) == ("2", 1)
    assert Person.objects.get(pk=person.pk).phone == "1"


def test_concurrent_amendments_of_one_entry_do_not_lose_either(pref, two, make_person, make_case, make_entry):
    alice, bob = two
    entry = make_entry(make_case(make_person()), body="原文")
    url = reverse("cases:entry_amend", args=[entry.pk])
    form = {"kind": "visit", "occurred_at": "2026-01-05T10:00", "reason": "追記", "version": 1}
    assert alice.post(url, form | {"body": "アリスの修正"}).status_code == 302
    response = bob.post(url, form | {"body": "ボブの修正"})
    body = response.content.decode()
    assert response.status_code == 200 and "アリスの修正" in body and "ボブの修正" in body
    entry.refresh_from_db()
    assert (entry.body, entry.revision_count) == ("アリスの修正", 2)
    assert list(entry.revisions.values_list("body", flat=True)) == ["原文", "アリスの修正"]


def test_a_stale_case_update_is_refused_with_both(pref, two, make_person, make_case):
    alice, bob = two
    case = make_case(make_person())
    body = {"lead_id": pref.users.alice.pk, "complexity": "complex", "needs": {"medical": "mild"}, "version": 1}
    assert alice.put(f"/api/cases/cases/{case.pk}", body, content_type="application/json").status_code == 200
    response = bob.put(f"/api/cases/cases/{case.pk}", body | {"complexity": "very_complex"}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["theirs"]["complexity"] == "complex"
    page = bob.post(reverse("cases:case_edit", args=[case.pk]), {
        "lead": pref.users.alice.pk, "complexity": "normal", "version": 1,
        **{f"need_{c}": "none" for c in ["medical", "crisis", "housing", "employment", "education", "family",
                                          "addiction", "economic", "physical", "legal"]}})
    assert "ほかの職員が先に更新しました" in page.content.decode() and "第2版" in page.content.decode()


def test_a_stale_entered_in_error_is_refused(pref, two, make_person, make_case, make_entry):
    alice, bob = two
    entry = make_entry(make_case(make_person()))
    alice.put(f"/api/cases/entries/{entry.pk}", {"version": 1, "body": "修正", "reason": "r"},
              content_type="application/json")
    response = bob.post(f"/api/cases/entries/{entry.pk}/entered-in-error", {"version": 1, "reason": "x"},
                        content_type="application/json")
    assert response.status_code == 409
    assert not RecordEntry.objects.get(pk=entry.pk).entered_in_error
