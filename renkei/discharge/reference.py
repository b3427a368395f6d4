"""The discharge app's rules as data (data/*.json, versioned): plan period and reviews, the community
transition pathway, the inpatient visit support programme, outreach visits."""

import json
from functools import cache
from pathlib import Path

from django.conf import settings

DATA_DIR = Path(__file__).parent / "data"


@cache
def load(name: str) -> dict:
    return json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))


def choices(file: str, key: str) -> list[tuple[str, str]]:
    return [(item["code"], item["name"]) for item in load(file)[key]]


def names(file: str, key: str) -> dict[str, str]:
    return dict(choices(file, key))


# --- 退院後支援計画 -------------------------------------------------------------------------------------
def plan_rules() -> dict:
    return load("plan_rules")


def plan_scope() -> str:
    return plan_rules()["consent_scope"]


# --- 地域移行 --------------------------------------------------------------------------------------------
def pathway_steps() -> list[dict]:
    return load("pathway")["steps"]


def pathway_status_done() -> dict[str, bool]:
    return {s["code"]: s["done"] for s in load("pathway")["statuses"]}


# --- 入院者訪問支援事業 -----------------------------------------------------------------------------------
def supporters_per_visit() -> int:
    return int(load("visit_support")["supporters_per_visit"])


def is_visit_support_operator(organisation) -> bool:
    """The prefecture runs the programme (its 精神保健福祉センター may act for it): by organisation code
    from settings.VISIT_SUPPORT_OPERATORS when set, else by organisation type from the data file."""
    codes = getattr(settings, "VISIT_SUPPORT_OPERATORS", None)
    if codes:
        return organisation.code in codes
    return organisation.type.code in load("visit_support")["operator_types"]


# --- アウトリーチ ----------------------------------------------------------------------------------------
def outreach_stats_channel() -> str:
    return load("outreach")["stats_channel"]
