"""Shared vocabularies kept as data files in core/data/."""

import json
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


@cache
def need_domains() -> list[dict]:
    """[{code, name, assessment}] — the life domains used by cases, directory and guidance."""
    return json.loads((DATA_DIR / "need_domains.json").read_text(encoding="utf-8"))["domains"]


def need_domain_names() -> dict[str, str]:
    return {d["code"]: d["name"] for d in need_domains()}


def assessment_domains() -> list[dict]:
    return [d for d in need_domains() if d["assessment"]]
