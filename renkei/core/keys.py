"""Can the configured keys read what is stored? Checked once at start-up and by `restore`, never per request.

The encrypted columns (`renkei.core.fields`) and the attachments (`renkei.core.attachments`) are encrypted with
keys derived from SECRET_KEY (and SECRET_KEY_FALLBACKS, for rotation) with each of FIELD_ENCRYPTION_SALTS
(settings.SALT_KEY). With other keys the library would show the ciphertext without an error; here a small
sample — the oldest and newest values of every encrypted column, and the newest attachment — must decrypt,
else the system check `renkei.E001` stops `runserver`, `migrate`, `check` and gunicorn's start (renkei/wsgi.py).
An empty database passes.

`fingerprint()` names a derived key by a hash of it (for the backup manifest): never a key itself.
"""

import base64
import hashlib
import threading

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from encrypted_fields.fields import EncryptedFieldMixin

from .fields import KEY_SETTINGS

SAMPLE = 5  # values per end of each encrypted column
CHECK_ID = "renkei.E001"
MESSAGE = ("設定された鍵では、保存されている暗号化データ（{what}）を復号できません。暗号文のまま表示・保存しないよう、"
           "起動を中止します。SECRET_KEY・SECRET_KEY_FALLBACKS・FIELD_ENCRYPTION_SALTS を、データを暗号化したときの値に"
           "設定してください（鍵を替えたときは以前の SECRET_KEY を SECRET_KEY_FALLBACKS に残します）。")
MISSING_FILE = "添付ファイル #{id} のファイルが見つかりません（{path}）。ATTACHMENT_ROOT にファイルを復元してください。"

_lock = threading.Lock()
_cache: dict[tuple, list[bytes]] = {}


def _configuration() -> tuple:
    salts = settings.SALT_KEY if isinstance(settings.SALT_KEY, list) else [settings.SALT_KEY]
    return (settings.SECRET_KEY, tuple(getattr(settings, "SECRET_KEY_FALLBACKS", []) or []), tuple(salts))


def derived_keys() -> list[bytes]:
    """The Fernet keys of the current settings, first the one new data is encrypted with (the library's
    derivation, computed once per configuration: PBKDF2 is slow on purpose)."""
    configuration = _configuration()
    with _lock:
        if configuration not in _cache:
            _cache[configuration] = EncryptedFieldMixin().keys  # reads the settings now
        return _cache[configuration]


def fernet() -> MultiFernet:
    return MultiFernet([Fernet(k) for k in derived_keys()])


def fingerprint(key: bytes) -> str:
    """A public name of a derived key: a hash of it, from which no key can be computed."""
    return hashlib.sha256(b"renkei-field-key-fingerprint|" + base64.urlsafe_b64decode(key)).hexdigest()[:24]


def fingerprints() -> list[str]:
    return [fingerprint(k) for k in derived_keys()]


def encrypted_columns():
    """(model, field) of every encrypted column of the installed models."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedFieldMixin):
                yield model, field


def sample(using: str = DEFAULT_DB_ALIAS, per_end: int = SAMPLE) -> list[tuple[str, str]]:
    """(column label, stored value) of the oldest and newest non-empty values of each encrypted column."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    quote = connection.ops.quote_name
    found = []
    for model, field in encrypted_columns():
        table = model._meta.db_table
        if table not in tables:
            continue
        column, pk = quote(field.column), quote(model._meta.pk.column)
        with connection.cursor() as cursor:
            for order in ("ASC", "DESC"):
                cursor.execute(f"SELECT {column} FROM {quote(table)} WHERE {column} IS NOT NULL AND {column} <> '' "
                               f"ORDER BY {pk} {order} LIMIT %s", [per_end])
                found += [(f"{model._meta.label}.{field.name}", row[0]) for row in cursor.fetchall()]
    return found


def problems(using: str = DEFAULT_DB_ALIAS, *, missing_file_is_problem: bool = True) -> tuple[list[str], list[str]]:
    """(errors, warnings), each a Japanese message; no errors when the keys decrypt the sample."""
    f = fernet()
    unreadable = []
    for label, value in sample(using):
        try:
            f.decrypt(value.encode() if isinstance(value, str) else bytes(value))
        except (InvalidToken, TypeError, ValueError):
            if label not in unreadable:
                unreadable.append(label)
    errors, warnings = [], []
    attachment = _newest_attachment(using)
    if attachment is not None:
        path = settings.ATTACHMENT_ROOT / attachment["file"]
        if not path.exists():
            (errors if missing_file_is_problem else warnings).append(
                MISSING_FILE.format(id=attachment["id"], path=path))
        else:
            try:
                f.decrypt(path.read_bytes())
            except InvalidToken:
                unreadable.append(f"添付ファイル #{attachment['id']}")
    if unreadable:
        errors.insert(0, MESSAGE.format(what="、".join(unreadable)))
    return errors, warnings


def _newest_attachment(using: str):
    from .models import Attachment

    if Attachment._meta.db_table not in connections[using].introspection.table_names():
        return None
    return Attachment.objects.using(using).order_by("-id").values("id", "file").first()


def check_keys(app_configs=None, databases=None, **kwargs):
    """The system check (registered by CoreConfig.ready): the configured keys decrypt the stored sample (an empty or absent database passes)."""
    if app_configs is not None and not any(c.label == "core" for c in app_configs):
        return []
    try:
        errors, warnings = problems(missing_file_is_problem=False)
    except DatabaseError:
        return []  # no database yet (or not reachable): nothing stored to misread; the commands say why
    return ([checks.Error(m, hint=f"{KEY_SETTINGS} を確認してください。", id=CHECK_ID) for m in errors]
            + [checks.Warning(m, id="renkei.W001") for m in warnings])


def require_readable() -> None:
    """For the WSGI start-up (gunicorn runs no system checks): refuse to serve with keys that cannot read."""
    errors = [m for m in check_keys() if m.level >= checks.ERROR]
    if errors:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("\n".join(e.msg for e in errors))
