"""Uploaded files (consent scans now, any later upload): one mechanism.

- Accepted by **content**, never by name or the browser's claimed type: the first bytes must be those of a
  PDF, PNG, JPEG or TIFF (what scanners produce). Anything else — HTML, script, an executable — is refused
  with a Japanese message. Size limit: settings.ATTACHMENT_MAX_BYTES.
- Stored **encrypted at rest** with Fernet under the same keys as the encrypted person-data columns
  (django-fernet-encrypted-fields: SECRET_KEY + SECRET_KEY_FALLBACKS with FIELD_ENCRYPTION_SALTS), in
  settings.ATTACHMENT_ROOT under a random name. The storage has no URL: files are never served from a static
  or media path.
- Served only as a **download** by `download_response`, called by a view that fetched the owning record
  through its app's access layer and wrote the audit entry: `Content-Disposition: attachment`,
  `X-Content-Type-Options: nosniff`, `Content-Security-Policy: sandbox`, no caching.
"""

import hashlib
import os
import unicodedata
import uuid
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.http import HttpResponse
from django.utils.functional import cached_property
from encrypted_fields.fields import EncryptedFieldMixin

# (kind, content type, extension, leading bytes)
TYPES = [
    ("PDF", "application/pdf", "pdf", (b"%PDF-",)),
    ("PNG", "image/png", "png", (b"\x89PNG\r\n\x1a\n",)),
    ("JPEG", "image/jpeg", "jpg", (b"\xff\xd8\xff",)),
    ("TIFF", "image/tiff", "tif", (b"II*\x00", b"MM\x00*")),
]
TYPE_MESSAGE = "添付できるのは PDF・PNG・JPEG・TIFF のファイルです（ファイルの中身で判定します）。スキャンした書類を PDF か画像で保存して添付してください。"
DOWNLOAD_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"


def limit_label() -> str:
    limit = settings.ATTACHMENT_MAX_BYTES
    return f"{limit / 1024 / 1024:g}MB" if limit >= 1024 * 1024 else f"{limit / 1024:g}KB"


def size_message() -> str:
    return f"添付ファイルは {limit_label()} 以下にしてください。"


def detect_type(head: bytes) -> tuple[str, str, str] | None:
    """(kind, content type, extension) of an allowed type, judged by the leading bytes; None otherwise."""
    for kind, content_type, extension, magics in TYPES:
        if any(head.startswith(magic) for magic in magics):
            return kind, content_type, extension
    return None


class _Keys(EncryptedFieldMixin):
    """The encrypted fields' key derivation, reused as is (same keys, same rotation through the fallbacks)."""


class Cipher:
    @cached_property
    def fernet(self):
        return _Keys().f

    def encrypt(self, data: bytes) -> bytes:
        return self.fernet.encrypt(data)

    def decrypt(self, token: bytes) -> bytes:
        return self.fernet.decrypt(token)


cipher = Cipher()


class PrivateStorage(FileSystemStorage):
    """settings.ATTACHMENT_ROOT (read on every use, so tests can move it), without any URL."""

    @property
    def base_location(self):
        return settings.ATTACHMENT_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Attachments have no URL: serve them with renkei.core.attachments.download_response.")


_storage = PrivateStorage()


def private_storage():
    """The storage of every attachment (a callable, so migrations do not freeze a path)."""
    return _storage


def _clean_name(name: str, extension: str) -> str:
    """The uploader's file name for the download, without path or control characters, with the true extension."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    stem = base.rsplit(".", 1)[0].strip(" .")[:100] or "attachment"
    return f"{stem}.{extension}"


def read_checked(upload) -> tuple[bytes, tuple[str, str, str]]:
    """The upload's bytes and type, or ValidationError (Japanese) when too large or not an allowed type."""
    size = getattr(upload, "size", None)
    if size is not None and size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(size_message(), code="too_large")
    upload.seek(0)
    data = upload.read(settings.ATTACHMENT_MAX_BYTES + 1)
    if len(data) > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(size_message(), code="too_large")
    if not data:
        raise ValidationError("添付ファイルが空です。", code="empty")
    detected = detect_type(data[:16])
    if detected is None:
        raise ValidationError(TYPE_MESSAGE, code="type")
    return data, detected


def check_upload(upload) -> None:
    """For forms: the same check as `store`, before anything is written."""
    read_checked(upload)
    upload.seek(0)


def store(upload, *, user=None, folder: str = "files"):
    """Check, encrypt and save an upload; returns the Attachment row."""
    data, (_kind, content_type, extension) = read_checked(upload)
    return save_bytes(data, name=_clean_name(getattr(upload, "name", ""), extension), content_type=content_type,
                      user=user, folder=folder)


def save_bytes(data: bytes, *, name: str, content_type: str, user=None, folder: str = "files"):
    from .models import Attachment

    attachment = Attachment(name=name, content_type=content_type, size=len(data),
                            sha256=hashlib.sha256(data).hexdigest(), created_by=user)
    attachment.file.save(f"{folder}/{uuid.uuid4().hex}.enc", ContentFile(cipher.encrypt(data)), save=False)
    attachment.save()
    return attachment


def read(attachment) -> bytes:
    with attachment.file.open("rb") as handle:
        return cipher.decrypt(handle.read())


def download_response(attachment) -> HttpResponse:
    """The decrypted file as a download that no browser renders in the product's origin."""
    data = read(attachment)
    allowed = {t[1] for t in TYPES}
    content_type = attachment.content_type if attachment.content_type in allowed else "application/octet-stream"
    response = HttpResponse(data, content_type=content_type)
    ascii_name = attachment.name.encode("ascii", "ignore").decode() or "attachment"
    ascii_name = "".join(ch for ch in ascii_name if ch not in '"\\;') or "attachment"
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(attachment.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
