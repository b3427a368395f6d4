"""One conflict mechanism for every versioned form: persons, cases and record entries here; plans and
conference records in their apps (tests/cases/conflicts.py walks each)."""

import datetime as dt

import pytest
from django import forms
from django.urls import reverse

from renkei.cases import actions
from renkei.cases.models import Case, Person, RecordEntry
from renkei.cases.versioning import StaleVersion, conflict

from .conflicts import walk_conflict

NEEDS = ["medical", "crisis", "housing", "employment", "education", "family", "addiction", "economic", "physical",
         "legal"]


class _Form(forms.Form):
    note = forms.CharField(label="メモ", widget=forms.Textarea)
    sex = forms.ChoiceField(label="性別", choices=[("male", "男性"), ("female", "女性")])
    on = forms.DateField(label="日付", required=False)


def test_the_conflict_marks_only_the_differing_fields_and_the_changed_part_of_a_long_text():
    text = "本人は落ち着いている。" * 10
    form = _Form({"note": text + "服薬は続けている。<b>", "sex": "male", "on": "2026-02-30"})
    form.is_valid()
    result = conflict(form, {"note": text + "服薬をやめた。", "sex": "female", "on": dt.date(2026, 2, 1)}, 3)
    rows = {row.label: row for row in result.rows}
    assert result.label == "第3版" and result.differences == 3
    assert rows["性別"].theirs == '<mark class="diff-theirs">女性</mark>'
    assert rows["性別"].yours == '<mark class="diff-yours">男性</mark>'
    assert rows["日付"].theirs.endswith("令和8年2月1日</mark>") and "2026-02-30" in rows["日付"].yours
    # the unchanged beginning of the long text is not marked; the typed markup is escaped
    assert rows["メモ"].yours.startswith("本人は落ち着いている。") and "&lt;b&gt;" in rows["メモ"].yours
    assert "<b>" not in rows["メモ"].yours


def test_a_stale_version_is_a_validation_error_so_no_handler_answers_500():
    error = StaleVersion(object())
    assert isinstance(error, actions.ValidationError) and error.messages == [StaleVersion.message]


@pytest.fixture
def alice(pref, client_for):
    return client_for(pref.users.alice)


def _stored_person(pk):
    return tuple(Person.objects.filter(pk=pk).values_list("phone", "contact_notes", "version").get())


def test_a_person_edit_conflict_never_overwrites_and_saves_only_after_taking_the_newer_version(pref, alice,
                                                                                            make_person):
    person = make_person()
    url = reverse("cases:person_edit", args=[person.pk])
    assert alice.get(url).status_code == 200
    data = {"name": person.name, "kana": person.kana, "birth_date": "1990-05-01", "sex": "male", "address": "",
            "phone": "080-2222-2222", "contact_notes": "平日の昼のみ", "version": 1}

    def colleague_saves():
        actions.do_update_person(request=None, membership=pref.memberships.bob, person=person, version=1,
                                 data={"name": person.name, "kana": person.kana, "sex": "male",
                                       "birth_date": dt.date(1990, 5, 1), "phone": "090-1111-1111"})

    walk_conflict(alice, url, data, colleague_saves=colleague_saves, stored=lambda: _stored_person(person.pk),
                  theirs_text="090-1111-1111", yours_text="080-2222-2222", differing_label="電話番号")
    assert _stored_person(person.pk) == ("080-2222-2222", "平日の昼のみ", 3)


def test_a_case_edit_conflict_never_overwrites_and_saves_only_after_taking_the_newer_version(pref, alice,
                                                                                          make_person, make_case):
    case = make_case(make_person())
    url = reverse("cases:case_edit", args=[case.pk])
    data = {"lead": pref.users.alice.pk, "complexity": "normal", "summary": "母親からの相談で始まった。", "version": 1,
            **{f"need_{c}": "none" for c in NEEDS}}

    def colleague_saves():
        actions.do_update_case(request=None, membership=pref.memberships.bob, case=case, version=1,
                               lead=pref.users.alice, co_workers=[], complexity="complex", needs={},
                               summary="本人が来所して相談した。")

    def stored():
        return tuple(Case.objects.filter(pk=case.pk).values_list("complexity", "summary", "version").get())

    walk_conflict(alice, url, data, colleague_saves=colleague_saves, stored=stored,
                  theirs_text="本人が来所して相談した。", yours_text="母親からの相談で始まった。", differing_label="主訴・概要")
    assert stored() == ("normal", "母親からの相談で始まった。", 3)


def test_a_record_entry_amendment_conflict_never_overwrites(pref, alice, make_person, make_case, make_entry):
    entry = make_entry(make_case(make_person()), body="原文")
    url = reverse("cases:entry_amend", args=[entry.pk])
    data = {"kind": "visit", "occurred_at": "2026-01-05T10:00", "reason": "追記", "body": "アリスの修正", "version": 1}

    def colleague_saves():
        actions.do_amend_entry(request=None, membership=pref.memberships.bob, entry=entry, version=1,
                               body="ボブの修正", reason="訂正", kind="visit", occurred_at=entry.occurred_at)

    def stored():
        return tuple(RecordEntry.objects.filter(pk=entry.pk).values_list("body", "version").get())

    walk_conflict(alice, url, data, colleague_saves=colleague_saves, stored=stored, theirs_text="ボブの修正",
                  yours_text="アリスの修正", differing_label="内容")
    assert stored() == ("アリスの修正", 3)
    assert list(RecordEntry.objects.get(pk=entry.pk).revisions.values_list("body", flat=True)) == [
        "原文", "ボブの修正", "アリスの修正"]


def test_a_stale_status_change_keeps_the_note_and_the_version_it_was_opened_on(pref, alice, make_person, make_case):
    case = make_case(make_person())
    actions.do_update_case(request=None, membership=pref.memberships.bob, case=case, version=1,
                           lead=pref.users.alice, co_workers=[], complexity="complex", needs={}, summary="")
    alice.post(reverse("cases:case_status", args=[case.pk]), {"version": 1, "to_status": "closed",
                                                             "closure_reason": "goal_met", "note": "本人と話して終結"})
    page = alice.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "ほかの職員が先に更新しました" in page and "本人と話して終結" in page
    assert '<input type="hidden" name="version" value="1"' in page
    assert Case.objects.get(pk=case.pk).status != "closed"


def test_a_refused_link_of_a_consultation_keeps_the_reason_typed(pref, alice, make_person, make_consultation):
    consultation = make_consultation()
    person = make_person()
    page = reverse("cases:consultation_detail", args=[consultation.pk])
    alice.post(reverse("cases:consultation_link", args=[consultation.pk]),
               {"person": person.pk, "version": 99, "reason": "電話の声と名乗りで同じ方と確認した\x00"})
    body = alice.get(page).content.decode()
    assert "電話の声と名乗りで同じ方と確認した" in body
    assert Case.objects.filter(person=person).count() == 0 and consultation.__class__.objects.get(
        pk=consultation.pk).person_id is None
