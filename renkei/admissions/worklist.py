"""The 保健所's worklist: every deadline of the inpatients it keeps (data/deadlines.json, from the
admission's kind and time) not yet met — overdue, due today, due within 7 days — and the reports not yet
decided (直ちに・速やかに: no date, shown until decided)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from . import access, deadlines
from .models import Admission

SOON_DAYS = 7
DISCHARGE_DAYS = 60  # a stay that ended longer ago than this has no deadline left (退院届: 10 days)
MAX_OCCURRENCES = 60  # 30 years of 6-monthly reports: a bound, never reached by a real stay


@dataclass
class Item:
    admission: Admission
    rule: deadlines.Rule
    nth: int
    due: dt.date | dt.datetime

    @property
    def due_day(self) -> dt.date:
        return timezone.localtime(self.due).date() if isinstance(self.due, dt.datetime) else self.due

    def status(self, now: dt.datetime) -> str:
        today = timezone.localtime(now).date()
        if isinstance(self.due, dt.datetime) and self.due < now or self.due_day < today:
            return "overdue"
        return "today" if self.due_day == today else "soon"


STATUS_NAMES = {"overdue": "期限超過", "today": "今日が期限", "soon": f"{SOON_DAYS}日以内"}


def _ended_at(admission: Admission) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(admission.ended_on, dt.time(0, 0)))


def sources(admission: Admission, *, open_only: bool) -> list[tuple[deadlines.Rule, dt.datetime]]:
    """(rule, start) of every deadline of an admission: those of its kind from the admission (while it lasts,
    or all of them when not `open_only`), and once it ended those of `<kind>_discharge` (the 退院届 of a
    医療保護入院) from the day it ended."""
    out = []
    if not (open_only and admission.ended_on):
        out += [(rule, admission.admitted_at)
                for rule in deadlines.revision_on(admission.admitted_at).starting_with(admission.kind)]
    if admission.ended_on:
        ended = _ended_at(admission)
        out += [(rule, ended) for rule in deadlines.revision_on(ended).starting_with(f"{admission.kind}_discharge")]
    return out


def rule_start(admission: Admission, code: str) -> tuple[deadlines.Rule, dt.datetime] | None:
    return next(((rule, start) for rule, start in sources(admission, open_only=False) if rule.code == code), None)


def items_for(admission: Admission, now: dt.datetime, horizon_days: int = SOON_DAYS) -> list[Item]:
    """The unmet deadlines of one admission due up to `horizon_days` after today (earlier ones included)."""
    horizon = timezone.localtime(now).date() + dt.timedelta(days=horizon_days)
    done = {(d.rule, d.nth) for d in admission.documents.all()}
    out = []
    for rule, start in sources(admission, open_only=True):
        for nth in range(1, MAX_OCCURRENCES + 1):
            due = rule.due(start, nth)
            if due is None:
                break
            item = Item(admission, rule, nth, due)
            if item.due_day > horizon:
                break
            if (rule.code, nth) not in done:
                out.append(item)
    return out


def schedule(admission: Admission, count: int = 4) -> list[dict]:
    """Every deadline of an admission up to the next `count` of each recurring rule, met or not; `open` says
    whether it is still to be met (not for the deadlines of a stay that ended, but for those of its end)."""
    received = {(d.rule, d.nth): d for d in admission.documents.all()}
    current = {rule.code for rule, _start in sources(admission, open_only=True)}
    rows = []
    for rule, start in sources(admission, open_only=False):
        nth, pending = 1, 0
        while nth <= MAX_OCCURRENCES:
            due = rule.due(start, nth)
            if due is None:
                break
            document = received.get((rule.code, nth))
            rows.append({"rule": rule, "nth": nth, "due": due, "document": document,
                         "open": document is None and rule.code in current})
            pending += document is None
            if pending >= count:
                break
            nth += 1
    return sorted(rows, key=lambda r: (Item(admission, r["rule"], r["nth"], r["due"]).due_day, r["rule"].code))


def worklist(m, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    recent = timezone.localdate() - dt.timedelta(days=DISCHARGE_DAYS)
    admissions = list(access.admissions_visible_to(m).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=recent))
                      .select_related("person").prefetch_related("documents"))
    groups = {"overdue": [], "today": [], "soon": []}
    for admission in admissions:
        for item in items_for(admission, now):
            groups[item.status(now)].append(item)
    for rows in groups.values():
        rows.sort(key=lambda i: (i.due_day, i.admission.pk))
    pending = list(access.reports_visible_to(m).filter(decision="").select_related("person")
                   .order_by("received_at"))
    return {"groups": groups, "pending": pending,
            "persons": [i.admission.person for rows in groups.values() for i in rows] + [r.person for r in pending]}
