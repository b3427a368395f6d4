"""Query parameters of the pages: what each view reads from the URL, declared once and checked before it runs.

A view says what it reads with `@query.reads(SomeForm, fy=query.FiscalYear(), format=query.Choice(...))`:
- keyword parameters are parsed (an integer in a range, a fiscal year, a date, a code of a vocabulary, text
  without control characters up to a length, a flag) and given to the view as `request.query.<name>`, or
  `default` (None unless said) when the parameter is absent or empty;
- form classes name the GET forms the view binds to `request.GET` itself (their fields validate as usual);
- a value that does not parse, or a single-valued parameter given twice with different values, is refused
  with a Japanese 400 page naming the parameter — before the view runs, so nothing is read, logged or
  changed, on SQLite and PostgreSQL alike (a number beyond a bigint never reaches a query).

Views read nothing else from `request.GET` (tests/core/test_query_walk.py checks it and walks every page
with odd values for what it declares). The API's parameters are typed by `renkei.core.api_types`.
"""

import datetime as dt
import functools
import re
import uuid
from types import SimpleNamespace

from django.shortcuts import render

from .dates import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN
from .dates import FiscalYear as _FiscalYear
from .validators import CONTROL_MESSAGE, has_control_characters

BIGINT_MAX = 2**63 - 1
INTEGER = re.compile(r"^-?[0-9]{1,25}$")  # ASCII digits only (int() would take "１２", "1_000", " 1 ")
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
EARLIEST_DATE, LATEST_DATE = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
TEXT_LIMIT = 200
CHOICES_LISTED = 10  # codes named in the message of a refused choice


class QueryError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Param:
    """One query parameter: its Japanese label (for messages) and the value when it is absent or empty."""

    def __init__(self, label: str, *, default=None):
        self.label, self.default = label, default

    def parse(self, raw: str):
        return raw

    def read(self, values: list[str]):
        if len(set(values)) > 1:
            raise QueryError(f"「{self.label}」が複数指定されています。一つだけ指定してください。")
        raw = values[-1] if values else ""
        if has_control_characters(raw):
            raise QueryError(CONTROL_MESSAGE)
        return self.default if raw == "" else self.parse(raw)


class Int(Param):
    """An integer from `minimum` to `maximum` (by default a record id: 1 to the largest bigint)."""

    def __init__(self, label: str, *, minimum: int = 1, maximum: int = BIGINT_MAX, default=None):
        super().__init__(label, default=default)
        self.minimum, self.maximum = minimum, maximum

    def message(self) -> str:
        if self.maximum == BIGINT_MAX:
            return f"「{self.label}」は{self.minimum:,}以上の整数（半角数字）で指定してください。"
        return f"「{self.label}」は{self.minimum}〜{self.maximum}の整数（半角数字）で指定してください。"

    def parse(self, raw: str) -> int:
        if not INTEGER.match(raw) or not self.minimum <= int(raw) <= self.maximum:
            raise QueryError(self.message())
        return int(raw)


class Id(Int):
    """A record's id: 1 to the largest bigint."""

    def __init__(self, label: str):
        super().__init__(label)


class Uuid(Param):
    """A record's UUID (the directory's HSDS records), in its usual hex form with or without hyphens."""

    def parse(self, raw: str) -> uuid.UUID:
        try:
            if len(raw) <= 36:
                return uuid.UUID(raw)
        except ValueError:
            pass
        raise QueryError(f"「{self.label}」の形式が正しくありません（UUID で指定してください）。")


class FiscalYear(Int):
    """年度 as its starting calendar year; absent, the current one (the view decides: `default=None`)."""

    def __init__(self, label: str = "年度", *, default=None):
        super().__init__(label, minimum=FISCAL_YEAR_MIN, maximum=FISCAL_YEAR_MAX, default=default)

    def parse(self, raw: str) -> _FiscalYear:
        return _FiscalYear(super().parse(raw))


class Date(Param):
    """A date as YYYY-MM-DD from 1900 to 2199 (no 2024-02-30, no year 0)."""

    def parse(self, raw: str) -> dt.date:
        message = f"「{self.label}」は{EARLIEST_DATE:%Y-%m-%d}〜{LATEST_DATE:%Y-%m-%d}の日付（YYYY-MM-DD）で指定してください。"
        if not ISO_DATE.match(raw):
            raise QueryError(message)
        try:
            value = dt.date.fromisoformat(raw)
        except ValueError:
            raise QueryError(message) from None
        if not EARLIEST_DATE <= value <= LATEST_DATE:
            raise QueryError(message)
        return value


class Choice(Param):
    """A code of a vocabulary: `choices` is a list of (code, label) pairs, or a callable giving one (read
    when the request comes, so a vocabulary from a data file is current). The message names the codes, as
    the URL writes them."""

    def __init__(self, label: str, choices, *, default=None):
        super().__init__(label, default=default)
        self._choices = choices

    def choices(self) -> list[tuple[str, str]]:
        return list(self._choices() if callable(self._choices) else self._choices)

    def parse(self, raw: str) -> str:
        choices = self.choices()
        codes = [code for code, _label in choices]
        if raw not in codes:
            listed = "・".join(codes[:CHOICES_LISTED]) + ("など" if len(codes) > CHOICES_LISTED else "")
            raise QueryError(f"「{self.label}」に指定できない値です（指定できるのは {listed}）。")
        return raw


class Flag(Choice):
    """On or off: `1` (as the pages' links write it) or `0`."""

    def __init__(self, label: str):
        super().__init__(label, [("1", "1"), ("0", "0")], default=False)

    def parse(self, raw: str) -> bool:
        return super().parse(raw) == "1"


class Text(Param):
    """Text without control characters, up to `max_length` characters."""

    def __init__(self, label: str, *, max_length: int = TEXT_LIMIT, default=""):
        super().__init__(label, default=default)
        self.max_length = max_length

    def parse(self, raw: str) -> str:
        if len(raw) > self.max_length:
            raise QueryError(f"「{self.label}」は{self.max_length:,}文字以内で指定してください。")
        return raw


def _single_valued(field) -> bool:
    return not getattr(field.widget, "allow_multiple_selected", False)


def parse(data, params: dict, forms=()) -> SimpleNamespace:
    """The declared parameters of a QueryDict, parsed; QueryError for the first one that is wrong."""
    for form in forms:
        for name, field in form.base_fields.items():
            if _single_valued(field) and len(set(data.getlist(name))) > 1:
                raise QueryError(f"「{field.label or name}」が複数指定されています。一つだけ指定してください。")
    return SimpleNamespace(**{name: param.read(data.getlist(name)) for name, param in params.items()})


def refused(request, error: QueryError):
    return render(request, "400.html", {"message": error.message, "query": True}, status=400)


def reads(*forms, **params):
    """Declares what a view reads from the query string (see the module's description)."""
    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                request.query = parse(request.GET, params, forms)
            except QueryError as error:
                return refused(request, error)
            return view(request, *args, **kwargs)

        wrapped.query_params = dict(getattr(view, "query_params", {}), **params)
        wrapped.query_forms = tuple(getattr(view, "query_forms", ())) + forms
        return wrapped
    return decorate


def declared(view) -> tuple[dict, tuple]:
    """What a view declares it reads: (parameters by name, form classes)."""
    return getattr(view, "query_params", {}), getattr(view, "query_forms", ())
