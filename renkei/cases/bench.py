"""Benchmark of search and saving (run by `manage.py bench cases` on a throwaway database).

Builds RENKEI_BENCH_ROWS (default 50,000) consultation and record-entry rows with bulk inserts, then
times: search for 2-, 3- and 5-character queries and a rare 8-character one (index) against the same queries as a plain LIKE scan,
the case page, and saving a consultation. Prints a table and merges the figures into
var/bench/latest.json under the database vendor.
"""

import json
import os
import random
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

SHORT, THREE, LONG, RARE = "家族", "同行訪", "就労支援事", "精神保健福祉手帳"
PHRASES = ["母親から電話。", "家族の疲れが強い。", "本人は自室から出ない。", "就労支援事業所の見学を提案。", "同行訪問を実施。",
           "通院を継続している。", "借金の相談があった。", "眠れない日が続く。", "ケース会議で方針を確認。", "住まいの確保が課題。",
           "学校と連絡をとった。", "飲酒量が増えている。", "デイケアの利用を検討。", "生活保護の相談窓口を案内。", "訪問看護と情報共有。"]


def _p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


def _time(fn, repeat=30):
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _build(rows: int):
    from renkei.accounts.models import Membership, Organisation, OrganisationType, User
    from renkei.accounts.reference import sync_reference_data

    from .models import Case, Consultation, Person, RecordEntry, SearchDocument
    from .search import consultation_text, entry_text

    sync_reference_data()
    org = Organisation.objects.create(code="bench", name="計測市", kana="ケイソクシ",
                                      type=OrganisationType.objects.get(code="municipality"), is_public=True)
    user = User.objects.create_user(username="bench", password="bench-password-123", display_name="計測 太郎")
    membership = Membership.objects.create(user=user, organisation=org, role="caseworker")
    rng = random.Random(1)
    now = timezone.now()
    persons = Person.objects.bulk_create([
        Person(organisation=org, name=f"計測 {i}", name_search=f"計測{i}", kana=f"ケイソク {i}", kana_folded=f"けいそく{i}",
               created_by=user) for i in range(max(1, rows // 20))])
    cases = Case.objects.bulk_create([
        Case(organisation=org, person=p, number=f"計測-2026-{i + 1:05d}", number_year=2026, number_seq=i + 1, lead=user,
             created_by=user) for i, p in enumerate(persons)])
    half = rows // 2
    start = time.perf_counter()
    for lo in range(0, half, 5000):
        batch = []
        for i in range(lo, min(half, lo + 5000)):
            text = "".join(rng.sample(PHRASES, 3)) + f" 記録番号{i}" + (RARE if i % 997 == 0 else "")
            batch.append(Consultation(organisation=org, person=persons[i % len(persons)], channel="phone",
                                      consulter="family", category="rehabilitation", staff=user, created_by=user,
                                      content=text, occurred_at=now - timezone.timedelta(minutes=i)))
        made = Consultation.objects.bulk_create(batch)
        SearchDocument.objects.bulk_create([
            SearchDocument(consultation=c, organisation=org, person=c.person, occurred_at=c.occurred_at,
                           text=consultation_text(c)) for c in made])
    for lo in range(0, rows - half, 5000):
        batch = []
        for i in range(lo, min(rows - half, lo + 5000)):
            text = "".join(rng.sample(PHRASES, 3)) + f" 経過{i}"
            case = cases[i % len(cases)]
            batch.append(RecordEntry(case=case, kind="visit", author=user, body=text,
                                     occurred_at=now - timezone.timedelta(minutes=i, seconds=30)))
        made = RecordEntry.objects.bulk_create(batch)
        SearchDocument.objects.bulk_create([
            SearchDocument(entry=e, organisation=org, person_id=e.case.person_id, case=e.case,
                           occurred_at=e.occurred_at, text=entry_text(e)) for e in made])
    build_s = time.perf_counter() - start
    return membership, cases[0], build_s


def _vacuum_analyze():
    """After a bulk load: planner statistics, and the GIN index's own statistics (its metapage counts,
    updated only by VACUUM). With stale GIN counts the planner prices the trigram index like a full scan
    and scans the table even for a rare 8-character query; autovacuum does this in production."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for table in ("cases_searchdocument", "cases_consultation", "cases_recordentry", "cases_case",
                      "cases_person"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def run(out, rows: int | None = None, write: bool = True):
    from . import actions, search

    rows = rows or int(os.environ.get("RENKEI_BENCH_ROWS", "50000"))
    with transaction.atomic():
        membership, case, build_s = _build(rows)
    _vacuum_analyze()
    m = membership

    figures = {"rows": rows, "build_s": round(build_s, 2)}
    for label, query in [("short", SHORT), ("three", THREE), ("long", LONG), ("rare", RARE)]:
        times = _time(lambda q=query: search.search_records(m, q))
        figures[f"search_{label}_p50_ms"], figures[f"search_{label}_p95_ms"] = statistics.median(times), _p(times, .95)
        scan = _time(lambda q=query: list(search.like_scan(q).order_by("-occurred_at")[:50]), repeat=10)
        figures[f"scan_{label}_p95_ms"] = _p(scan, .95)

    client = Client(SERVER_NAME="localhost")
    client.force_login(m.user)
    page = _time(lambda: client.get(f"/cases/{case.pk}/"), repeat=20)
    figures["case_page_p50_ms"], figures["case_page_p95_ms"] = statistics.median(page), _p(page, .95)

    def save():
        actions.do_log_consultation(request=None, membership=m, data={
            "channel": "phone", "consulter": "family", "category": "rehabilitation", "content": "計測用の相談"})
    saves = _time(save, repeat=20)
    figures["consultation_save_p50_ms"], figures["consultation_save_p95_ms"] = statistics.median(saves), _p(saves, .95)

    out.write(f"backend: {connection.vendor}, rows: {rows:,} (built in {build_s:.1f} s)")
    out.write(f"{'measure':32} {'p50 ms':>9} {'p95 ms':>9}")
    for key in sorted(k for k in figures if k.endswith("_p95_ms")):
        base = key[:-7]
        p50 = figures.get(f"{base}_p50_ms")
        out.write(f"{base:32} {(f'{p50:.2f}' if p50 is not None else '—'):>9} {figures[key]:9.2f}")
    summary = {"rows": rows, "case_page_p95_ms": round(figures["case_page_p95_ms"], 2),
               "search_p95_ms": round(figures["search_long_p95_ms"], 2),
               "search_rare_p95_ms": round(figures["search_rare_p95_ms"], 2),
               "scan_rare_p95_ms": round(figures["scan_rare_p95_ms"], 2),
               "search_short_p95_ms": round(figures["search_short_p95_ms"], 2),
               "scan_p95_ms": round(figures["scan_long_p95_ms"], 2),
               "consultation_save_p95_ms": round(figures["consultation_save_p95_ms"], 2)}
    if not write:
        return summary
    path = Path(settings.BASE_DIR) / "var" / "bench" / "latest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(path.read_text()) if path.exists() else {}
    existing.setdefault("cases", {})[connection.vendor] = summary
    path.write_text(json.dumps(existing, ensure_ascii=False, indent=2))
    out.write(f"written to {path}")
    return summary
