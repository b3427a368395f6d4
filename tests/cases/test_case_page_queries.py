"""The case page costs a fixed number of queries, whatever the length of its timeline (no N+1)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renkei.cases import actions

# Today's page takes about 30 (session, membership, the grants of other apps, the case, the timeline,
# the guidance, the audit entry). The ceiling leaves room for a few more grants, not for a query per row.
CEILING = 40


def _add_history(pref, person, case, make_consultation, make_entry, n):
    alice, bob = pref.memberships.alice, pref.memberships.bob
    for i in range(n):
        make_consultation(membership=bob if i % 2 else alice, person=person, content=f"相談{i}")
        entry = make_entry(case, body=f"訪問{i}", membership=bob if i % 2 else alice)
        actions.do_amend_entry(request=None, membership=alice, entry=entry, version=1, body=f"訪問{i}（修正）",
                               reason="誤字")
        if i % 3 == 0:
            actions.do_mark_entry_in_error(request=None, membership=bob, entry=entry, version=2, reason="別人の記録")


def _count(client, case):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("cases:case_detail", args=[case.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_the_case_page_queries_do_not_grow_with_its_timeline(pref, client_for, make_person, make_consultation,
                                                              make_case, make_entry):
    person = make_person()
    case = make_case(person, co_workers=[pref.users.bob, pref.users.hana], needs={"medical": "moderate"},
                     complexity="complex")
    client = client_for(pref.users.alice)
    _add_history(pref, person, case, make_consultation, make_entry, 2)
    client.get(reverse("cases:case_detail", args=[case.pk]))  # warm caches (session, content types)
    small, _ = _count(client, case)
    _add_history(pref, person, case, make_consultation, make_entry, 10)
    client.get(reverse("cases:case_detail", args=[case.pk]))  # the new records changed the grant epoch
    large, body = _count(client, case)
    assert body.count("修正の履歴") == 12 and body.count("誤記入:") == 5
    assert large == small, f"{large - small} more queries for 10 more entries and consultations"
    assert large <= CEILING
