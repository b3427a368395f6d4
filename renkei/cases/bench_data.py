"""The synthetic prefecture of the cases benchmark, loaded fast (never used outside the benchmark).

Rows are written with explicit ids: PostgreSQL by COPY (the trigram index dropped during the load and
built once afterwards), SQLite by `executemany` (the FTS5 insert trigger dropped during the load and the
index built once by the external-content 'rebuild'). Records arrive in time order, as in real use: a
document's id grows with its time (record entries are written up to three days after the event).
"""

import datetime as dt
import random
import time
from dataclasses import dataclass
from importlib import import_module

from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from renkei.core.text import fold_kana, normalise

from . import reference

RARE = "精神保健福祉手帳"
PHRASES = ["母親から電話。", "家族の疲れが強い。", "本人は自室から出ない。", "就労支援事業所の見学を提案。", "同行訪問を実施。",
           "通院を継続している。", "借金の相談があった。", "眠れない日が続く。", "ケース会議で方針を確認。", "住まいの確保が課題。",
           "学校と連絡をとった。", "飲酒量が増えている。", "デイケアの利用を検討。", "生活保護の相談窓口を案内。", "訪問看護と情報共有。"]
ORGANISATIONS = 10  # municipalities; the benchmark's worker acts in the first
WORKERS = 100  # caseworkers per municipality: at the default size each leads 200 cases
SPAN_DAYS = 3650
CHUNK = 50_000
HOT_ENTRIES, HOT_CONSULTATIONS = 150, 50  # the measured case's timeline
TEAM_CASES = 20  # cases of another municipality where the worker is a co-worker (the team grant)
# Referrals between the municipalities: a long history, mostly ended, with a live few in each inbox
# (the measured organisation receives a tenth; its worker sent those of the cases it leads).
REFERRALS = 5_000
REFERRAL_STATUSES = ["completed"] * 12 + ["cancelled", "rejected", "failed"] + ["requested", "received", "accepted",
                                                                                 "in-progress", "on-hold"]


@dataclass
class Built:
    membership: object
    case: object
    persons: int
    entries: int
    consultations: int
    seconds: float


def _ts(value: dt.datetime):
    """A UTC datetime as the backend stores it."""
    if connection.vendor == "sqlite":
        return value.replace(tzinfo=None).isoformat(" ")
    return value


def _write(model, columns: list[str], rows) -> None:
    table = model._meta.db_table
    names = ", ".join(columns)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(columns))
    connection.connection.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
        return cursor.fetchone()[0] + 1


def _text(rng: random.Random, k: int) -> str:
    return "".join(rng.sample(PHRASES, 3)) + f" 記録番号{k}" + (RARE if rng.random() < 0.001 else "")


# --- index maintenance around the load ---------------------------------------------------------------
def _before_load(cursor) -> None:
    if connection.vendor == "sqlite":
        cursor.execute("DROP TRIGGER IF EXISTS cases_search_ai")
    elif connection.vendor == "postgresql":
        cursor.execute("DROP INDEX IF EXISTS cases_searchdoc_text_trgm")


def _after_load(cursor) -> None:
    indexes = import_module("renkei.cases.migrations.0002_search_indexes")
    if connection.vendor == "sqlite":
        cursor.execute("INSERT INTO cases_search_fts(cases_search_fts) VALUES ('rebuild')")
        cursor.execute(next(s for s in indexes.SQLITE_FORWARD if s.startswith("CREATE TRIGGER cases_search_ai")))
        cursor.execute("ANALYZE")
    elif connection.vendor == "postgresql":
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks, before the index
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute(next(s for s in indexes.POSTGRES_FORWARD if "cases_searchdoc_text_trgm" in s))
        cursor.execute("RESET maintenance_work_mem")


