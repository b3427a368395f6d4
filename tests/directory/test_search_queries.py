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
