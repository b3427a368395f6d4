"""Demo persons, consultations, cases and records of みどり県 (data/demo_cases.json: the scenarios of
SCENARIOS.md), plus a few dozen generated fictional persons with short histories. Idempotent: every
row is found by a stable key first, and a second load changes nothing."""

import datetime as dt
import json
import random
from pathlib import Path

from django.utils import timezone

from renkei.core.dates import FiscalYear

from . import search
from .actions import case_prefix
from .models import Case, CaseCoWorker, CaseStatusChange, Consultation, Person, RecordEntry, RecordRevision

DATA = Path(__file__).parent / "data" / "demo_cases.json"
GENERATED = 54
SURNAMES = [("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松田", "マツダ"), ("中島", "ナカジマ"), ("藤田", "フジタ"),
            ("岡田", "オカダ"), ("後藤", "ゴトウ"), ("長谷川", "ハセガワ"), ("石井", "イシイ"), ("近藤", "コンドウ"),
            ("坂本", "サカモト"), ("遠藤", "エンドウ"), ("青木", "アオキ"), ("藤井", "フジイ"), ("西村", "ニシムラ")]
GIVEN = [("陽介", "ヨウスケ", "male"), ("美穂", "ミホ", "female"), ("健一", "ケンイチ", "male"), ("由美", "ユミ", "female"),
         ("翔太", "ショウタ", "male"), ("彩", "アヤ", "female"), ("和夫", "カズオ", "male"), ("恵子", "ケイコ", "female"),
         ("大介", "ダイスケ", "male"), ("真由美", "マユミ", "female")]
STORIES = [
    ("depression", [], "気分の落ち込みと不眠が続き、仕事を休んでいる。受診先を案内。"),
    ("alcohol", [], "飲酒がやめられず家族と口論が絶えない。断酒会と専門外来を紹介。"),
    ("gambling", [], "パチンコによる借金。家族が金銭管理に困っている。依存症相談拠点を案内。"),
    ("gaming", ["developmental"], "高校生の息子が昼夜逆転しゲームをやめられない。発達障害の診断あり。"),
    ("elderly", [], "高齢の母の物忘れと妄想。介護保険の申請と地域包括支援センターへの連絡を調整。"),
    ("rehabilitation", ["hikikomori"], "長年ひきこもっている。家族が今後を心配している。家族教室を案内。"),
    ("mental_health", ["disaster"], "豪雨災害の後、眠れず不安が強い。こころのケア相談を案内。"),
    ("other", ["crime_victim"], "犯罪被害の後、外出が怖い。被害者支援センターと連携。"),
    ("epilepsy", [], "てんかんの発作があり就労が続かない。ハローワークの専門援助部門を紹介。"),
    ("drugs", [], "市販薬の過量服薬を繰り返している。専門医療機関への受診を調整。"),
]
WORKERS = {"aoba": "aoba.sodan", "wakaba": "wakaba.sodan", "sakuragawa": "sakura.sodan", "chuo-hc": "hoken.sodan"}


def _at(text: str):
    return timezone.make_aware(dt.datetime.fromisoformat(text))


def _person(ctx, spec) -> Person:
    org = ctx.orgs[spec["org"]]
    values = {"kana": spec["kana"], "sex": spec["sex"], "municipality": ctx.orgs.get(spec.get("municipality")),
              "address": spec.get("address") or None, "phone": spec.get("phone") or None,
              "contact_notes": spec.get("contact_notes") or None, "created_by": ctx.users[WORKERS[spec["org"]]]}
    person, changed = ctx.upsert(Person, {"organisation": org, "name": spec["name"],
                                          "birth_date": dt.date.fromisoformat(spec["birth_date"])}, values)
    ctx.note(changed)
    return person


def _consultation(ctx, org, person, spec) -> None:
    staff = ctx.users[spec["staff"]]
    values = {"channel": spec["channel"], "consulter": spec["consulter"], "category": spec["category"],
              "factors": spec.get("factors", []), "staff": staff, "duration_minutes": spec.get("minutes"),
              "content": spec["content"], "created_by": staff, "is_anonymous": person is None and not spec.get("label"),
              "subject_label": spec.get("label", "")}
    consultation, changed = ctx.upsert(Consultation, {"organisation": org, "person": person,
                                                      "occurred_at": _at(spec["at"])}, values)
    ctx.note(changed)
    if changed or not hasattr(consultation, "search_document"):
        search.sync_consultation(consultation)


