"""Japanese labels for audit action codes and sharing bases (data: audit/data/labels.json), so that what
a person is handed (the 開示請求 access report) names every operation and basis in words, never codes."""

import json
import re
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "labels.json"
BASIS_RE = re.compile(r"^(?:(?P<consent>consent):(?P<cid>\d+)|(?P<bg>breakglass):(?P<bcode>[\w-]+):(?P<bid>\d+)|"
                      r"(?P<dcode>[\w-]+):disclosure:(?P<did>\d+))$")


@cache
def labels() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def legal_basis_names() -> dict[str, str]:
    """The legal bases' names: the consent app's one list of bases (consent/data/legal_bases.json)."""
    from renkei.consent.reference import basis_names

    return basis_names()


def action_label(code: str) -> str:
    data = labels()
    if code in data["actions"]:
        return data["actions"][code]
    if code.startswith("breakglass."):
        return data["breakglass_prefix"] + action_label(code.removeprefix("breakglass."))
    return data["unknown_action"]


def has_label(code: str) -> bool:
    actions = labels()["actions"]
    return code in actions or (code.startswith("breakglass.") and code.removeprefix("breakglass.") in actions)


def basis_label(legal_basis: str, *, holder: bool) -> str:
    """The basis of one access in words. `holder`: the accessing organisation holds the person's record."""
    bases = labels()["bases"]
    if not legal_basis:
        return bases["holder"] if holder else bases["case_team"]
    names = legal_basis_names()
    parts = []
    for code in legal_basis.split(","):
        match = BASIS_RE.match(code.strip())
        if code in bases:
            parts.append(bases[code])
        elif match is None:
            parts.append(bases["unknown"])
        elif match["consent"]:
            parts.append(bases["consent"].format(id=match["cid"]))
        elif match["bg"]:
            parts.append(bases["breakglass"].format(name=names.get(match["bcode"], bases["unknown"]), id=match["bid"]))
        else:
            parts.append(bases["disclosure"].format(name=names.get(match["dcode"], bases["unknown"]), id=match["did"]))
    return "・".join(parts)


def purpose_label(text: str) -> str:
    return labels()["purposes"].get(text, text)


def actor_name(event) -> str:
    if event.actor is not None:
        return event.actor.display_name or event.actor.get_username()
    return labels()["system_actor"]