# --- the load ------------------------------------------------------------------------------------------
def build(persons: int, entries: int, consultations: int, seed: int = 1) -> Built:
    from renkei.accounts.models import Membership, Organisation, OrganisationType, User
    from renkei.accounts.reference import sync_reference_data

    from .models import Case, CaseCoWorker, Consultation, Person, RecordEntry, SearchDocument

    started = time.perf_counter()
    sync_reference_data()
    rng = random.Random(seed)
    kind = OrganisationType.objects.get(code="municipality")
    base = Organisation.objects.filter(code__startswith="bench").count()
    orgs, users = [], []  # users[o][w]: worker w of organisation o
    for i in range(ORGANISATIONS):
        org = Organisation.objects.create(code=f"bench{base + i}", name=f"計測市{base + i}", kana="ケイソクシ",
                                          type=kind, is_public=True)
        staff = User.objects.bulk_create([User(username=f"bench{base + i}-{w}", display_name=f"計測 職員{i}-{w}",
                                               password="!") for w in range(WORKERS)])
        Membership.objects.bulk_create([Membership(user=u, organisation=org, role="caseworker") for u in staff])
        orgs.append(org.pk)
        users.append([u.pk for u in staff])
    persons = max(persons, ORGANISATIONS * 2)
    now = timezone.now().replace(microsecond=0)
    start = now - dt.timedelta(days=SPAN_DAYS)
    p0, c0, e0, k0, d0 = (_next_id(m) for m in (Person, Case, RecordEntry, Consultation, SearchDocument))
    org_of = [orgs[i % ORGANISATIONS] for i in range(persons)]
    user_of = [users[i % ORGANISATIONS][(i // ORGANISATIONS) % WORKERS] for i in range(persons)]  # the lead
    me = users[0][0]  # the measured worker: lead of person 0's case

    with connection.cursor() as cursor:
        _before_load(cursor)
    _write(Person, ["id", "organisation_id", "name", "name_search", "kana", "kana_folded", "sex", "version",
                    "created_by_id", "created_at", "updated_at"],
           ((p0 + i, org_of[i], f"計測 {i}", f"計測{i}", f"ケイソク {i}", fold_kana(f"ケイソク {i}"), "unknown", 1,
             user_of[i], _ts(start), _ts(start)) for i in range(persons)))
    _write(Case, ["id", "organisation_id", "person_id", "number", "number_year", "number_seq", "lead_id", "status",
                  "closure_reason", "needs", "complexity", "phase", "summary", "opened_at", "version",
                  "created_by_id", "updated_at"],
           ((c0 + i, org_of[i], p0 + i, f"計測-{base}-{i + 1:07d}", 2026, i + 1, user_of[i], "support", "",
             '{"family": "moderate"}', "normal", "", "", _ts(start), 1, user_of[i], _ts(start))
            for i in range(persons)))
    team = rng.sample([i for i in range(1, persons) if i % ORGANISATIONS == 1], min(TEAM_CASES, persons // 10))
    my_membership = Membership.objects.get(user_id=me).pk  # the place is given to the measured worker's post
    _write(CaseCoWorker, ["case_id", "user_id", "membership_id"], ((c0 + i, me, my_membership) for i in team))

    total = entries + consultations
    step = dt.timedelta(days=SPAN_DAYS) / max(total, 1)
    hot_every_entry = max(1, entries // HOT_ENTRIES)
    hot_every_consultation = max(1, consultations // HOT_CONSULTATIONS)
    entry_kind = "visit"
    entry_prefix = reference.names("entry_kinds")[entry_kind]
    category = "rehabilitation"
    category_name = reference.all_category_names()[category]
    e_id, k_id = e0, k0
    for lo in range(0, total, CHUNK):
        entry_rows, consultation_rows, documents = [], [], []
        for k in range(lo, min(total, lo + CHUNK)):
            written = start + step * k
            body = _text(rng, k)
            if (k * consultations) // total != ((k + 1) * consultations) // total:  # evenly interleaved
                n = k_id - k0
                i = 0 if n % hot_every_consultation == 0 else rng.randrange(persons)
                person = None if (i and rng.random() < 0.05) else i
                org = org_of[i]
                consultation_rows.append((k_id, org, None if person is None else p0 + person, "", False, _ts(written),
                                          "phone", "family", category, "[]", user_of[i], body, 1, user_of[i],
                                          _ts(written)))
                documents.append((d0 + k, k_id, None, org, None if person is None else p0 + person,
                                  None if person is None else c0 + person, _ts(written),
                                  normalise(f"{category_name} {body}")))
                k_id += 1
            else:
                n = e_id - e0
                i = 0 if n % hot_every_entry == 0 else rng.randrange(persons)
                occurred = written - dt.timedelta(minutes=rng.randrange(3 * 24 * 60))
                entry_rows.append((e_id, c0 + i, entry_kind, _ts(occurred), user_of[i], body, 1, False, "", 1,
                                   _ts(written)))
                documents.append((d0 + k, None, e_id, org_of[i], p0 + i, c0 + i, _ts(occurred),
                                  normalise(f"{entry_prefix} {body}")))
                e_id += 1
        _write(RecordEntry, ["id", "case_id", "kind", "occurred_at", "author_id", "body", "revision_count",
                             "entered_in_error", "error_reason", "version", "created_at"], entry_rows)
        _write(Consultation, ["id", "organisation_id", "person_id", "subject_label", "is_anonymous", "occurred_at",
                              "channel", "consulter", "category", "factors", "staff_id", "content", "version",
                              "created_by_id", "created_at"], consultation_rows)
        _write(SearchDocument, ["id", "consultation_id", "entry_id", "organisation_id", "person_id", "case_id",
                                "occurred_at", "text"], documents)
    with connection.cursor() as cursor:
        _after_load(cursor)
        for sql in connection.ops.sequence_reset_sql(no_style(), [Person, Case, RecordEntry, Consultation,
                                                                   SearchDocument, CaseCoWorker]):
            cursor.execute(sql)
    _referrals(rng, persons, orgs, org_of, user_of, p0, c0, now)
    membership = Membership.objects.select_related("user", "organisation").get(user_id=me)
    case = Case.objects.get(pk=c0)
    return Built(membership, case, persons, entries, consultations, time.perf_counter() - started)


def _referrals(rng, persons, orgs, org_of, user_of, p0, c0, now) -> None:
    from renkei.referrals.models import Referral

    rows = []
    for n in range(min(REFERRALS, persons)):
        i = 0 if n == 0 else rng.randrange(persons)  # the measured case has one
        status = REFERRAL_STATUSES[n % len(REFERRAL_STATUSES)]
        sent = now - dt.timedelta(days=rng.randrange(1, 700))
        ended = status in ("completed", "cancelled", "rejected", "failed")
        rows.append(Referral(
            case_id=c0 + i, person_id=p0 + i, from_organisation_id=org_of[i], requester_id=user_of[i],
            to_organisation_id=orgs[(orgs.index(org_of[i]) + 1) % len(orgs)], purpose="計測用の連携依頼",
            asks=["advice"], scopes=["基本情報"], basis="consent", status=status,
            status_reason="no-capacity" if status in ("rejected", "failed") else "",
            created_at=sent, requested_at=sent, received_at=None if status == "requested" else sent,
            ended_at=sent + dt.timedelta(days=30) if ended else None, last_modified=sent + dt.timedelta(days=1)))
    # one live referral per person and receiver: keep the first of any repeat
    seen, unique = set(), []
    for r in rows:
        key = (r.person_id, r.to_organisation_id)
        if r.status in ("requested", "received", "accepted", "in-progress", "on-hold"):
            if key in seen:
                r.status, r.ended_at = "completed", r.requested_at + dt.timedelta(days=30)
            seen.add(key)
        unique.append(r)
    Referral.objects.bulk_create(unique, batch_size=1000)


def vacuum_analyze() -> None:
    """After the load, outside any transaction: planner statistics, and the GIN index's own statistics
    (updated only by VACUUM; with stale counts the planner prices the trigram index like a full scan)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for table in ("cases_searchdocument", "cases_consultation", "cases_recordentry", "cases_case",
                      "cases_person", "cases_case_co_workers"):
            cursor.execute(f"VACUUM ANALYZE {table}")