def _case(ctx, org, person, spec) -> None:
    lead, opened = ctx.users[spec["lead"]], _at(spec["opened"])
    case = Case.objects.filter(organisation=org, person=person).first()
    if case is None:
        year = FiscalYear.of(opened).year
        seq = Case.objects.filter(organisation=org, number_year=year).count() + 1
        case = Case.objects.create(organisation=org, person=person, number=f"{case_prefix(org)}-{year}-{seq:04d}",
                                   number_year=year, number_seq=seq, lead=lead, opened_at=opened, created_by=lead)
        CaseStatusChange.objects.create(case=case, to_status="intake", by=lead, at=opened)
        ctx.note(True)
    values = {"lead": lead, "status": spec["status"], "complexity": spec["complexity"], "phase": spec["phase"],
              "needs": spec["needs"], "summary": spec["summary"]}
    _, changed = ctx.upsert(Case, {"pk": case.pk}, values)
    ctx.note(changed)
    if changed and spec["status"] != "intake" and not case.status_changes.filter(to_status=spec["status"]).exists():
        CaseStatusChange.objects.create(case=case, from_status="intake", to_status=spec["status"], by=lead, at=opened)
    wanted = _co_worker_places(ctx, org, spec["co_workers"])
    if dict(CaseCoWorker.objects.filter(case=case).values_list("user_id", "membership_id")) != wanted:
        CaseCoWorker.objects.filter(case=case).delete()
        CaseCoWorker.objects.bulk_create([CaseCoWorker(case=case, user_id=user, membership_id=membership)
                                          for user, membership in wanted.items()])
        ctx.note(True)
    last = None
    for entry_spec in spec["entries"]:
        _entry(ctx, case, entry_spec)
        last = max(last or _at(entry_spec["at"]), _at(entry_spec["at"]))
    if last and case.last_contact_at != last:
        Case.objects.filter(pk=case.pk).update(last_contact_at=last)
        ctx.note(True)


def _entry(ctx, case, spec) -> None:
    at, author = _at(spec["at"]), ctx.users[spec["author"]]
    if RecordEntry.objects.filter(case=case, occurred_at=at).exists():
        return
    body = spec.get("amended") or spec["body"]
    entry = RecordEntry.objects.create(case=case, kind=spec["kind"], occurred_at=at, author=author, body=body,
                                       revision_count=2 if spec.get("amended") else 1,
                                       version=2 if spec.get("amended") else 1, created_at=at)
    RecordRevision.objects.create(entry=entry, number=1, kind=spec["kind"], occurred_at=at, body=spec["body"],
                                  by=author, at=at)
    if spec.get("amended"):
        RecordRevision.objects.create(entry=entry, number=2, kind=spec["kind"], occurred_at=at, body=body,
                                      reason=spec["reason"], by=author, at=at + dt.timedelta(hours=2))
    search.sync_entry(entry)
    ctx.note(True)


def _generated(ctx) -> list[dict]:
    rng = random.Random(20261125)
    orgs = ["aoba", "aoba", "wakaba", "sakuragawa", "chuo-hc"]
    out = []
    for i in range(GENERATED):
        (sur, sur_kana), (given, given_kana, sex) = SURNAMES[i % len(SURNAMES)], GIVEN[(i * 7) % len(GIVEN)]
        org = orgs[i % len(orgs)]
        category, factors, content = STORIES[i % len(STORIES)]
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 58))
        consultations = []
        for n in range(1 + i % 3):
            at = dt.datetime(2025, 4, 1, 9) + dt.timedelta(days=rng.randrange(0, 600), minutes=rng.randrange(0, 480))
            consultations.append({"at": at.isoformat(timespec="minutes"), "channel": rng.choice(
                ["phone", "phone", "visit_in", "home_visit", "mail"]), "consulter": rng.choice(["self", "family"]),
                "category": category, "factors": factors, "staff": WORKERS[org], "minutes": 10 + 5 * rng.randrange(10),
                "content": content if n == 0 else "継続相談。状況を確認し、次回の予定を決めた。"})
        municipality = org if org != "chuo-hc" else rng.choice(["aoba", "wakaba", "sakuragawa"])
        out.append({"org": org, "name": f"{sur} {given}", "kana": f"{sur_kana} {given_kana}", "sex": sex,
                    "birth_date": born.isoformat(), "municipality": municipality, "consultations": consultations})
    return out


def load(ctx) -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for spec in data["persons"] + _generated(ctx):
        person = _person(ctx, spec)
        org = ctx.orgs[spec["org"]]
        for c in spec["consultations"]:
            _consultation(ctx, org, person, c)
        if spec.get("case"):
            _case(ctx, org, person, spec["case"])
    for spec in data["anonymous"]:
        _consultation(ctx, ctx.orgs[spec["org"]], None, spec)


def _co_worker_places(ctx, org, usernames) -> dict:
    """{user id: membership id} of the demo case's co-workers, each in the membership the case form offers
    (`forms.pick_membership` of `forms.team_candidates`)."""
    from types import SimpleNamespace

    from .forms import pick_membership, team_candidates

    candidates = list(team_candidates(SimpleNamespace(organisation=org)))
    places = {}
    for username in usernames:
        user = ctx.users[username]
        chosen = pick_membership([m for m in candidates if m.user_id == user.pk], org.pk)
        if chosen is None:
            raise ValueError(f"demo: {username} may not join a case of {org.name}")
        places[user.pk] = chosen.pk
    return places
