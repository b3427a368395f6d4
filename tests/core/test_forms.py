"""Every form keeps what was typed when it is refused, with a Japanese message at the field.

The forms are discovered from every app's forms module (as test_crawl.py discovers pages); each text field
gets a NUL byte and other control characters, each date an impossible date, each limited text one
character too many. Then the refused form must give back exactly what was typed, and say why in Japanese
(never Django's mistranslated 「何か文字を入力してください。」 for NUL)."""

import importlib
import inspect
import re
from types import SimpleNamespace

import pytest
from django import forms
from django.apps import apps
from django.urls import reverse

from renkei.core.forms import FormMetaclass, ModelFormMetaclass
from renkei.core.validators import CONTROL_MESSAGE

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
MISTRANSLATION = "何か文字を入力してください。"


def form_classes():
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("renkei."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for cls in vars(module).values():
            if (inspect.isclass(cls) and issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
                    and module.__name__ != "renkei.core.forms"):  # not the bases themselves
                found.append(cls)
    return found


FORMS = form_classes()


def test_forms_are_found_in_every_app_with_forms():
    apps_with_forms = {cls.__module__.split(".")[1] for cls in FORMS}
    assert {"cases", "discharge", "conferences", "consent", "referrals", "accounts", "directory"} <= apps_with_forms
    assert len(FORMS) > 40


@pytest.mark.parametrize("cls", FORMS, ids=lambda c: f"{c.__module__.split('.')[1]}.{c.__name__}")
def test_every_form_is_built_on_the_shared_text_rules(cls):
    assert isinstance(cls, (FormMetaclass, ModelFormMetaclass)), "base the form on renkei.core.forms.Form/ModelForm"


def _arguments(cls, pref, case):
    """The constructor's own leading arguments, by name (a new one must be added here)."""
    from renkei.accounts.models import User
    from renkei.conferences.models import Conference

    known = {"user": pref.users.alice, "organisation": pref.orgs.aoba, "membership": pref.memberships.alice,
             "conferences": Conference.objects.none(), "supporters": User.objects.none(), "case": case,
             "referral": SimpleNamespace(person=case.person, from_organisation=pref.orgs.aoba,
                                         to_organisation=pref.orgs.hc)}
    params = [p for p in inspect.signature(cls.__init__).parameters.values()
              if p.kind is p.POSITIONAL_OR_KEYWORD and p.name != "self"]
    args = []
    for p in params:
        if p.name in ("data", "files", "auto_id", "prefix", "initial", "instance"):
            break
        assert p.name in known, f"{cls.__name__}: add a value for the argument {p.name!r} to this test"
        args.append(known[p.name])
    return args


def _bad_values(form, kind):
    bad = {}
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.HiddenInput):
            continue
        if kind == "control" and isinstance(field, forms.CharField):
            bad[name] = f"入力{name}\x00と\x07です"
        elif kind == "date" and isinstance(field, forms.DateTimeField):
            bad[name] = "2026-02-30T10:00"
        elif kind == "date" and isinstance(field, forms.DateField):
            bad[name] = "2026-02-30"
        elif kind == "length" and isinstance(field, forms.CharField) and field.max_length:
            bad[name] = "あ" * (int(field.max_length) + 1)
    return bad


@pytest.mark.parametrize("kind", ["control", "date", "length"])
def test_every_form_refuses_bad_values_in_japanese_and_gives_back_what_was_typed(pref, kind, make_world_case):
    checked = 0
    for cls in FORMS:
        args = _arguments(cls, pref, make_world_case)
        empty = cls(*args)
        bad = _bad_values(empty, kind)
        if not bad:
            continue
        form = cls(*args, data={empty.add_prefix(name): value for name, value in bad.items()})
        assert not form.is_valid(), cls
        for name, typed in bad.items():
            errors = form.errors.get(name, [])
            where = f"{cls.__module__}.{cls.__name__}.{name}"
            assert errors, f"{where} accepted {kind}"
            assert all(JAPANESE.search(e) for e in errors), (where, errors)
            assert MISTRANSLATION not in errors, where
            if kind == "control":
                assert CONTROL_MESSAGE in errors, (where, errors)
            if kind == "length":
                assert f"{int(form.fields[name].max_length):,}文字以内で入力してください。" in " ".join(errors), where
            assert form[name].value() == typed, where   # the refused form gives back what was typed
            widget = form.fields[name].widget
            if not isinstance(widget, forms.PasswordInput) and kind != "control":
                assert typed in str(form[name]), where
            checked += 1
    assert checked > 20


