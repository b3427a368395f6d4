"""The conferences rules as data (data/conferences.json, versioned): team roles, conference kinds with
their information-handling rules and legal basis, action-item statuses."""

import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "conferences.json"


@cache
def data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def team_role_choices() -> list[tuple[str, str]]:
    return [(r["code"], r["name"]) for r in data()["team_roles"]]


def team_role_names() -> dict[str, str]:
    return dict(team_role_choices())


def kinds() -> list[dict]:
    return data()["conference_kinds"]


def kind(code: str) -> dict | None:
    return next((k for k in kinds() if k["code"] == code), None)


def kind_choices() -> list[tuple[str, str]]:
    return [(k["code"], k["name"]) for k in kinds()]


def rules_for(code: str) -> list[str]:
    """The rules the convener explains at a conference of this kind: the kind's own, then the common."""
    k = kind(code) or {}
    return list(k.get("rules", [])) + list(data()["common_rules"])


def status_choices() -> list[tuple[str, str]]:
    return [(s["code"], s["name"]) for s in data()["action_statuses"]]


def status_names() -> dict[str, str]:
    return dict(status_choices())


def open_statuses() -> list[str]:
    return [s["code"] for s in data()["action_statuses"] if s["open"]]


def reminder_days() -> int:
    return data()["reminder_days_before_due"]


def minutes_scope() -> str:
    return data()["minutes_scope"]
