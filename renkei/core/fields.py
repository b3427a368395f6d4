"""The encrypted columns (django-fernet-encrypted-fields), guarded so that ciphertext is never saved as text.

The library's `to_python` answers the stored ciphertext itself when no configured key decrypts it
(`InvalidToken` is swallowed), and `get_prep_value` then encrypts that ciphertext again: a record read with a
wrong SECRET_KEY and saved loses its content even for the right key. These fields keep the library's
storage (same column, same Fernet tokens, same keys) and add:

- on read, a value no key decrypts is logged as an error (once per column and process) and comes back as
  `Undecryptable` (a `str`, the ciphertext as stored);
- on validation (forms, `full_clean`), a value shaped like a Fernet token is refused with a Japanese message;
- on save (`save`, `QuerySet.update`, `bulk_create` …), such a value raises `UndecryptableValue`, a
  ValidationError: nothing is written, and a form shows the message (the actions' ValidationErrors are).

The check on the save path is one `startswith` on the value (a token's first bytes are fixed), nothing more.
The start-up check (`renkei.core.keys`) refuses to run before any of this can happen with the wrong keys.
"""

import logging
import re

from django.core.exceptions import ValidationError
from encrypted_fields import fields as encrypted

# Fernet: version byte 0x80 and a 64-bit timestamp whose high bytes are zero → base64url "gAAAAA".
TOKEN_PREFIX = "gAAAAA"
# The shortest token (version, time, IV, one block, HMAC: 73 bytes) is 100 characters, padding included.
TOKEN_RE = re.compile(r"gAAAAA[A-Za-z0-9_-]{92,}={0,2}")
KEY_SETTINGS = "SECRET_KEY・SECRET_KEY_FALLBACKS・FIELD_ENCRYPTION_SALTS"
SAVE_MESSAGE = (f"{{label}}を復号できないため保存できません（暗号文のまま保存すると内容が失われます）。"
                f"{KEY_SETTINGS} を、データを暗号化したときの鍵に設定してください。")

log = logging.getLogger("renkei.core.keys")
_logged: set[str] = set()


class Undecryptable(str):
    """A stored value that no configured key decrypts (the ciphertext as stored)."""


class UndecryptableValue(ValidationError, ValueError):
    """Raised on save: an action's ValidationError, so the page or API answers the Japanese message and the
    action's transaction changes nothing."""


def looks_encrypted(value) -> bool:
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX) and (
        isinstance(value, Undecryptable) or (len(value) % 4 == 0 and TOKEN_RE.fullmatch(value) is not None))


class GuardedMixin:
    # The library's path in migrations: the column and its contents are the library's; no migration, no table
    # rebuild. The guard is behaviour of the running code only.
    library_class: type

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, f"encrypted_fields.fields.{self.library_class.__name__}", args, kwargs

    def to_python(self, value):
        result = super().to_python(value)
        if isinstance(result, str) and result is value and result.startswith(TOKEN_PREFIX):
            label = f"{self.model._meta.label}.{self.name}"
            if label not in _logged:
                _logged.add(label)
                log.error("暗号化された項目 %s を設定された鍵で復号できません（%s を確認してください）", label,
                          KEY_SETTINGS)
            return Undecryptable(result)
        return result

    def clean(self, value, model_instance):
        """The library marks the field itself (shared by every thread) as "already decrypted" while cleaning,
        and leaves the mark when validation fails: from then on no read in the process decrypts. The same
        steps without the mark: the plain value as the base field converts it, validated."""
        value = super(encrypted.EncryptedFieldMixin, self).to_python(value)
        self.validate(value, model_instance)
        self.run_validators(value)
        return value

    def _refuse(self, value):
        return SAVE_MESSAGE.format(label=self.verbose_name or self.name)

    def validate(self, value, model_instance):
        if looks_encrypted(value):
            raise ValidationError(self._refuse(value), code="undecryptable")
        super().validate(value, model_instance)

    def get_prep_value(self, value):
        if looks_encrypted(value):
            raise UndecryptableValue(self._refuse(value), code="undecryptable")
        return super().get_prep_value(value)


class EncryptedCharField(GuardedMixin, encrypted.EncryptedCharField):
    library_class = encrypted.EncryptedCharField


class EncryptedTextField(GuardedMixin, encrypted.EncryptedTextField):
    library_class = encrypted.EncryptedTextField
