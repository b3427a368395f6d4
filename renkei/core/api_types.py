"""Input types of the JSON API: one place that says what a well-formed value is, so that every query, path
and body parameter is validated before any view runs — the same on SQLite and PostgreSQL — and the OpenAPI
schema states the same limits (`maximum`, `maxLength`, `pattern`, `enum`) that the server enforces.

- ids (`Id`) fit a PostgreSQL bigint: larger numbers never reach the database (SQLite's OverflowError,
  PostgreSQL's "bigint out of range");
- text (`Text(n)`, `Text.of(Model, "field")`) has the column's length limit and refuses NUL and other control
  characters with the messages of `renkei.core.validators`;
- years, day counts, page numbers and dates are bounded (`FiscalYearNumber`, `Days`, `PageNumber`,
  `BirthDate`, `Date`, `DateTime`);
- codes of a vocabulary (`codes(...)`, from the data file's loader) are listed as the schema's `enum`
  and refused otherwise.

Pydantic errors raised here carry Japanese messages (`renkei.core.api_errors` answers 422 with them).
"""

import datetime as dt
import re
from typing import Annotated

from django.utils import timezone
from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from renkei.core.dates import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN
from renkei.core.validators import CONTROL_MESSAGE, has_control_characters

BIGINT_MAX = 2**63 - 1
# Free text without a column limit (consultation content, record bodies, plans): as the forms allow.
LONG_TEXT = 20_000
SEARCH_TEXT = 200
# The same characters `renkei.core.validators.CONTROL_CHARACTERS` refuses, as an ECMA regex for the schema.
NO_CONTROL_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)


def _no_control(value: str) -> str:
    if has_control_characters(value):
        raise PydanticCustomError("renkei_control_characters", CONTROL_MESSAGE)
    return value


class _Text:
    def __call__(self, max_length: int = LONG_TEXT, *, min_length: int = 0):
        return Annotated[str, Field(min_length=min_length, max_length=max_length,
                                              json_schema_extra={"pattern": NO_CONTROL_PATTERN}),
                         AfterValidator(_no_control)]

    def of(self, model, field: str, *, min_length: int = 0):
        """The text type of a model's column: its `max_length` (PostgreSQL enforces it; SQLite does not)."""
        return self(model._meta.get_field(field).max_length or LONG_TEXT, min_length=min_length)


Text = _Text()
SearchText = Text(SEARCH_TEXT)

Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
Ids = Annotated[list[Id], Field(max_length=100)]
PageNumber = Annotated[int, Field(ge=1, le=100_000)]
FiscalYearNumber = Annotated[int, Field(ge=FISCAL_YEAR_MIN, le=FISCAL_YEAR_MAX)]
Days = Annotated[int, Field(ge=0, le=3_660)]


def _in_range(earliest: dt.date, latest: dt.date, label: str):
    def check(value):
        day = value.date() if isinstance(value, dt.datetime) else value
        if not earliest <= day <= latest:
            raise PydanticCustomError(
                "renkei_date_range", f"{label}は{earliest:%Y-%m-%d}〜{latest:%Y-%m-%d}の範囲で指定してください。")
        return value
    return AfterValidator(check)


def _not_in_future(value: dt.date):
    if value > timezone.localdate():
        raise PydanticCustomError("renkei_date_future", "生年月日に今日より後の日付は指定できません。")
    return value


def _aware(value: dt.datetime):
    return value if timezone.is_aware(value) else timezone.make_aware(value)


ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
ISO_DATETIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}")


def _iso(pattern: re.Pattern, kind: type, message: str):
    """Dates and times as ISO 8601 text only, as the schema's `format` says (pydantic alone would read a
    number as a Unix timestamp, and a date as a datetime)."""
    def check(value):
        if isinstance(value, kind) or (isinstance(value, str) and pattern.match(value)):
            return value
        raise PydanticCustomError("renkei_iso", message)
    return BeforeValidator(check)


IsoDate = _iso(ISO_DATE, dt.date, "日付（YYYY-MM-DD）で指定してください。")
IsoDateTime = _iso(ISO_DATETIME, dt.datetime, "日時（ISO 8601、例: 2026-04-01T10:00:00+09:00）で指定してください。")

# Dates of the domain: from 1900 (nobody alive was born before; no record predates the law) to 2199.
Date = Annotated[dt.date, IsoDate, _in_range(EARLIEST_DATE, LATEST_DATE, "日付")]
DateTime = Annotated[dt.datetime, IsoDateTime, AfterValidator(_aware), _in_range(EARLIEST_DATE, LATEST_DATE, "日時")]
BirthDate = Annotated[dt.date, IsoDate, _in_range(EARLIEST_DATE, LATEST_DATE, "生年月日"), AfterValidator(_not_in_future)]


def _within_years(years: int, label: str):
    def check(value: dt.date):
        today = timezone.localdate()
        if value > today.replace(year=today.year + years, day=min(today.day, 28)):
            raise PydanticCustomError("renkei_date_far", f"{label}は今日から{years}年以内の日付で指定してください。")
        return value
    return AfterValidator(check)


# A planned next contact: within two years from today.
FollowUpDate = Annotated[dt.date, IsoDate, _in_range(EARLIEST_DATE, LATEST_DATE, "次回予定日"), _within_years(2, "次回予定日")]


CODES_LISTED = 10  # codes named in the message of a refused one


def _allowed(values, blank: bool) -> list[str]:
    allowed = list(dict.fromkeys(str(value) for value in values))
    return [""] + [v for v in allowed if v] if blank else allowed


def codes(values, *, blank: bool = False):
    """A code of a vocabulary, `values` read from its data file by the app's loader (never written out in
    Python): the schema's `enum` lists them, and any other value is refused with a Japanese 422 that names
    them. `blank` admits "" as "none chosen" (a field whose default is "")."""
    allowed = _allowed(values, blank)
    if not allowed:
        return str
    known = frozenset(allowed)
    listed = "・".join(code or "（空）" for code in allowed[:CODES_LISTED]) + ("など" if len(allowed) > CODES_LISTED else "")

    def check(value: str) -> str:
        if value not in known:
            raise PydanticCustomError("renkei_code", "選択肢にない値です（指定できるのは {listed}）。", {"listed": listed})
        return value

    return Annotated[str, Field(json_schema_extra={"enum": allowed}), AfterValidator(check)]


def documented_codes(values):
    """The codes of a vocabulary in the schema's `enum`, for an operation that refuses other codes itself
    with its own Japanese messages in the one error shape (the guidance engine's `check_facts`)."""
    return Annotated[str, Field(json_schema_extra={"enum": _allowed(values, False)})]
