"""The vocabularies of 地域づくり as data (data/network.json, versioned): group kinds, kinds of support to a
group, 普及啓発 kinds, themes, audiences and statuses, meeting kinds, action-item statuses."""

import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "network.json"


@cache
def data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def choices(name: str) -> list[tuple[str, str]]:
    return [(entry["code"], entry["name"]) for entry in data()[name]]


def names(name: str) -> dict[str, str]:
    return dict(choices(name))


def codes(name: str) -> list[str]:
    return [entry["code"] for entry in data()[name]]


def school_kinds() -> set[str]:
    return {k["code"] for k in data()["outreach_kinds"] if k.get("school")}


def open_statuses() -> list[str]:
    return [s["code"] for s in data()["item_statuses"] if s["open"]]
