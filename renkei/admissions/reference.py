"""The register's vocabularies as data (data/register.json, versioned): the kinds of 申請・通報・届出 with
their article, the grounds of a 事前調査's decision, the 指定医's results, the decisions and what was done
instead, the admission kinds."""

import json
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


@cache
def load(name: str) -> dict:
    return json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))


def items(key: str) -> list[dict]:
    return load("register")[key]


def choices(key: str) -> list[tuple[str, str]]:
    return [(item["code"], item["name"]) for item in items(key)]


def codes(key: str) -> list[str]:
    return [item["code"] for item in items(key)]


def names(key: str) -> dict[str, str]:
    return dict(choices(key))


def item(key: str, code: str) -> dict | None:
    return next((i for i in items(key) if i["code"] == code), None)


def ground_choices() -> list[tuple[str, str]]:
    """The grounds with their confidence mark in the label (DOMAIN.md §7: show unconfirmed ones)."""
    return [(g["code"], g["name"] + ("" if g["confirmed"] else "（未確認）")) for g in items("grounds")]
