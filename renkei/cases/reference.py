"""The cases vocabularies, read from versioned data files in cases/data/ (rules are data)."""

import json
from functools import cache
from pathlib import Path

from renkei.core.dates import FiscalYear

DATA_DIR = Path(__file__).parent / "data"


@cache
def _load(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def vocabulary(name: str) -> list[dict]:
    return _load("vocabulary.json")[name]


def choices(name: str) -> list[tuple[str, str]]:
    return [(item["code"], item["name"]) for item in vocabulary(name)]


def names(name: str) -> dict[str, str]:
    return dict(choices(name))


def stale_contact_days() -> int:
    """Open cases with no contact for this many days are shown as needing attention."""
    return _load("vocabulary.json")["stale_contact_days"]


def follow_up_notice_days() -> int:
    """A record entry's 次回確認日 is shown as due from this many days before it."""
    return _load("vocabulary.json")["follow_up_notice_days"]


def _version_for(file: str, fiscal_year: FiscalYear | int | None) -> dict:
    versions = sorted(_load(file)["versions"], key=lambda v: v["from_fiscal_year"])
    if fiscal_year is None:
        return versions[-1]
    year = fiscal_year.year if isinstance(fiscal_year, FiscalYear) else int(fiscal_year)
    in_force = [v for v in versions if v["from_fiscal_year"] <= year]
    return in_force[-1] if in_force else versions[0]


def categories(fiscal_year=None) -> list[dict]:
    """The 12 相談の種類 of the report form in force for `fiscal_year` (the newest when None)."""
    return _version_for("consultation_categories.json", fiscal_year)["categories"]


def factors(fiscal_year=None) -> list[dict]:
    return _version_for("consultation_factors.json", fiscal_year)["factors"]


def all_category_names() -> dict[str, str]:
    """Names of every category code of every version (old records keep their label)."""
    out = {}
    for version in _load("consultation_categories.json")["versions"]:
        out.update({c["code"]: c["name"] for c in version["categories"]})
    return out


def all_factor_names() -> dict[str, str]:
    out = {}
    for version in _load("consultation_factors.json")["versions"]:
        out.update({f["code"]: f["name"] for f in version["factors"]})
    return out


def report_version(fiscal_year) -> dict:
    """The report forms (地域保健・健康増進事業報告) in force for `fiscal_year`: wording, columns, rules."""
    return _version_for("report_forms.json", fiscal_year)


def report_form(fiscal_year, organisation_type: str) -> tuple[dict, bool]:
    """(form, is_own) for an organisation type: its own form, or — for a type that reports none — the
    first form of the version, shown for reference (is_own False)."""
    forms = report_version(fiscal_year)["forms"]
    for form in forms:
        if organisation_type in form["organisation_types"]:
            return form, True
    return forms[0], False


def statistics_reach() -> dict:
    """Whose report tables an organisation type reads besides its own (report_forms.json "reach")."""
    return _load("report_forms.json")["reach"]


def report_kind_of_channel(fiscal_year, organisation_type: str = "municipality") -> dict[str, str]:
    """channel code → the column (kind) of the report form it is counted in."""
    form, _own = report_form(fiscal_year, organisation_type)
    return {channel: kind["code"] for kind in form["kinds"] for channel in kind["channels"]}


def status(code: str) -> dict:
    for item in vocabulary("statuses"):
        if item["code"] == code:
            return item
    raise KeyError(code)


def open_statuses() -> list[str]:
    return [s["code"] for s in vocabulary("statuses") if s["open"]]


def need_level_rank() -> dict[str, int]:
    return {item["code"]: item["rank"] for item in vocabulary("need_levels")}
