"""The consent app's rules as data: legal bases, data scopes, sharing rules (data/*.json, versioned)."""

import json
from functools import cache
from pathlib import Path

from django.conf import settings

DATA_DIR = Path(__file__).parent / "data"


@cache
def _load(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def legal_bases() -> list[dict]:
    return _load("legal_bases.json")["bases"]


def legal_basis(code: str) -> dict | None:
    return next((b for b in legal_bases() if b["code"] == code), None)


def basis_names() -> dict[str, str]:
    return {b["code"]: b["name"] for b in legal_bases()}


def disclosure_bases() -> list[dict]:
    return [b for b in legal_bases() if b["disclosure"]]


def breakglass_bases() -> list[dict]:
    return [b for b in legal_bases() if b["breakglass"]]


def scopes() -> list[dict]:
    return _load("scopes.json")["scopes"]


def scope_codes() -> list[str]:
    return [s["code"] for s in scopes()]


def with_required(chosen) -> list[str]:
    """The chosen scopes plus those they require, in the data file's order."""
    wanted = set(chosen)
    for s in scopes():
        if s["code"] in wanted:
            wanted |= set(s["requires"])
    return [code for code in scope_codes() if code in wanted]


def sharing() -> dict:
    return _load("sharing.json")


def kind_scope(kind: str) -> str:
    return sharing()["kind_scopes"][kind]


def reach_for(membership) -> dict | None:
    """The first sharing rule whose permission the membership's role has."""
    if membership is None or not membership.is_active:
        return None
    return next((r for r in sharing()["reach"] if membership.has_perm(r["perm"])), None)


def _choices(key: str) -> list[tuple[str, str]]:
    return [(item["code"], item["name"]) for item in sharing()[key]]


def method_choices():
    return _choices("methods")


def withdrawal_method_choices():
    return _choices("withdrawal_methods")


def recipient_kind_choices():
    return _choices("recipient_kinds")


def expiry_warning_days() -> int:
    return sharing()["expiry_warning_days"]


def max_consent_days() -> int:
    return sharing()["max_consent_days"]


def breakglass_hours() -> float:
    return float(getattr(settings, "RENKEI_BREAKGLASS_HOURS", sharing()["breakglass_hours_default"]))


def org_kind(organisation) -> str:
    return "public" if organisation.is_public else "private"
