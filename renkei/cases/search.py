"""Japanese full-text search over consultations and case-record entries, and the person finder.

One function, `search_records`, branches on `connection.vendor`:
- SQLite: the FTS5 table `cases_search_fts` (trigram tokenizer, external content = SearchDocument,
  kept in sync by triggers; see migration 0002), read newest-written first (`fts_newest`). A trigram
  index cannot match 1–2 characters, so such queries use LIKE on the same normalised text, over the
  newest documents first (`newest`).
- PostgreSQL: `ILIKE '%q%'`, served by a pg_trgm GIN index on the same column (migration 0002).
Text is normalised the same way at write and query time (NFKC, spaces collapsed); names also by
kana folding. Only what the worker may see (access layer), newest first, the match highlighted.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from renkei.core.text import fold_kana, normalise
from renkei.core.validators import CONTROL_CHARACTERS

from . import access
from .models import Case, Consultation, RecordEntry, SearchDocument

FTS_TABLE = "cases_search_fts"
SNIPPET_RADIUS = 40
MAX_QUERY = 100


# --- keeping the documents ----------------------------------------------------------------------------
def consultation_text(c: Consultation) -> str:
    parts = [c.subject_label, c.category_name, " ".join(c.factor_names), c.content]
    return normalise(" ".join(p for p in parts if p))


def entry_text(e: RecordEntry) -> str:
    return normalise(f"{e.kind_name} {e.body}")


def sync_consultation(c: Consultation) -> None:
    case_id = c.person.cases.order_by("-opened_at").values_list("pk", flat=True).first() if c.person_id else None
    SearchDocument.objects.update_or_create(consultation=c, defaults={
        "organisation_id": c.organisation_id, "person_id": c.person_id, "case_id": case_id,
        "occurred_at": c.occurred_at, "text": consultation_text(c),
    })


def sync_entry(e: RecordEntry) -> None:
    SearchDocument.objects.update_or_create(entry=e, defaults={
        "organisation_id": e.case.organisation_id, "person_id": e.case.person_id, "case_id": e.case_id,
        "occurred_at": e.occurred_at, "text": entry_text(e),
    })


# --- searching -------------------------------------------------------------------------------------
def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matching(query: str):
    """SearchDocument rows whose text contains `query` (already normalised), any backend."""
    if connection.vendor == "sqlite":
        if len(query) >= 3:
            phrase = '"' + query.replace('"', '""') + '"'
            return SearchDocument.objects.filter(
                id__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [phrase]))
        return SearchDocument.objects.extra(where=["cases_searchdocument.text LIKE %s ESCAPE '\\'"],
                                            params=[f"%{_like_escape(query)}%"])
    if connection.vendor == "postgresql":
        return SearchDocument.objects.extra(where=["cases_searchdocument.text ILIKE %s"],
                                            params=[f"%{_like_escape(query)}%"])
    return SearchDocument.objects.filter(text__icontains=query)


def like_scan(query: str):
    """The same query as a plain scan (no index), for the benchmark's comparison."""
    query = normalise(query)
    op = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
    return SearchDocument.objects.extra(where=[f"cases_searchdocument.text {op} %s ESCAPE '\\'"],
                                        params=[f"%{_like_escape(query)}%"])


