"""The SQLite search reads the trigram index newest-written first and stops early; whatever the order in
which records were written, it returns exactly the newest visible matches (as one sorted query would)."""

import datetime as dt
import random

from django.db import transaction

from renkei.cases import bench_data, search
from renkei.cases.models import SearchDocument


def _reference(membership, query, limit=50):
    return [d.pk for d in search.records_queryset(membership, search.clean_query(query))[:limit]]


def test_the_search_finds_the_newest_matches_whatever_order_they_were_written_in(db, monkeypatch):
    monkeypatch.setattr(search, "FIRST_BATCH", 4)
    monkeypatch.setattr(search, "MAX_BATCH", 16)
    monkeypatch.setattr(search, "NEWEST_WINDOWS", (8, 64))  # 1–2 characters: the newest-first windows
    with transaction.atomic():
        built = bench_data.build(persons=60, entries=600, consultations=150, seed=7)
    m = built.membership
    for label in ("in time order", "backdated at random"):
        for query in ("同行訪", "就労支援事", "家族", bench_data.RARE, "記録番号1"):
            for limit in (1, 5, 50):
                found = [h.document.pk for h in search.search_records(m, query, limit=limit)]
                assert found == _reference(m, query, limit), (label, query, limit)
        rng = random.Random(3)
        for doc in SearchDocument.objects.all():
            doc.occurred_at -= dt.timedelta(days=rng.randrange(0, 3000))
            doc.save(update_fields=["occurred_at"])


def test_the_search_shows_nothing_of_other_organisations_without_a_grant(db):
    with transaction.atomic():
        built = bench_data.build(persons=40, entries=400, consultations=80, seed=2)
    m = built.membership
    hits = search.search_records(m, "同行訪")
    assert hits
    team_cases = set(m.user.co_cases.values_list("pk", flat=True))
    team_persons = set(m.user.co_cases.values_list("person_id", flat=True))
    for hit in hits:
        doc = hit.document
        assert (doc.organisation_id == m.organisation_id or (doc.entry_id and doc.case_id in team_cases)
                or (doc.consultation_id and doc.person_id in team_persons))


def test_the_newest_rows_are_found_whatever_order_they_were_written_in(pref, make_person, make_consultation):
    """`newest` (the recent consultations list) reads the newest rows first and falls back to the whole
    table: the same rows as one sorted query, whatever the order of writing."""
    from django.utils import timezone

    from renkei.cases import access
    from renkei.cases.models import Consultation

    person = make_person()
    rng = random.Random(5)
    for i in range(40):
        make_consultation(person=person, content=f"相談{i}",
                          occurred_at=timezone.now() - dt.timedelta(days=rng.randrange(0, 400)))
    make_consultation(membership=pref.memberships.mallory, content="若葉町の相談")  # not visible to alice
    visible = access.consultations_visible_to(pref.memberships.alice).order_by("-occurred_at", "-id")
    for windows in [(2, 8), (5, 100), (1000,)]:
        for limit in (1, 7, 15, 60):
            assert search.newest(visible, limit, windows) == list(visible[:limit]), (windows, limit)
    assert Consultation.objects.count() == 41
