"""The configured keys must read what is stored (renkei/core/keys.py), and a value they cannot read is never saved
back as ciphertext (renkei/core/fields.py)."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection, transaction

from renkei.cases.models import Person
from renkei.core import attachments, keys
from renkei.core.fields import Undecryptable, UndecryptableValue

SETTINGS_NAMED = ("SECRET_KEY", "SECRET_KEY_FALLBACKS", "FIELD_ENCRYPTION_SALTS")


def make_person(pref, **values):
    return Person.objects.create(organisation=pref.orgs.aoba, name="山田 太郎", kana="ヤマダ タロウ",
                                 created_by=pref.users.alice, **values)


def stored(person, column="address"):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM cases_person WHERE id = %s", [person.pk])
        return cursor.fetchone()[0]


def encrypted_under(secret: str, text: str, settings) -> str:
    """`text` as the encrypted columns store it under another SECRET_KEY."""
    with settings_changed(settings, SECRET_KEY=secret, SECRET_KEY_FALLBACKS=[]):
        return Fernet(keys.derived_keys()[0]).encrypt(text.encode()).decode()


class settings_changed:
    def __init__(self, settings, **values):
        self.settings, self.values, self.before = settings, values, {}

    def __enter__(self):
        for name, value in self.values.items():
            self.before[name] = getattr(self.settings, name)
            setattr(self.settings, name, value)

    def __exit__(self, *exc):
        for name, value in self.before.items():
            setattr(self.settings, name, value)


def errors():
    return [m for m in keys.check_keys() if m.level >= 40]


def test_an_empty_database_passes_the_key_check(db):
    assert keys.check_keys() == []


def test_the_configured_keys_pass_the_key_check(pref):
    make_person(pref, address="青葉市中央1-2-3", phone="090-1234-5678", contact_notes="平日昼のみ")
    attachments.save_bytes(b"%PDF-1.4 doui", name="doui.pdf", content_type="application/pdf")
    assert keys.check_keys() == []


def test_a_wrong_secret_key_fails_the_start_up_check_naming_the_three_settings(pref, settings):
    make_person(pref, address="青葉市中央1-2-3")
    settings.SECRET_KEY = "a-different-secret-key-for-this-test-only"
    found = errors()
    assert [e.id for e in found] == ["renkei.E001"]
    assert "cases.Person.address" in found[0].msg
    assert all(name in found[0].msg for name in SETTINGS_NAMED)


def test_a_wrong_salt_fails_the_start_up_check(pref, settings):
    make_person(pref, phone="090-1234-5678")
    settings.SALT_KEY = ["another-salt"]
    assert "cases.Person.phone" in errors()[0].msg


def test_the_old_key_kept_in_the_fallbacks_passes_after_rotation(pref, settings):
    make_person(pref, address="青葉市中央1-2-3")
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "the-new-secret-key-after-rotation-0000"
    settings.SECRET_KEY_FALLBACKS = [old]
    assert keys.check_keys() == []


def test_the_oldest_records_are_in_the_sample_so_a_dropped_fallback_is_found(pref, settings):
    first = make_person(pref)
    for n in range(keys.SAMPLE + 3):
        make_person(pref, address=f"青葉市中央{n}")
    Person.objects.filter(pk=first.pk).update(address=None)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_person SET address = %s WHERE id = %s",
                       [encrypted_under("the-key-before-rotation-0000", "旧住所", settings), first.pk])
    assert "cases.Person.address" in errors()[0].msg


def test_an_attachment_the_keys_cannot_decrypt_fails_the_check(db, settings):
    attachments.save_bytes(b"%PDF-1.4 doui", name="doui.pdf", content_type="application/pdf")
    settings.SECRET_KEY = "a-different-secret-key-for-this-test-only"
    assert "添付ファイル #" in errors()[0].msg


def test_gunicorn_workers_refuse_to_start_with_keys_that_cannot_read(pref, settings):
    make_person(pref, address="青葉市中央1-2-3")
    keys.require_readable()
    settings.SECRET_KEY = "a-different-secret-key-for-this-test-only"
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FALLBACKS"):
        keys.require_readable()


@pytest.fixture
def unreadable(pref, settings):
    """A person whose address was encrypted under a key that is not configured."""
    person = make_person(pref, phone="090-1234-5678")
    token = encrypted_under("a-key-nobody-configured-0000", "青葉市中央1-2-3", settings)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_person SET address = %s WHERE id = %s", [token, person.pk])
    return Person.objects.get(pk=person.pk), token


def test_a_field_no_key_decrypts_reads_as_undecryptable_not_as_text(unreadable):
    person, token = unreadable
    assert isinstance(person.address, Undecryptable)
    assert person.phone == "090-1234-5678"


def test_a_record_whose_field_cannot_be_decrypted_is_never_saved_back_as_ciphertext(unreadable):
    person, token = unreadable
    person.name = "山田 次郎"
    with pytest.raises(UndecryptableValue, match="住所を復号できないため保存できません"), transaction.atomic():
        person.save()
    with pytest.raises(UndecryptableValue), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(address=str(person.address))
    assert stored(person) == token
    assert Person.objects.get(pk=person.pk).name == "山田 太郎"


def test_validation_refuses_a_value_shaped_like_ciphertext_in_japanese(unreadable):
    person, _token = unreadable
    with pytest.raises(ValidationError) as refused:
        person.full_clean()
    assert "住所を復号できないため保存できません" in str(refused.value.message_dict["address"])


def test_the_person_edit_page_answers_the_message_and_changes_nothing(unreadable, pref, client_for):
    person, token = unreadable
    page = client_for(pref.users.alice).post(f"/cases/persons/{person.pk}/edit/", {
        "name": "山田 次郎", "kana": "ヤマダ ジロウ", "sex": "unknown", "address": str(person.address),
        "phone": "090-1234-5678", "contact_notes": "", "version": person.version})
    assert page.status_code == 200
    assert "住所を復号できないため保存できません" in page.content.decode()
    assert stored(person) == token
    assert Person.objects.get(pk=person.pk).name == "山田 太郎"


def test_readable_values_are_saved_encrypted_as_before(pref):
    person = make_person(pref, address="青葉市中央1-2-3")
    assert stored(person).startswith("gAAAAA")
    assert Person.objects.get(pk=person.pk).address == "青葉市中央1-2-3"


def test_a_failed_validation_does_not_stop_the_field_decrypting_for_everyone(pref):
    person = make_person(pref, phone="090-1234-5678")
    person.phone = "0" * 41  # over max_length
    with pytest.raises(ValidationError):
        person.full_clean()
    assert Person.objects.get(pk=person.pk).phone == "090-1234-5678"


def test_even_the_shortest_ciphertext_is_refused_on_save(pref, settings):
    person = make_person(pref)
    token = encrypted_under("a-key-nobody-configured-0000", "", settings)
    assert len(token) == 100
    person.phone = token
    with pytest.raises(UndecryptableValue, match="電話番号を復号できないため保存できません"), transaction.atomic():
        person.save()


def test_an_ordinary_value_starting_like_a_token_is_saved(pref):
    person = make_person(pref, contact_notes="gAAAAA と名乗る人からの電話には出ない")
    assert Person.objects.get(pk=person.pk).contact_notes == "gAAAAA と名乗る人からの電話には出ない"
