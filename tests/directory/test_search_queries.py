"""The directory search page costs a fixed number of queries, whatever the number of services it lists."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def _queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("directory:search"))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_the_search_page_queries_do_not_grow_with_the_services_listed(pref, client_for, small_directory,
                                                                      make_service, prefecture):
    client = client_for(pref.users.alice)
    client.get(reverse("directory:search"))
    small, _ = _queries(client)
    weekday = [("MO,TU,WE,TH,FR", "09:00", "17:00", True)]
    for n in range(5):
        make_service(f"計測の機関{n}", f"計測のサービス{n}", kinds=["housing-support"], areas=[prefecture], hours=weekday,
                     capacity=(n, 10), languages=("ja", "en"), access="段差なし")
    large, body = _queries(client)
    assert large == small, f"{large - small} more queries for 5 more services"
    assert all(f"計測のサービス{n}" in body for n in range(5))
    assert "受入枠 3／10" in body and "居住支援" in body


def test_a_long_result_list_comes_in_pages_that_keep_the_filters(pref, client_for, make_service, prefecture,
                                                                 monkeypatch):
    from renkei.directory import search

    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    for n in range(5):
        make_service(f"ページの機関{n}", f"ページのサービス{n}", kinds=["housing-support"], areas=[prefecture])
    client = client_for(pref.users.alice)
    first = client.get(reverse("directory:search"), {"q": "ページ"}).content.decode()
    assert "5件のうち 1〜2件目" in first and "1 / 3 ページ" in first
    assert "ページのサービス0" in first and "ページのサービス1" in first and "ページのサービス2" not in first
    assert "q=%E3%83%9A%E3%83%BC%E3%82%B8&amp;page=2" in first  # the next page keeps the search
    last = client.get(reverse("directory:search"), {"q": "ページ", "page": "3"}).content.decode()
    assert "ページのサービス4" in last and "5件のうち 5〜5件目" in last and "次へ" not in last
    beyond = client.get(reverse("directory:search"), {"q": "ページ", "page": "9"}).content.decode()
    assert "ページのサービス4" in beyond  # past the last page: the last page
    for odd in ("-1", "abc", "99999999999999999999", "3\x00"):
        response = client.get(reverse("directory:search"), {"q": "ページ", "page": odd})
        assert response.status_code == 400 and "ページ" in response.content.decode(), odd
    filtered = client.get(reverse("directory:search"), {"q": "ページ", "accepting": "on", "page": "2"}).content.decode()
    assert "5件のうち 3〜4件目" in filtered  # a filter read from the services pages the same way
