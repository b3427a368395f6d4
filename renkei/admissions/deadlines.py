"""The deadlines of 入院等関係事務 as data (data/deadlines.json): one revision per law revision, picked by
the date the deadline starts from; each rule's deadline computed from its unit.

- hours: exactly that many hours later (72 hours count nights and holidays alike).
- days: the first day is not counted (民法140条): 10 days from an admission on the 1st end on the 11th.
- months: the corresponding day, or the month's last day when there is none (民法143条; 3 months from
  1月31日 is 4月30日); `at` lists the months counted from the start, `then_every` the interval after.
- roll_to_business_day: a deadline that falls on a day the offices are closed (Saturday, Sunday, a
  national holiday, 12月29日〜1月3日) moves to the next open day (行政機関の休日に関する法律2条).
- immediately / promptly / in_advance / none: no date is computed; 直ちに counts as due on the day itself.
"""

import datetime as dt
from dataclasses import dataclass
from functools import cache

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone

from renkei.core.dates import add_months
from renkei.referrals.business_days import is_business_day

from .reference import load

UNIT_WORDS = {"immediately": "直ちに", "promptly": "速やかに", "in_advance": "あらかじめ", "none": "期限の定めなし"}
DATE_UNITS = {"hours", "days", "months"}


@dataclass(frozen=True)
class Rule:
    code: str
    event: str
    starts: str | None
    document: str
    deadline: dict
    submitter: str
    receiver: str
    article: str
    confirmed: bool
    source: str
    after: "Rule | None" = None  # counted from each deadline of another rule (更新届: from each term end)

    @property
    def unit(self) -> str:
        return self.deadline["unit"]

    @property
    def computed(self) -> bool:
        return self.unit in DATE_UNITS

    @property
    def deadline_label(self) -> str:
        """The deadline in words: 「72時間」「10日以内」「3か月・6か月、以後6か月ごと」「直ちに」."""
        d, unit = self.deadline, self.unit
        if unit == "hours":
            text = f"{d['amount']}時間"
        elif unit == "days":
            text = (f"{self.after.document.split('（')[0]}から" if self.after else "") + f"{d['amount']}日以内"
        elif unit == "months":
            text = "・".join(f"{m}か月" for m in d["at"]) + (f"、以後{d['then_every']}か月ごと" if d.get("then_every")
                                                          else "")
        else:
            return UNIT_WORDS[unit]
        return text + ("（閉庁日は翌開庁日）" if d.get("roll_to_business_day") else "")

    def due(self, start: dt.datetime, nth: int = 1) -> dt.datetime | dt.date | None:
        """The nth deadline from `start` (an aware datetime): a datetime for hours, a date otherwise (the
        whole day counts); None when the rule computes no date or has no nth deadline."""
        local = timezone.localtime(start) if timezone.is_aware(start) else start
        unit, d = self.unit, self.deadline
        if unit == "hours":
            return start + dt.timedelta(hours=d["amount"]) if nth == 1 else None
        if unit == "immediately":
            return local.date() if nth == 1 else None
        if unit == "days":
            if self.after is not None:
                base = self.after.due(start, nth)
                if base is None:
                    return None
                day = base + dt.timedelta(days=d["amount"])
            elif nth != 1:
                return None
            else:
                day = local.date() + dt.timedelta(days=d["amount"])
        elif unit == "months":
            months = _nth_month(d, nth)
            if months is None:
                return None
            day = add_months(local.date(), months)
        else:
            return None
        if d.get("roll_to_business_day"):
            while not is_business_day(day):
                day += dt.timedelta(days=1)
        return day

    def recurring(self) -> bool:
        if self.after is not None:
            return self.after.recurring()
        return self.unit == "months" and (len(self.deadline["at"]) > 1 or bool(self.deadline.get("then_every")))


def _nth_month(d: dict, nth: int) -> int | None:
    at = d["at"]
    if nth <= len(at):
        return at[nth - 1]
    every = d.get("then_every")
    return at[-1] + every * (nth - len(at)) if every else None


@dataclass(frozen=True)
class Revision:
    code: str
    name: str
    in_force_from: dt.date
    rules: tuple[Rule, ...]

    def rule(self, code: str) -> Rule | None:
        return next((r for r in self.rules if r.code == code), None)

    def starting_with(self, event: str) -> list[Rule]:
        return [r for r in self.rules if r.starts == event]


def _rules(raws: list[dict]) -> tuple[Rule, ...]:
    """The rules of one revision; a rule counted `after` another names one listed before it."""
    made: dict[str, Rule] = {}
    for raw in raws:
        after = raw["deadline"].get("after")
        if after is not None and after not in made:
            raise ImproperlyConfigured(f"deadlines.json: {raw['code']} の after {after!r} はその前の rule ではありません。")
        made[raw["code"]] = Rule(
            code=raw["code"], event=raw["event"], starts=raw["starts"], document=raw["document"],
            deadline=raw["deadline"], submitter=raw["from"], receiver=raw["to"], article=raw["article"],
            confirmed=bool(raw["confirmed"]), source=raw.get("source", ""), after=made[after] if after else None)
    return tuple(made.values())


@cache
def revisions() -> tuple[Revision, ...]:
    """Every revision, newest first."""
    out = [Revision(code=r["code"], name=r["name"], in_force_from=dt.date.fromisoformat(r["in_force_from"]),
                    rules=_rules(r["rules"])) for r in load("deadlines")["revisions"]]
    return tuple(sorted(out, key=lambda r: r.in_force_from, reverse=True))


class NoRevision(ValidationError):
    """No revision of the data covers the date (before the oldest one): refused in Japanese."""


def revision_on(day: dt.date | dt.datetime) -> Revision:
    """The revision in force on `day` (the date an admission or report happened)."""
    if isinstance(day, dt.datetime):
        day = (timezone.localtime(day) if timezone.is_aware(day) else day).date()
    for revision in revisions():
        if revision.in_force_from <= day:
            return revision
    raise NoRevision(f"{day:%Y-%m-%d} より前の入院等関係事務の規定はデータにありません。")


def rule(code: str, on: dt.date | dt.datetime) -> Rule | None:
    return revision_on(on).rule(code)
