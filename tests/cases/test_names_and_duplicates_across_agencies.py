"""Names are kept exactly as typed (compatibility kanji included; only the search keys are normalised),
フリガナ is kept as typed and compared folded, and a registration that may duplicate a person registered
by another organisation of the 管内 gives a hint that names neither, on the audit record."""

import datetime as dt

import pytest
from django.urls import reverse

from renkei.audit.models import AuditEvent
from renkei.cases import actions, search
from renkei.cases.models import Person

TSUKA, KAMI = "\ufa10", "\ufa19"  # 塚 and 神 as compatibility ideographs (NFC/NFKC turn them into U+585A, U+795E)


def test_compatibility_kanji_in_a_name_are_kept_as_typed_and_found_by_the_unified_form(pref, make_person):
    person = make_person(name=f"{TSUKA}田 {KAMI}子", kana="つかだ みわこ")
    fresh = Person.objects.get(pk=person.pk)
    assert fresh.name == f"{TSUKA}田 {KAMI}子" and fresh.kana == "つかだ みわこ"
    assert search.find_persons(pref.memberships.alice, "塚田") == [fresh]
    assert search.find_persons(pref.memberships.alice, "ツカダ") == [fresh]


def test_the_registration_page_keeps_the_name_as_typed(pref, client_for):
    response = client_for(pref.users.alice).post(reverse("cases:person_create"), {
        "name": f"{TSUKA}本 {KAMI}一", "kana": "ﾂｶﾓﾄ ｼﾝｲﾁ", "birth_date": "1980-01-02", "sex": "male"})
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.name == f"{TSUKA}本 {KAMI}一" and person.kana == "ﾂｶﾓﾄ ｼﾝｲﾁ"
    assert person.kana_folded == "つかもとしんいち"


def test_editing_a_person_keeps_the_name_as_typed(pref, make_person):
    person = make_person()
    person = actions.do_update_person(request=None, membership=pref.memberships.alice, person=person,
                                      version=person.version, data={"name": f"{TSUKA}田 太郎", "kana": "ツカダ タロウ"})
    assert Person.objects.get(pk=person.pk).name == f"{TSUKA}田 太郎"


@pytest.mark.parametrize("who", ["mallory", "hana"])
def test_another_agency_of_the_area_gets_a_hint_that_names_neither_the_person_nor_the_office(pref, make_person,
                                                                                             who):
    existing = make_person()  # 青葉市: 山田 太郎（ヤマダ タロウ）1990-05-01
    m = getattr(pref.memberships, who)
    with pytest.raises(actions.DuplicateWarning) as warning:
        actions.do_register_person(request=None, membership=m, data={
            "name": "山田 太郎", "kana": "やまだ　たろう", "birth_date": dt.date(1990, 5, 1)})
    assert warning.value.candidates == []
    hint = warning.value.elsewhere
    assert hint.startswith("管内の他の機関に同じ方の登録がある可能性があります。")
    assert "青葉市" not in hint and "山田" not in hint and "連携依頼" in hint
    assert not Person.objects.filter(organisation=m.organisation).exists()
    logged = AuditEvent.objects.get(action="person.duplicate_hint")
    assert logged.person_id == str(existing.pk) and logged.actor == m.user and logged.field_groups == []
    person = actions.do_register_person(request=None, membership=m, confirm_duplicate=True, data={
        "name": "山田 太郎", "kana": "やまだ　たろう", "birth_date": dt.date(1990, 5, 1)})
    assert person.kana == "やまだ　たろう" and person.kana_folded == existing.kana_folded


def test_no_hint_for_another_birth_date_or_outside_the_area(pref, make_person):
    make_person()
    assert actions.do_register_person(request=None, membership=pref.memberships.mallory, data={
        "name": "山田 太郎", "kana": "ヤマダ タロウ", "birth_date": dt.date(1990, 5, 2)})
    assert actions.area_organisations(pref.orgs.vn) == []
    assert not AuditEvent.objects.filter(action="person.duplicate_hint").exists()


def test_the_registration_page_shows_the_hint_and_registers_after_confirmation(pref, client_for, make_person):
    make_person()
    client = client_for(pref.users.mallory)
    form = {"name": "山田 太郎", "kana": "ﾔﾏﾀﾞ ﾀﾛｳ", "birth_date": "1990-05-01", "sex": "male"}
    page = client.post(reverse("cases:person_create"), form).content.decode()
    hint = page[page.index('class="notice duplicate-hint"'):page.index("</section>", page.index("duplicate-hint"))]
    assert "管内の他の機関に同じ方の登録がある可能性があります" in hint and "青葉市" not in hint
    assert "みどり県中央保健所" in hint and "duplicate-warning" not in page
    assert client.post(reverse("cases:person_create"), form | {"confirm_duplicate": "on"}).status_code == 302
    assert Person.objects.filter(organisation=pref.orgs.wakaba).count() == 1


def test_the_api_answers_409_with_the_hint_only(pref, client_for, make_person):
    make_person()
    response = client_for(pref.users.mallory).post("/api/cases/persons", {
        "name": "山田 太郎", "kana": "やまだたろう", "birth_date": "1990-05-01"}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["duplicates"] == []
    assert response.json()["detail"].startswith("管内の他の機関に同じ方の登録がある可能性があります。")
