"""The referral vocabulary and rules (data/referrals.json): statuses, transitions, reasons, asks,
urgencies, deadlines and たらい回し thresholds. Settings may override the numbers."""

import json
from functools import cache
from pathlib import Path

from django.conf import settings

DATA = Path(__file__).parent / "data" / "referrals.json"
REQUESTER, RECEIVER = "requester", "receiver"


@cache
def data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _names(key: str) -> dict[str, str]:
    return {item["code"]: item["name"] for item in data()[key]}


def status_names() -> dict[str, str]:
    return _names("statuses")


def reason_names() -> dict[str, str]:
    return _names("reasons")


def ask_names() -> dict[str, str]:
    return _names("asks")


def urgency_names() -> dict[str, str]:
    return _names("urgencies")


def kind_names() -> dict[str, str]:
    return _names("kinds")


def choices(key: str) -> list[tuple[str, str]]:
    return [(item["code"], item["name"]) for item in data()[key]]


def live_statuses() -> list[str]:
    return [s["code"] for s in data()["statuses"] if s["live"]]


def terminal_statuses() -> list[str]:
    return [s["code"] for s in data()["statuses"] if s["terminal"]]


def grant_statuses() -> list[str]:
    return list(data()["grant_statuses"])


def service_request_status(code: str) -> str:
    return {s["code"]: s["service_request"] for s in data()["statuses"]}[code]


def transition(from_status: str, to_status: str) -> dict | None:
    for t in data()["transitions"]:
        if t["from"] == from_status and t["to"] == to_status:
            return t
    return None


def transitions_from(from_status: str, side: str | None = None) -> list[dict]:
    return [t for t in data()["transitions"] if t["from"] == from_status and (side is None or t["by"] == side)]


def needs_reason(status: str) -> bool:
    return status in data()["needs_reason"]


def needs_outcome(status: str) -> bool:
    return status in data()["needs_outcome"]


def reason_needs_text(code: str) -> bool:
    return any(r["code"] == code and r.get("needs_text") for r in data()["reasons"])


def fhir_priority(urgency: str) -> str:
    return {u["code"]: u["fhir"] for u in data()["urgencies"]}.get(urgency, "routine")


def _setting(name: str, default):
    return getattr(settings, name, default)


def receive_business_days() -> int:
    return int(_setting("REFERRAL_RECEIVE_BUSINESS_DAYS", data()["deadlines"]["receive_business_days"]))


def answer_business_days() -> int:
    return int(_setting("REFERRAL_ANSWER_BUSINESS_DAYS", data()["deadlines"]["answer_business_days"]))


def year_end_closed() -> set[str]:
    return set(data()["deadlines"]["year_end_closed"])


def tarai_thresholds() -> dict:
    t = data()["tarai"]
    return {
        "window_days": int(_setting("REFERRAL_TARAI_WINDOW_DAYS", t["window_days"])),
        "max_unsuccessful": int(_setting("REFERRAL_TARAI_MAX_UNSUCCESSFUL", t["max_unsuccessful"])),
        "max_agencies_without_acceptance": int(_setting("REFERRAL_TARAI_MAX_AGENCIES",
                                                        t["max_agencies_without_acceptance"])),
    }


def performance_min_answered() -> int:
    return int(data()["performance"]["min_answered"])


def disclosure_valid_days() -> int:
    return int(data()["sharing"]["disclosure_valid_days"])


def selectable_reasons() -> list[tuple[str, str]]:
    """The reasons a worker may choose (rejection, failure); the basis-ended ones are set by Renkei."""
    return [(r["code"], r["name"]) for r in data()["reasons"] if not r.get("basis_ended")]


def basis_hold() -> dict:
    return data()["basis_hold"]


def basis_ended_reasons() -> set[str]:
    return {r["code"] for r in data()["reasons"] if r.get("basis_ended")}


def basis_hold_reason(cause: str) -> str:
    return basis_hold()["causes"][cause]


def task_status(code: str) -> str:
    """Task.status in the SDOH Clinical Care IG's value set (task-status without ready and received)."""
    return {s["code"]: s["task"] for s in data()["statuses"]}[code]


def status_reason_default(code: str) -> str:
    return {s["code"]: s.get("status_reason_default", "") for s in data()["statuses"]}[code]
