"""Text rules shared by forms, the API and models: the same on SQLite and PostgreSQL.

PostgreSQL refuses NUL in text columns and enforces `max_length`; SQLite does neither. Every text a
worker or a client sends goes through these rules first, so both databases refuse the same input with
the same Japanese message, before anything is written.
"""

import re

from django.core.exceptions import ValidationError

# Control characters other than tab, line feed and carriage return.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_MESSAGE = "使用できない制御文字（NUL など）が含まれています。削除してから保存してください。"


def has_control_characters(value) -> bool:
    return isinstance(value, str) and CONTROL_CHARACTERS.search(value) is not None


def no_control_characters(value) -> None:
    """Django validator: refuse NUL and other control characters (tab and newlines are allowed)."""
    if has_control_characters(value):
        raise ValidationError(CONTROL_MESSAGE, code="control_characters")


def length_message(limit: int) -> str:
    return f"{limit:,}文字以内で入力してください。"


def check_text(value, *, max_length: int | None = None) -> None:
    """Both rules at once (control characters, then length), raising `ValidationError`."""
    no_control_characters(value)
    if max_length is not None and isinstance(value, str) and len(value) > max_length:
        raise ValidationError(length_message(max_length), code="max_length")
