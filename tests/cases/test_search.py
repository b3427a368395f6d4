import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from renkei.audit.models import AuditEvent
from renkei.cases import search
from renkei.cases.models import SearchDocument


@pytest.fixture
def records(pref, make_person, make_consultation, make_case, make_entry):
    person = make_person()
    old = make_consultation(person=person, content="家族からの相談。就労支援について知りたい。",
                            occurred_at=timezone.now() - dt.timedelta(days=3))
    case = make_case(person)
    entry = make_entry(case, body="同行訪問。家族と就労支援事業所の見学を相談した。")
    other = make_person(membership=pref.memberships.mallory, name="若葉 次郎", kana="ワカバ ジロウ")
    hidden = make_consultation(membership=pref.memberships.mallory, person=other, content="家族の就労支援の相談")
    return {"person": person, "old": old, "case": case, "entry": entry, "hidden": hidden}


def _ids(hits):
    return [(h.document.consultation_id, h.document.entry_id) for h in hits]


@pytest.mark.parametrize("query", ["家族", "就労支援事業所", "就労支援"])
def test_search_finds_two_and_five_character_queries_newest_first_and_only_what_may_be_seen(pref, records, query):
    hits = search.search_records(pref.memberships.alice, query)
    expected = [(None, records["entry"].pk)]
    if query != "就労支援事業所":
        expected.append((records["old"].pk, None))
    assert _ids(hits) == expected


def test_a_one_character_query_falls_back_to_a_scan(pref, records):
    assert len(search.search_records(pref.memberships.alice, "訪")) == 1


def test_search_is_width_insensitive(pref, make_person, make_consultation):
    make_consultation(person=make_person(), content="ＡＢＣ型作業所とｶｳﾝｾﾗｰについて")
    assert len(search.search_records(pref.memberships.alice, "abc型")) == 1
    assert len(search.search_records(pref.memberships.alice, "カウンセラー")) == 1
    assert len(search.search_records(pref.memberships.alice, "ｶｳﾝｾﾗｰ")) == 1


def test_search_uses_the_trigram_index_on_sqlite(pref, records):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite FTS5")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_search_fts WHERE cases_search_fts MATCH %s", ['"就労支援"'])
        assert cursor.fetchone()[0] == SearchDocument.objects.filter(text__contains="就労支援").count() == 3


def test_search_uses_a_trigram_gin_index_on_postgresql(pref, records):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL pg_trgm")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'cases_searchdoc_text_trgm'")
        assert "gin_trgm_ops" in cursor.fetchone()[0]


def test_amended_text_is_found_and_the_old_text_no_longer(pref, records):
    from renkei.cases import actions

    actions.do_amend_entry(request=None, membership=pref.memberships.alice, entry=records["entry"], version=1,
                           body="同行訪問。ハローワーク見学を相談した。", reason="機関名の誤り")
    assert _ids(search.search_records(pref.memberships.alice, "ハローワーク")) == [(None, records["entry"].pk)]
    assert _ids(search.search_records(pref.memberships.alice, "就労支援事業所")) == []


def test_highlight_escapes_html_before_marking_the_match():
    html = search.highlight("<script>alert(1)</script>家族の相談", "家族")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>家族</mark>" in html


def test_query_wildcards_are_literal(pref, records, make_consultation):
    assert search.search_records(pref.memberships.alice, "%") == []
    assert search.search_records(pref.memberships.alice, "_") == []


def test_search_page_marks_matches_and_logs_opened_results(pref, client_for, records):
    client = client_for(pref.users.alice)
    response = client.get(reverse("cases:search"), {"q": "就労支援"})
    body = response.content.decode()
    assert body.count("<mark>就労支援</mark>") == 2
    assert "若葉 次郎" not in body and "家族の就労支援の相談" not in body
    doc = records["entry"].search_document
    response = client.get(reverse("cases:search_open", args=[doc.pk]))
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="search.result_opened").get()
    assert event.person_id == str(records["person"].pk)


def test_an_outsider_cannot_open_a_search_result(pref, client_for, records):
    doc = records["entry"].search_document
    assert client_for(pref.users.mallory).get(reverse("cases:search_open", args=[doc.pk])).status_code == 404


def test_api_search_returns_persons_and_highlighted_hits(pref, client_for, records):
    data = client_for(pref.users.alice).get("/api/cases/search", {"q": "やまだ"}).json()
    assert [p["id"] for p in data["persons"]] == [records["person"].pk]
    data = client_for(pref.users.alice).get("/api/cases/search", {"q": "家族"}).json()
    assert [h["entry_id"] for h in data["hits"]] == [records["entry"].pk, None]
    assert "<mark>家族</mark>" in data["hits"][0]["snippet_html"]


@pytest.mark.django_db(transaction=True)
def test_postgresql_plans_a_rare_query_through_the_trigram_index(pref, make_person, make_consultation):
    """The query's expression must be the indexed one (`text` ILIKE, gin_trgm_ops), and the index's
    statistics current (VACUUM), or PostgreSQL scans the whole table."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL pg_trgm")
    rare = make_consultation(person=make_person(), content="精神保健福祉手帳の申請を案内した。")
    phrases = ["母親から電話。", "家族の疲れが強い。", "本人は自室から出ない。", "同行訪問を実施。", "通院を継続している。"]
    now = timezone.now()
    SearchDocument.objects.bulk_create([
        SearchDocument(organisation=pref.orgs.aoba, occurred_at=now - dt.timedelta(minutes=i),
                       text=f"{phrases[i % 5]}{phrases[(i * 3) % 5]} 記録番号{i}") for i in range(5000)])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cases_searchdocument")
    queryset = search.records_queryset(pref.memberships.alice, search.clean_query("精神保健福祉手帳"))
    plan = queryset[:50].explain()
    assert "cases_searchdoc_text_trgm" in plan, plan
    assert [d.consultation_id for d in queryset] == [rare.pk]


@pytest.mark.django_db(transaction=True)
def test_postgresql_finds_persons_by_name_and_case_number_through_trigram_indexes(pref, make_person, make_case):
    """`icontains` is UPPER(column) LIKE …: the trigram indexes are built on that expression (0005), and the
    case number is matched first, as ids, so no join of every person to every case is scanned."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL pg_trgm")
    from renkei.cases.models import Person

    rare = make_person(name="鈴木 花子", kana="スズキ ハナコ")
    case = make_case(rare)
    Person.objects.bulk_create([
        Person(organisation=pref.orgs.aoba, name=f"山田 太郎{i}", name_search=f"山田太郎{i}", kana=f"ヤマダ タロウ{i}",
               kana_folded=f"やまだたろう{i}", created_by=pref.users.alice) for i in range(5000)])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cases_person")
        cursor.execute("VACUUM ANALYZE cases_case")
    plan = search.persons_queryset(pref.memberships.alice, "鈴木花子")[:30].explain()
    assert "cases_person_name_upper_trgm" in plan, plan
    assert search.find_persons(pref.memberships.alice, "鈴木花子") == [rare]
    assert search.find_persons(pref.memberships.alice, case.number.lower()) == [rare]