@pytest.fixture
def make_world_case(pref):
    from renkei.cases import actions

    person = actions.do_register_person(request=None, membership=pref.memberships.alice, confirm_duplicate=True,
                                        data={"name": "山田 太郎", "kana": "ヤマダ タロウ", "sex": "male"})
    return actions.do_open_case(request=None, membership=pref.memberships.alice, person=person)


def test_a_long_text_field_shows_a_counter_instead_of_cutting_pasted_text(pref, make_world_case):
    from renkei.cases.forms import EntryForm

    html = str(EntryForm()["body"])
    assert 'data-maxlength="100000"' in html and "data-draft" in html and "maxlength=" not in html.replace(
        "data-maxlength", "")


def test_a_text_limit_is_a_setting(settings):
    from renkei.cases.forms import EntryForm

    settings.TEXT_LIMITS = settings.TEXT_LIMITS | {"record_body": 10}
    form = EntryForm(data={"kind": "visit", "occurred_at": "2026-01-05T10:00", "body": "あ" * 11})
    assert not form.is_valid() and form.errors["body"] == ["10文字以内で入力してください。（現在 11文字）"]


# --- through the pages ----------------------------------------------------------------------------------------
def test_a_refused_record_entry_comes_back_with_everything_typed_and_a_message_at_each_field(pref, client_for,
                                                                                           make_world_case):
    alice = client_for(pref.users.alice)
    url = reverse("cases:entry_create", args=[make_world_case.pk])
    body = "本人宅を訪問した。\n" + "長い記録。" * 2000 + "\x00"
    response = alice.post(url, {"kind": "visit", "occurred_at": "2026-02-30T10:00", "body": body,
                                "follow_up_on": "2026-13-01"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "経過記録は保存されていません。入力した内容はそのまま残っています。" in page
    assert CONTROL_MESSAGE in page and MISTRANSLATION not in page
    assert re.findall(r'<p class="error" role="alert">([^<]*)</p>', page) == [
        "日時を正しく入力してください。", CONTROL_MESSAGE, "日付を正しく入力してください。"]
    assert 'value="2026-02-30T10:00"' in page and 'value="2026-13-01"' in page
    assert "長い記録。" * 2000 in page
    assert not make_world_case.entries.exists()


def test_a_record_entry_over_its_limit_is_refused_and_kept(pref, client_for, make_world_case, settings):
    alice = client_for(pref.users.alice)
    limit = settings.TEXT_LIMITS["record_body"]
    body = "あ" * (limit + 1)
    response = alice.post(reverse("cases:entry_create", args=[make_world_case.pk]),
                          {"kind": "visit", "occurred_at": "2026-01-05T10:00", "body": body})
    page = response.content.decode()
    assert f"{limit:,}文字以内で入力してください。（現在 {limit + 1}文字）" in page
    assert body in page and not make_world_case.entries.exists()


def test_a_body_over_the_server_limit_answers_a_japanese_page_naming_the_limit(pref, client_for, make_world_case,
                                                                               settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    alice = client_for(pref.users.alice)
    response = alice.post(reverse("cases:entry_create", args=[make_world_case.pk]),
                          {"kind": "visit", "occurred_at": "2026-01-05T10:00", "body": "長" * 400_000})
    page = response.content.decode()
    assert response.status_code == 413
    assert "送信された内容が大きすぎるため受け付けませんでした（上限 1 MB（1,048,576バイト））" in page
    assert "下書きとして残っています" in page and "Bad Request" not in page
    assert "100,000文字まで" in page


def test_an_api_body_over_the_server_limit_answers_japanese_json(pref, client_for, make_world_case, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    alice = client_for(pref.users.alice)
    response = alice.post(f"/api/cases/cases/{make_world_case.pk}/entries", {"body": "長" * 400_000},
                          content_type="application/json")
    assert response.status_code == 413
    assert "大きすぎるため受け付けませんでした（上限 1 MB（1,048,576バイト））" in response.json()["detail"]