def highlight(text: str, query: str, radius: int | None = SNIPPET_RADIUS) -> SafeString:
    """An HTML-escaped snippet of `text` around the first match, every match wrapped in <mark>."""
    if not query:
        return escape(text[: (radius or len(text)) * 2])
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    first = pattern.search(text)
    if radius is not None:
        start = max(0, (first.start() if first else 0) - radius)
        end = min(len(text), (first.end() if first else 0) + radius * 2)
        prefix, suffix = ("…" if start > 0 else ""), ("…" if end < len(text) else "")
        text = text[start:end]
    else:
        prefix = suffix = ""
    out, pos = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[pos:match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        pos = match.end()
    out.append(escape(text[pos:]))
    return mark_safe(escape(prefix) + "".join(out) + escape(suffix))  # noqa: S308 — every piece escaped


@dataclass
class Hit:
    document: SearchDocument
    snippet: SafeString


def clean_query(raw) -> str:
    """The query as searched: control characters (NUL breaks SQLite's FTS syntax and PostgreSQL's text)
    become spaces, width and spaces normalised, at most MAX_QUERY characters."""
    return normalise(CONTROL_CHARACTERS.sub(" ", str(raw or "")))[:MAX_QUERY]


def search_records(membership, raw_query, limit: int = 50) -> list[Hit]:
    """Consultations and record entries the worker may see that contain the query, newest first."""
    query = clean_query(raw_query)
    if not query:
        return []
    with access.grants_per_request():  # the grants and the epoch token read once for the whole search
        if connection.vendor == "sqlite" and len(query) >= 3:
            ids = fts_newest(access.search_documents_visible_to(membership), query, limit)
        else:  # SQLite 1–2 characters: newest rows first; PostgreSQL: its trigram index
            ids = newest(records_queryset(membership, query).values_list("id", flat=True), limit)
        docs = _hits_page(ids)
    return [Hit(doc, highlight(doc.text, query)) for doc in docs]


HIT_FIELDS = ("id", "consultation_id", "entry_id", "organisation_id", "person_id", "case_id", "occurred_at", "text",
              "person__id", "person__name", "case__id", "case__number")


def _hits_page(ids: list[int]):
    """The documents `ids`, newest first, with what a result line shows (person's name, case number).
    `ids` come only from the access-filtered queries above, so they are not filtered a second time."""
    if not ids:
        return []
    return (SearchDocument.objects.filter(pk__in=ids).select_related("person", "case")
            .only(*HIT_FIELDS).order_by("-occurred_at", "-id"))


def records_queryset(membership, query: str):
    """The search as one query (`query` already cleaned): matching, visible, newest first."""
    return _matching(query).filter(access.search_visibility(membership)).order_by("-occurred_at", "-id")


FIRST_BATCH, MAX_BATCH = 256, 16384
NEWEST_WINDOWS = (2_000, 20_000)


def newest(queryset, limit: int, windows=None) -> list:
    """The first `limit` rows of `queryset` — ordered newest first by its table's indexed `occurred_at`
    (then id) — reading on SQLite the newest rows of the table first, in growing windows, and the whole
    table only when a window holds fewer than `limit` of them (SQLite otherwise collects every row of an
    OR of access conditions and sorts them all; and a trigram index cannot serve a 1–2 character LIKE).
    Exact: when the newest N rows hold `limit` rows of `queryset`, no older row can be among the first
    `limit`. PostgreSQL plans this itself."""
    if connection.vendor != "sqlite":
        return list(queryset[:limit])
    table = queryset.model._meta.db_table
    for window in windows or NEWEST_WINDOWS:
        recent = RawSQL(f"SELECT id FROM {table} ORDER BY occurred_at DESC, id DESC LIMIT %s", [window])
        rows = list(queryset.filter(id__in=recent)[:limit])
        if len(rows) >= limit:
            return rows
    return list(queryset[:limit])


def _none_written_earlier(cursor, after, low: int, budget: int) -> bool:
    """True when no document with an id below `low` is dated after `after` (as stored). Reads at most
    `budget` entries of the occurred_at index (oldest first); False when that does not settle it."""
    cursor.execute("SELECT count(*), COALESCE(MAX(id < %s), 0) FROM (SELECT id FROM cases_searchdocument "
                   "WHERE occurred_at > %s ORDER BY occurred_at LIMIT %s)", [low, after, budget])
    seen, earlier = cursor.fetchone()
    return seen < budget and not earlier


def fts_newest(visible, query: str, limit: int) -> list[int]:
    """Ids of the newest `limit` documents of `visible` (a SearchDocument queryset) that contain `query`
    (3+ characters, normalised), through the SQLite FTS5 trigram index, in (occurred_at, id) order.

    FTS5 hands out its matches by rowid (the document id) without sorting, so the index is read from the
    newest-written end in growing batches. Documents are written roughly in time order (a record may be
    dated in the past), so the walk stops as soon as no document written earlier — of any text — is dated
    after the `limit`-th hit found so far: the result is exact whatever the order, and a common word is
    answered from its last few hundred matches instead of sorting all of them.

    Each batch is one statement: the batch of matches (a CTE), its lowest id and size, and those of its
    documents the worker may see (the access layer's condition, compiled once)."""
    try:
        visible_sql, visible_params = visible.values_list("occurred_at", "id").order_by().query.sql_with_params()
    except EmptyResultSet:
        return []
    joiner = " AND " if visible.query.where else " WHERE "
    phrase = '"' + query.replace('"', '""') + '"'
    found: list[tuple] = []
    upper, batch = None, FIRST_BATCH
    with connection.cursor() as cursor:
        while True:
            below = "" if upper is None else " AND rowid < %s"
            cursor.execute(
                f"WITH batch AS MATERIALIZED (SELECT rowid AS id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s{below} "
                "ORDER BY rowid DESC LIMIT %s) "
                "SELECT 0, (SELECT min(id) FROM batch), (SELECT count(*) FROM batch) UNION ALL "
                f"SELECT 1, * FROM ({visible_sql}{joiner}cases_searchdocument.id IN (SELECT id FROM batch))",
                [phrase, *([] if upper is None else [upper]), batch, *visible_params])
            rows = cursor.fetchall()
            head = next(row for row in rows if row[0] == 0)
            low, n = head[1], head[2]
            found.extend((occurred, pk) for flag, occurred, pk in rows if flag == 1)
            if not n or n < batch:
                break
            upper, batch = low, min(batch * 4, MAX_BATCH)
            if len(found) >= limit:
                found = sorted(found, reverse=True)[:limit]
                if _none_written_earlier(cursor, found[-1][0], low, budget=4 * batch):
                    break
    return [pk for _, pk in sorted(found, reverse=True)[:limit]]


MAX_NUMBER_PERSONS = 500


def find_persons(membership, raw_query, limit: int = 30):
    """Persons by name (width-insensitive), フリガナ (kana-folded) or case number, from one box.

    The three matches are alternatives on the person's own columns (the persons with a matching case
    number are read first, as ids), so PostgreSQL answers each from its trigram index (0002, 0005)
    instead of scanning every person joined to every case."""
    query = clean_query(raw_query)
    if not query:
        return []
    return list(persons_queryset(membership, query)[:limit])


def persons_queryset(membership, query: str):
    """`find_persons` as a queryset (`query` already cleaned and not empty)."""
    compact = query.replace(" ", "")
    folded = fold_kana(query)
    by_number = list(Case.objects.filter(number__icontains=compact).order_by()
                     .values_list("person_id", flat=True).distinct()[:MAX_NUMBER_PERSONS + 1])
    if len(by_number) > MAX_NUMBER_PERSONS:
        by_number = Case.objects.filter(number__icontains=compact).values("person_id")
    condition = Q(name_search__icontains=compact) | Q(pk__in=by_number)
    if folded:
        condition |= Q(kana_folded__contains=folded)
    return (access.persons_visible_to(membership).filter(condition)
            .select_related("municipality").order_by("kana_folded", "id"))


def log_results(request, membership, query: str, persons, hits) -> None:
    """One audit entry for a page (or API answer) of search results: the query, and every person it shows
    — those found by name and those whose consultations or records matched."""
    from renkei.audit.reads import log_listing

    docs = [hit.document for hit in hits]
    log_listing(request, "search.performed", list(persons) + [d.person for d in docs if d.person_id],
                field_groups=[access.BASIC, access.RECORDS], membership=membership, always=True,
                data={"query": query, "documents": [d.pk for d in docs]})
